"""Near-duplicate detection for same-event grouping: MinHash signatures over jieba tokens, LSH banding
for candidate pairs, confirmed by similarity, a time window and compatible places. No database.

Why MinHash rather than SimHash: units rewrite the same event with their own sentences in their own
order, leave details out and add openings; what stays is the set of content words (place, cause,
numbers). MinHash estimates the Jaccard overlap of those sets, so a rewrite that keeps half the words
scores about one half whatever the order. On the labelled set (``eventset``) SimHash over the same
tokens separated same-event pairs from hard negatives less well — see ``bench/bench_grouping.py
--compare`` and docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import re
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from baosong.search.tokenize import tokens

NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.25  # weighted Jaccard of the token sets; tuned on the labelled set (docs/performance.md)
MAX_BUCKET = 10  # larger LSH buckets compare neighbours only (candidate_pairs)
PRIOR = 50  # documents added to the inbox for the word weights (see weights())
WINDOW = dt.timedelta(hours=48)
_WINDOW_SECONDS = WINDOW.total_seconds()

_PRIME = (1 << 61) - 1
_MAX = (1 << 32) - 1
_rng = random.Random(0x5A3E)  # fixed: stored signatures must stay comparable across processes
_PERMS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_PERM)]

# Function words and the vocabulary every report shares; they say nothing about which event it is.
_STOPWORD_TEXT = (
    "我镇 我乡 我街道 我局 我区 我县 我市 报告 情况 有关 如下 现将 关于 以来 目前 一起 一处 发生 "
    "进行 开展 工作 相关 已经 正在 进一步 下一步 及时 迅速 第一 第一时间 时间 组织 全力 当地 "
    "其中 部分 共计 累计 约 余 近 许 位于 据 的 了 和 与 及 在 对 将 已 并"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_CN_NUM = re.compile(r"[零一二两三四五六七八九十百千]+(?=[人名辆处条件支次户间亩万分小立毫平公])")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def _cn_to_int(text: str) -> int | None:
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def normalise_numbers(text: str) -> str:
    """三百二十人 → 320人: units write numbers both ways, the event's numbers are the same."""

    def repl(m: re.Match[str]) -> str:
        value = _cn_to_int(m.group(0))
        return m.group(0) if value is None else str(value)

    return _CN_NUM.sub(repl, text)


_FACT = re.compile(
    r"(K\d+\+\d+)|(?<![A-Za-z0-9])([GSXYZ]\d{3})|(\d+(?:\.\d+)?)\s*"
    r"(万元|平方米|立方米|毫米|亩|人次|人|名|辆|处|条|件|支|次|户|间|分钟|小时|日|时|号楼)"
)
FACT_MARK = "#"
# A road (G316) or a kilometre post (K127+997) names the place itself: one differing settles it.
DECISIVE = {"K", "路"}
# 一辆、一处、一次 are articles, not counts.
_ARTICLES = {"辆", "处", "次"}


def facts(text: str) -> set[str]:
    """The numbers an item states with their units (#毫米=112, #日=3, #K=K127+997, #路=G316): the same
    event is told with the same numbers, a similar event with others."""
    out = set()
    for m in _FACT.finditer(text):
        kilometre, road, value, unit = m.groups()
        if kilometre:
            out.add(f"{FACT_MARK}K={kilometre}")
        elif road:
            out.add(f"{FACT_MARK}路={road}")
        elif not (value == "1" and unit in _ARTICLES):
            out.add(f"{FACT_MARK}{'人' if unit == '名' else unit}={value}")
    return out


def features(title: str, body: str) -> set[str]:
    """Content tokens of title and body: jieba search-mode words of two or more characters (and numbers),
    without the reporting boilerplate; plus the stated numbers (``facts``)."""
    text = normalise_numbers(f"{title}\n{body}")
    words = {t for t in tokens(text) if (len(t) >= 2 or t.isdigit()) and t not in STOPWORDS}
    return words | facts(text)


