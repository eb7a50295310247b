"""Real Chromium at 390×844: a township 信息员 and the unit's 审核人 work on a phone, from the 工作台.
Every page is checked for sideways scrolling and photographed into test-artifacts/phone/ (look at them)."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest
from django.utils import timezone

from baosong.reports import services as reports
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus
from baosong.solicitations import services as solicitations
from conftest import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

SHOTS = ARTIFACTS / "phone"
PHONE = {"width": 390, "height": 844}
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 checksum: the check blocks it


def open_on_phone(browser_context: Any, url: str, actor: Any) -> Any:
    context = browser_context.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{url}/accounts/login")
    page.get_by_label("用户名").fill(actor.user.username)
    page.get_by_label("密码").fill(actor.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(f"{url}/")
    return page


def look(page: Any, name: str) -> None:
    """No sideways scrolling on a phone, and a picture of the whole page."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width}px wide"
    assert "{#" not in page.inner_text("body"), f"{name}: a template comment shows"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def top(page: Any, selector: str) -> float:
    return float(page.locator(selector).first.bounding_box()["y"])


def test_township_reporter_and_reviewer_work_on_a_phone(live_server, cast, browser_context):
    url = live_server.url
    county = cast.county_editor
    solicitation = solicitations.solicitation_create(
        by=county.user,
        unit=county.unit,
        title="关于报送秋冬季森林防火工作信息的约稿",
        requirements="请各乡镇报送森林防火隐患排查、宣传和值守情况。",
        deadline=timezone.now() + dt.timedelta(days=3),
        unit_ids=[cast.township_reporter.unit.pk],
    )

    # The reporter writes an item from the 工作台.
    page = open_on_phone(browser_context, url, cast.township_reporter)
    page.get_by_role("heading", name="我的信息").wait_for()
    look(page, "01-reporter-workbench")
    page.get_by_role("link", name="撰写信息", exact=True).click()
    page.get_by_label("标题").wait_for()
    # The choices that change the form come before the text, the checks just above the action bar.
    assert top(page, "#id_category") < top(page, "#id_title") < top(page, "#id_body")
    assert top(page, "#id_urgency") < top(page, "#id_body")
    assert top(page, "#id_body") < top(page, "#checks-card")
    assert top(page, ".editor-side .card:not(#checks-card)") < top(page, "#checks-card")
    page.get_by_label("类别").select_option("work_update")
    page.get_by_label("标题").fill("城关镇开展汛前隐患排查整治")
    body = "6月3日，城关镇组织12个村开展汛前隐患排查，整改隐患7处。\n举报人身份证号 " + ID_NUMBER + "。"
    page.get_by_label("正文").fill(body)
    summary = page.locator("#checks-summary")
    summary.get_by_text("不能提交").wait_for()
    page.locator("#checks").get_by_text("公民身份号码").first.wait_for()
    look(page, "02-form-blocking-finding")
    # The action bar sits at the bottom of the screen and says what the checks found.
    bar = page.locator(".sticky-actions").bounding_box()
    assert bar["y"] + bar["height"] <= 844 + 1 and bar["y"] > 844 - 140
    for name in ("保存草稿",):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 44, f"{name} is {box['height']}px high"
    page.get_by_label("正文").fill(
        "6月3日，城关镇组织12个村开展汛前隐患排查，整改隐患7处。\n下一步将开展应急演练。"
    )
    summary.get_by_text("检查通过").wait_for()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    look(page, "03-form-saved")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交审核").wait_for()
    look(page, "04-item-in-review")
    report = Report.objects.get(title="城关镇开展汛前隐患排查整治")
    assert report.status == ReportStatus.IN_REVIEW
    page.context.close()

    # The reviewer approves on a phone too.
    page = open_on_phone(browser_context, url, cast.township_reviewer)
    page.get_by_role("heading", name="待我审核").wait_for()
    look(page, "05-reviewer-workbench")
    page.locator(".wb-card").get_by_role("link", name="城关镇开展汛前隐患排查整治").click()
    page.get_by_label("审核意见").wait_for()
    look(page, "06-reviewer-item")
    assert top(page, ".report-text") < top(page, "#review")  # reads the text, then decides
    page.get_by_label("审核意见").fill("同意报送。")
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("已审核通过").wait_for()
    look(page, "07-reviewer-approved")
    page.goto(f"{url}/reports/review/")
    look(page, "08-review-queue-empty")
    page.context.close()

    # The county editor returns it with a comment.
    sub = Submission.objects.get(report=report, target_unit=county.unit)
    reports.submission_return(submission=sub, by=county.user, comment="请补充整改隐患的类型和责任人。")

    # The reporter reads the decision, revises and resubmits; then answers the 约稿.
    page = open_on_phone(browser_context, url, cast.township_reporter)
    returned = page.locator(".wb-card").get_by_text("请补充整改隐患的类型和责任人")
    returned.wait_for()
    look(page, "09-reporter-workbench-returned")
    page.locator(".wb-card").get_by_role("link", name="城关镇开展汛前隐患排查整治").first.click()
    page.get_by_text("退回修改，请按意见修改后重新报送").wait_for()
    look(page, "10-item-returned")
    page.get_by_role("link", name="去修改").click()
    revised = page.locator(f"#returned-{sub.pk} textarea")
    revised.fill(
        "6月3日，城关镇组织12个村开展汛前隐患排查，整改隐患7处，其中山塘渗漏3处、危房2处、河道阻水2处，"
        "均已落实村干部包保责任。\n下一步将开展应急演练。"
    )
    page.get_by_role("button", name="修改后重新报送").click()
    page.get_by_text("已修改并重新报送").wait_for()
    look(page, "11-item-resubmitted")
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.CLAIMED

    page.goto(f"{url}/")
    card = page.locator(".wb-card", has=page.get_by_role("heading", name="约稿与报送要点"))
    card.get_by_role("link", name=solicitation.title).click()
    page.get_by_role("heading", name=solicitation.title).wait_for()
    look(page, "12-solicitation")
    page.go_back()
    card.get_by_role("link", name="写信息回复").click()
    page.get_by_label("标题").wait_for()
    chosen = page.locator("#id_solicitation")
    chosen.locator(f'option[value="{solicitation.pk}"]').wait_for(state="attached")
    assert chosen.input_value() == str(solicitation.pk)
    look(page, "13-form-answering-solicitation")
    page.get_by_label("标题").fill("城关镇织密秋冬季森林防火责任网")
    page.get_by_label("正文").fill("城关镇落实护林员42名，设置防火检查站3个，开展防火宣传进村入户。")
    page.locator("#checks-summary").get_by_text("检查通过").wait_for()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    # The edit page still shows the 约稿 chosen (its options used to land in the action bar).
    chosen.locator(f'option[value="{solicitation.pk}"]').wait_for(state="attached")
    assert chosen.input_value() == str(solicitation.pk)
    assert "约稿" not in page.locator("#autosave").inner_text()
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交审核").wait_for()
    look(page, "14-solicitation-answer-submitted")
    answer = Report.objects.get(title="城关镇织密秋冬季森林防火责任网")
    assert answer.solicitation_id == solicitation.pk and answer.status == ReportStatus.IN_REVIEW
    page.context.close()


