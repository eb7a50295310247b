"""Two live deployments on 127.0.0.1, each with its own database, data directory, keys, gunicorn and task
worker, driven only through their API as integrators and administrators would: A's township reports to B's
county. The item crosses once; B's adoption comes back into A's trail and scores; a 续报 follows its first
report; B down for a while gets the item once when it is back (A's worker retries); altered, foreign-key and
unmapped packages are refused by B and audited there."""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from baosong.federation import envelope
from baosong.federation.testing import Deployment, federate, setup_both
from baosong.signing import sm2

PDF = "%PDF-1.4\n1 0 obj<<>>endobj\n% 防汛演练现场\ntrailer<<>>\n%%EOF\n".encode()


@pytest.fixture(scope="module")
def deployments(tmp_path_factory: Any, django_db_blocker: Any) -> Iterator[tuple[Deployment, Deployment]]:
    with django_db_blocker.unblock():
        vendor = connection.vendor
    postgres = os.environ.get("DATABASE_URL") if vendor == "postgresql" else None
    root = tmp_path_factory.mktemp("federation")
    a, b = Deployment(root, "a", postgres_url=postgres), Deployment(root, "b", postgres_url=postgres)
    try:
        setup_both(a, b)
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def _wait(predicate: Any, seconds: float = 40, what: str = "") -> Any:
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _inbox(d: Deployment, title: str) -> list[dict[str, Any]]:
    items = d.call("get", "/api/v1/inbox?page_size=100", key="county_editor")["items"]
    return [i for i in items if i["title"] == title]


def _packages(d: Deployment, report_id: int, key: str = "township_reporter") -> list[dict[str, Any]]:
    return list(d.call("get", f"/api/v1/reports/{report_id}/federation", key=key))


def _post(url: str, data: bytes) -> int:
    request = urllib.request.Request(
        url + "/federation/inbox", data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_a_township_item_crosses_to_another_deployment_and_its_adoption_comes_back(
    deployments: tuple[Deployment, Deployment],
) -> None:
    a, b = deployments
    town, county = a.cast["township_reporter"], b.cast["county_editor"]

    # The administrators exchange keys out of band, compare fingerprints, register each other, map units.
    fed = federate(a, b)
    a_key, b_key, mirror = fed["a_key"], fed["b_key"], fed["mirror"]
    assert (fed["a_on_b"]["fingerprint"], fed["b_on_a"]["fingerprint"]) == (
        a_key["fingerprint"],
        b_key["fingerprint"],
    )

    # 1. A township item, written, attached, submitted and approved in A, reaches B's county inbox once.
    first = a.send_item("城关镇组织防汛应急演练", target=mirror, attachment=PDF)
    (row,) = _wait(lambda: _inbox(b, "城关镇组织防汛应急演练"), what="the item at B")
    assert row["source_unit"] == town["unit_name"]
    out = _wait(
        lambda: [p for p in _packages(a, first) if p["status"] == "delivered"], what="the acknowledgement"
    )[0]
    assert out["status_label"] == "已送达"
    b_item = b.call("get", f"/api/v1/submissions/{row['id']}", key="county_editor")
    assert b.count("reports.Attachment", report_id=b_item["report_id"]) == 1

    # 2. B's county editor adopts it; B's worker sends the decision; A's trail and A's scores show it.
    b.call("post", f"/api/v1/submissions/{row['id']}/adopt", {"usage": "website"}, key="county_editor")
    _wait(
        lambda: any(p["decision"] == "adopt" and p["direction"] == "in" for p in _packages(a, first)),
        what="the adoption at A",
    )
    assert (
        _wait(lambda: a.count("scoring.LedgerEntry", report_id=first, code="website"), what="A's score") == 1
    )

    # 3. A 续报 follows the chain: B files it under its copy of the first report.
    follow = a.send_item("城关镇防汛演练续报", target=mirror, follow_up_of=first)
    (frow,) = _wait(lambda: _inbox(b, "城关镇防汛演练续报"), what="the 续报 at B")
    assert frow["follow_up_label"] == "续报一"
    b_follow = b.call("get", f"/api/v1/reports/{frow['report_id']}", key="county_editor")
    assert b_follow["follow_up_of"] == b_item["report_id"]
    assert follow

    # 4. B is down: A's page answers, the package waits with the reason; once B is back, A's worker
    # delivers it — once.
    b.stop_web()
    try:
        waiting = a.send_item("城关镇转移群众120人", target=mirror)
        pending = _wait(
            lambda: [p for p in _packages(a, waiting) if p["last_error"]], what="a failed attempt"
        )[0]
        assert pending["status"] == "pending" and "无法连接对方系统" in pending["status_label"]
    finally:
        b.start_web()
    _wait(lambda: _inbox(b, "城关镇转移群众120人"), what="the retry after B returned")
    _wait(lambda: _packages(a, waiting)[0]["status"] == "delivered", what="the acknowledgement")
    time.sleep(1.5)
    assert len(_inbox(b, "城关镇转移群众120人")) == 1

    # 5. Refused by B and audited there: an altered package, one signed by a key B never registered, one
    # from a unit B has not mapped.
    sealed = json.loads(a.manage("shell", "-c", _ENVELOPE.format(report=first)).strip().splitlines()[-1])
    ct = bytearray(base64.b64decode(sealed["ct"]))
    ct[-20] ^= 1
    sealed["ct"] = base64.b64encode(bytes(ct)).decode()
    sealed["header"]["id"] = "11111111-1111-4111-8111-111111111111"
    stranger, _ = sm2.generate_keypair()
    b_public = bytes.fromhex(b_key["public_key"])

    def forged(payload: dict[str, Any]) -> bytes:
        return envelope.seal(
            kind="item", payload=payload, sender_fp=a_key["fingerprint"], sender_private=stranger,
            receiver_fp=b_key["fingerprint"], receiver_public=b_public,
        ).data  # fmt: skip

    assert _post(b.url, json.dumps(sealed).encode()) == 403
    assert _post(b.url, forged({"title": "伪造", "target_code": county["unit_code"]})) == 403
    unmapped = a.manage("shell", "-c", _UNMAPPED.format(target=county["unit_code"])).strip().splitlines()[-1]
    assert _post(b.url, unmapped.encode()) == 403
    assert b.count("core.AuditEvent", event_type="federation.refuse") == 3
    assert not _inbox(b, "伪造") and not _inbox(b, "别处的信息")


# Run inside A (its key never leaves it): the envelope of the first item; a package from an unmapped unit.
_ENVELOPE = (
    "from baosong.federation.models import Message as M; "
    "m = M.objects.get(submission__report_id={report}, direction='out', kind='item'); "
    "print(bytes(m.envelope).decode())"
)
_UNMAPPED = (
    "from baosong.federation import services as s, envelope as e; "
    "from baosong.federation.models import Peer; "
    "i = s.identity(); p = Peer.objects.get(); "
    "body = {{'sender': {{'code': 'DEMO-ELSEWHERE', 'name': '别处'}}, "
    "'target_code': '{target}', 'title': '别处的信息'}}; "
    "print(e.seal(kind='item', payload=body, sender_fp=i.fingerprint, sender_private=s._private(i), "
    "receiver_fp=p.fingerprint, receiver_public=bytes(p.public_key)).data.decode())"
)
