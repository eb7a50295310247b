"""The near-duplicate building blocks, and grouping quality on the generated labelled set."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from baosong.grouping import neardup
from baosong.grouping.eventset import cn_number, labelled_set

# The bar (docs/performance.md): pairwise precision and recall on the labelled set, pooled over five
# fixed seeds that were not used for tuning. Measured: precision 0.994, recall 0.966.
PRECISION_BAR = 0.95
RECALL_BAR = 0.92
SEEDS = (101, 102, 103, 104, 105)


def doc(key: int, title: str, body: str, place: str = "", hours: float = 0) -> neardup.Doc:
    return neardup.Doc(
        key=key,
        signature=tuple(neardup.signature(title, body)),
        features=frozenset(neardup.features(title, body)),
        place=neardup.place_of(place, title, body),
        when=dt.datetime(2026, 7, 1, tzinfo=dt.UTC) + dt.timedelta(hours=hours),
    )


def test_identical_texts_have_similarity_one_and_unrelated_ones_near_zero():
    a = neardup.signature("城关镇李家村发生民房火灾", "消防救援大队出动消防车3辆，无人员伤亡。")
    b = neardup.signature("城关镇李家村发生民房火灾", "消防救援大队出动消防车3辆，无人员伤亡。")
    c = neardup.signature("全区教育工作会议召开", "会议总结了上学期教育教学工作，部署新学期重点任务。")
    assert neardup.similarity(a, b) == 1.0
    assert neardup.similarity(a, c) < 0.1
    assert neardup.unpack(neardup.pack(a)) == tuple(a)


def test_numbers_written_in_chinese_count_as_the_same_numbers():
    assert (
        neardup.normalise_numbers("转移群众三百二十人，出动消防车十二辆") == "转移群众320人，出动消防车12辆"
    )
    assert cn_number(207) == "二百零七"
    assert "#人=320" in neardup.features("", "转移群众三百二十人")


def test_places_agree_when_nested_or_unknown_and_disagree_when_they_differ():
    assert neardup.places_compatible("东湖区城关镇李家村", "城关镇")
    assert neardup.places_compatible("李家村", "东湖区城关镇李家村")
    assert neardup.places_compatible("", "新桥镇王庄村")
    assert not neardup.places_compatible("城关镇李家村", "新桥镇王庄村")
    assert not neardup.places_compatible("城关镇李家村", "城关镇张湾村")
    assert neardup.place_of("", "关于李家村民房火灾的报告", "") == "李家村"
    assert neardup.place_of("", "", "28日下午，我镇李家村王某家中起火。") == "镇李家村"


def test_the_same_event_rewritten_is_grouped_and_a_similar_one_elsewhere_is_not():
    docs = [
        doc(1, "城关镇李家村发生一起民房火灾",
            "28日14时许，城关镇李家村王某家起火，消防车3辆到场，无人员伤亡，损失约12万元。"),
        doc(2, "李家村一民房起火",
            "我镇李家村王某家28日下午突发火情，消防车三辆迅速扑救，损失12万元，无人员伤亡。", hours=3),
        doc(3, "新桥镇王庄村发生一起民房火灾",
            "28日16时许，新桥镇王庄村刘某家起火，消防车2辆到场，无人员伤亡，损失约5万元。", hours=2),
        doc(4, "城关镇李家村发生一起民房火灾",
            "28日14时许，城关镇李家村王某家起火，消防车3辆到场。", hours=60),
    ]  # fmt: skip
    assert neardup.group(docs) == [[1, 2]]


def test_labelled_set_has_events_rewritten_by_several_units_and_hard_negatives():
    items = labelled_set(events=80, seed=101)
    by_event = defaultdict(list)
    for it in items:
        by_event[it.event].append(it)
    assert max(len(v) for v in by_event.values()) >= 4
    assert len({(it.title, it.body) for it in items}) == len(items)
    # Hard negatives: different events of the same kind within the 48-hour window.
    firsts = [v[0] for v in by_event.values()]
    near_twins = [
        (x.event, y.event)
        for x in firsts
        for y in firsts
        if x.event < y.event and x.kind == y.kind and abs(x.sent_at - y.sent_at) <= neardup.WINDOW
    ]
    assert len(near_twins) >= 20
    assert labelled_set(events=80, seed=101) == items  # deterministic


def test_grouping_precision_and_recall_on_the_labelled_set_meet_the_bar():
    tp = fp = fn = 0
    for seed in SEEDS:
        items = labelled_set(events=80, seed=seed)
        docs = [
            neardup.Doc(
                key=it.key,
                signature=tuple(neardup.signature(it.title, it.body)),
                features=frozenset(neardup.features(it.title, it.body)),
                place=neardup.place_of(it.place, it.title, it.body),
                when=it.event_time or it.sent_at,
            )
            for it in items
        ]
        by_event = defaultdict(list)
        for it in items:
            by_event[it.event].append(it.key)
        truth = neardup.pairs_of(by_event.values())
        predicted = neardup.pairs_of(neardup.group(docs))
        tp, fp, fn = tp + len(truth & predicted), fp + len(predicted - truth), fn + len(truth - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= PRECISION_BAR, precision
    assert recall >= RECALL_BAR, recall
