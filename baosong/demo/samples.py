"""Opt-in sample content for the demo province (``manage.py seed_samples``, ``make run SAMPLES=1``).

The content spans every domain app — items through their review chains and the editors' decisions
(reports), a county issue signed, distributed and published (editorial), a 约稿 (solicitations), a 批示
(instructions), portal releases — so, like an interface, this module calls the services of all of them,
while scoring and search only consume the events these services write. Nothing here writes a row itself:
every change goes through a service, as the demo cast member who would make it, so the audit chain, the
outbox, the ledger and the rollups are exactly what real use would have produced.

The texts — information items written the way township and county offices of the demo province write them,
the 约稿 and 报送要点, the 批示 and its feedback, the desk's comments — are in ``data/samples.json``; this
module decides who writes each one and what happens to it.

The services stamp ``timezone.now()``, so everything is dated today (only the dates a person types —
the external adoption's date — lie in the past). The plain demo (``seed_demo``) stays empty of content:
acceptance tests count what the cast creates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.core.outbox import process_outbox
from baosong.demo.province import CAST
from baosong.demo.texts import load
from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, IssueItem, Publication
from baosong.instructions import services as instructions
from baosong.orgs.models import Unit, User
from baosong.portal import services as portal
from baosong.portal.models import PortalColumn, PortalRelease
from baosong.reports import services as reports
from baosong.reports.models import Report, ReportStatus, Submission, Usage
from baosong.solicitations import services as solicitations
from baosong.solicitations.models import Solicitation

TEXT = load("samples.json")


@dataclass(frozen=True)
class ItemText:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    category: str = "work_update"
    public_scope: str = "public"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class NoticeText:
    title: str
    topic: str
    requirements: str


def _item(entry: dict[str, Any]) -> ItemText:
    return ItemText(**{**entry, "paragraphs": tuple(entry["paragraphs"])})


# 东湖区城关镇 (township reporter 胡静) → 东湖区人民政府办公室.
TOWNSHIP = [_item(e) for e in TEXT["township"]]
# The co-submitted item (合报): 城关镇 with 东湖区新桥镇.
JOINT = _item(TEXT["joint"])
# 突发事件: the first report (初报) and its 续报, with the required elements.
EMERGENCY = _item(TEXT["emergency"])
EMERGENCY_FOLLOW_UP = _item(TEXT["emergency_follow_up"])
# 东湖区人民政府办公室 (county reporter 马小红) → 临江市人民政府办公室.
COUNTY = [_item(e) for e in TEXT["county"]]
# 临江市西林县人民政府办公室 (林峰) answers the city's 约稿; 西林县城关镇 (罗晨) reports to 西林县.
SIBLING_COUNTY = _item(TEXT["sibling_county"])
SIBLING_TOWNSHIP = _item(TEXT["sibling_township"])
# 临江市人民政府办公室 (city reporter 孙丽) → 清源省人民政府办公厅.
CITY = _item(TEXT["city"])
SOLICITATION = NoticeText(**TEXT["solicitation"])
PRIORITY = NoticeText(**TEXT["priority"])
INSTRUCTION: str = TEXT["instruction"]
FEEDBACK: str = TEXT["feedback"]
EDITOR_NOTE: str = TEXT["editor_note"]
# What the people at the desks write: review opinions, decisions' comments, where things go.
DESK: dict[str, Any] = TEXT["desk"]
DATAREPORT: dict[str, Any] = TEXT["datareport"]

# The first item's title marks a database that already holds the samples (idempotence).
MARKER_TITLE = TOWNSHIP[0].title

TOWNSHIP_CODE, NEIGHBOUR_CODE = "DEMO-C1-1-1", "DEMO-C1-1-2"
COUNTY_CODE, SIBLING_CODE, CITY_CODE, PROVINCE_CODE = "DEMO-C1-1", "DEMO-C1-2", "DEMO-C1", "DEMO-P"


class DemoCastMissing(Exception):
    """The demo units and accounts are not there: ``seed_demo`` has not run."""


@dataclass
class SampleSummary:
    created: bool
    lines: list[str] = field(default_factory=list)


def samples_exist() -> bool:
    return Report.objects.filter(title=MARKER_TITLE, source_unit__code=TOWNSHIP_CODE).exists()


class _Seeder:
    def __init__(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[m.username for m in CAST])}
        if len(users) != len(CAST):
            raise DemoCastMissing("请先执行 manage.py seed_demo 生成演示单位和账户。")
        self.users = {m.key: users[m.username] for m in CAST}
        codes = [TOWNSHIP_CODE, NEIGHBOUR_CODE, COUNTY_CODE, SIBLING_CODE, CITY_CODE, PROVINCE_CODE]
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        self.townships = list(
            Unit.objects.filter(parent=self.units[COUNTY_CODE], level="township").order_by("sort_order", "pk")
        )
        self.items: dict[str, Report] = {}

    def write(self, author: str, text: ItemText, **fields: Any) -> Report:
        report = reports.report_create(
            by=self.users[author],
            title=text.title,
            body=text.body,
            category=text.category,
            public_scope=text.public_scope,
            **{**text.extra, **fields},
        )
        self.items[text.key] = report
        return report

    def send(self, report: Report, reviewer: str | None = None) -> Report:
        """Submit; the unit's review chain (if any) approves it, and it leaves for its targets."""
        report = reports.report_submit(report=report, by=report.author)
        while report.status == ReportStatus.IN_REVIEW:
            assert reviewer is not None, report.title
            report = reports.report_approve(report=report, by=self.users[reviewer], comment=DESK["approve"])
        return report

    def at(self, key: str, unit_code: str) -> Submission:
        return Submission.objects.get(
            report=self.items[key], target_unit=self.units[unit_code], is_active=True
        )


