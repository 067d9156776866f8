"""One pass of the service: sync, detect, plan, act on due tasks, send.

`followup run --once`, the daemon's loop and `followup demo` all call
`run_pass()`; there is no second path.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from followup.adapters.store import StoreError
from followup.app import drafts, inbound, notices, sending, signin, tasks
from followup.app.runtime import Runtime
from followup.core.model import FollowupError

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    messages: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    tasks_done: int = 0
    approvals_requested: int = 0
    sends: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


SKIP_BATCH = 500  # ordinary messages whose position is committed together
# Seconds one message may take (detection and what follows). The slowest real
# message reads in a few milliseconds and the hostile corpus (bench/hostile.py)
# in under 2 s; 20 s leaves a slow VPS ten times that, and is far below the
# unit's WatchdogSec (600 s), so a poison message is rejected before systemd
# restarts the service on it. Not a config key: no user can pick a better one.
MESSAGE_TIME_BUDGET = 20.0


class MessageTimeout(BaseException):
    """The message's handling outlasted MESSAGE_TIME_BUDGET. A BaseException, so
    that `except Exception` in the parsers (which never raise) cannot swallow it."""


@contextlib.contextmanager
def message_budget(seconds: float) -> Iterator[None]:
    """Raise MessageTimeout in the block after `seconds` (SIGALRM; the regex engine
    and the parsers check for signals). Only in the main thread, where signals are
    delivered; elsewhere no budget. A timer set outside (a test runner's) is
    re-armed with what was left of it."""
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(signum, frame):
        raise MessageTimeout(f"took longer than {seconds:g} s to read")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def sync(
    rt: Runtime, report: PassReport, *, now: datetime, stop: Callable[[], bool] = lambda: False
) -> None:
    """Read every new message once. A broken connection ends the sync for this
    pass (it resumes from the last recorded position); a bad message never does.

    Ordinary mail (no body fetched) only moves the position; that is committed
    in batches, not one fsync'd transaction per message: a crash merely reads a
    few headers again."""
    wanted = inbound.wanted(rt)
    skipped: list = []

    def flush() -> None:
        if skipped:
            with rt.store.transaction():
                for msg in skipped:
                    inbound.mark_done(rt.store, msg)
            skipped.clear()

    try:
        for msg in rt.mail.fetch_new(inbound.remembered(rt), wanted):
            if stop():  # SIGTERM: finish this message, not the whole mailbox
                break
            report.messages += 1
            if msg.raw is None and not msg.transient:
                skipped.append(msg)
                report.outcomes["skipped"] = report.outcomes.get("skipped", 0) + 1
                if len(skipped) >= SKIP_BATCH:
                    flush()
                continue
            try:
                with message_budget(MESSAGE_TIME_BUDGET):
                    outcome = inbound.handle(rt, msg, now=now)
            except MessageTimeout as err:
                # handle()'s transaction was rolled back; a timer that fired during
                # that rollback can leave it open, so end it before recording.
                if rt.store.db.in_transaction:
                    rt.store.db.rollback()
                log.error("%s %s: skipped: %s", msg.folder, msg.key, err)
                inbound.record_rejected(rt, msg, str(err), now=now)
                outcome = "rejected"
            except StoreError:
                raise  # not this message's fault: it stays unread for the next pass
            except Exception as err:  # noqa: BLE001 - ARCHITECTURE invariant 6: one bad message is
                # logged, remembered and skipped; it never stops the service
                reason = f"{err.__class__.__name__}: {err}"
                log.error("%s %s: skipped: %s", msg.folder, msg.key, reason)
                inbound.record_rejected(rt, msg, reason, now=now)
                outcome = "rejected"
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
            del msg  # its body is freed before the next one is fetched
        flush()
    except StoreError:
        raise
    except FollowupError as err:
        flush()  # what was read before the connection broke is done
        report.errors.append(str(err))
        log.error("sync stopped: %s", err)
        return
    if stop():
        return
    with rt.store.transaction():
        rt.store.set_health("last_sync", now.isoformat(timespec="seconds"), now=now)


def follow_the_clock(rt: Runtime, *, now: datetime) -> None:
    """Drafts waiting since before today say "yesterday" (then the weekday) now."""
    try:
        with rt.store.transaction():
            changed = drafts.follow_the_clock(
                rt.store, rt.env, rt.me, now=now, zone=rt.settings.me.timezone
            )
    except FollowupError as err:  # a broken template: the drafts stay as they were
        log.error("drafts not brought up to the day: %s", err)
        return
    if changed:
        log.info("%d waiting draft(s) rendered again for the day", changed)


def run_pass(
    rt: Runtime, *, now: datetime | None = None, stop: Callable[[], bool] = lambda: False
) -> PassReport:
    now = now or rt.clock()
    report = PassReport()
    rt.outbox.reconcile(now=now)  # sends a crash left open: settled before anything new
    if rt.source is not None:
        sync(rt, report, now=now, stop=stop)
    signin.tell_grant_dead(rt, now=now)  # once, if the provider ended the sign-in
    if stop():
        return report
    tasks.sync_all_plans(rt, now=now)
    report.tasks_done = tasks.run_due_tasks(rt, now=now)
    follow_the_clock(rt, now=now)
    sending.auto_approve(rt, now=now)
    report.approvals_requested = notices.request_approvals(rt, now=now)
    notices.remind_deadline(rt, now=now)
    notices.notify_paused(rt, now=now)
    notices.answer_refused(rt, now=now)
    notices.tell_bounced(rt, now=now)
    notices.tell_calls_moved(rt, now=now)
    report.sends = sending.send_approved(rt, now=now)
    with rt.store.transaction():
        if report.sends.get("sent"):
            rt.store.set_health("last_send", now.isoformat(timespec="seconds"), now=now)
        if report.errors:
            rt.store.set_health("last_error", report.errors[-1], now=now)
    return report
