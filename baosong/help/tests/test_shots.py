"""Every screenshot the manual shows is committed, small enough for an intranet, and described in Chinese
for readers who cannot see it. (test_browser_shots.py regenerates them.)"""

from __future__ import annotations

import re

from .shots import MAX_BYTES, SHOTS, referenced_shots, shot_images

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_manual_shows_screenshots() -> None:
    assert len(referenced_shots()) >= 15


def test_every_screenshot_the_manual_references_exists_and_is_small() -> None:
    missing = sorted(name for name in referenced_shots() if not (SHOTS / name).is_file())
    assert not missing, f"screenshots referenced but missing (run test_browser_shots.py): {missing}"
    for name in referenced_shots():
        assert (SHOTS / name).stat().st_size < MAX_BYTES, name


def test_every_screenshot_has_a_chinese_description() -> None:
    for template, name, alt in shot_images():
        assert len(CJK.findall(alt)) >= 6, (template, name, alt)


def test_no_stale_screenshot_is_left_behind() -> None:
    on_disk = {p.name for p in SHOTS.glob("*") if p.suffix in {".jpg", ".png"}}
    stale = sorted(on_disk - referenced_shots())
    assert not stale, f"not referenced by any page: {stale}"
