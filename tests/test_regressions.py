"""Inputs that once stopped the service (found in review); each must now be
logged, remembered and skipped while the rest of the pass goes on."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import write_config
from mailgen import invite

from followup.adapters import config
from followup.app import drafts, interviews
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import valid_address

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
AFTER = START + timedelta(hours=2)


@pytest.fixture
def box(tmp_path):
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    return maildir


def runtime(tmp_path, box, extra: str = ""):
    return open_runtime(config.load(write_config(tmp_path / "c.toml", maildir=box, extra=extra)))


def test_unparseable_from_header_is_skipped_and_remembered(tmp_path, box):
    """`From: a@` makes the email package raise IndexError: one rejected row, pass goes on."""
    (box / "new" / "1.bad").write_bytes(
        b"From: a@\r\nSubject: Interview invitation\r\nMessage-ID: <bad@x>\r\n\r\nhello\r\n"
    )
    (box / "new" / "2.good").write_bytes(
        invite(uid="ok-1", start=START, people=[("Jane Doe", "jane@acme.example")])
    )
    rt = runtime(tmp_path, box)
    try:
        report = run_pass(rt, now=AFTER)
        assert report.ok and len(interviews.all_interviews(rt.store)) == 1
        again = run_pass(rt, now=AFTER)  # the bad one is not read again
        assert again.messages == 0
    finally:
        rt.close()


@pytest.mark.parametrize(
    "address",
    ["josé@acme.example", "jane@acme.example, evil@attacker.example", "", "jane@@acme.example"],
)
def test_an_address_we_cannot_trust_never_becomes_a_recipient(tmp_path, box, address):
    assert not valid_address(address)
    raw = invite(
        uid="odd-1",
        start=START,
        people=[("Jane Doe", "jane@acme.example"), ("Odd One", "placeholder@acme.example")],
    )
    (box / "new" / "1.invite").write_bytes(
        raw.replace(b"placeholder@acme.example", address.encode())
    )
    rt = runtime(tmp_path, box)
    try:
        assert run_pass(rt, now=AFTER).ok
        assert [d.to.email for d in drafts.list_drafts(rt.store)] == ["jane@acme.example"]
    finally:
        rt.close()


def test_a_template_that_raises_anything_is_a_template_error(tmp_path, box):
    """A user template raising KeyError (or worse) is logged; the service does not stop."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "thank_you.txt").write_text('Subject: Thanks\n\n{{ "{x}".format() }}\n')
    (box / "new" / "1.invite").write_bytes(
        invite(uid="tpl-1", start=START, people=[("Jane Doe", "jane@acme.example")])
    )
    rt = runtime(tmp_path, box, extra=f'[templates]\ndir = "{templates}"\n')
    try:
        assert run_pass(rt, now=AFTER).ok  # returns; the broken template only costs drafts
        assert drafts.list_drafts(rt.store) == []
        (templates / "thank_you.txt").unlink()  # the user fixes it: next pass makes them
        rt.env = __import__("followup.core.render", fromlist=["x"]).make_environment(templates)
        run_pass(rt, now=AFTER + timedelta(minutes=20))
        assert len(drafts.list_drafts(rt.store)) == 1
    finally:
        rt.close()


# Found by mypy: a value that may be None used unchecked.


def test_a_store_only_runtime_refuses_to_send_before_recording_anything(tmp_path, box):
    """open_runtime(with_mail=False) has no transport: a send fails with a FollowupError
    and leaves no "sending" row behind (it used to raise AttributeError after the row
    was committed)."""
    from followup.app.outbox import build_message, new_message_id
    from followup.core.model import FollowupError, Person

    rt = open_runtime(config.load(write_config(tmp_path / "c.toml", maildir=box)), with_mail=False)
    try:
        me = Person("Sam Seeker", "sam.seeker@example.net")
        msg = build_message(
            sender=me,
            to=[me],
            subject="Prep",
            body="hello\n",
            message_id=new_message_id(me.email),
            date=AFTER,
            kind="prep_reminder",
        )
        with pytest.raises(FollowupError, match="no mail transport"):
            rt.outbox.send_notice(
                msg, recipients=[me.email], purpose="prep_reminder", ref="task:1", now=AFTER
            )
        assert rt.store.one("SELECT count(*) FROM sends")[0] == 0
    finally:
        rt.close()


def test_the_service_says_it_is_not_running_before_run(tmp_path, box):
    """Service.rt is None until run(): its jobs fail with a clear error, not AttributeError."""
    from followup.app.service import Service

    service = Service(write_config(tmp_path / "c.toml", maildir=box))
    with pytest.raises(RuntimeError, match="not running"):
        service.housekeeping()
