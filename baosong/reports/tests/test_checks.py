"""Pre-submit checks (报送前检查): classified markings, personal data, title length, 突发事件 elements and
sensitive words; the /checks endpoint, and submit running the checks again on the server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.reports.checks import run_checks
from baosong.reports.models import Report, SensitiveWord, Submission

from .conftest import EMERGENCY_ELEMENTS, ITEM, post


@pytest.fixture(autouse=True)
def _default_check_settings(settings):  # type: ignore[no-untyped-def]
    """The shipped defaults, whatever the environment running the suite says."""
    settings.PERSONAL_DATA_CHECKS = {"id_number": "blocking", "mobile": "warning", "bank_card": "blocking"}
    settings.REPORT_TITLE_MAX = 40


def id_number(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11, check character from the sum mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:  # doubled: every second digit counting from the check digit
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def findings(**fields: Any) -> dict[str, list[dict[str, Any]]]:
    return run_checks(Report(**{"title": ITEM["title"], "body": ITEM["body"], **fields}))


def codes(result: dict[str, list[dict[str, Any]]], severity: str) -> list[str]:
    return [f["code"] for f in result[severity]]


def test_an_ordinary_item_passes(db):
    assert findings() == {"blocking": [], "warnings": []}


def test_the_test_helpers_compute_known_check_digits():
    assert id_number("11010519491231002") == "11010519491231002X"  # the GB 11643 worked example
    assert luhn_complete("7992739871") == "79927398713"  # the usual Luhn worked example


@pytest.mark.parametrize(
    "marking", ["机密★1年", "秘密 ★10年", "绝密★", "【内部】", "【机密】", "密级：秘密", "保密期限:5年"]
)
def test_a_classified_marking_blocks(db, marking):
    body = f"{marking}\n{ITEM['body']}"
    result = findings(body=body)
    [finding] = result["blocking"]
    assert finding["code"] == "classified_marking" and finding["field"] == "body"
    assert body[finding["start"] : finding["end"]] == finding["excerpt"]
    assert finding["start"] == 0 and "涉密信息严禁" in finding["message"]


def test_a_marking_in_the_title_blocks(db):
    [finding] = findings(title="【内部】城关镇防汛工作情况")["blocking"]
    assert (finding["code"], finding["field"], finding["start"], finding["end"]) == (
        "classified_marking",
        "title",
        0,
        4,
    )


@pytest.mark.parametrize("text", ["群众反映秘密通道被占用", "机密文件管理培训会召开", "内部管理制度得到完善"])
def test_ordinary_words_containing_marking_characters_do_not_block(db, text):
    assert findings(body=text)["blocking"] == []


def test_a_valid_id_number_is_found_where_it_stands(db):
    number = id_number("33010219800101123")
    body = f"当事人张某（身份证号{number}）已送医。"
    result = findings(body=body)
    [finding] = result["blocking"]
    assert finding["code"] == "id_number"
    assert (finding["start"], finding["end"]) == (body.index(number), body.index(number) + 18)
    assert finding["excerpt"] == number[:6] + "********" + number[-4:]
    assert number not in str(result)  # the finding never repeats the full number


def test_an_id_number_with_a_wrong_check_character_is_not_found(db):
    number = id_number("33010219800101123")
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    assert "id_number" not in codes(findings(body=f"编号{wrong}。"), "blocking")
    assert "id_number" not in codes(findings(body=f"编号{wrong}。"), "warnings")


def test_an_id_number_ending_in_a_lowercase_x_is_found(db):
    result = findings(body="身份证11010519491231002x。")
    assert [(f["code"], f["start"], f["end"]) for f in result["blocking"]] == [("id_number", 3, 21)]


def test_an_id_number_ending_in_x_is_not_also_taken_for_a_bank_card(db):
    # Its first 17 digits stand alone before the X; when they happen to pass Luhn (one in ten) the
    # number must still be reported once, as an ID number.
    number = next(
        n
        for n in (id_number(f"110105194912315{i:02d}") for i in range(100))
        if n.endswith("X") and luhn_complete(n[:16]) == n[:17]
    )
    result = findings(body=f"身份证{number}。")
    assert [f["code"] for f in result["blocking"]] == ["id_number"]


def test_a_mobile_number_warns(db):
    body = "联系人王某，电话13812345678。"
    result = findings(body=body)
    assert result["blocking"] == []
    [finding] = result["warnings"]
    assert finding["code"] == "mobile" and finding["excerpt"] == "138****5678"
    assert (finding["start"], finding["end"]) == (body.index("138"), body.index("138") + 11)


def test_a_luhn_valid_bank_card_blocks(db):
    card = luhn_complete("622848001234567")
    assert len(card) == 16
    body = f"捐款账户{card}，开户行农业银行。"
    [finding] = findings(body=body)["blocking"]
    assert finding["code"] == "bank_card" and finding["excerpt"] == card[:4] + "****" + card[-4:]
    assert finding["start"] == body.index(card) and finding["end"] == body.index(card) + 16


def test_a_luhn_invalid_sixteen_digit_number_does_not_block(db):
    card = luhn_complete("622848001234567")
    wrong = card[:15] + str((int(card[15]) + 1) % 10)
    assert findings(body=f"项目编号{wrong}。") == {"blocking": [], "warnings": []}


def test_a_long_title_warns_but_does_not_block(db):
    title = "城关镇" * 14  # 42 characters
    result = findings(title=title)
    assert result["blocking"] == []
    [finding] = result["warnings"]
    assert (finding["code"], finding["field"], finding["start"], finding["end"]) == (
        "title_too_long",
        "title",
        40,
        42,
    )
    assert findings(title="城" * 40)["warnings"] == []


def test_empty_title_and_body_block(db):
    assert codes(findings(title="  ", body=""), "blocking") == ["title_empty", "body_empty"]


def test_an_emergency_without_elements_is_blocked_with_the_missing_names(db):
    [finding] = findings(category="emergency")["blocking"]
    assert finding["code"] == "missing_elements" and finding["field"] == "elements"
    # 时间 is the event time: named once, not as both 事件时间 and 时间.
    assert (
        finding["message"]
        == "突发事件信息缺少要素：时间、地点、事件性质、影响范围、伤亡和损失、已采取措施、下步打算。"
    )


def test_the_event_time_and_place_are_the_time_and_place_elements(db):
    others = {key: "已核实" for key, _ in EMERGENCY_ELEMENTS if key not in {"time", "place"}}
    result = findings(category="emergency", event_time=timezone.now(), place="城关镇", elements=others)
    assert result["blocking"] == []
    [finding] = findings(category="emergency", place="城关镇", elements=others)["blocking"]
    assert finding["message"] == "突发事件信息缺少要素：时间。"


def test_an_item_past_its_deadline_warns_while_it_is_written(db):
    from baosong.reports.models import DeadlineRule

    DeadlineRule.objects.update_or_create(
        category="emergency", urgency="", defaults={"kind": "hours_from_event", "amount": 3}
    )
    late = findings(category="emergency", event_time=timezone.now() - dt.timedelta(hours=4))["warnings"]
    assert [f["message"] for f in late if f["code"] == "deadline_passed"] == [
        "已超过报送时限（事件发生后 3 小时内），报出后将标记为迟报。"
    ]
    early = findings(category="emergency", event_time=timezone.now() - dt.timedelta(hours=2))["warnings"]
    assert [f for f in early if f["code"] == "deadline_passed"] == []


def test_an_emergency_names_only_the_elements_still_missing(db):
    elements = {key: "已核实" for key, _ in EMERGENCY_ELEMENTS if key not in {"casualties", "next_steps"}}
    [finding] = findings(category="emergency", event_time=timezone.now(), elements=elements)["blocking"]
    assert finding["message"] == "突发事件信息缺少要素：伤亡和损失、下步打算。"


def test_an_emergency_with_every_element_passes(db):
    elements = {key: "已核实" for key, _ in EMERGENCY_ELEMENTS}
    assert findings(category="emergency", event_time=timezone.now(), elements=elements)["blocking"] == []


def test_elements_are_only_required_of_emergencies(db):
    assert findings(category="work_update", elements={})["blocking"] == []


def test_sensitive_words_warn_or_block_as_configured(db):
    SensitiveWord.objects.create(word="群体性", blocking=False)
    SensitiveWord.objects.create(word="围堵", blocking=True)
    body = "部分群众围堵路口，未发生群体性事件；群体性上访苗头已化解。"
    result = findings(body=body)
    assert [(f["code"], f["excerpt"], f["start"]) for f in result["blocking"]] == [
        ("sensitive_word", "围堵", body.index("围堵"))
    ]
    second = body.index("群体性", body.index("群体性") + 1)
    assert [(f["excerpt"], f["start"], f["end"]) for f in result["warnings"]] == [
        ("群体性", body.index("群体性"), body.index("群体性") + 3),
        ("群体性", second, second + 3),
    ]


def test_sensitive_words_are_looked_for_in_the_elements_too(db):
    SensitiveWord.objects.create(word="围堵", blocking=True)
    text = "周边道路一度被围堵"
    [finding] = findings(elements={"scope": text})["blocking"]
    assert finding["field"] == "elements.scope" and finding["start"] == text.index("围堵")


# ---- through the API --------------------------------------------------------------------------------


def test_checks_endpoint_reports_findings_with_positions(cast, api):
    reporter = api("township_reporter")
    body = "机密★1年\n联系人王某，电话13812345678。"
    rid = post(reporter, "/api/v1/reports", {**ITEM, "body": body}).json()["id"]
    response = post(reporter, f"/api/v1/reports/{rid}/checks")
    assert response.status_code == 200, response.content
    result = response.json()
    assert set(result) == {"blocking", "warnings"}
    [marking] = result["blocking"]
    assert (marking["code"], marking["field"], marking["start"], marking["end"]) == (
        "classified_marking",
        "body",
        0,
        3,
    )
    [mobile] = result["warnings"]
    assert mobile["code"] == "mobile" and body[mobile["start"] : mobile["end"]] == "13812345678"
    assert post(api("outsider_editor"), f"/api/v1/reports/{rid}/checks").status_code == 404


def test_submit_runs_the_checks_even_if_the_client_never_asked(cast, api):
    reporter = api("township_reporter")
    card = luhn_complete("622848001234567")
    rid = post(reporter, "/api/v1/reports", {**ITEM, "body": ITEM["body"] + f"\n捐款账户{card}。"}).json()[
        "id"
    ]
    response = post(reporter, f"/api/v1/reports/{rid}/submit")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "checks_failed" and "银行卡号" in response.json()["detail"]
    assert reporter.get(f"/api/v1/reports/{rid}").json()["status"] == "draft"
    assert not Submission.objects.filter(report_id=rid).exists()
    assert (
        not DomainEvent.objects.filter(object_type="report", object_id=rid)
        .exclude(event_type="report.create")
        .exists()
    )

    # Removing the card number lets the same item go out.
    reporter.patch(f"/api/v1/reports/{rid}", {"body": ITEM["body"]}, content_type="application/json")
    accepted = post(reporter, f"/api/v1/reports/{rid}/submit")
    assert accepted.status_code == 200 and accepted.json()["status"] in {"in_review", "sent"}


def test_submit_refuses_an_emergency_missing_elements(cast, api):
    reporter = api("township_reporter")
    rid = post(reporter, "/api/v1/reports", {**ITEM, "category": "emergency"}).json()["id"]
    response = post(reporter, f"/api/v1/reports/{rid}/submit")
    assert response.status_code == 422 and response.json()["code"] == "checks_failed"
    assert "事件性质" in response.json()["detail"]
    assert Report.objects.get(pk=rid).status == "draft"


def test_a_refused_submit_returns_every_finding(cast, api):
    reporter = api("township_reporter")
    item = {**ITEM, "body": "绝密★1年\n身份证号11010519491231002X"}
    rid = post(reporter, "/api/v1/reports", item).json()["id"]
    response = post(reporter, f"/api/v1/reports/{rid}/submit")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "checks_failed"
    assert {f["code"] for f in body["blocking"]} >= {"classified_marking", "id_number"}
