"""One pass of the service: sync, detect, plan, act on due tasks, send.

`followup run --once`, the daemon's loop and `followup demo` all call
`run_pass()`; there is no second path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from followup.adapters.sources import Incoming, Peek, Wanted
from followup.adapters.store import Store, StoreError, utcnow
from followup.adapters.store import messages as message_log
from followup.app import drafts, inbound, notices, sending, signin, tasks, wakeup
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
    quiet: bool = False  # nothing changed and nothing fell due: no planning was done
    next_due: datetime | None = None  # wakeup.next_wake as of the last full pass

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


SYNC_CHUNK = 500  # messages whose work is committed in one transaction, with the position
# ... or fewer: a command that waits to write (`followup approve`) never waits long.
CHUNK_SECONDS = 0.5
LOG_EVERY = 5000  # a long sync without a progress display logs one INFO line this often


class _Chunk:
    """The sync's open batch of messages (Store.batch): one commit, one position and one
    progress row per chunk instead of one fsync'd transaction per message. A crash
    loses the whole uncommitted chunk, position included, so it is read again: nothing
    is skipped, and nothing was recorded twice."""

    def __init__(self, rt: Runtime, progress: wakeup.SyncProgress | None):
        self.rt = rt
        self.progress = progress
        self._batch: contextlib.AbstractContextManager | None = None
        self._count = 0
        self._opened = 0.0
        self._skipped: Incoming | None = None  # the last skipped message, not yet recorded

    def open(self) -> None:
        if self._batch is None:
            self._batch = self.rt.store.batch()
            self._batch.__enter__()
            self._count, self._opened = 0, time.monotonic()

    def skip(self, msg: Incoming) -> None:
        """Ordinary mail: its position is recorded with the chunk (the position only
        grows, so the last one is enough)."""
        if msg.record:  # no body read, but the reason must be on record, not silent
            inbound.mark_done(self.rt.store, msg)
        else:
            self._skipped = msg

    def handled(self) -> None:
        self._skipped = None  # its position is past the skipped ones: recorded already

    def done(self) -> None:
        """One more message done: the chunk commits when it is full (or old)."""
        self._count += 1
        if self._count >= SYNC_CHUNK or time.monotonic() - self._opened >= CHUNK_SECONDS:
            self.commit()

    def commit(self) -> None:
        if self._batch is None:
            return
        if self._skipped is not None:
            inbound.mark_done(self.rt.store, self._skipped)
            self._skipped = None
        if self.progress is not None:
            message_log.set_sync_progress(self.rt.store, self.progress.to_json(), now=utcnow())
        batch, self._batch = self._batch, None
        batch.__exit__(None, None, None)

    def abandon(self) -> None:
        """Roll back what the chunk holds (a store error: read again next pass)."""
        if self._batch is not None:
            batch, self._batch = self._batch, None
            batch.__exit__(*sys.exc_info())


def sync(
    rt: Runtime,
    report: PassReport,
    *,
    now: datetime,
    stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[wakeup.SyncProgress], None] | None = None,
) -> None:
    """Read every new message once. A broken connection ends the sync for this
    pass (it resumes from the last recorded position); a bad message never does.

    Messages are committed in chunks (see _Chunk); a long sync (a first one) keeps
    its progress in the store per chunk, for `followup status`."""
    seen = inbound.remembered(rt)
    progress = wakeup.SyncProgress(first=seen.position is None)
    tracking: list[wakeup.SyncProgress] = []  # set once the backlog is known to be long

    def backlog(count: int) -> None:
        progress.total = count
        if count > SYNC_CHUNK and not progress.first:  # a first sync cut short goes on
            stored = message_log.sync_progress(rt.store)
            progress.first = bool(stored and stored[0].get("first"))
        if count > SYNC_CHUNK or progress.first and count > 0:
            tracking.append(progress)
            chunk.progress = progress

    chunk = _Chunk(rt, None)
    try:
        for msg in rt.mail.fetch_new(dataclasses.replace(seen, backlog=backlog), _lazy_wanted(rt)):
            if stop():  # SIGTERM: finish this message, not the whole mailbox
                break
            report.messages += 1
            chunk.open()
            if msg.raw is None and not msg.transient:
                chunk.skip(msg)
                outcome = "skipped"
            else:
                outcome = _handle(rt, msg, now=now)
                chunk.handled()
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
            del msg  # its body is freed before the next one is fetched
            if tracking:
                _count(progress, outcome)
            chunk.done()  # the progress saved with a chunk counts the chunk's last message
            if tracking:
                _show(progress, on_progress)
        chunk.commit()
    except FollowupError as err:
        if isinstance(err, StoreError):
            chunk.abandon()
            raise
        chunk.commit()  # what was read before the connection broke is done
        report.errors.append(str(err))
        log.error("sync stopped: %s", err)
        return
    except BaseException:
        chunk.abandon()
        raise
    finally:
        _end_progress(rt, tracking)
    if stop():
        return
    message_log.set_health_quietly(
        rt.store,
        "last_sync",
        now.isoformat(timespec="seconds"),
        now=now,
        every=HEALTH_EVERY,
        timely=True,
    )


def _handle(rt: Runtime, msg: Incoming, *, now: datetime) -> str:
    """One message that earned a body, in a savepoint of the chunk: a bad one fails alone."""
    try:
        with message_budget(MESSAGE_TIME_BUDGET):
            return inbound.handle(rt, msg, now=now)
    except MessageTimeout as err:
        # handle()'s savepoint was rolled back; a timer that fired during that
        # rollback can leave it open, so end it before recording.
        rt.store.undo_units()
        reason = str(err)
    except StoreError:
        raise  # not this message's fault: it stays unread for the next pass
    except Exception as err:  # noqa: BLE001 - ARCHITECTURE invariant 6: one bad message is
        # logged, remembered and skipped; it never stops the service
        reason = f"{err.__class__.__name__}: {err}"
    log.error("%s %s: skipped: %s", msg.folder, msg.key, reason)
    inbound.record_rejected(rt, msg, reason, now=now)
    return "rejected"


def _count(progress: wakeup.SyncProgress, outcome: str) -> None:
    progress.scanned += 1
    if outcome == "new":
        progress.interviews += 1


def _show(
    progress: wakeup.SyncProgress, on_progress: Callable[[wakeup.SyncProgress], None] | None
) -> None:
    if on_progress is not None:
        on_progress(progress)
    elif progress.scanned % LOG_EVERY == 0:
        log.info("%s", wakeup.progress_text(progress))


def _end_progress(rt: Runtime, tracking: list[wakeup.SyncProgress]) -> None:
    """A long sync that ended (done, or to resume next pass) shows no progress."""
    if tracking:
        with contextlib.suppress(StoreError), rt.store.transaction():
            message_log.clear_sync_progress(rt.store)


def _lazy_wanted(rt: Runtime) -> Wanted:
    """inbound.wanted, built on the first header it is asked about: a quiet pass, which
    sees no header, reads nothing of the store for it."""
    built: list[Wanted] = []

    def predicate(header: bytes) -> bool | Peek:
        if not built:
            built.append(inbound.wanted(rt))
        return built[0](header)

    return predicate


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


# A health row that would only move its time forward is written this often, no more:
# a quiet pass writes nothing. Well under `status`'s 15 minutes for "running".
HEALTH_EVERY = timedelta(minutes=5)
# Even with nothing changed and nothing due, a full pass this often: time-based rules
# that have no due time of their own (wait_for_debrief) are seen as soon as before,
# when the daemon's longest sleep (9 minutes) ended in a full pass.
FULL_PASS_EVERY = timedelta(minutes=9)


@dataclass(frozen=True)
class _Calm:
    """What the last full pass left: the store as it was then (another process's commit
    moves data_version, our own writes total_changes), whether that pass changed
    anything itself, and when something falls due next."""

    version: tuple[int, int]
    settled: bool
    until: datetime
    next_due: datetime | None


_calm: weakref.WeakKeyDictionary[Store, _Calm] = weakref.WeakKeyDictionary()


def _version(store: Store) -> tuple[int, int]:
    return store.data_version(), store.own_changes()


def _is_calm(rt: Runtime, now: datetime) -> _Calm | None:
    """The last full pass still holds: no store change since, nothing due yet."""
    calm = _calm.get(rt.store)
    if calm is None or not calm.settled or now >= calm.until:
        return None
    return calm if _version(rt.store) == calm.version else None


def _settle(rt: Runtime, changes_before: int, now: datetime) -> datetime | None:
    """Remember what this full pass left, for the next pass to skip planning if it may."""
    due = wakeup.next_wake(rt, now=now)
    until = min(
        d
        for d in (due, wakeup.next_day(now, rt.plan_settings.zone), now + FULL_PASS_EVERY)
        if d is not None
    )
    settled = rt.store.own_changes() == changes_before
    _calm[rt.store] = _Calm(_version(rt.store), settled, until, due)
    return due


def run_pass(
    rt: Runtime,
    *,
    now: datetime | None = None,
    stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[wakeup.SyncProgress], None] | None = None,
) -> PassReport:
    """One pass. A quiet one (no new mail, the store unchanged since a full pass that
    changed nothing, nothing due yet, the same day) only syncs: the plans, due tasks
    and notices would all come out as they are."""
    now = now or rt.clock()
    report = PassReport()
    calm = _is_calm(rt, now)
    if calm is None:
        rt.outbox.reconcile(now=now)  # sends a crash left open: settled before anything new
    if rt.source is not None:
        sync(rt, report, now=now, stop=stop, on_progress=on_progress)
    signin.tell_grant_dead(rt, now=now)  # once, if the provider ended the sign-in
    if stop():
        return report
    if calm is not None and not report.messages:
        report.quiet, report.next_due = True, calm.next_due
        _record_error(rt, report, now)
        return report
    changes_before = rt.store.own_changes()
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
    if report.sends.get("sent"):
        with rt.store.transaction():
            rt.store.set_health("last_send", now.isoformat(timespec="seconds"), now=now)
    _record_error(rt, report, now)
    report.next_due = _settle(rt, changes_before, now)
    return report


def _record_error(rt: Runtime, report: PassReport, now: datetime) -> None:
    if report.errors:
        message_log.set_health_quietly(
            rt.store, "last_error", report.errors[-1], now=now, every=HEALTH_EVERY
        )
