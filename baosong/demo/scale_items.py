"""A year of information items (信息) for benchmarks, written with bulk inserts and explicit ids.

Titles and bodies are composed here from the templates and word lists of ``data/scale_items.json`` and
``data/scale_topics.json`` (topics, measures, figures, events) and the place names of the unit tree. Every
item follows the workflow's rules as if its people had used the services: review trail, one submission per
target at the parent unit, decisions there, forwarding county → city → province. Times are drawn against
one "now", so what is recent is still waiting and what is old has been decided.

Like ``baosong.demo.scale`` this writes no audit or domain events: the generated items are for timing
the reporting pages and lists, not for the scoring ledger or the search index.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import DateTimeField, JSONField, Max, Model
from django.utils import timezone

from baosong.demo.scale import PLACE_A, PLACE_B
from baosong.demo.texts import load
from baosong.orgs.models import Level, Membership, ReviewStep, Role, Unit, UnitKind
from baosong.reports.models import (
    URGENCY_RANK,
    Category,
    DeadlineRule,
    PublicScope,
    Report,
    ReportStatus,
    ReviewAction,
    Revision,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)
from baosong.reports.timeliness import due_at
from baosong.workdays.calendar import Calendar, calendar_for

# ------------------------------------------------------------------------------------------ vocabulary
#
# Figures in the templates: {s1} {s2} a few (2–14), {m1} {m2} tens, {m1b} no more than {m1}, {l1} {l2}
# hundreds, {l1b} no more than {l1}, {x1} thousands, {pct} a rate (86–99), {r1} a change (3–30), {w1} {w2}
# 万元, {date} {date2} dates before the item; places: {p} the writing unit, {scope} its area (全镇, 全县),
# {vil} {vil2} places inside it, {nvil} how many there are, {pw} what they are (村（社区）), {leader} its
# head, {T} the topic; titles also get {subject} (how a title names the unit) and what the category draws
# ({policy} {unit}, {slogan}, {issue}).


@dataclass(frozen=True)
class Topic:
    name: str
    fields: frozenset[str]  # "gov": township and county offices; otherwise a department key (see DEPT_FIELDS)
    tags: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]  # (heading, detail)
    results: tuple[str, ...]
    issues: tuple[str, ...]


TOPICS = [
    Topic(
        t["name"],
        frozenset(t["fields"]),
        tuple(t["tags"]),
        tuple((heading, detail) for heading, detail in t["measures"]),
        tuple(t["results"]),
        tuple(t["issues"]),
    )
    for t in load("scale_topics.json")
]

TEXT = load("scale_items.json")
# Department name → the field its topics and policies belong to.
DEPT_FIELDS: dict[str, str] = TEXT["dept_fields"]
# (policy, fields, who benefits)
POLICIES: list[dict[str, Any]] = TEXT["policies"]
SLOGANS: list[str] = TEXT["slogans"]
# Each with its title phrase, short name, nature, consequence options and response.
EVENTS: list[dict[str, Any]] = TEXT["events"]
LEADS: dict[str, list[str]] = TEXT["leads"]
UPPER: list[str] = TEXT["upper"]
AIMS: list[str] = TEXT["aims"]
NEXT: list[str] = TEXT["next"]
GOALS: list[str] = TEXT["goals"]
SUGGESTIONS: list[str] = TEXT["suggestions"]
# Sentences that follow a measure, a lead or a finding, as offices pad out what they did.
ELABORATIONS: list[str] = TEXT["elaborations"]
# A second sentence for the lead of a 工作动态 or 经验做法; the first only after a meeting.
MEETING_WORD: str = TEXT["meeting_word"]
MEETING_CONTEXT: str = TEXT["meeting_context"]
LEAD_CONTEXT: list[str] = TEXT["lead_context"]
VOICES: list[str] = TEXT["voices"]
CAUSES: list[str] = TEXT["causes"]
NUMERALS: str = TEXT["numerals"]
TITLES: dict[str, list[str]] = TEXT["titles"]
SENTENCES: dict[str, str] = TEXT["sentences"]
EMERGENCY: dict[str, Any] = TEXT["emergency"]
TAGS: dict[str, str] = TEXT["tags"]
EDIT: dict[str, Any] = TEXT["edit"]
# How units and their areas are named: parsing the tree's names and naming what it lacks.
NAMING: dict[str, Any] = TEXT["naming"]
REVIEW_LABELS: dict[str, Any] = TEXT["review"]
DECLINE_COMMENTS: list[str] = TEXT["decline_comments"]
RETURN_COMMENTS: list[str] = TEXT["return_comments"]
REVIEW_RETURN_COMMENTS: list[str] = TEXT["review_return_comments"]

# ------------------------------------------------------------------------------------------ composition


def _fill(template: str, ctx: dict[str, Any] | None = None, **extra: Any) -> str:
    return template.format_map({**(ctx or {}), **extra})


@dataclass
class Source:
    """A unit that writes items, with what its texts need."""

    unit_id: int
    target_id: int
    county_id: int  # the county office whose area it is (its own id for the office itself)
    subjects: list[str]  # how titles name it: 新河镇, 东城县新河镇
    p: str  # how bodies name it: 新河镇, 县教育局
    scope: str  # 全镇, 全县
    leader: str
    domain: str  # "gov" or a department key
    places: list[str]  # villages of a township, townships of a county
    reporters: list[int]
    chain: list[dict[str, Any]] = field(default_factory=list)
    reviewer: int | None = None

    @property
    def place_word(self) -> str:
        return NAMING["villages_word"] if self.scope != NAMING["county_scope"] else NAMING["townships_word"]


def _figures(rng: random.Random) -> dict[str, Any]:
    r = rng.random
    m1, l1 = 12 + int(r() * 87), 120 + int(r() * 860)
    pct = 86 + int(r() * 14)
    return {
        "s1": 2 + int(r() * 8),
        "s2": 3 + int(r() * 12),
        "m1": m1,
        "m2": 12 + int(r() * 87),
        "m1b": max(1, m1 * pct // 100),
        "l1": l1,
        "l2": 120 + int(r() * 860),
        "l1b": max(1, l1 * pct // 100),
        "x1": 1200 + int(r() * 8600),
        "r1": 3 + int(r() * 28),
        "pct": pct,
        "w1": f"{20 + r() * 900:.1f}",
        "w2": f"{5 + r() * 200:.1f}",
    }


def _md(d: dt.datetime) -> str:
    return SENTENCES["date"].format(month=d.month, day=d.day)


def _points(items: Sequence[str]) -> str:
    """一是…。二是…。"""
    return "".join(_fill(SENTENCES["point"], numeral=NUMERALS[i], text=x) for i, x in enumerate(items))


class Writer:
    """Composes titles and bodies. One instance per generation; all randomness from its ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topics_by_field: dict[str, list[Topic]] = defaultdict(list)
        for t in TOPICS:
            for f in t.fields:
                self.topics_by_field[f].append(t)
        self.policies_by_field: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for policy in POLICIES:
            for f in policy["fields"]:
                self.policies_by_field[f].append((policy["name"], policy["unit"]))

    def _ctx(self, src: Source, at: dt.datetime, **extra: Any) -> dict[str, Any]:
        rng = self.rng
        vil, vil2 = rng.sample(src.places, 2) if len(src.places) > 1 else (src.places[0], src.places[0])
        back = at - dt.timedelta(days=3 + int(rng.random() * 40))
        return {
            **_figures(rng),
            "p": src.p,
            "scope": src.scope,
            "leader": src.leader,
            "vil": vil,
            "vil2": vil2,
            "nvil": len(src.places),
            "pw": src.place_word,
            "date": _md(back),
            "date2": _md(back + dt.timedelta(days=2 + int(rng.random() * 10))),
            "upper": rng.choice(UPPER),
            "aim": rng.choice(AIMS),
            **extra,
        }

    def _measures(self, topic: Topic, src: Source, at: dt.datetime, k: int, **extra: Any) -> list[str]:
        rng = self.rng
        chosen = rng.sample(topic.measures, min(k, len(topic.measures)))
        spare = rng.sample(ELABORATIONS, 2 * len(chosen))  # each at most once in an item
        out = []
        for i, (head, detail) in enumerate(chosen):
            ctx = self._ctx(src, at, **extra)
            text = _fill(SENTENCES["point"], numeral=NUMERALS[i], text=head) + detail.format(**ctx) + "。"
            for sentence in spare[2 * i : 2 * i + 1 + (rng.random() < 0.4)]:
                text += sentence.format(**self._ctx(src, at, **extra)) + "。"
            out.append(text)
        return out

    def _lead(self, kind: str, ctx: dict[str, Any]) -> str:
        text: str = self.rng.choice(LEADS[kind]).format(**ctx)
        if kind in ("work_update", "experience") and self.rng.random() < 0.7:
            extra = MEETING_CONTEXT if MEETING_WORD in text else self.rng.choice(LEAD_CONTEXT).format(**ctx)
            text += extra
        return text

    def _closing(self, src: Source) -> str:
        return _fill(SENTENCES["closing"], p=src.p, next=self.rng.choice(NEXT), goal=self.rng.choice(GOALS))

    def topic_for(self, src: Source) -> Topic:
        pool = self.topics_by_field.get(src.domain) or self.topics_by_field["gov"]
        return self.rng.choice(pool)

    def compose(self, category: str, src: Source, at: dt.datetime) -> tuple[str, str, list[str]]:
        """(title, body, tags) for a non-emergency item written at ``at``."""
        rng = self.rng
        topic = self.topic_for(src)
        subject = rng.choice(src.subjects)
        ctx = self._ctx(src, at, T=topic.name)
        paras: list[str]
        if category == Category.POLICY:
            policies = self.policies_by_field.get(src.domain) or self.policies_by_field["gov"]
            policy, unit = rng.choice(policies)
            ctx["policy"] = policy
            title = _fill(rng.choice(TITLES["policy"]), ctx, subject=subject, unit=unit)
            paras = [
                self._lead("policy", ctx),
                _fill(SENTENCES["policy_publicity"], ctx)
                + "".join(x.format(**ctx) + "。" for x in rng.sample(ELABORATIONS, 2)),
                _fill(SENTENCES["policy_paid"], ctx, today=_md(at), unit=unit),
            ]
            if rng.random() < 0.5:
                paras.append(self._closing(src))
            return title, "\n".join(paras), [TAGS["policy"], *topic.tags[:1]]
        if category == Category.EXPERIENCE:
            slogan = rng.choice(SLOGANS)
            ctx["slogan"] = slogan
            title = _fill(rng.choice(TITLES["experience"]), ctx, subject=subject)
            body = [self._lead("experience", ctx)]
            body += self._measures(topic, src, at, 3, slogan=slogan)
            body.append(rng.choice(topic.results).format(**ctx) + "。")
            return title, "\n".join(body), [*topic.tags, TAGS["experience"]][:3]
        if category == Category.PROBLEM:
            issues = rng.sample(topic.issues, min(2, len(topic.issues)))
            title = _fill(rng.choice(TITLES["problem"]), ctx, subject=subject, issue=issues[0])
            found = "".join(
                _fill(SENTENCES["problem_finding"], ctx, numeral=NUMERALS[i], issue=issue, n=n)
                for i, issue in enumerate(issues)
                for n in (1 + int(rng.random() * ctx["nvil"]),)
            )
            found += _fill(SENTENCES["problem_cause"], cause=rng.choice(CAUSES))
            advice = _points(rng.sample(SUGGESTIONS, 2))
            paras = [self._lead("problem", ctx), found, SENTENCES["problem_advice"] + advice]
            return title, "\n".join(paras), [*topic.tags[:2], TAGS["problem"]]
        if category == Category.RESEARCH:
            title = _fill(rng.choice(TITLES["research"]), ctx, subject=subject)
            issues = rng.sample(topic.issues, min(2, len(topic.issues)))
            paras = [
                self._lead("research", ctx),
                SENTENCES["research_situation"]
                + "".join(self._measures(topic, src, at, 2))
                + rng.choice(topic.results).format(**ctx)
                + "。",
                SENTENCES["research_problems"]
                + _points(issues)
                + _fill(SENTENCES["research_cause"], cause=rng.choice(CAUSES)),
                SENTENCES["research_advice"] + _points(rng.sample(SUGGESTIONS, 3)),
            ]
            return title, "\n".join(paras), [*topic.tags[:2], TAGS["research"]]
        if category == Category.PUBLIC_OPINION:
            issue = rng.choice(topic.issues)
            ctx["issue"] = issue
            title = _fill(rng.choice(TITLES["public_opinion"]), ctx, subject=subject)
            paras = [
                self._lead("public_opinion", ctx),
                _fill(SENTENCES["opinion_detail"], ctx)
                + rng.choice(VOICES)
                + _fill(SENTENCES["opinion_wish"], suggestion=rng.choice(SUGGESTIONS)),
            ]
            if rng.random() < 0.6:
                paras.append(_fill(SENTENCES["opinion_referred"], p=src.p))
            return title, "\n".join(paras), [*topic.tags[:1], TAGS["public_opinion"]]
        # 工作动态
        title = _fill(rng.choice(TITLES["work_update"]), ctx, subject=subject)
        measures = self._measures(topic, src, at, 2 + int(rng.random() * 2))
        paras = [self._lead("work_update", ctx)]
        if rng.random() < 0.5:
            paras.append("".join(measures))
        else:
            paras += measures
        if len(paras) < 5 and (rng.random() < 0.7 or not any(c.isdigit() for c in "".join(paras[1:]))):
            results = rng.sample(topic.results, min(len(topic.results), 1 + (rng.random() < 0.4)))
            paras.append(
                _fill(SENTENCES["as_of"], today=_md(at)) + "；".join(r.format(**ctx) for r in results) + "。"
            )
        if len(paras) < 5 and rng.random() < 0.5:
            paras.append(self._closing(src))
        return title, "\n".join(paras[:5]), list(topic.tags)

    def emergency(
        self, src: Source, event_time: dt.datetime, stage: int, final: bool, event: int, place: str, key: int
    ) -> tuple[str, str, dict[str, str]]:
        """(title, body, elements) of an 突发事件 report: stage 0 初报, then 续报 and 终报. The event's
        figures come from ``key`` (the 初报's id), so each report of one event tells the same facts."""
        facts = random.Random(key)
        spec = EVENTS[event]
        ctx = {**self._ctx(src, event_time), **_figures(facts)}
        when = _fill(EMERGENCY["time"], date=_md(event_time), hour=event_time.hour, minute=event_time.minute)
        consequences = spec["consequences"]
        consequence = consequences[facts.randrange(len(consequences))].format(**ctx)
        measures = spec["response"].format(**ctx)
        words = {
            **ctx,
            "when": when,
            "subject": src.subjects[-1],
            "place": place,
            "name": spec["name"],
            "short": spec["short"],
            "consequence": consequence,
            "measures": measures,
        }
        report = EMERGENCY["first"] if stage == 0 else EMERGENCY["final"] if final else EMERGENCY["progress"]
        title = _fill(report["title"], words)
        paras = [_fill(p, words) for p in report["paragraphs"]]
        elements = {
            "time": when,
            "place": _fill(EMERGENCY["place"], p=src.p, place=place),
            "nature": spec["nature"],
            "scope": _fill(EMERGENCY["scope"], place=place),
            "casualties": consequence,
            "measures": measures,
            "next_steps": EMERGENCY["next_steps"],
        }
        return title, "\n".join(paras), elements

    def edit(self, title: str, body: str, county: str) -> tuple[str, str]:
        """An editor's working copy: a tighter title, the outlook paragraph dropped, a county named."""
        new = title
        for filler in EDIT["fillers"]:
            new = new.replace(filler, "")
        if (
            new == title
            and county
            and not title.startswith(county)
            and not title.startswith(EDIT["keep_title"])
        ):
            new = county + title
        paras = body.split("\n")
        if len(paras) >= 3 and paras[-1].startswith(EDIT["outlook"]):
            paras = paras[:-1]
        return new[:200], "\n".join(paras)


