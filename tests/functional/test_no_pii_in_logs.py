"""The main flows (invite, send, webhook, import, erasure) log no personal data: every
line our logger writes and every record any other logger emits is checked for the test
candidates' names, emails and phones."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from chalicelib.bootstrap import Container
from chalicelib.shared.domain import ids
from tests.functional.conftest import T0, Glue, TenantApi


@pytest.fixture
def our_log() -> Iterator[io.StringIO]:
    """What the `talentloop` logger writes, formatted exactly as in Lambda."""
    from chalicelib.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    std = logging.getLogger("talentloop")
    std.addHandler(handler)
    previous = logger.log_level
    logger.setLevel(logging.DEBUG)  # everything we log at any level
    try:
        yield stream
    finally:
        logger.setLevel(previous)
        std.removeHandler(handler)


def test_main_flows_log_no_personal_data(api: TenantApi, glue: Glue, container: Container,
                                         our_log: io.StringIO,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    tid = api.tenant["tenant_id"]
    people = [("Zhang Weiwei", f"zhang.weiwei.{tid}@example.com", "13800138000"),
              ("欧阳娜娜", f"ouyang.{tid}@example.com", "13900139000")]
    campaign = api.campaign(channels=["email", "sms"])
    invited = api.invite(campaign["id"], [{"name": n, "email": e, "phone": p}
                                          for n, e, p in people]).json_body
    assert invited["created"] == 2
    glue.drain()  # stream -> outbox -> sender (SES, SNS)
    inv = invited["items"][0]["invitation_id"]
    assert api.webhook("interview.completed", inv, score=90).status_code == 200
    csv_text = "姓名,邮箱,手机\n" + "".join(f"{n},{e},{p}\n" for n, e, p in people)
    csv_text += "Bad Row,bad-email-zhang.weiwei,\n"
    imported = api.client.http.post("/talent-pool/imports", body=csv_text.encode("gb18030"),
                                    headers=api.headers({"Content-Type": "text/csv"}))
    assert imported.status_code == 200
    glue.tick(T0 + timedelta(hours=72, minutes=1))  # the second one: no_show + reminders
    cand = ids.candidate_id(tid, f"email:{people[1][1]}")
    erased = api.client.http.post(f"/talent-pool/candidates/{cand}/erasure",
                                  headers=api.headers(), body=b"")
    assert erased.status_code == 200
    glue.drain()

    ours = our_log.getvalue()
    assert "candidates imported" in ours and "candidate erased" in ours  # it did log
    everything = ours + "\n".join(
        f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    for name, email, phone in people:
        for pii in (name, email, email.split("@")[0], phone, phone[3:]):
            assert pii not in everything, pii
        assert name.encode("unicode_escape").decode() not in everything
