from __future__ import annotations

from baosong.editorial import services
from baosong.editorial.models import IssueStatus

from .conftest import adopted_at_county


def test_an_issue_goes_from_composition_to_publication(cast, new_issue, client_as):
    editor, chief = cast.county_editor.user, cast.county_chief.user
    subs = [adopted_at_county(cast, f"第{i}条信息标题", public_scope="public") for i in range(3)]
    services.issue_item_add(issue=new_issue, by=editor, submission_ids=[s.pk for s in subs])
    services.issue_submit(issue=new_issue, by=editor)
    issue = services.issue_sign(issue=new_issue, by=chief)
    assert issue.number == 21 and issue.total_number == 157
    services.issue_distribute(issue=issue, by=editor)
    services.issue_publish(issue=issue, by=editor)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    c = client_as("county_editor")
    for url in [
        f"/issues/{issue.pk}/",
        f"/issues/{issue.pk}/preview",
        f"/issues/{issue.pk}/readers",
        "/issues/",
    ]:
        assert c.get(url).status_code == 200, url
    r = c.get(f"/issues/{issue.pk}/document.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = c.get(f"/issues/{issue.pk}/document.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    leader = client_as("county_leader")
    assert leader.get("/reading/").status_code == 200
    assert leader.get(f"/reading/{issue.pk}/").status_code == 200
    assert leader.get(f"/instructions/for-issue/{issue.pk}").status_code == 200
    assert c.get("/portal/").status_code == 200
    assert c.get(f"/portal/issues/{issue.pk}/").status_code == 200
