"""The daemon: `followup run`. Sleeps until the next due task or new mail.

Due times live in the store, so a restart loses nothing: each wake-up runs the
same `pipeline.run_pass()` as `run --once`, then sleeps until the earliest of
the next due task, a retry, the next `schedule` job, the watchdog ping, or new
mail (IDLE). Signals: SIGTERM/SIGINT finish the current message and exit 0;
SIGHUP reloads the config (a broken one is refused and the old one kept).
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import schedule

from followup.adapters import config, private, systemd_unit, terminal
from followup.adapters.store import StoreError, utcnow
from followup.adapters.store import messages as message_log
from followup.app import pipeline, wakeup
from followup.app.runtime import Runtime, open_runtime
from followup.core.model import FollowupError

log = logging.getLogger(__name__)

MAX_SLEEP = 9 * 60.0  # also IMAP IDLE's renewal interval
SAFETY_PASS_MINUTES = 30  # a full pass even when IDLE reported nothing
HOUSEKEEPING_HOURS = 6  # WAL checkpoint and optimize
MAX_BACKOFF = 300.0
MIN_RETRY_SECONDS = 60.0
STATUS_EVERY = 0.5  # seconds between STATUS= updates while a long sync goes on
CLOCK_JUMP = 120.0  # wall clock moved this much more than the monotonic one: suspend/NTP


class _Wake(BaseException):
    """Raised by a signal handler to cut a sleep or IDLE short (not an Exception,
    so no adapter's error handling swallows it)."""


class RunLock:
    """One process at a time runs passes against a database (daemon or --once)."""

    def __init__(self, storage_path: Path):
        self.path = storage_path.with_suffix(".lock")

    def __enter__(self) -> RunLock:
        try:
            private.make_dir(self.path.parent)
            self.fd = private.open_file(self.path, os.O_RDWR)
        except OSError as err:  # a full or read-only disk: one line, not a traceback
            raise FollowupError(
                f"{self.path}: cannot create the run lock: {err.strerror or err}"
            ) from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(self.fd)
            raise FollowupError(
                f"{self.path}: another followup is running (pid {holder})"
            ) from None
        try:  # the pid only names the holder in the message above; the lock holds without it
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        except OSError as err:  # a full disk: the database says so next, in one line
            log.debug("%s: cannot write the pid: %s", self.path, err.strerror or err)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)


