"""Chinese word segmentation for search (and near-duplicate grouping): jieba in search mode, with a custom
dictionary of unit names and the place names derived from them.

``tokens(text)`` is what gets indexed: every word of jieba's precise cut, preceded by each shorter word of
the dictionary it contains (search mode), so 扶贫 is found inside 精准扶贫 and 城关镇 inside 东湖区城关镇.
``query_terms(text)`` is what a query is matched with: the precise cut of each query word, every term
required. Segmentation runs without jieba's HMM (new-word guessing), so the same characters segment the
same way in a document and in a query; unknown words fall back to single characters.

The dictionary is read once per process, and again when the unit table's version stamp
(``SearchState.dict_version``, bumped by the unit signal handler and by ``reindex``) changes; the stamp is
checked at most every ``DICT_CHECK_SECONDS``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

DICT_CHECK_SECONDS = 30.0
_WORD_RE = re.compile(r"[\w]", re.UNICODE)
# A place name ends with an administrative suffix; a full unit name is a run of them, e.g. 东湖区城关镇.
_PLACE_RE = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:自治区|自治州|自治县|特别行政区|街道|社区|省|市|区|县|旗|盟|州|镇|乡|村)"
)
_ORG_SUFFIXES = (
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "办公室",
    "办公厅",
)
_MAX_WORD = 8

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_loaded_version: int | None = None
_checked_at = 0.0


def place_names(name: str) -> list[str]:
    """The place names in a unit name: 东湖区城关镇 → [东湖区, 城关镇]; 东湖区人民政府办公室 → [东湖区]."""
    core = name
    for suffix in _ORG_SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    found = []
    pos = 0
    while pos < len(core):
        m = _PLACE_RE.match(core, pos)
        if not m:
            break
        found.append(m.group(0))
        pos = m.end()
    return [w for w in found if len(w) >= 2]


def dictionary_words(names: Iterable[tuple[str, str]]) -> set[str]:
    """Words for the custom dictionary from (name, short_name) pairs: short words as they are, place names
    derived from every name. Long full names stay out: they would hide their parts in search mode."""
    words: set[str] = set()
    for name, short in names:
        for w in (name, short):
            w = (w or "").strip()
            if not w:
                continue
            if 2 <= len(w) <= _MAX_WORD:
                words.add(w)
            words.update(place_names(w))
    return words


def _unit_words() -> set[str]:
    from baosong.orgs.models import Unit

    return dictionary_words(Unit.objects.values_list("name", "short_name").iterator(chunk_size=5000))


def _current_version() -> int:
    from baosong.search.models import SearchState

    return SearchState.current().dict_version


def _build() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    try:
        words = _unit_words()
    except Exception:  # the unit table may not exist yet (before migrate)
        words = set()
    for w in sorted(words):
        tk.add_word(w, freq=max(tk.suggest_freq(w, tune=False), 1000))
    return tk


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer, built on first use and rebuilt when the unit dictionary's stamp moved."""
    global _tokenizer, _loaded_version, _checked_at
    now = time.monotonic()
    if _tokenizer is not None and now - _checked_at < DICT_CHECK_SECONDS:
        return _tokenizer
    with _lock:
        if _tokenizer is not None and now - _checked_at < DICT_CHECK_SECONDS:
            return _tokenizer
        try:
            version: int | None = _current_version()
        except Exception:
            version = _loaded_version
        if _tokenizer is None or version != _loaded_version:
            _tokenizer = _build()
            _loaded_version = version
        _checked_at = now
        return _tokenizer


def reset() -> None:
    """Forget the tokenizer (tests, reindex): the next call reads the dictionary again."""
    global _tokenizer, _loaded_version, _checked_at
    with _lock:
        _tokenizer = None
        _loaded_version = None
        _checked_at = 0.0


def _is_word(w: str) -> bool:
    return bool(_WORD_RE.search(w))


def tokens(text: str) -> list[str]:
    """Search-mode tokens of ``text`` in order (punctuation and spaces dropped, Latin lower-cased): for a
    word longer than two characters, the dictionary words inside it come first, then the word itself."""
    if not text:
        return []
    tk = tokenizer()
    freq = tk.FREQ
    out: list[str] = []
    for w in tk.cut(text, HMM=False):
        if not _is_word(w):
            continue
        w = w.lower()
        n = len(w)
        if n > 2:
            for size in range(2, n):
                for i in range(n - size + 1):
                    part = w[i : i + size]
                    if freq.get(part):
                        out.append(part)
        out.append(w)
    return out


def query_terms(text: str) -> list[str]:
    """The terms a query requires: jieba's precise cut of the query, punctuation dropped, Latin
    lower-cased, duplicates removed (order kept)."""
    if not text:
        return []
    tk = tokenizer()
    seen: dict[str, None] = {}
    for w in tk.cut(text, HMM=False):
        if _is_word(w):
            seen.setdefault(w.lower(), None)
    return list(seen)


def segmented(text: str) -> str:
    """``tokens(text)`` space-joined: the text the index stores."""
    return " ".join(tokens(text))