def test_every_reporter_and_reviewer_page_fits_a_phone_and_a_desktop(live_server, cast, browser_context):
    url = live_server.url
    reporter, reviewer, county = cast.township_reporter, cast.township_reviewer, cast.county_editor
    emergency = {
        "category": "emergency",
        "urgency": "urgent",
        "place": "城关镇杨家坳村三组",
        "event_time": timezone.now() - dt.timedelta(hours=1),
        "elements": {
            "nature": "强降雨引发山体滑坡（地质灾害）",
            "scope": "滑坡体约1200立方米，冲毁村道约60米，受威胁群众8户23人",
            "casualties": "无人员伤亡",
            "measures": "转移受威胁群众8户23人，设置警戒区，24小时监测",
            "next_steps": "配合区自然资源部门开展专业勘查",
        },
    }
    first = reports.report_create(
        by=reporter.user,
        title="城关镇强降雨致杨家坳村发生山体滑坡 无人员伤亡",
        body="今日凌晨，城关镇普降大到暴雨，杨家坳村三组一处山体发生滑坡。",
        **emergency,
    )
    reports.report_submit(report=first, by=reporter.user)
    first = reports.report_approve(report=first, by=reviewer.user)
    follow = reports.report_create(
        by=reporter.user,
        follow_up_of=first.pk,
        title="城关镇杨家坳村山体滑坡处置情况（续报一）",
        body="受威胁群众已全部妥善安置。",
        **emergency,
    )
    plain = reports.report_create(
        by=reporter.user, title="城关镇做好“一老一小”服务保障", body="新增托育机构2家。"
    )
    reports.report_submit(report=plain, by=reporter.user)
    plain = reports.report_approve(report=plain, by=reviewer.user)
    sub = Submission.objects.get(report=plain, target_unit=county.unit)
    reports.submission_return(submission=sub, by=county.user, comment="请补充服务人数等具体数据。")
    waiting = reports.report_create(
        by=reporter.user, title="城关镇开展防范电信网络诈骗宣传", body="举办宣讲会23场。"
    )
    reports.report_submit(report=waiting, by=reporter.user)
    solicitation = solicitations.solicitation_create(
        by=county.user,
        unit=county.unit,
        title="关于报送优化营商环境工作成效信息的约稿",
        requirements="请报送优化营商环境的做法和成效。",
        deadline=timezone.now() + dt.timedelta(days=5),
        unit_ids=[reporter.unit.pk],
    )
    pages = [
        (
            reporter,
            [
                "/",
                "/reports/",
                "/reports/new",
                f"/reports/{first.pk}/",
                f"/reports/{follow.pk}/",
                f"/reports/{follow.pk}/edit",
                f"/reports/{plain.pk}/",
                f"/reports/{waiting.pk}/",
                "/solicitations/",
                f"/solicitations/{solicitation.pk}/",
                "/notices/",
                "/reading/",
                "/reports/ledger/",
                "/accounts/profile",
                "/accounts/password",
            ],
        ),
        (reviewer, ["/", "/reports/review/", f"/reports/{waiting.pk}/"]),
    ]
    for actor, urls in pages:
        for size, viewport in (("desktop", {"width": 1366, "height": 768}), ("phone", PHONE)):
            context = browser_context.new_context(locale="zh-CN", viewport=viewport)
            page = context.new_page()
            page.goto(f"{url}/accounts/login")
            page.get_by_label("用户名").fill(actor.user.username)
            page.get_by_label("密码").fill(actor.password)
            page.get_by_role("button", name="登 录").click()
            page.wait_for_url(f"{url}/")
            for path in urls:
                response = page.goto(f"{url}{path}")
                assert response.status == 200, (path, response.status)
                page.wait_for_load_state("networkidle")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{path} is {width}px wide at {size}"
                assert "{#" not in page.inner_text("body"), path
                name = path.strip("/").replace("/", "-") or "workbench"
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"walk-{actor.key}-{name}-{size}.png"), full_page=True)
            context.close()


def test_a_refused_autosave_says_so_instead_of_a_stale_saved_time(live_server, cast, browser_context):
    reporter = cast.township_reporter
    report = reports.report_create(by=reporter.user, title="城关镇开展秋季森林防火巡查", body="巡查山林。")
    page = open_on_phone(browser_context, live_server.url, reporter)
    page.goto(f"{live_server.url}/reports/{report.pk}/edit")
    page.get_by_label("正文").fill("巡查山林12处。")
    page.locator("#autosave").get_by_text("已自动保存").wait_for(timeout=15_000)
    reports.report_submit(report=report, by=reporter.user)  # e.g. submitted from another tab meanwhile
    page.get_by_label("正文").fill("巡查山林12处，清理可燃物3吨。")
    page.locator("#autosave").get_by_text("自动保存失败").wait_for(timeout=15_000)
    assert page.get_by_label("正文").input_value() == "巡查山林12处，清理可燃物3吨。"
    look(page, "15-autosave-refused")
    page.context.close()
