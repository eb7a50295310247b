from __future__ import annotations

from baosong.core.models import AuditEvent


def test_audit_administrator_searches_events(client_as):
    client = client_as("auditadmin")
    response = client.get("/audit/?type=login.success")
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body and "登录成功" in body


def test_audit_administrator_runs_verification(client_as):
    client = client_as("auditadmin")
    response = client.post("/audit/verify", follow=True)
    assert response.status_code == 200
    assert "审计日志完整" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="audit.verify", outcome="success").exists()


def test_bad_date_filter_is_explained_not_a_500(client_as):
    response = client_as("auditadmin").get("/audit/?from=2026-13-45")
    assert response.status_code == 400
    assert "日期格式" in response.content.decode()


def test_system_administrator_gets_403_on_audit_pages(client_as):
    client = client_as("sysadmin")
    assert client.get("/audit/").status_code == 403
    assert client.post("/audit/verify").status_code == 403
    assert AuditEvent.objects.filter(event_type="permission.denied").exists()


def test_business_users_cannot_read_the_audit_log(client_as):
    for key in ("county_editor", "province_leader", "secadmin"):
        assert client_as(key).get("/audit/").status_code == 403