# ------------------------------------------------------------------------------------------ simulation

# fmt: off
CATEGORY_WEIGHTS = [
    (Category.WORK_UPDATE, 50), (Category.EXPERIENCE, 12), (Category.POLICY, 9), (Category.PROBLEM, 7),
    (Category.RESEARCH, 7), (Category.PUBLIC_OPINION, 8), (Category.EMERGENCY, 2.5),
]
# When items are written, by local hour: office hours, a lunch break, a little in the evening.
HOUR_WEIGHTS = [0.02] * 7 + [0.2, 0.9, 1.3, 1.4, 1.0, 0.3, 0.3, 1.0, 1.3, 1.3, 0.9, 0.4, 0.2, 0.15, 0.1,
                             0.05, 0.02]
WEEKDAY_WEIGHTS = [1.0, 1.05, 1.0, 1.0, 0.95, 0.22, 0.12]
# What a target unit decides, once it has: (status, also sent up, weight). Adopted-and-sent-up keeps the
# adoption (县采用并转报); plain forwarding leaves status forwarded.
OUTCOMES = {
    Level.COUNTY: [("adopted", False, 50), ("declined", False, 30), ("forwarded", True, 10),
                   ("adopted", True, 6), ("returned", False, 4)],
    Level.CITY: [("adopted", False, 50), ("declined", False, 33), ("forwarded", True, 11),
                 ("adopted", True, 6)],
    Level.PROVINCE: [("adopted", False, 55), ("declined", False, 45)],
}
USAGES = [(Usage.ISSUE, 70), (Usage.WEBSITE, 18), (Usage.SPECIAL_REPORT, 7), (Usage.MERGED, 5)]
# fmt: on


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


