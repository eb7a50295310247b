"""Request sizes: a body declared larger than any form accepts answers 413 before one byte of it is read (on
pages and on the API, in the API's own shape there); the limit follows the import and attachment settings;
free-form lists and maps in an item have bounds, refused with a Chinese reason and nothing cut."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from baosong.core.errors import ServiceError
from baosong.reports import services as report_services
from baosong.reports.models import MAX_ELEMENTS, Report


class Unreadable:
    """A request body stream that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client: Any, path: str, length: int, **extra: Any) -> Any:
    return client.generic(
        "POST",
        path,
        data=b"x",
        content_type="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
        **extra,
    )


def test_the_limit_is_the_largest_upload_plus_room_for_the_form() -> None:
    largest = max(settings.IMPORT_MAX_BYTES, settings.ATTACHMENT_MAX_MB * 1024 * 1024)
    assert largest + 1024 * 1024 == settings.REQUEST_MAX_BYTES


def test_an_over_size_upload_answers_413_unread_on_a_page_and_the_api(
    cast: Any, client_as: Any, api: Any
) -> None:
    report = report_services.report_create(by=cast.township_reporter.user, title="附件测试", body="正文。")
    over = settings.REQUEST_MAX_BYTES + 1
    page = post_declaring(client_as("township_reporter"), f"/reports/{report.pk}/attachments", over)
    assert page.status_code == 413
    assert "请求体过大" in page.content.decode()
    answer = post_declaring(api("township_reporter"), f"/api/v1/reports/{report.pk}/attachments", over)
    assert answer.status_code == 413
    assert answer.json()["code"] == "body_too_large"
    assert "MB" in answer.json()["detail"]
    # Anonymous too: the size is checked before anything else, the login page included.
    assert post_declaring(client_as("township_reporter"), "/accounts/login", over).status_code == 413


def test_a_body_within_the_limit_still_reaches_the_view(client_as: Any) -> None:
    response = client_as("township_reporter").post("/reports/import-docx", {})
    assert response.status_code != 413


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"tags": [f"标签{i}" for i in range(11)]}, "too_many_tags"),
        ({"tags": ["这是一个超过二十个字的很长很长很长很长的标签"]}, "tag_too_long"),
        ({"elements": {"color": "红"}}, "invalid_elements"),
        ({"elements": {"nature": "字" * 2001}}, "element_too_long"),
        ({"elements": ["nature"]}, "invalid_elements"),
    ],
)
def test_free_form_fields_are_bounded_and_refused_not_cut(
    cast: Any, fields: dict[str, Any], code: str
) -> None:
    before = Report.objects.count()
    with pytest.raises(ServiceError) as refused:
        report_services.report_create(
            by=cast.township_reporter.user, title="要素测试", body="正文。", **fields
        )
    assert refused.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value))
    assert Report.objects.count() == before


def test_the_api_bounds_each_tag_and_element_in_its_schema(api: Any) -> None:
    client = api("township_reporter")
    base = {"title": "要素测试", "body": "正文。"}
    long_tag = client.post("/api/v1/reports", {**base, "tags": ["字" * 21]}, content_type="application/json")
    assert long_tag.status_code == 422
    too_many = {f"k{i}": "值" for i in range(MAX_ELEMENTS + 1)}
    assert (
        client.post(
            "/api/v1/reports", {**base, "elements": too_many}, content_type="application/json"
        ).status_code
        == 422
    )
    ok = client.post(
        "/api/v1/reports",
        {**base, "category": "emergency", "tags": ["防汛"], "elements": {"nature": "山体滑坡"}},
        content_type="application/json",
    )
    assert ok.status_code in (200, 201), ok.content.decode()
    assert ok.json()["elements"] == {"nature": "山体滑坡"}