def facts_by_unit(features: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in features:
        if f.startswith(FACT_MARK):
            unit, _, value = f[1:].partition("=")
            out[unit].add(value)
    return out


def facts_disagree(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """More kinds of number (days, hours, people, millimetres…) on which the two differ than on which
    they agree — two landslides in one village two days apart, not one told twice —, or a different
    road or kilometre post. ``a`` and ``b`` come from ``facts_by_unit``."""
    agree = disagree = 0
    for unit in a.keys() & b.keys():
        if a[unit] & b[unit]:
            agree += 1
        elif unit in DECISIVE:
            return True
        else:
            disagree += 1
    return disagree > 0 and disagree >= agree


def minhash(feature_set: Iterable[str]) -> list[int]:
    """NUM_PERM 32-bit minima of universal hashes of the features' CRC32; all-max for an empty set."""
    hashes = [zlib.crc32(f.encode()) for f in feature_set]
    if not hashes:
        return [_MAX] * NUM_PERM
    return [min(((a * h + b) % _PRIME) & _MAX for h in hashes) for a, b in _PERMS]


def signature(title: str, body: str) -> list[int]:
    return minhash(features(title, body))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard overlap: the share of equal minima."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / NUM_PERM


_PACKING = struct.Struct(f">{NUM_PERM}I")


def pack(sig: Sequence[int]) -> bytes:
    return _PACKING.pack(*sig)


def unpack(data: bytes) -> tuple[int, ...]:
    return _PACKING.unpack(data)


# ---- places -------------------------------------------------------------------------------------------

# Name characters: CJK except the words that come before a place in running text (我镇, 位于, 在, 的…).
_NAME = r"[^\W\dA-Za-z_我本全各该在于的和与及位据致送至日时分晨午晚系由]"
_PLACE = re.compile(_NAME + r"{2,8}?(?:街道|社区|省|市|区|县|镇|乡|村)")
_LEVEL = {"省": 0, "市": 1, "区": 2, "县": 2, "镇": 3, "乡": 3, "街道": 3, "村": 4, "社区": 4}


def place_parts(text: str) -> dict[int, str]:
    """东湖区城关镇李家村 → {2: 东湖区, 3: 城关镇, 4: 李家村}; the first name of each level wins."""
    parts: dict[int, str] = {}
    for m in _PLACE.finditer(text or ""):
        name = m.group(0)
        level = _LEVEL[name[-2:]] if name[-2:] in _LEVEL else _LEVEL[name[-1]]
        parts.setdefault(level, name)
    return parts


def place_of(place: str, title: str, body: str = "") -> str:
    """The place an item names: its 地点 field, completed by the place names of its title and of the
    first sentence of its body (where reports say where it happened); "" when none."""
    parts = place_parts(place)
    for extra in (place_parts(title), place_parts(body.split("。", 1)[0])):
        for level, name in extra.items():
            if level >= 3:
                parts.setdefault(level, name)
    return "".join(parts[level] for level in sorted(parts))


def places_compatible(a: str, b: str) -> bool:
    """Same or nested place, or one unknown. 城关镇 and 东湖区城关镇李家村 agree; 城关镇李家村 and
    新桥镇王庄村 do not. A name found in a title may carry a word in front (关于李家村): endings match."""
    return parts_compatible(place_parts(a), place_parts(b))


def parts_compatible(pa: dict[int, str], pb: dict[int, str]) -> bool:
    for level in pa.keys() & pb.keys():
        x, y = pa[level], pb[level]
        if not (x.endswith(y) or y.endswith(x)):
            return False
    return True


# ---- grouping ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    key: int
    signature: tuple[int, ...]
    features: frozenset[str]
    place: str
    when: dt.datetime


def candidate_pairs(docs: Sequence[Doc]) -> set[tuple[int, int]]:
    """Index pairs sharing at least one band of ROWS minima (LSH). With 32 bands of 2, a pair whose
    token sets overlap by 0.25 is a candidate with probability 0.87, one overlapping by 0.1 with 0.27.
    Documents are expected in time order (neighbours in an oversized bucket are compared)."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        lo = band * ROWS
        buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for i, d in enumerate(docs):
            if d.signature[0] != _MAX:  # an empty text matches nothing
                buckets[d.signature[lo : lo + ROWS]].append(i)
        for members in buckets.values():
            if len(members) > MAX_BUCKET:
                # A band value shared by this many documents comes from a word most reports use: only
                # neighbours (in input order) are compared, so identical copies still link up.
                pairs.update(itertools.pairwise(members))
            elif len(members) > 1:
                pairs.update(itertools.combinations(members, 2))
    return pairs


def weights(docs: Sequence[Doc]) -> dict[str, float]:
    """Inverse document frequency over the inbox being grouped, smoothed by PRIOR documents without the
    word, so that in a small inbox the weights stay nearly equal and in a large one the words every
    report of a kind uses (火灾, 扑救, 受伤) count little against its place, people and numbers."""
    df: dict[str, int] = defaultdict(int)
    for d in docs:
        for f in d.features:
            df[f] += 1
    total = len(docs) + PRIOR
    return {f: math.log(total / (n + 1)) for f, n in df.items()}


def weighted_similarity(a: frozenset[str], b: frozenset[str], w: dict[str, float]) -> float:
    """Weighted Jaccard overlap of two token sets."""
    union = sum(w[f] for f in a | b)
    return sum(w[f] for f in a & b) / union if union else 0.0


class _Prepared:
    """What the pair checks read, computed once per document rather than once per pair."""

    __slots__ = ("facts", "features", "parts", "total", "when")

    def __init__(self, d: Doc, w: dict[str, float]) -> None:
        self.when = d.when.timestamp()
        self.parts = place_parts(d.place)
        self.facts = facts_by_unit(d.features)
        self.features = d.features
        self.total = sum(w[f] for f in d.features)


def _same_event(a: _Prepared, b: _Prepared, w: dict[str, float], threshold: float) -> bool:
    # Cheapest checks first: most candidate pairs fail on time or similarity.
    if abs(a.when - b.when) > _WINDOW_SECONDS:
        return False
    shared = sum(w[f] for f in a.features & b.features)
    union = a.total + b.total - shared
    if not union or shared / union < threshold:
        return False
    return parts_compatible(a.parts, b.parts) and not facts_disagree(a.facts, b.facts)


def same_event(a: Doc, b: Doc, w: dict[str, float], *, threshold: float = THRESHOLD) -> bool:
    """Within the time window, similar enough (weighted), compatible places, the same numbers."""
    return _same_event(_Prepared(a, w), _Prepared(b, w), w, threshold)


def group(docs: Sequence[Doc], *, threshold: float = THRESHOLD) -> list[list[int]]:
    """Connected components (two or more members) of confirmed same-event pairs; keys in input order,
    groups in the order of their first member."""
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    w = weights(docs)
    weight = w.__getitem__
    prepared = [_Prepared(d, w) for d in docs]
    for i, j in candidate_pairs(docs):
        a, b = prepared[i], prepared[j]
        # _same_event inlined, cheapest checks first: this loop is the grouping's cost.
        if abs(a.when - b.when) > _WINDOW_SECONDS:
            continue
        shared = sum(map(weight, a.features & b.features))
        if shared < threshold * (a.total + b.total - shared) or not shared:
            continue
        ri, rj = find(i), find(j)
        if ri != rj and parts_compatible(a.parts, b.parts) and not facts_disagree(a.facts, b.facts):
            parent[ri] = rj
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        components[find(i)].append(i)
    groups = [c for c in components.values() if len(c) >= 2]
    groups.sort(key=lambda c: c[0])
    return [[docs[i].key for i in c] for c in groups]


# ---- quality ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    purity: float
    true_pairs: int
    predicted_pairs: int
    groups: int


def pairs_of(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for g in groups:
        members = sorted(g)
        out.update((members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members)))
    return out


def quality(groups: list[list[int]], labels: dict[int, int]) -> Quality:
    """Pairwise precision and recall against the true events, and purity (the share of grouped items
    that belong to their group's majority event)."""
    by_event: dict[int, list[int]] = defaultdict(list)
    for key, event in labels.items():
        by_event[event].append(key)
    truth = pairs_of(by_event.values())
    predicted = pairs_of(groups)
    hits = len(truth & predicted)
    grouped = sum(len(g) for g in groups)
    majority = 0
    for g in groups:
        counts: dict[int, int] = defaultdict(int)
        for key in g:
            counts[labels[key]] += 1
        majority += max(counts.values())
    return Quality(
        precision=hits / len(predicted) if predicted else 1.0,
        recall=hits / len(truth) if truth else 1.0,
        purity=majority / grouped if grouped else 1.0,
        true_pairs=len(truth),
        predicted_pairs=len(predicted),
        groups=len(groups),
    )