def _delay(rng: random.Random, median_hours: float, sigma: float = 1.0) -> dt.timedelta:
    return dt.timedelta(hours=median_hours * rng.lognormvariate(0, sigma))


@dataclass
class ItemsResult:
    items: int
    submissions: int
    revisions: int
    review_actions: int
    sources: int
    reviewers: int


@dataclass
class _Batch:
    reports: list[Report] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)
    actions: list[ReviewAction] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)


class _Ids:
    def __init__(self, *models: Any) -> None:
        self.next = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for m in models}

    def __call__(self, model: Any) -> int:
        pk: int = self.next[model]
        self.next[model] = pk + 1
        return pk


def _due_rule(
    rules: dict[tuple[str, str], DeadlineRule],
) -> Callable[[str, str, dt.datetime, dt.datetime | None], dt.datetime]:
    """``timeliness.due_at_for`` without a query per item: the same most-specific-rule-wins lookup, on the
    national working-day calendar (the generated units have no local overlays)."""
    calendars: dict[int, Calendar] = {}

    def calendar(year: int) -> Calendar:
        if year not in calendars:
            calendars[year] = calendar_for(None, start=dt.date(year, 1, 1), end=dt.date(year + 2, 12, 31))
        return calendars[year]

    def due(category: str, urgency: str, created: dt.datetime, event: dt.datetime | None) -> dt.datetime:
        rule = (
            rules.get((category, urgency))
            or rules.get((category, ""))
            or rules.get(("", urgency))
            or rules.get(("", ""))
        )
        return due_at(rule, created=created, event_time=event, calendar=calendar)

    return due