class Service:
    def __init__(self, config_path: Path | None):
        self.config_path = config_path
        self.settings = config.load(config_path)
        self.rt: Runtime | None = None
        self.stopping = False
        self.reload_requested = False
        self.waiting = False
        self.failures = 0
        self.watchdog = systemd_unit.watchdog_seconds()
        # The periodic jobs, on `schedule`; everything else is woken by mail or a due time.
        self.scheduler = schedule.Scheduler()
        self.scheduler.every(SAFETY_PASS_MINUTES).minutes.do(self.safety_pass).tag("pass")
        self.scheduler.every(HOUSEKEEPING_HOURS).hours.do(self.housekeeping).tag("housekeeping")

    @property
    def runtime(self) -> Runtime:
        """The runtime `run()` opened; the scheduler's jobs run inside it too."""
        if self.rt is None:
            raise RuntimeError("the service is not running: run() opens its runtime")
        return self.rt

    # signals ---------------------------------------------------------------

    def _on_stop(self, signum: int, frame: object) -> None:
        self.stopping = True
        if self.waiting:
            raise _Wake

    def _on_hup(self, signum: int, frame: object) -> None:
        self.reload_requested = True
        if self.waiting:
            raise _Wake

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)

    # the loop --------------------------------------------------------------

    def run(self) -> int:
        self.install_signals()
        with RunLock(self.settings.storage_path):
            self.rt = open_runtime(self.settings)
            ready = False
            status = ""
            try:
                while not self.stopping:
                    self.reload_if_asked()
                    now = utcnow()
                    try:
                        with terminal.sync_progress() as shown:
                            report = pipeline.run_pass(
                                self.rt,
                                now=now,
                                stop=lambda: self.stopping,
                                on_progress=progress_reporter(shown),
                            )
                        self.failures = self.failures + 1 if report.errors else 0
                        self.heartbeat(now)
                    except StoreError as err:
                        log.error("%s", err)
                        self.failures += 1
                        systemd_unit.notify(f"STATUS=database error: {err}", "WATCHDOG=1")
                        self.sleep(self.seconds_to_sleep(now))
                        continue
                    if not (report.quiet and status):  # a quiet pass changed nothing shown
                        status = self.summary(now)
                    if not ready:
                        systemd_unit.notify("READY=1", f"STATUS={status}")
                        ready = True
                        log.info("followup running: %s", status)
                    else:
                        systemd_unit.notify(f"STATUS={status}", "WATCHDOG=1")
                    self.scheduler.run_pending()
                    if self.stopping:
                        break
                    self.sleep(self.seconds_to_sleep(now, report.next_due))
            finally:
                systemd_unit.notify("STOPPING=1")
                self.rt.close()
        log.info("followup stopped")
        return 0

    def seconds_to_sleep(self, now: datetime, due: datetime | None = None) -> float:
        """`due`: the pass's next due moment (wakeup.next_wake), when it has it."""
        candidates = [MAX_SLEEP, self.scheduler.idle_seconds or MAX_SLEEP]
        if due is None:
            due = wakeup.next_wake(self.runtime, now=now)
        if due is not None and due > now:
            candidates.append((due - now).total_seconds() + 1)
        elif due is not None:  # due but not done (e.g. a send refused): no busy loop
            candidates.append(MIN_RETRY_SECONDS)
        if self.failures:  # capped exponential backoff with jitter while servers are away
            candidates = [min(MAX_BACKOFF, 2.0 ** min(self.failures, 9)) * random.uniform(0.8, 1.2)]
        if self.watchdog:  # even while backing off: a silent service gets killed
            candidates.append(self.watchdog)
        return max(1.0, min(candidates))

    def sleep(self, seconds: float) -> None:
        """Wait for new mail or the deadline; a signal ends the wait at once."""
        wall, mono = time.time(), time.monotonic()
        try:
            self._interruptible(time.sleep if self.failures else self.runtime.mail.wait, seconds)
        except FollowupError as err:
            log.warning("waiting for mail: %s", err)
            self.failures += 1
        drift = (time.time() - wall) - (time.monotonic() - mono)
        if abs(drift) > CLOCK_JUMP:
            log.info("the clock jumped %+.0f s (suspend or NTP): catching up", drift)

    def _interruptible(self, block, seconds: float) -> None:
        """Run one blocking call that a signal may cut short. `_Wake` can only be
        raised while `waiting` is set, and it is caught here wherever it lands,
        even in the finally clause."""
        try:
            try:
                self.waiting = True
                if not (self.stopping or self.reload_requested):
                    block(seconds)
            finally:
                self.waiting = False
        except _Wake:
            pass

    def reload_if_asked(self) -> None:
        """SIGHUP: the new config replaces the old only if it loads and opens."""
        if not self.reload_requested:
            return
        self.reload_requested = False
        try:
            settings = config.load(self.config_path)
            if settings.storage_path != self.settings.storage_path:
                raise FollowupError(
                    f"{settings.path}: [storage] path changed; restart the "
                    "service to move the database"
                )
            runtime = open_runtime(settings)
        except FollowupError as err:
            log.error("config reload refused, keeping the old one: %s", err)
            return
        assert self.rt is not None
        self.runtime.close()
        self.settings, self.rt = settings, runtime
        log.info("config reloaded from %s", settings.path)

    def heartbeat(self, now: datetime) -> None:
        """`status` says "running" for 15 minutes after one: a quiet pass writes none."""
        message_log.set_health_quietly(
            self.runtime.store, "heartbeat", str(os.getpid()), now=now, every=pipeline.HEALTH_EVERY
        )

    def safety_pass(self) -> None:
        """Nothing to do here: being due, it wakes the loop, which runs a full pass even
        when IDLE announced nothing (a missed notification costs at most 30 minutes)."""
        log.debug("safety pass due")

    def housekeeping(self) -> None:
        log.debug("housekeeping: WAL checkpoint, optimize")
        self.runtime.store.housekeep()

    def summary(self, now: datetime) -> str:
        return wakeup.summary_line(self.runtime, now=now)


def progress_reporter(
    shown: Callable[[wakeup.SyncProgress], None] | None,
) -> Callable[[wakeup.SyncProgress], None] | None:
    """Where a long sync's progress goes: the terminal's bar (`shown`), systemd's
    STATUS= (at most twice a second), or nowhere (the pass logs it sparsely)."""
    if shown is None and not systemd_unit.notifying():
        return None
    last = [0.0]

    def report(progress: wakeup.SyncProgress) -> None:
        if shown is not None:
            shown(progress)
        moment = time.monotonic()
        if moment - last[0] >= STATUS_EVERY:
            last[0] = moment
            systemd_unit.notify(f"STATUS={wakeup.progress_text(progress)}", "WATCHDOG=1")

    return report


def serve(config_path: Path | None) -> int:
    return Service(config_path).run()


__all__ = ["serve", "Service", "RunLock", "progress_reporter"]
