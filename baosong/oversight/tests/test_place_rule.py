"""The rule that locates an event in a unit (services.unit_names, services.located_in): pure, no database."""

from __future__ import annotations

from baosong.orgs.models import Unit
from baosong.oversight.services import located_in, unit_names

COUNTY = Unit(pk=1, name="临江市东湖区人民政府办公室", short_name="东湖区")
CHENGGUAN = Unit(pk=2, name="东湖区城关镇", parent_id=1)
XINQIAO = Unit(pk=3, name="东湖区新桥镇", parent_id=1)
DEPARTMENT = Unit(pk=4, name="东湖区应急管理局", parent_id=1)
TOWNS = [CHENGGUAN, XINQIAO, DEPARTMENT]
NAMES = {u.pk: unit_names(u, COUNTY) for u in TOWNS}


def test_a_township_is_named_with_or_without_its_county_in_front():
    assert NAMES[CHENGGUAN.pk] == {"东湖区城关镇", "城关镇"}
    assert unit_names(COUNTY, None) >= {"东湖区", "临江市东湖区"}


def test_the_place_most_items_name_wins():
    places = ["东湖区城关镇李家村", "城关镇李家村", "", "东湖区"]
    assert located_in(places, TOWNS, NAMES) == CHENGGUAN


def test_a_tie_or_no_name_locates_nothing():
    assert located_in(["城关镇李家村", "新桥镇王庄村"], TOWNS, NAMES) is None
    assert located_in(["东湖区", "李家村"], TOWNS, NAMES) is None