def _place(name: str) -> str:
    for suffix in NAMING["office_suffixes"]:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _towns(names: list[str]) -> list[str]:
    return [n for n in names if any(n.endswith(kind) for kind in NAMING["township_kinds"])][:40]


def _sources(
    root: Unit, rng: random.Random
) -> tuple[list[Source], dict[int, dict[str, Any]], dict[int, list[int]]]:
    """Township and county-level units with reporters; the units above them; editors per unit."""
    units: dict[int, dict[str, Any]] = {
        u["id"]: dict(u)
        for u in Unit.objects.filter(path__startswith=root.path, is_active=True).values(
            "id", "name", "level", "kind", "parent_id"
        )
    }
    reporters: dict[int, list[int]] = defaultdict(list)
    editors: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id, role in (
        Membership.objects.filter(
            unit_id__in=list(units), role__in=[Role.REPORTER, Role.EDITOR], user__is_active=True
        )
        .order_by("unit_id", "user_id")
        .values_list("unit_id", "user_id", "role")
    ):
        (reporters if role == Role.REPORTER else editors)[unit_id].append(user_id)
    children: dict[int, list[str]] = defaultdict(list)
    for u in units.values():
        if u["parent_id"] in units:
            children[u["parent_id"]].append(u["name"])
    sources: list[Source] = []
    for u in units.values():
        parent = units.get(u["parent_id"])
        if parent is None or not reporters.get(u["id"]):
            continue
        if u["level"] == Level.TOWNSHIP:
            county = _place(parent["name"])
            kinds = NAMING["township_kinds"]
            town = kinds[next((k for k in kinds if u["name"].endswith(k)), NAMING["default_township_kind"])]
            villages = children[u["id"]][:40] or [
                _fill(NAMING["village"], a=rng.choice(PLACE_A), b=rng.choice(PLACE_B)) for _ in range(6)
            ]
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=parent["id"],
                    subjects=[u["name"], county + u["name"]],
                    p=u["name"],
                    scope=town["scope"],
                    leader=town["leader"],
                    domain="gov",
                    places=villages,
                    reporters=reporters[u["id"]],
                )
            )
        elif u["level"] != Level.COUNTY or parent["level"] not in (Level.CITY, Level.COUNTY):
            continue
        elif u["kind"] == UnitKind.GOVERNMENT and parent["level"] == Level.CITY:
            county = _place(u["name"])
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=u["id"],
                    subjects=[county],
                    p=county,
                    scope=NAMING["county_scope"],
                    leader=NAMING["county_leader"],
                    domain="gov",
                    places=_towns(children[u["id"]]) or [_fill(NAMING["county_seat"], county=county)],
                    reporters=reporters[u["id"]],
                )
            )
        elif u["kind"] == UnitKind.DEPARTMENT and parent["level"] == Level.COUNTY:
            county = _place(parent["name"])
            dept = u["name"][len(county) :] if u["name"].startswith(county) else u["name"]
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=parent["id"],
                    subjects=[u["name"]],
                    p=_fill(NAMING["department"], department=dept),
                    scope=NAMING["county_scope"],
                    leader=NAMING["department_leader"],
                    domain=next((key for word, key in DEPT_FIELDS.items() if word in dept), "gov"),
                    places=_towns(children[parent["id"]]) or [_fill(NAMING["county_seat"], county=county)],
                    reporters=reporters[u["id"]],
                )
            )
    return sources, units, editors


