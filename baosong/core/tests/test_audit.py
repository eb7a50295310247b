from __future__ import annotations

import io
import sqlite3
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from baosong.core.audit import audit_record, audit_verify, audit_verify_sqlite_file
from baosong.core.errors import ServiceError
from baosong.core.models import AuditEvent
from baosong.orgs import services
from baosong.orgs.models import Unit


def _drop_guards() -> None:
    """What an intruder with database access would do before tampering."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")


def _events(n: int) -> list[AuditEvent]:
    return [audit_record("unit.update", details={"n": i, "text": "修改单位名称"}) for i in range(n)]


def test_database_refuses_update_of_an_audit_row(db):
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")


def test_database_refuses_delete_of_an_audit_row(db):
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_chain_verifies_when_untouched(db):
    _events(5)
    result = audit_verify()
    assert result.ok and result.checked == 5
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计日志完整" in out.getvalue()


def test_verify_audit_names_a_row_changed_by_one_byte(db):
    events = _events(6)
    _drop_guards()
    target = events[3]
    with connection.cursor() as cur:
        # change one byte of the user name snapshot
        cur.execute("UPDATE core_auditevent SET user_name = %s WHERE id = %s", ["x", target.pk])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == target.seq
    with pytest.raises(CommandError, match=f"第 {target.seq} 号记录"):
        call_command("verify_audit")


def test_verify_audit_names_a_deleted_row(db):
    events = _events(6)
    _drop_guards()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == events[2].seq
    assert "缺失" in result.message


def test_verify_audit_finds_a_deleted_last_row(db):
    events = _events(4)
    _drop_guards()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == events[-1].seq


def test_verify_audit_checks_a_copy_of_an_sqlite_database(transactional_db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the file copy check is for SQLite archives; PostgreSQL is covered by the in-place tests")
    events = _events(5)
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cur:
        cur.execute("VACUUM INTO %s", [str(copy)])
    assert audit_verify_sqlite_file(str(copy)).ok
    raw = sqlite3.connect(copy)
    raw.execute("DROP TRIGGER core_auditevent_no_update")
    raw.execute("UPDATE core_auditevent SET event_type = 'unit.updatf' WHERE seq = ?", [events[1].seq])
    raw.commit()
    raw.close()
    result = audit_verify_sqlite_file(str(copy))
    assert not result.ok and result.first_bad_seq == events[1].seq
    with pytest.raises(CommandError):
        call_command("verify_audit", sqlite_file=str(copy))


def test_a_failed_audit_write_rolls_back_the_business_change(cast):
    before = Unit.objects.count()
    with (
        mock.patch("baosong.core.audit.AuditEvent.save", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.unit_create(
            by=cast.sysadmin.user,
            name="新设单位",
            code="NEW-1",
            level="county",
            parent=cast.city_editor.unit,
        )
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="NEW-1").exists()


def test_a_refused_change_leaves_no_audit_row(cast):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError):
        services.unit_create(
            by=cast.sysadmin.user, name="", code="X", level="county", parent=cast.city_editor.unit
        )
    assert AuditEvent.objects.count() == before


def test_audit_row_carries_request_context(client_as, cast):
    client = client_as("sysadmin")
    client.post(
        f"/manage/units/{cast.county_editor.unit.pk}/edit",
        {
            "name": "东湖区人民政府办公室",
            "code": cast.county_editor.unit.code,
            "level": "county",
            "kind": "government",
            "sort_order": 1,
        },
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_REQUEST_ID="req-123",
    )
    event = AuditEvent.objects.filter(event_type="unit.update").latest("seq")
    assert event.ip == "10.1.2.3" and event.request_id == "req-123"
    assert event.user_id == cast.sysadmin.user.pk and "周建国" in event.user_name
