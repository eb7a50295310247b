"""Real Chromium, the desk's day on the sample content (``seed_samples``): the county editor works the inbox
(filters, bulk 接收, the working copy and its diff, 采用 into an open issue, 退回, 不采用, 转报, 补录外部采用,
不合规), composes an issue (picker, 栏目, 编者按, 简讯, 综合, 本期设置) and sends it for signature; the chief
signs; the editor distributes, reads the receipts and 催阅, downloads Word and PDF, records a paper 批示,
assigns and closes it, sends a 约稿, compiles a 通报 and searches; the leader reads and writes a 批示. Every
step must say what it did. Screenshots at 1366×768 and 390×844 go to test-artifacts/desk/."""

from __future__ import annotations

import io
import re
import shutil
from typing import Any

import pytest
from django.core.management import call_command

from baosong.editorial.models import Issue, IssueStatus
from baosong.instructions.models import Instruction
from baosong.reports import services as reports
from baosong.reports.models import ReportStatus, Submission, SubmissionStatus
from baosong.scoring.models import Bulletin
from baosong.solicitations.models import Solicitation
from conftest import ARTIFACTS, CHROMIUM, PHONE, no_sideways_scroll
from conftest import browser_login as open_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

SHOTS = ARTIFACTS / "desk"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def said(page: Any, text: str) -> None:
    """The action's message is on the page (every action says what it did)."""
    page.locator(".msg").filter(has_text=text).first.wait_for()


