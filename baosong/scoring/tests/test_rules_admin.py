"""The administrator's scoring pages: rule sets by effective date, editing rules, quotas and 稿酬."""

from __future__ import annotations

from decimal import Decimal

from baosong.core.models import AuditEvent
from baosong.scoring.models import QuotaRule, RemunerationRate, Rule, RuleSet


def test_a_new_rule_set_copies_the_current_one_and_can_be_edited(cast, client_as):
    admin = client_as("sysadmin")
    current = RuleSet.objects.get(is_default=True)
    response = admin.post(
        "/manage/scoring/",
        {
            "action": "new_set",
            "name": "2027年积分办法",
            "effective_from": "2027-01-01",
            "copy_from": current.pk,
        },
    )
    new = RuleSet.objects.get(name="2027年积分办法")
    assert response.status_code == 302 and new.rules.count() == current.rules.count()
    rules = list(new.rules.order_by("code", "level", "publication_kind"))
    page = admin.get(f"/manage/scoring/{new.pk}/").content.decode()
    assert "2027年积分办法" in page
    data = {"code": [], "level": [], "kind": [], "points": [], "cap": []}
    for r in rules:
        data["code"].append(r.code)
        data["level"].append(r.level)
        data["kind"].append(r.publication_kind)
        data["points"].append(
            "12" if (r.code, r.level) == ("adopted", "county") and not r.publication_kind else str(r.points)
        )
        data["cap"].append("" if r.cap_per_month is None else str(r.cap_per_month))
    data["remove"] = ["0"]
    admin.post(f"/manage/scoring/{new.pk}/", data)
    assert new.rules.count() == len(rules) - 1
    assert Rule.objects.get(
        rule_set=new, code="adopted", level="county", publication_kind=""
    ).points == Decimal(12)
    assert current.rules.get(code="adopted", level="county", publication_kind="").points == Decimal(
        5
    )  # untouched
    assert AuditEvent.objects.filter(event_type="rule_set.update").exists()


def test_bad_points_and_duplicate_dates_are_refused_in_chinese(cast, client_as):
    admin = client_as("sysadmin")
    current = RuleSet.objects.get(is_default=True)
    page = admin.post(
        "/manage/scoring/",
        {"action": "new_set", "name": "重复", "effective_from": current.effective_from.isoformat()},
        follow=True,
    ).content.decode()
    assert "该日期已有生效的规则集" in page
    before = current.rules.count()
    page = admin.post(
        f"/manage/scoring/{current.pk}/",
        {"code": ["adopted"], "level": ["county"], "kind": [""], "points": ["五分"], "cap": [""]},
        follow=True,
    ).content.decode()
    assert "不是有效数字" in page and current.rules.count() == before


def test_quotas_and_rates_are_kept(cast, client_as):
    admin = client_as("sysadmin")
    admin.post(
        "/manage/scoring/",
        {
            "action": "quota",
            "unit_class": "一类",
            "period_kind": "week",
            "category": "",
            "minimum": "2",
            "penalty": "-1",
        },
    )
    assert QuotaRule.objects.get(unit_class="一类", period_kind="week").minimum == 2
    admin.post(
        "/manage/scoring/",
        {
            "action": "rates",
            "rate_county": "60",
            "rate_city": "120",
            "rate_province": "300",
            "rate_national": "800",
        },
    )
    assert RemunerationRate.objects.get(level="national").amount == Decimal(800)


def test_only_the_system_administrator_manages_rules(cast, client_as):
    assert client_as("county_editor").get("/manage/scoring/").status_code == 403
    assert client_as("secadmin").get("/manage/scoring/").status_code == 403