def seed_samples() -> SampleSummary:
    """Create the sample content once; a second call finds the marker item and creates nothing."""
    if samples_exist():
        return SampleSummary(False, ["示例数据已存在，未重复生成。"])
    s = _Seeder()
    before = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        lines = _create(s)
    events = DomainEvent.objects.filter(pk__gt=before).count()
    # What the worker does after each commit: notifications, ledger and rollups, search index, portal.
    while process_outbox.call():
        pass
    lines.append(f"已投递业务事件 {events} 条：积分台账、统计汇总、全文检索和站内通知已更新。")
    lines.append("说明：各项业务操作均按执行时的时间记录，示例内容的日期都是今天。")
    return SampleSummary(True, lines)


def _create(s: _Seeder) -> list[str]:
    u = s.users
    today = timezone.localdate()
    county, city = s.units[COUNTY_CODE], s.units[CITY_CODE]
    news, experience = DESK["columns"]

    # 约稿 from the city to its counties and 报送要点 from the county to its townships, before the answers.
    solicitation = solicitations.solicitation_create(
        by=u["city_editor"],
        unit=city,
        deadline=timezone.now() + dt.timedelta(days=10),
        unit_ids=list(Unit.objects.filter(parent=city, level="county").values_list("pk", flat=True)),
        title=SOLICITATION.title,
        topic=SOLICITATION.topic,
        requirements=SOLICITATION.requirements,
    )
    solicitations.solicitation_create(
        by=u["county_editor"],
        unit=county,
        kind=Solicitation.Kind.PRIORITY,
        period_start=today,
        period_end=today + dt.timedelta(days=90),
        unit_ids=[t.pk for t in s.townships],
        title=PRIORITY.title,
        topic=PRIORITY.topic,
        requirements=PRIORITY.requirements,
    )
    for reader in ("county_reporter", "outsider_reporter"):
        solicitations.solicitation_mark_read(solicitation=solicitation, user=u[reader])

    # The township: everything through its one-step review (审核签发) to the county office.
    for text in TOWNSHIP:
        report = s.write("township_reporter", text)
        if text.key == "meals":
            continue  # stays a draft
        if text.key == "fraud":
            reports.report_submit(report=report, by=report.author)  # waits for the township reviewer
            continue
        s.send(report, "township_reviewer")
    s.send(s.write("township_reporter", JOINT, co_unit_ids=[s.units[NEIGHBOUR_CODE].pk]), "township_reviewer")
    event_time = timezone.now() - dt.timedelta(hours=2)
    elements = {
        "time": timezone.localtime(event_time).strftime("%Y年%m月%d日%H时%M分"),
        **EMERGENCY.extra["elements"],
    }
    emergency = s.send(
        s.write("township_reporter", EMERGENCY, event_time=event_time, elements=elements), "township_reviewer"
    )
    s.send(
        s.write(
            "township_reporter",
            EMERGENCY_FOLLOW_UP,
            follow_up_of=emergency.pk,
            event_time=event_time,
            elements=elements,
        ),
        "township_reviewer",
    )

    # The county office, its reviewer, and the sibling county answer the city's 约稿.
    for text in COUNTY:
        fields = {"solicitation_id": solicitation.pk} if text.key.startswith("solicited") else {}
        s.send(s.write("county_reporter", text, **fields), "county_reviewer")
    s.send(s.write("outsider_reporter", SIBLING_COUNTY, solicitation_id=solicitation.pk))
    s.send(s.write("outsider_township_reporter", SIBLING_TOWNSHIP))
    s.send(s.write("city_reporter", CITY))

    # The county editor decides.
    editor = u["county_editor"]
    reports.submission_claim(submission=s.at("fire", COUNTY_CODE), by=editor)
    reports.submission_decline(submission=s.at("meeting", COUNTY_CODE), by=editor, comment=DESK["decline"])
    reports.submission_return(submission=s.at("elderly", COUNTY_CODE), by=editor, comment=DESK["return"])
    village = reports.submission_adopt(
        submission=s.at("village", COUNTY_CODE), by=editor, usage=Usage.WEBSITE
    )
    urgent = reports.submission_adopt(
        submission=s.at("emergency", COUNTY_CODE), by=editor, usage=Usage.SPECIAL_REPORT
    )
    reports.submission_forward(submission=urgent, by=editor, comment=DESK["forward_emergency"])

    # The county's publication: composed, signed by the chief, distributed, published on the portal.
    pub = Publication.objects.get(unit=county, name=DESK["county_publication"])
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(
        issue=issue,
        by=editor,
        submission_ids=[s.at(k, COUNTY_CODE).pk for k in ("flood", "business", "safety")],
        column=news,
    )
    editorial.issue_item_add(
        issue=issue,
        by=editor,
        submission_ids=[s.at(k, COUNTY_CODE).pk for k in ("petition", "points", "joint")],
        column=experience,
    )
    items = {i.sources.get().submission.report_id: i for i in IssueItem.objects.filter(issue=issue)}
    petition_item = items[s.items["petition"].pk]
    editorial.issue_item_edit(item=petition_item, by=editor, editor_note=EDITOR_NOTE)
    flood_item = items[s.items["flood"].pk]
    # 修改痕迹: the editor names the county in the title.
    editorial.issue_item_edit(item=flood_item, by=editor, title=county.short_name + flood_item.title)
    editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_sign(issue=issue, by=u["county_chief"])
    editorial.issue_distribute(issue=issue, by=editor)
    issue = editorial.issue_publish(issue=issue, by=editor)
    for reader in ("county_leader", "township_reviewer"):
        editorial.issue_mark_read(issue=issue, user=u[reader])
    for key in ("flood", "business"):
        reports.submission_forward(submission=s.at(key, COUNTY_CODE), by=editor)
    reports.external_adoption_record(
        report=s.items["petition"],
        by=editor,
        unit=county,
        publication_name=DESK["external_publication"],
        level="province",
        date=today - dt.timedelta(days=3),
    )

    # 批示: the county leader on the 信访 item; the desk assigns the township, which reports back.
    petition_item = IssueItem.objects.select_related("issue__publication").get(pk=petition_item.pk)
    instruction = instructions.instruction_create(by=u["county_leader"], item=petition_item, text=INSTRUCTION)
    instructions.instruction_assign(
        instruction=instruction,
        by=editor,
        unit_ids=[s.units[TOWNSHIP_CODE].pk],
        due_on=today + dt.timedelta(days=15),
    )
    instructions.instruction_feedback(instruction=instruction, by=u["township_reporter"], text=FEEDBACK)

    # Portal: the county's 网站采用 item goes up at once (the county has no 上网发布审核 chain).
    columns = {c.slug: c for c in PortalColumn.objects.filter(is_active=True)}
    release = portal.release_create(
        by=editor, submission=village, column=columns["gzdt"], contact=editor.full_name
    )
    portal.release_submit(release=release, by=editor)

    # The city: adopts and forwards, composes an issue of its publication and sends it for signature.
    city_editor = u["city_editor"]
    reports.submission_adopt(
        submission=s.at("emergency", CITY_CODE), by=city_editor, usage=Usage.SPECIAL_REPORT
    )
    network = reports.submission_adopt(
        submission=s.at("one_network", CITY_CODE), by=city_editor, usage=Usage.WEBSITE
    )
    reports.submission_forward(submission=network, by=city_editor)
    city_issue = editorial.issue_create(
        by=city_editor, publication=Publication.objects.get(unit=city, name=DESK["city_publication"])
    )
    editorial.issue_item_add(
        issue=city_issue,
        by=city_editor,
        submission_ids=[s.at(k, CITY_CODE).pk for k in ("flood", "business")],
        column=news,
    )
    editorial.issue_item_add(
        issue=city_issue,
        by=city_editor,
        submission_ids=[s.at(k, CITY_CODE).pk for k in ("solicited_business", "solicited_tea")],
        column=experience,
    )
    editorial.issue_submit(issue=city_issue, by=city_editor)
    reports.submission_forward(submission=s.at("flood", CITY_CODE), by=city_editor)

    # The province: adopts what the city forwarded; the website item goes through its 上网发布审核 chain.
    province_editor = u["province_editor"]
    reports.submission_adopt(
        submission=s.at("flood", PROVINCE_CODE), by=province_editor, usage=Usage.SPECIAL_REPORT
    )
    network = reports.submission_adopt(
        submission=s.at("one_network", PROVINCE_CODE), by=province_editor, usage=Usage.WEBSITE
    )
    release = portal.release_create(
        by=province_editor, submission=network, column=columns["jyjl"], contact=province_editor.full_name
    )
    release = portal.release_submit(release=release, by=province_editor)
    release = portal.release_approve(release=release, by=u["province_chief"], opinion=DESK["chief_opinion"])
    portal.release_approve(release=release, by=u["province_leader"], opinion=DESK["leader_opinion"])

    # The sibling county adopts its township's item for its website.
    reports.submission_adopt(
        submission=s.at("sibling_township", SIBLING_CODE), by=u["outsider_editor"], usage=Usage.WEBSITE
    )
    collection = _datareport(s)
    return [
        *_summary(s, issue, city_issue),
        f"  数据报表 1 项（{collection.title}，城关镇已上报，待东湖区汇总）。",
    ]


