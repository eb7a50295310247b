"""跨系统报送 inside one deployment, against a peer whose private key the test holds: what is received once,
what is refused (and audited), what goes out when a township reports to a peer's unit, and how the peer's
decisions come back into the item's trail and the scores. The two-deployment run is test_two_deployments."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.federation import selectors, services, tasks
from baosong.federation.models import Link, Message, Peer, fingerprint_display
from baosong.federation.tests.helpers import Remote, item_payload
from baosong.orgs.selectors import unit_reporting_targets
from baosong.reports import services as report_services
from baosong.reports.models import ExternalAdoption, Report, ReportStatus, Submission, SubmissionStatus
from baosong.scoring.models import LedgerEntry
from conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Any) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def remote(cast: Any) -> tuple[Remote, Peer]:
    r = Remote()
    peer = services.peer_create(
        by=cast.sysadmin.user,
        name="省政务信息报送平台",
        base_url="http://127.0.0.1:9",
        public_key=r.public.hex(),
    )
    return r, peer


def _item(cast: Any, **extra: Any) -> dict[str, Any]:
    attachments = [{"name": "清单.pdf", "data": base64.b64encode(PDF).decode()}]
    return item_payload("PROV-T9", cast.county_editor.unit.code, attachments=attachments, **extra)


def _post(data: bytes) -> Any:
    return Client().post("/federation/inbox", data, content_type="application/json")


def _inbound_link(cast: Any, peer: Peer) -> Link:
    return services.link_add(
        by=cast.sysadmin.user,
        peer=peer,
        direction="in",
        local_unit_id=cast.county_editor.unit.pk,
        remote_code="PROV-T9",
        remote_name="外省某镇",
        remote_level="township",
    )


def test_an_item_from_a_mapped_peer_unit_arrives_once_in_the_county_inbox(cast: Any, remote: Any) -> None:
    r, peer = remote
    _inbound_link(cast, peer)
    sealed = r.seal("item", _item(cast))
    first = _post(sealed.data)
    assert first.status_code == 200, first.content.decode()
    assert first.json() == {"ok": True, "status": "accepted", "msg_id": sealed.msg_id}
    again = _post(sealed.data)  # the sender did not hear the answer and posts it again
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    copies = Submission.objects.filter(report__title="外省某镇完成防汛物资储备")
    assert copies.count() == 1
    copy = copies.get()
    assert copy.target_unit_id == cast.county_editor.unit.pk and copy.status == SubmissionStatus.RECEIVED
    assert copy.report.status == ReportStatus.SENT
    assert copy.report.source_unit.external and copy.report.source_unit.name == "外省某镇"
    assert copy.report.author.full_name == "王五"
    assert copy.report.attachments.get().original_name == "清单.pdf"
    assert AuditEvent.objects.filter(event_type="federation.receive").count() == 1
    # The county's editor works it like a local item: the inbox page and the item page.
    editor = login(Client(), cast.county_editor)
    assert "外省某镇完成防汛物资储备" in editor.get("/inbox/").content.decode()
    page = editor.get(f"/inbox/{copy.pk}/").content.decode()
    assert "省政务信息报送平台" in page


@pytest.mark.parametrize("tamper", ["unknown_key", "altered", "unmapped", "not_for_us", "garbage"])
def test_a_foreign_altered_or_unmapped_package_is_refused_and_audited(
    cast: Any, remote: Any, tamper: str
) -> None:
    r, peer = remote
    _inbound_link(cast, peer)
    payload = _item(cast)
    if tamper == "unknown_key":
        stranger = Remote()
        data = r.seal("item", payload, sender_fp=r.fp, private=stranger.private).data
    elif tamper == "altered":
        body = json.loads(r.seal("item", payload).data)
        ct = bytearray(base64.b64decode(body["ct"]))
        ct[20] ^= 1
        body["ct"] = base64.b64encode(bytes(ct)).decode()
        data = json.dumps(body).encode()
    elif tamper == "unmapped":
        data = r.seal("item", {**payload, "sender": {"code": "PROV-T8", "name": "外省另一镇"}}).data
    elif tamper == "not_for_us":
        body = json.loads(r.seal("item", payload).data)
        body["header"]["to"] = "0" * 64
        data = json.dumps(body).encode()
    else:
        data = b"{not json"
    response = _post(data)
    assert 400 <= response.status_code < 500
    assert response.json()["ok"] is False and response.json()["message"]
    assert not Report.objects.filter(title=payload["title"]).exists()
    refusal = AuditEvent.objects.filter(event_type="federation.refuse").get()
    assert refusal.outcome == "failure"
    expected = {
        "unknown_key": "bad_signature",
        "altered": "digest_mismatch",
        "unmapped": "unmapped",
        "not_for_us": "not_for_us",
        "garbage": "malformed",
    }[tamper]
    assert refusal.details["code"] == expected


def test_a_package_signed_by_a_key_never_registered_is_refused(cast: Any, remote: Any) -> None:
    _inbound_link(cast, remote[1])
    stranger = Remote()
    response = _post(stranger.seal("item", _item(cast)).data)
    assert response.status_code == 403 and response.json()["error"] == "unknown_key"


def _outbound(cast: Any, peer: Peer) -> Link:
    return services.link_add(
        by=cast.sysadmin.user,
        peer=peer,
        direction="out",
        local_unit_id=cast.township_reporter.unit.pk,
        remote_code="PROV-EDIT",
        remote_name="省政府办公厅信息处",
        remote_level="province",
    )


def _send(cast: Any, link: Link | None, **fields: Any) -> Report:
    """A township item submitted and approved: to the peer's mirrored unit, or (no link) to the county."""
    report = report_services.report_create(
        by=cast.township_reporter.user,
        title=fields.pop("title", "城关镇抢修受损堤防"),
        body="7月3日凌晨，城关镇组织抢修受损堤防120米。",
        category="work_update",
        target_unit_ids=[link.mirror_id] if link else None,
        **fields,
    )
    report_services.report_submit(report=report, by=cast.township_reporter.user)
    report.refresh_from_db()
    while report.status == ReportStatus.IN_REVIEW:
        step = report.review_chain[report.review_step]
        reviewer = cast.township_reviewer.user if step.get("role") == "reviewer" else None
        assert reviewer is not None, step
        report_services.report_approve(report=report, by=reviewer)
        report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    return report