def _review_config(sources: list[Source], rng: random.Random, now: dt.datetime) -> int:
    """Most townships and the county office review before sending; departments half the time. The
    reviewer is one of the unit's reporters given the reviewer role, as offices do."""
    existing = defaultdict(list)
    for step in ReviewStep.objects.filter(
        unit_id__in=[s.unit_id for s in sources], chain=ReviewStep.Chain.REPORT
    ).order_by("order", "id"):
        existing[step.unit_id].append(step)
    steps, members = [], []
    for src in sources:
        if existing.get(src.unit_id):
            src.chain = [
                {"role": st.role, "user_id": st.user_id, "label": st.label or REVIEW_LABELS["default"]}
                for st in existing[src.unit_id]
            ]
            continue
        share = 0.5 if src.domain != "gov" else 0.75
        if len(src.reporters) < 2 or rng.random() > share:
            continue
        label = REVIEW_LABELS["labels"].get(
            src.p, REVIEW_LABELS["government"] if src.domain == "gov" else REVIEW_LABELS["department"]
        )
        src.reviewer = src.reporters[-1]
        src.chain = [{"role": Role.REVIEWER, "user_id": None, "label": label}]
        steps.append(ReviewStep(unit_id=src.unit_id, order=1, label=label, role=Role.REVIEWER))
        members.append(
            Membership(user_id=src.reviewer, unit_id=src.unit_id, role=Role.REVIEWER, created_at=now)
        )
    ReviewStep.objects.bulk_create(steps, batch_size=2000)
    Membership.objects.bulk_create(members, batch_size=2000, ignore_conflicts=True)
    return len(members)


