"""Background tasks of the core: email delivery and the worker's own heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Deliver one notification email through the configured SMTP server."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    return message.send(fail_silently=False)


@task()
def send_sms(*, mobile: str, text: str) -> int:
    """Send one SMS through the configured HTTP gateway (POST JSON {mobile, text, sign})."""
    import json
    import urllib.request

    url = settings.SMS_GATEWAY_URL
    if not url:
        return 0
    payload = json.dumps(
        {"mobile": mobile, "text": text, "sign": settings.SMS_SIGN}, ensure_ascii=False
    ).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(200 <= response.status < 300)
