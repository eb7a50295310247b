"""The demo cast is seeded once per session (conftest._SessionSeed): each test must still start from the
seeded state, and a test without the cast from an empty database."""

from __future__ import annotations

from typing import Any

import pytest

from baosong.demo.province import CAST
from baosong.orgs.models import Unit, User


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_with_the_cast_starts_from_the_seeded_demo(cast: Any, run: int) -> None:
    # Both runs check, then change: whichever runs second sees what the first left behind, if anything.
    assert User.objects.count() == len(CAST)
    assert not Unit.objects.filter(code="CAST-FIXTURE").exists()
    assert User.objects.get(pk=cast.county_editor.user.pk).full_name == "黄海燕"
    assert not User.objects.filter(is_demo=True, must_change_password=True).exists()
    User.objects.filter(pk=cast.county_editor.user.pk).update(full_name=f"改名{run}")
    Unit.objects.create(code="CAST-FIXTURE", name="临时单位", level="county", path="", depth=0)


def test_each_actor_has_its_own_unit_instance(cast: Any) -> None:
    assert cast.county_editor.unit == cast.county_chief.unit
    assert cast.county_editor.unit is not cast.county_chief.unit


def test_a_test_without_the_cast_sees_no_demo(db: None) -> None:
    assert not User.objects.exists() and not Unit.objects.exists()