class _Generator:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: dt.datetime,
        units: dict[int, dict[str, Any]],
        editors: dict[int, list[int]],
        batch: _Batch,
        limit: int,
    ) -> None:
        self.rng = rng
        self.limit = limit
        self.now = now
        self.units = units
        self.editors = editors
        self.batch = batch
        self.writer = Writer(rng)
        self.due = _due_rule({(r.category, r.urgency): r for r in DeadlineRule.objects.all()})
        self.ids = _Ids(Report, Submission, Revision, ReviewAction, Report.targets.through)
        self.through = Report.targets.through
        self.counts = {"items": 0, "submissions": 0, "revisions": 0, "review_actions": 0}

    # -- rows ---------------------------------------------------------------------------------------

    def _action(
        self,
        report: Report,
        action: str,
        actor: int,
        at: dt.datetime,
        step: int = 0,
        label: str = "",
        comment: str = "",
    ) -> None:
        self.batch.actions.append(
            ReviewAction(
                id=self.ids(ReviewAction),
                report_id=report.pk,
                step=step,
                step_label=label,
                action=action,
                actor_id=actor,
                comment=comment,
                created_at=at,
            )
        )
        self.counts["review_actions"] += 1

    def _revision(
        self,
        report: Report,
        sub: Submission | None,
        title: str,
        body: str,
        by: int,
        unit: int,
        at: dt.datetime,
    ) -> None:
        self.batch.revisions.append(
            Revision(
                id=self.ids(Revision),
                report_id=report.pk,
                submission_id=sub.pk if sub else None,
                title=title,
                body=body,
                by_id=by,
                unit_id=unit,
                created_at=at,
            )
        )
        self.counts["revisions"] += 1

    def _submission(
        self,
        report: Report,
        target: int,
        sender: int,
        received: dt.datetime,
        title: str,
        body: str,
        forwarded_from: Submission | None = None,
    ) -> Submission:
        sub = Submission(
            id=self.ids(Submission),
            report_id=report.pk,
            target_unit_id=target,
            sender_unit_id=sender,
            forwarded_from_id=forwarded_from.pk if forwarded_from else None,
            status=SubmissionStatus.RECEIVED,
            is_active=True,
            title=title,
            body=body,
            urgency_rank=URGENCY_RANK[report.urgency],
            category=report.category,
            received_at=received,
            due_at=report.due_at,
        )
        self.batch.submissions.append(sub)
        self.counts["submissions"] += 1
        return sub

    # -- an item ------------------------------------------------------------------------------------

    def item(
        self,
        src: Source,
        created: dt.datetime,
        *,
        follow: tuple[Report, int, bool, int, str] | None = None,
    ) -> Report:
        """One item from writing to wherever it has got by ``now``; returns the Report (unsaved)."""
        rng, now = self.rng, self.now
        pk = self.ids(Report)
        event_time: dt.datetime | None = None
        elements: dict[str, str] = {}
        place = ""
        if follow is not None:
            root, stage, final, event, place = follow
            category, urgency = root.category, root.urgency
            event_time = created - dt.timedelta(minutes=10 + int(rng.random() * 40))
            assert root.event_time is not None
            title, body, elements = self.writer.emergency(
                src, root.event_time, stage, final, event, place, root.pk
            )
            tags = [TAGS["emergency"], TAGS["follow_up"]]
        else:
            summer = created.month in (6, 7, 8)
            category = _pick(
                rng,
                [(c, w * (1.6 if summer and c == Category.EMERGENCY else 1)) for c, w in CATEGORY_WEIGHTS],
            )
            if category == Category.POLICY and not self.writer.policies_by_field.get(src.domain):
                category = Category.WORK_UPDATE
            if category == Category.EMERGENCY:
                event = rng.randrange(len(EVENTS))
                place = rng.choice(src.places)
                event_time = created - _delay(rng, 0.6, 0.5)
                title, body, elements = self.writer.emergency(src, event_time, 0, False, event, place, pk)
                tags = [TAGS["emergency"]]
                urgency = _pick(rng, [(Urgency.VERY_URGENT, 35), (Urgency.URGENT, 55), (Urgency.NORMAL, 10)])
                follow = None
            else:
                title, body, tags = self.writer.compose(category, src, created)
                urgency = _pick(rng, [(Urgency.NORMAL, 970), (Urgency.URGENT, 25), (Urgency.VERY_URGENT, 5)])
        urgent = urgency != Urgency.NORMAL
        author = rng.choice(src.reporters)
        report = Report(
            id=pk,
            title=title,
            body=body,
            category=category,
            urgency=urgency,
            event_time=event_time,
            place=place if category == Category.EMERGENCY else "",
            public_scope=PublicScope.PUBLIC
            if category == Category.WORK_UPDATE and rng.random() < 0.3
            else PublicScope.INTERNAL,
            source_unit_id=src.unit_id,
            author_id=author,
            tags=tags,
            elements=elements,
            sensitive=rng.random() < 0.01,
            status=ReportStatus.DRAFT,
            created_at=created,
            updated_at=created,
        )
        if follow is not None:
            report.follow_up_of_id = follow[0].pk
            report.follow_up_no = follow[1]
            report.is_final = follow[2]
        self.batch.reports.append(report)
        self.batch.targets.append(
            self.through(id=self.ids(self.through), report_id=report.pk, unit_id=src.target_id)
        )
        self.counts["items"] += 1

        intent = (
            "send"
            if follow is not None or category == Category.EMERGENCY
            else _pick(rng, [("draft", 7), ("withdraw", 3), ("send", 90)])
        )
        submitted = created + _delay(rng, 0.15 if urgent else 0.6, 0.8)
        if intent == "draft" or submitted > now:
            report.updated_at = min(submitted, now)
            return report
        report.submitted_at = report.updated_at = submitted
        report.due_at = self.due(category, urgency, created, event_time)
        report.review_chain = list(src.chain)
        self._action(report, ReviewAction.Action.SUBMIT, author, submitted)
        sent = self._review(report, src, author, submitted, intent, urgent)
        if sent is None:
            return report
        by = src.reviewer if src.chain and src.reviewer else author
        report.status, report.sent_at, report.updated_at = ReportStatus.SENT, sent, sent
        report.review_step = len(src.chain)
        report.late = sent > report.due_at
        self._revision(report, None, report.title, report.body, author, src.unit_id, sent)
        self._action(report, ReviewAction.Action.SEND, by, sent)
        sub = self._submission(report, src.target_id, src.unit_id, sent, report.title, report.body)
        if intent == "withdraw":
            withdrawn = sent + _delay(rng, 0.3, 0.8)
            if withdrawn < now:
                # Withdrawing is refused once the target has claimed the item; here it got there first.
                sub.is_active = False
                report.status, report.updated_at = ReportStatus.WITHDRAWN, withdrawn
                self._action(report, ReviewAction.Action.WITHDRAW, author, withdrawn)
                return report
        self._handle(sub, report, src)
        if category == Category.EMERGENCY and follow is None and rng.random() < 0.35:
            self._follow_ups(report, src, sent, event, place)
        return report

    def _review(
        self, report: Report, src: Source, author: int, submitted: dt.datetime, intent: str, urgent: bool
    ) -> dt.datetime | None:
        """The in-unit review: the time the item went out, or None if it is still in the unit."""
        rng, now = self.rng, self.now
        if not src.chain:
            return submitted
        reviewer = src.reviewer or author
        label = src.chain[0]["label"]
        t = submitted
        decided = t + _delay(rng, 0.2 if urgent else 2.0)
        if not urgent and rng.random() < 0.1 and decided < now:
            self._action(
                report,
                ReviewAction.Action.RETURN,
                reviewer,
                decided,
                0,
                label,
                rng.choice(REVIEW_RETURN_COMMENTS),
            )
            again = decided + _delay(rng, 3.0)
            if rng.random() < 0.45 or again > now:
                report.status, report.updated_at = ReportStatus.RETURNED, decided
                return None
            t = again
            report.submitted_at = report.updated_at = t
            self._action(report, ReviewAction.Action.SUBMIT, author, t)
            decided = t + _delay(rng, 2.0)
        if intent == "withdraw" and rng.random() < 0.5:
            withdrawn = t + (min(decided, now) - t) * rng.random()
            self._action(report, ReviewAction.Action.WITHDRAW, author, withdrawn)
            report.status, report.updated_at = ReportStatus.WITHDRAWN, withdrawn
            return None
        if decided > now or rng.random() < 0.02:
            report.status = ReportStatus.IN_REVIEW
            return None
        for step, entry in enumerate(src.chain):
            self._action(report, ReviewAction.Action.APPROVE, reviewer, decided, step, entry["label"])
        return decided

    def _handle(self, sub: Submission, report: Report, src: Source) -> None:
        """What the target unit has done with ``sub`` by ``now``, and the copies it sent up."""
        rng, now = self.rng, self.now
        target = self.units[sub.target_unit_id]
        editors = self.editors.get(target["id"])
        fast = sub.urgency_rank < 2
        claimed = sub.received_at + _delay(rng, 0.15 if fast else 1.5)
        if not editors or claimed > now or rng.random() < 0.02:
            return
        editor = rng.choice(editors)
        sub.status, sub.claimed_by_id, sub.claimed_at = SubmissionStatus.CLAIMED, editor, claimed
        decided = claimed + _delay(rng, 0.5 if fast else 5.0)
        if decided > now or rng.random() < 0.015:
            return
        outcome, forward = _pick(
            rng, [((s, f), w) for s, f, w in OUTCOMES.get(target["level"], OUTCOMES[Level.PROVINCE])]
        )
        parent = self.units.get(target["parent_id"])
        if forward and (
            parent is None or parent["kind"] != UnitKind.GOVERNMENT or not self.editors.get(parent["id"])
        ):
            outcome, forward = (SubmissionStatus.ADOPTED, False)
        if outcome in (SubmissionStatus.ADOPTED, SubmissionStatus.FORWARDED) and rng.random() < 0.55:
            county = _place(target["name"]) if target["level"] == Level.COUNTY else ""
            title, body = self.writer.edit(sub.title, sub.body, county)
            if (title, body) != (sub.title, sub.body):
                sub.title, sub.body = title, body
                self._revision(
                    report, sub, title, body, editor, target["id"], claimed + (decided - claimed) / 2
                )
        sub.status, sub.decided_by_id, sub.decided_at = outcome, editor, decided
        if outcome == SubmissionStatus.ADOPTED:
            sub.usage = _pick(rng, USAGES)
        elif outcome == SubmissionStatus.DECLINED:
            sub.comment = rng.choice(DECLINE_COMMENTS)
        elif outcome == SubmissionStatus.RETURNED:
            sub.comment = rng.choice(RETURN_COMMENTS)
            self._resubmit(sub, report, src)
            return
        if not forward:
            return
        assert parent is not None
        sent_up = decided if outcome == SubmissionStatus.FORWARDED else decided + _delay(rng, 0.5)
        if sent_up > now:
            return
        sub.forwarded_at = sent_up
        up = self._submission(
            report, parent["id"], target["id"], sent_up, sub.title, sub.body, forwarded_from=sub
        )
        self._handle(up, report, src)

    def _resubmit(self, sub: Submission, report: Report, src: Source) -> None:
        """Half the returned items come back revised to the same editor (修改后重报), who then decides."""
        rng, now = self.rng, self.now
        assert sub.decided_at is not None and sub.claimed_by_id is not None
        again = sub.decided_at + _delay(rng, 4.0)
        if again > now or rng.random() < 0.5:
            return
        spent, reach = _figures(rng)["w1"], len(src.places)
        body = sub.body + _fill(
            SENTENCES["resubmitted"], today=_md(again), spent=spent, reach=reach, pw=src.place_word
        )
        sub.body = body
        report.body, report.updated_at = body, again
        self._revision(report, sub, sub.title, body, report.author_id, src.unit_id, again)
        sub.status, sub.decided_by_id, sub.decided_at, sub.comment = SubmissionStatus.CLAIMED, None, None, ""
        sub.received_at = again
        decided = again + _delay(rng, 3.0)
        if decided > now:
            return
        sub.status = _pick(rng, [(SubmissionStatus.ADOPTED, 70), (SubmissionStatus.DECLINED, 30)])
        sub.decided_by_id, sub.decided_at = sub.claimed_by_id, decided
        if sub.status == SubmissionStatus.ADOPTED:
            sub.usage = _pick(rng, USAGES)

    def _follow_ups(self, root: Report, src: Source, sent: dt.datetime, event: int, place: str) -> None:
        rng = self.rng
        n = 1 + int(rng.random() < 0.4)
        at = sent
        for stage in range(1, n + 1):
            at += _delay(rng, 4.0, 0.5)
            if at > self.now or self.counts["items"] >= self.limit:
                return
            self.item(src, at, follow=(root, stage, stage == n and rng.random() < 0.6, event, place))