def test_a_township_item_to_a_peer_unit_is_packaged_signed_and_encrypted(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    assert link.mirror in unit_reporting_targets(cast.township_reporter.unit)
    report = _send(cast, link)
    deliver("federation")
    tasks.deliver_round()  # what the worker does after the commit
    message = Message.objects.get(direction="out", kind="item")
    assert message.submission.report_id == report.pk and message.submission.target_unit_id == link.mirror_id
    raw = bytes(message.envelope or b"")
    assert "城关镇抢修受损堤防".encode() not in raw  # encrypted
    payload = r.open(message)
    assert payload["title"] == "城关镇抢修受损堤防" and payload["target_code"] == "PROV-EDIT"
    assert payload["sender"]["code"] == cast.township_reporter.unit.code
    # The peer is not listening (port 9): the package waits, with the reason, and is retried later.
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts >= 1
    assert "无法连接对方系统" in message.status_label
    assert message.next_attempt_at is not None
    assert not services.due_messages()  # backing off
    # The author sees where it stands on the item's page.
    page = login(Client(), cast.township_reporter).get(f"/reports/{report.pk}/").content.decode()
    assert "等待对方接收" in page
    assert selectors.trail_for_report(report.pk)[0]["peer"] == "省政务信息报送平台"


def test_the_peers_adoption_comes_back_into_the_trail_and_the_scores(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    report = _send(cast, link)
    deliver("federation")
    item = Message.objects.get(direction="out", kind="item")
    decision = {
        "decision": "adopt",
        "item": item.msg_id,
        "unit": "省政府办公厅",
        "by": "赵编辑",
        "comment": "",
        "usage": "issue",
        "usage_label": "刊物采用",
        "publication": "《政务信息》第12期",
    }
    sealed = r.seal("decision", decision)
    assert _post(sealed.data).status_code == 200
    assert _post(sealed.data).json()["status"] == "duplicate"
    copy = Submission.objects.get(pk=item.submission_id)
    assert copy.status == SubmissionStatus.ADOPTED and copy.decided_by_id == peer.agent_id
    # The peer's issue is signed: a 外部采用 at the province's level, without anyone's 补录.
    published = {**decision, "decision": "publish", "publication": "《政务信息》2026年第12期"}
    assert _post(r.seal("decision", published).data).status_code == 200
    adoption = ExternalAdoption.objects.get(report=report)
    assert (adoption.level, adoption.publication_name) == ("province", "《政务信息》2026年第12期")
    deliver("scoring")
    assert LedgerEntry.objects.filter(report_id=report.pk, code="external_adoption").count() == 1
    page = login(Client(), cast.township_reporter).get(f"/reports/{report.pk}/").content.decode()
    assert "《政务信息》第12期" in page and "采用" in page


def test_a_follow_up_names_the_first_reports_package(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    first = _send(cast, link)
    deliver("federation")
    follow = _send(cast, link, title="城关镇堤防抢修完成", follow_up_of=first.pk)
    deliver("federation")
    root_msg = Message.objects.get(submission__report=first, direction="out")
    follow_msg = Message.objects.get(submission__report=follow, direction="out")
    assert r.open(follow_msg)["follow_up_of"] == root_msg.msg_id


def test_a_suspended_peer_keeps_its_queue_and_refuses_packages_until_resumed(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    _inbound_link(cast, peer)
    services.peer_set_status(by=cast.sysadmin.user, peer=peer, suspended=True)
    _send(cast, link)
    deliver("federation")
    message = Message.objects.get(direction="out")
    assert message.status == "pending" and message.attempts == 0  # not even tried
    assert not services.due_messages()
    response = _post(r.seal("item", _item(cast)).data)
    assert response.status_code == 503  # the sender keeps it and tries again
    services.peer_set_status(by=cast.sysadmin.user, peer=peer, suspended=False)
    assert [m.pk for m in services.due_messages()] == [message.pk]
    assert (
        AuditEvent.objects.filter(
            event_type__in=["federation.peer_suspend", "federation.peer_resume"]
        ).count()
        == 2
    )


def test_only_the_system_administrator_manages_peers(cast: Any, remote: Any) -> None:
    editor = login(Client(), cast.county_editor)
    assert editor.get("/federation/").status_code in (403, 404)
    assert editor.get(f"/federation/peers/{remote[1].pk}/").status_code in (403, 404)


def test_registering_a_peer_with_a_bad_key_is_a_chinese_400_and_keeps_the_form(
    cast: Any, client_as: Any
) -> None:
    admin = client_as("sysadmin")
    response = admin.post(
        "/federation/",
        {"form": "peer", "name": "某系统", "base_url": "https://x.example", "public_key": "abc"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "公钥格式不正确" in page and "https://x.example" in page
    assert not Peer.objects.filter(name="某系统").exists()


def test_the_administrator_registers_a_peer_and_maps_units_on_the_pages(cast: Any, client_as: Any) -> None:
    admin = client_as("sysadmin")
    home = admin.get("/federation/").content.decode()
    own = services.identity().fingerprint_text
    assert own in home
    r = Remote()
    response = admin.post(
        "/federation/",
        {
            "form": "peer",
            "name": "省平台",
            "base_url": "https://sheng.example/",
            "public_key": r.public.hex(),
        },
    )
    assert response.status_code == 302
    peer = Peer.objects.get(name="省平台")
    assert peer.base_url == "https://sheng.example"
    page = admin.get(f"/federation/peers/{peer.pk}/").content.decode()
    assert fingerprint_display(r.fp) in page
    added = admin.post(
        f"/federation/peers/{peer.pk}/links",
        {
            "direction": "out",
            "local_unit": cast.county_editor.unit.pk,
            "remote_code": "SHENG-01",
            "remote_name": "省政府办公厅",
            "remote_level": "province",
        },
    )
    assert added.status_code == 302
    assert Link.objects.filter(peer=peer, remote_code="SHENG-01").exists()
    assert (
        AuditEvent.objects.filter(event_type__in=["federation.peer_create", "federation.link_add"]).count()
        == 2
    )


def test_a_return_by_the_peer_reaches_the_author_and_the_revision_goes_back(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    report = _send(cast, link)
    deliver("federation")
    item = Message.objects.get(direction="out", kind="item")
    back = {
        "decision": "return",
        "item": item.msg_id,
        "unit": "省政府办公厅",
        "by": "赵编辑",
        "comment": "请补充伤亡情况",
    }
    assert _post(r.seal("decision", back).data).status_code == 200
    copy = Submission.objects.get(pk=item.submission_id)
    assert copy.status == SubmissionStatus.RETURNED and copy.comment == "请补充伤亡情况"
    report_services.submission_resubmit(
        submission=copy,
        by=cast.township_reporter.user,
        title="城关镇抢修受损堤防（补充）",
        body="无人员伤亡。",
    )
    deliver("federation")
    revision = Message.objects.get(direction="out", kind="decision")
    assert r.open(revision) == {
        **r.open(revision),
        "decision": "resubmit",
        "item": item.msg_id,
        "body": "无人员伤亡。",
    }
    assert report.pk == copy.report_id


def test_a_returned_item_revised_at_the_peer_comes_back_to_the_county_editor(cast: Any, remote: Any) -> None:
    r, peer = remote
    _inbound_link(cast, peer)
    sealed = r.seal("item", _item(cast))
    assert _post(sealed.data).status_code == 200
    copy = Submission.objects.get(report__title="外省某镇完成防汛物资储备")
    report_services.submission_return(submission=copy, by=cast.county_editor.user, comment="请补充数量")
    deliver("federation")
    returned = Message.objects.get(direction="out", kind="decision")
    assert r.open(returned)["decision"] == "return" and r.open(returned)["comment"] == "请补充数量"
    revised = {
        "decision": "resubmit",
        "item": sealed.msg_id,
        "title": "外省某镇完成防汛物资储备（补充）",
        "body": "编织袋2万条、救生衣500件。",
    }
    assert _post(r.seal("decision", revised).data).status_code == 200
    copy.refresh_from_db()
    assert copy.status == SubmissionStatus.CLAIMED and copy.body == "编织袋2万条、救生衣500件。"


def test_a_county_editors_forward_to_a_peer_unit_is_packaged_with_the_edited_copy(
    cast: Any, remote: Any
) -> None:
    r, peer = remote
    county = cast.county_editor.unit
    link = services.link_add(
        by=cast.sysadmin.user,
        peer=peer,
        direction="out",
        local_unit_id=county.pk,
        remote_code="PROV-EDIT",
        remote_name="省政府办公厅信息处",
    )
    report = _send(cast, None, title="城关镇开展防汛演练")
    copy = Submission.objects.get(report=report, target_unit=county)
    copy = report_services.submission_edit(
        submission=copy,
        by=cast.county_editor.user,
        title="东湖区城关镇开展防汛演练",
        body="300余人参加演练。",
    )
    report_services.submission_forward(
        submission=copy, by=cast.county_editor.user, target_unit_ids=[link.mirror_id]
    )
    deliver("federation")
    message = Message.objects.get(direction="out", kind="item")
    payload = r.open(message)
    assert payload["forwarded"] is True and payload["sender"]["code"] == county.code
    assert payload["origin"]["code"] == cast.township_reporter.unit.code
    assert payload["title"] == "东湖区城关镇开展防汛演练" and payload["body"] == "300余人参加演练。"


def test_the_authors_withdrawal_goes_to_the_peer(cast: Any, remote: Any) -> None:
    r, peer = remote
    link = _outbound(cast, peer)
    report = _send(cast, link)
    deliver("federation")
    item = Message.objects.get(direction="out", kind="item")
    report_services.report_withdraw(report=Report.objects.get(pk=report.pk), by=cast.township_reporter.user)
    deliver("federation")
    withdrawal = Message.objects.get(direction="out", kind="decision")
    assert r.open(withdrawal)["decision"] == "withdraw" and r.open(withdrawal)["item"] == item.msg_id


@pytest.mark.parametrize("claimed", [False, True])
def test_a_withdrawal_from_the_peer_withdraws_the_copy_unless_an_editor_began(
    cast: Any, remote: Any, claimed: bool
) -> None:
    r, peer = remote
    _inbound_link(cast, peer)
    sealed = r.seal("item", _item(cast))
    assert _post(sealed.data).status_code == 200
    copy = Submission.objects.get(report__title="外省某镇完成防汛物资储备")
    if claimed:
        report_services.submission_claim(submission=copy, by=cast.county_editor.user)
    assert _post(r.seal("decision", {"decision": "withdraw", "item": sealed.msg_id}).data).status_code == 200
    copy.refresh_from_db()
    assert copy.is_active is claimed
    assert copy.report.status == (ReportStatus.SENT if claimed else ReportStatus.WITHDRAWN)
    note = Message.objects.get(direction="in", kind="decision").summary
    assert note["decision"] == "withdraw" and ("未撤回" in note.get("comment", "")) is claimed