def _datareport(s: _Seeder) -> Any:
    """Last month's 接待 report from the city: the township has returned its two receptions; the county
    and the others have yet to."""
    from baosong.datareports import services as datareports
    from baosong.datareports.models import Form

    u = s.users
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    collection = datareports.collection_create(
        by=u["city_editor"],
        form=Form.objects.get(code="reception"),
        root_unit=s.units[CITY_CODE],
        period_kind="monthly",
        period=last.strftime("%Y-%m"),
    )
    rows = []
    for spec in DATAREPORT["township_rows"]:
        row = {k: v for k, v in spec.items() if k not in ("days_before_month_end", "hour")}
        day = last - dt.timedelta(days=spec["days_before_month_end"])
        rows.append({**row, "time": f"{day:%Y-%m-%d}T{spec['hour']}"})
    ret = datareports.return_get_or_start(collection=collection, unit=s.units[TOWNSHIP_CODE])
    reporter = u["township_reporter"]
    datareports.return_save(ret=ret, by=reporter, data={"rows": rows, "filler": DATAREPORT["filler"]})
    datareports.return_submit(ret=ret, by=reporter)
    return collection


def _summary(s: _Seeder, issue: Issue, city_issue: Issue) -> list[str]:
    ids = [r.pk for r in s.items.values()]
    subs = Submission.objects.filter(report_id__in=ids)
    adopted = subs.filter(status="adopted").count()
    forwarded = subs.filter(forwarded_at__isnull=False).count()
    releases = PortalRelease.objects.filter(status="published", report_id__in=ids).count()
    return [
        "已生成示例数据：",
        f"  信息 {len(ids)} 条（乡镇、县区、兄弟县和市级信息员撰写），"
        f"各级采用 {adopted} 次、转报 {forwarded} 次；",
        "  含不采用、退回修改、突发事件（初报和续报）、合报和补录外部采用各一例，"
        "另有待审核、草稿和收件箱中待处理的信息；",
        f"  《{issue.publication.name}》{issue.number_text}已签发、分发并在门户公开，"
        f"《{city_issue.publication.name}》一期待主编签发；",
        f"  门户单条信息发布 {releases} 条（其中一条经省政府办公厅上网发布审核）；",
        "  约稿 1 个（临江市向各县区约稿，2 个单位已报送）、报送要点 1 个，"
        "领导批示 1 件（已交办城关镇并收到落实反馈）。",
    ]
