"""The issue's OFD from the issue page, the reading page and the API: the same rule as the other formats
(another unit's issue is not found), the download audited with its format, a wrong format named in Chinese."""

from __future__ import annotations

from baosong.core.models import AuditEvent
from baosong.core.tests import ofd_reader

from .test_documents import signed_issue


def test_the_editor_downloads_the_ofd_from_the_issue_page_and_it_is_audited(cast, new_issue, client_as):
    issue = signed_issue(cast, new_issue, count=2)
    client = client_as("county_editor")
    assert f'href="/issues/{issue.pk}/document.ofd"' in client.get(f"/issues/{issue.pk}/").content.decode()
    response = client.get(f"/issues/{issue.pk}/document.ofd")
    assert response.status_code == 200 and response["Content-Type"] == "application/ofd"
    assert "attachment" in response["Content-Disposition"] and ".ofd" in response["Content-Disposition"]
    package = ofd_reader.read(response.content)
    assert package.info["Title"] == "东湖政务信息第21期（总第157期）"
    text = "".join(t.text for t in package.texts)
    assert "城关镇第1项重点工作取得进展" in text and "城关镇第2项重点工作取得进展" in text
    event = AuditEvent.objects.filter(event_type="issue.download", object_id=str(issue.pk)).get()
    assert event.details["format"] == "ofd" and event.user_id == cast.county_editor.user.pk


def test_the_api_serves_the_ofd_to_whoever_may_read_the_issue_only(cast, new_issue, api):
    issue = signed_issue(cast, new_issue, count=1)
    response = api("county_editor").get(f"/api/v1/issues/{issue.pk}/document.ofd")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert response["Content-Type"] == "application/ofd"
    event = AuditEvent.objects.filter(event_type="issue.download").get()
    assert event.details == {"format": "ofd", "via": "api"}
    assert api("outsider_editor").get(f"/api/v1/issues/{issue.pk}/document.ofd").status_code == 404
    wrong = api("county_editor").get(f"/api/v1/issues/{issue.pk}/document.odf")
    assert wrong.status_code == 404 and wrong.json()["detail"] == "只提供 docx、pdf 和 ofd 三种格式。"
    assert AuditEvent.objects.filter(event_type="issue.download").count() == 1


def test_another_units_editor_gets_no_ofd_from_the_page(cast, new_issue, client_as):
    issue = signed_issue(cast, new_issue, count=1)
    assert client_as("outsider_editor").get(f"/issues/{issue.pk}/document.ofd").status_code == 404
    assert not AuditEvent.objects.filter(event_type="issue.download", details__format="ofd").exists()