def _insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Rows straight to the table (COPY on PostgreSQL): ``bulk_create`` spends several times longer
    compiling each value into SQL than the database spends writing it. Only datetimes and JSON need the
    field's own conversion; ids are explicit."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    prep: list[tuple[str, Callable[[Any], Any] | None]] = []
    for f in fields:
        if isinstance(f, DateTimeField):  # every generated datetime is aware: straight to the adapter
            prep.append((f.attname, db.ops.adapt_datetimefield_value))
        elif isinstance(f, JSONField):
            prep.append((f.attname, partial(f.get_db_prep_save, connection=db)))
        else:
            prep.append((f.attname, None))
    rows = [
        tuple(v if fn is None or v is None else fn(v) for name, fn in prep for v in (getattr(o, name),))
        for o in objs
    ]
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    with db.cursor() as cur:
        if db.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _flush(batch: _Batch) -> None:
    with transaction.atomic():
        _insert(Report, batch.reports)
        _insert(Report.targets.through, batch.targets)
        _insert(ReviewAction, batch.actions)
        for sub in batch.submissions:
            sub.set_inbox_order()  # written straight to the table: save() does not run
        _insert(Submission, batch.submissions)
        _insert(Revision, batch.revisions)
    for rows in (batch.reports, batch.targets, batch.actions, batch.submissions, batch.revisions):
        rows.clear()