def sent(cast: Any, title: str, **fields: Any) -> Submission:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = reports.report_create(
        by=reporter, title=title, body=f"{title}。镇村干部群众200余人参加。\n下一步将建立长效机制。", **fields
    )
    report = reports.report_submit(report=report, by=reporter)
    while report.status == ReportStatus.IN_REVIEW:
        report = reports.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def test_the_desk_day_of_editor_chief_and_leader(live_server, cast, browser_context):
    call_command("seed_samples", stdout=io.StringIO())
    url = live_server.url
    to_adopt = sent(cast, "城关镇开展冬季森林防火专项检查")
    to_return = sent(cast, "城关镇召开村级财务工作会议")
    to_decline = sent(cast, "城关镇组织干部职工义务植树")
    to_forward = sent(cast, "城关镇创新“四议两公开”工作法")
    to_flag = sent(cast, "城关镇开展文明创建活动")

    ed = open_as(browser_context, url, cast.county_editor)
    # ---- inbox: filters and a bulk action that keeps them ----
    ed.goto(f"{url}/inbox/")
    ed.get_by_label("状态").select_option(label="待接收")
    ed.get_by_role("button", name="筛选").click()
    ed.wait_for_url(re.compile(r"status=received"))
    shoot(ed, "01-inbox-filtered")
    ed.get_by_label(f"选择 {to_flag.title}").check()
    ed.get_by_role("button", name="接收", exact=True).click()
    said(ed, "已接收 1 条")
    assert "status=received" in ed.url
    assert Submission.objects.get(pk=to_flag.pk).status == SubmissionStatus.CLAIMED

    # ---- an open issue to adopt into ----
    ed.goto(f"{url}/issues/")
    ed.get_by_role("button", name="《东湖政务信息》").click()
    said(ed, "已新建《东湖政务信息》一期")
    issue = Issue.objects.filter(status=IssueStatus.EDITING, publication__unit=cast.county_editor.unit).get()

    # ---- the working copy, its diff, 采用 into the issue ----
    ed.goto(f"{url}/inbox/{to_adopt.pk}/")
    body = ed.locator("#id_body")
    body.fill(body.input_value() + "\n共排查林区12处，整改隐患5处。")
    ed.get_by_role("button", name="保存工作稿").click()
    said(ed, "工作稿已保存")
    ed.get_by_text("与作者原稿相比的修改").wait_for()
    assert "整改隐患5处" in "".join(ed.locator(".working-diff ins").all_inner_texts())
    ed.locator("#adopt-issue option", has_text="编入《东湖政务信息》").wait_for(state="attached")
    ed.locator("#adopt-issue").select_option(index=1)
    shoot(ed, "02-working-copy-diff")
    ed.get_by_role("button", name="采用", exact=True).click()
    said(ed, "已采用，并编入所选的一期刊物")

    # ---- 退回 with a comment, 不采用 with a reason, 转报 ----
    ed.goto(f"{url}/inbox/{to_return.pk}/")
    ed.get_by_label("退回修改意见").fill("请补充会议议定的具体事项。")
    ed.get_by_role("button", name="退回作者").click()
    said(ed, "已退回作者修改")
    ed.goto(f"{url}/inbox/{to_decline.pk}/")
    ed.get_by_label("不采用理由（可选）").fill("内容较为一般")
    ed.get_by_role("button", name="不采用").click()
    said(ed, "已标记为不采用")
    ed.goto(f"{url}/inbox/{to_forward.pk}/")
    ed.get_by_role("button", name="转报", exact=True).click()
    said(ed, "已转报")
    assert Submission.objects.get(pk=to_forward.pk).status == SubmissionStatus.FORWARDED

    # ---- 不合规 and 补录外部采用 ----
    ed.goto(f"{url}/inbox/{to_flag.pk}/")
    ed.get_by_label("原因（如格式不规范、内容失实、未经审核）").fill("未经本单位审核")
    ed.get_by_role("button", name="标记为不合规信息").click()
    said(ed, "已标记为不合规信息")
    ed.get_by_text("已标记为不合规", exact=True).wait_for()
    ed.goto(f"{url}/inbox/{to_adopt.pk}/")
    ed.get_by_label("刊物名称").fill("省政府《每日要情》")
    ed.get_by_label("级别").select_option(label="省")
    ed.get_by_label("采用日期").fill("2026-12-01")
    ed.get_by_role("button", name="补录").click()
    said(ed, "已补录外部采用")

    # ---- compose: picker, 栏目, 编者按, 简讯, 综合, 本期设置, preview ----
    ed.goto(f"{url}/issues/{issue.pk}/")
    boxes = ed.locator("#candidates input[name=submissions]")
    boxes.first.wait_for()
    for i in range(min(2, boxes.count())):
        boxes.nth(i).check()
    ed.get_by_label("编入栏目").fill("工作动态")
    ed.get_by_role("button", name="编入本期").click()
    said(ed, "已编入本期")
    items = ed.locator("#issue-items > li")
    assert items.count() >= 3
    first = items.first
    first.get_by_text("编辑此条").click()
    first.get_by_label("编者按（可选）").fill("森林防火关口前移的做法值得推广。")
    ed.get_by_role("button", name="保存此条").first.click()
    said(ed, "条目已保存")
    last = ed.locator("#issue-items > li").last
    last.get_by_text("编辑此条").click()
    last.get_by_label("类型").select_option(label="简讯")
    last.get_by_role("button", name="保存此条").click()
    said(ed, "条目已保存")
    assert ed.locator("#issue-items .is-brief").count() == 1
    merge = ed.locator("#issue-items input[name=items]")
    merge.nth(1).check()
    merge.nth(2).check()
    ed.get_by_label("综合后的标题").fill("城关镇多措并举推进基层治理")
    ed.get_by_role("button", name="综合所选信息").click()
    said(ed, "已综合为一条信息")
    ed.get_by_text("本期设置").click()
    ed.get_by_label("本期标题（专报等使用，可空）").fill("冬季防火专刊")
    ed.get_by_role("button", name="保存设置").click()
    said(ed, "本期设置已保存")
    ed.frame_locator("#issue-preview").get_by_text("冬季防火专刊").first.wait_for()
    shoot(ed, "03-compose")
    ed.get_by_role("button", name="送签").click()
    said(ed, "已送签")
    ed.context.close()  # one signed-in browser at a time on the live server's SQLite

    # ---- the chief signs ----
    chief = open_as(browser_context, url, cast.county_chief)
    chief.goto(f"{url}/issues/")
    chief.get_by_role("link", name="审阅签发").first.click()
    shoot(chief, "04-chief-review")
    chief.get_by_role("button", name="签发", exact=True).click()
    said(chief, "已签发：《东湖政务信息》第22期（总第158期）")
    chief.context.close()

    # ---- distribute, receipts, 催阅, documents ----
    ed = open_as(browser_context, url, cast.county_editor)
    ed.goto(f"{url}/issues/{issue.pk}/")
    ed.get_by_role("button", name="分发").click()
    said(ed, "已分发")
    assert ed.url.endswith("/readers")
    groups = ed.locator("table tr td:first-child").all_inner_texts()
    assert groups[0] == "报" and groups[-1] == "发", groups
    ed.get_by_role("button", name="催阅未读对象").click()
    said(ed, "已催阅")
    shoot(ed, "05-readers")
    for fmt, kind in (("docx", "wordprocessingml"), ("pdf", "application/pdf")):
        response = ed.request.get(f"{url}/issues/{issue.pk}/document.{fmt}")
        assert response.status == 200 and kind in response.headers["content-type"]

    # ---- a paper 批示: record with the leader's name, assign, close ----
    ed.goto(f"{url}/issues/{issue.pk}/")
    ed.get_by_role("button", name="登记批示").wait_for()  # the form is loaded by htmx
    assert ed.get_by_label("级别").input_value() == "county"
    ed.get_by_label("批示领导").fill("徐国强")
    ed.get_by_label("批示内容").fill("森林防火的做法很好，请各乡镇学习借鉴。")
    ed.get_by_role("button", name="登记批示").click()
    said(ed, "批示已记录")
    instruction = Instruction.objects.get(text="森林防火的做法很好，请各乡镇学习借鉴。")
    ed.locator("fieldset.targets input[name=units]").first.check()
    ed.get_by_role("button", name="交办", exact=True).click()
    said(ed, "已交办")
    ed.get_by_text("已交办，时限").first.wait_for()
    shoot(ed, "06-instruction")
    ed.get_by_role("button", name="办结此批示").click()
    said(ed, "批示已办结")
    assert Instruction.objects.get(pk=instruction.pk).status == "closed"

    # ---- 约稿, statistics, 通报, search ----
    ed.goto(f"{url}/solicitations/new")
    ed.get_by_label("标题", exact=True).fill("关于报送冬季森林防火工作信息的约稿")
    ed.get_by_label("要求").fill("突出做法和成效，500字以内。")
    ed.get_by_label("截止时间（约稿必填）").fill("2030-12-20T18:00")
    ed.locator("input[name=units]").first.check()
    shoot(ed, "07-solicitation-form")
    ed.get_by_role("button", name="发布").click()
    said(ed, "已发布")
    assert Solicitation.objects.filter(title="关于报送冬季森林防火工作信息的约稿").exists()
    ed.goto(f"{url}/stats/")
    ed.locator(".row-total").wait_for()
    assert ed.request.get(f"{url}/stats/export.xlsx").status == 200
    ed.goto(f"{url}/bulletins/")
    ed.get_by_role("button", name="编制通报").click()
    ed.get_by_role("heading", name=re.compile("政务信息工作情况的通报")).wait_for()
    ed.get_by_role("button", name="发布通报").click()
    said(ed, "发布")
    assert Bulletin.objects.filter(status=Bulletin.Status.RELEASED).exists()
    ed.goto(f"{url}/bulletins/")
    assert not re.search(r">\d{4}-(\d{2}|Q\d)<", ed.content())
    ed.goto(f"{url}/search/?q=防火")
    ed.get_by_text("共找到").wait_for()
    shoot(ed, "08-search")
    ed.context.close()

    # ---- the same desk on a phone ----
    phone = open_as(browser_context, url, cast.county_editor, PHONE)
    for path, name in (
        ("/inbox/", "09-phone-inbox"),
        (f"/inbox/{to_adopt.pk}/", "10-phone-submission"),
        (f"/issues/{issue.pk}/", "11-phone-issue"),
        ("/stats/", "12-phone-stats"),
        (f"/instructions/{instruction.pk}/", "13-phone-instruction"),
    ):
        phone.goto(f"{url}{path}")
        phone.wait_for_load_state("networkidle")
        no_sideways_scroll(phone)
        shoot(phone, name)
    phone.goto(f"{url}/stats/")
    phone.locator("#chart-categories canvas").wait_for()
    # Category names whole, not cut to "工…": the texts ECharts drew on its canvas.
    drawn = phone.locator("#chart-categories").evaluate(
        "e => echarts.getInstanceByDom(e).getZr().storage.getDisplayList()"
        ".map(el => el.style && el.style.text).filter(Boolean).join(' ')"
    )
    assert "工作动态" in drawn, drawn
    phone.goto(f"{url}/inbox/")
    assert not phone.locator("form.filters").is_visible()  # folded on a phone until opened
    # An urgent card is tinted as a whole, not cell by cell with white gaps between.
    cell = phone.locator("tr.row-urgent td").first
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    phone.goto(f"{url}/issues/{issue.pk}/")
    badge = phone.locator("#issue-items .item-head .badge").first  # a 栏目 name never breaks in two
    assert badge.evaluate("e => e.getClientRects().length === 1 && e.offsetHeight < 30")
    phone.wait_for_load_state("networkidle")  # the preview and the 批示 fragment done before the next login
    phone.context.close()

    # ---- the leader reads and writes a 批示 ----
    leader = open_as(browser_context, url, cast.county_leader, PHONE)
    leader.goto(f"{url}/reading/{issue.pk}/")
    leader.get_by_role("button", name="提交批示").wait_for(timeout=60_000)  # the form is loaded by htmx
    leader.get_by_role("link", name="批示", exact=True).click()
    leader.get_by_label("批示内容").fill("请区林业局牵头总结推广。")
    shoot(leader, "14-leader-reading-phone")
    leader.get_by_role("button", name="提交批示").click()
    said(leader, "批示已记录")
    no_sideways_scroll(leader)
    leader.context.close()