def seed_items(
    *,
    root: Unit,
    items: int,
    days: int = 365,
    seed: int = 7,
    now: dt.datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ItemsResult:
    """``items`` information items written over the last ``days`` days by the township and county units
    under ``root`` (as ``baosong.demo.scale.seed_scale`` builds them), with their review trails,
    submissions, decisions and forwarding. Busy counties and quiet ones, weekdays and weekends."""
    rng = random.Random(seed)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        sources, units, editors = _sources(root, rng)
        if not sources:
            raise ValueError("这棵单位树中没有带信息员的乡镇或县级单位，无法生成信息。")
        reviewers = _review_config(sources, rng, now)

    # A county's weight is shared by its office, its departments and its townships.
    county_weight: dict[int, float] = {}
    weights = []
    for src in sources:
        weight = county_weight.setdefault(src.county_id, rng.lognormvariate(0, 0.6))
        if src.county_id == src.unit_id:
            weight *= 1.2
        elif src.domain == "gov":
            weight *= rng.lognormvariate(0, 0.5)
        else:
            weight *= 0.35 * rng.lognormvariate(0, 0.4)
        weights.append(weight)
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)

    local_now = timezone.localtime(now, tz)
    first = (local_now - dt.timedelta(days=days - 1)).date()
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    day_w = [WEEKDAY_WEIGHTS[d.weekday()] for d in dates]
    share = [items * w / sum(day_w) for w in day_w]
    counts = [int(s) for s in share]
    for i in sorted(range(days), key=lambda i: counts[i] - share[i])[: items - sum(counts)]:
        counts[i] += 1
    hours_cum, acc = [], 0.0
    for w in HOUR_WEIGHTS:
        acc += w
        hours_cum.append(acc)

    batch = _Batch()
    gen = _Generator(rng=rng, now=now, units=units, editors=editors, batch=batch, limit=items)
    for date, count in zip(dates, counts, strict=True):
        midnight = dt.datetime.combine(date, dt.time.min, tzinfo=tz)
        times = []
        for _ in range(count):
            hour = bisect.bisect(hours_cum, rng.random() * acc)
            t = midnight + dt.timedelta(hours=hour, seconds=int(rng.random() * 3600))
            if t >= now:
                t = now - dt.timedelta(
                    seconds=int(rng.random() * min(6 * 3600, (now - midnight).total_seconds())) + 1
                )
            times.append(t)
        for t in sorted(times):
            if gen.counts["items"] >= items:
                break
            src = sources[min(bisect.bisect(cumulative, rng.random() * total), len(sources) - 1)]
            gen.item(src, t)
        if len(batch.reports) >= batch_size:
            _flush(batch)
            if progress:
                progress(gen.counts["items"])
    _flush(batch)
    with connection.cursor() as cur:
        models: list[type[Model]] = [
            Report,
            Report.targets.through,
            ReviewAction,
            Submission,
            Revision,
            ReviewStep,
            Membership,
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)
    if progress:
        progress(gen.counts["items"])
    return ItemsResult(
        items=gen.counts["items"],
        submissions=gen.counts["submissions"],
        revisions=gen.counts["revisions"],
        review_actions=gen.counts["review_actions"],
        sources=len(sources),
        reviewers=reviewers,
    )
