"""Memory benchmark: peak RSS of one pass over big candidates, beside an idle pass.

    python bench/memory.py [--count 20] [--mb 20]

Starts its own Dovecot (tests/servers.py) with two fresh users: one with an empty
INBOX, one with `--count` APPENDed messages of `--mb` MB each whose subjects say
"Interview" (so each is a candidate whose body is fetched and parsed: a short
text part and a base64 attachment). For each user, one `run_pass` through
followup's own code path (config.load -> open_runtime -> pipeline.run_pass) runs in
a fresh child process; the figure is that child's peak RSS (`ru_maxrss` from
`os.wait4`). The empty mailbox's pass is the floor (interpreter, imports, SQLite,
connection). Target: the big pass under 200 MB. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import common
from common import ME

TARGET_MB = 200


def big_candidate(i: int, mb: int, now: datetime) -> bytes:
    """An "Interview" mail of about `mb` MB: a short text and a base64 attachment."""
    payload = base64.encodebytes(random.Random(i).randbytes(mb * 1024 * 1024 * 3 // 4))
    head = (
        f"From: Acme Recruiting <recruiting@acme.example>\r\nTo: Sam Seeker <{ME}>\r\n"
        f"Subject: Interview: Backend Engineer at Acme, materials #{i}\r\n"
        f"Date: {format_datetime(now - timedelta(hours=i + 1))}\r\n"
        f"Message-ID: <big-{i}@acme.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        "Hi Sam, attached is the take-home for your interview next week.\r\n"
        "--b\r\nContent-Type: application/pdf; name=take-home.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode() + payload.replace(b"\n", b"\r\n") + b"--b--\r\n"


def child(config_path: str) -> int:
    """One pass, then report what it did (the parent reads our peak RSS)."""
    from followup.adapters import config
    from followup.app import pipeline
    from followup.app.runtime import open_runtime

    now = datetime.now(UTC)
    rt = open_runtime(config.load(Path(config_path)), clock=lambda: now)
    try:
        t0 = time.perf_counter()
        report = pipeline.run_pass(rt, now=now)
        seconds = time.perf_counter() - t0
        outcomes = {
            r["outcome"]: r["n"]
            for r in rt.store.all("SELECT outcome, count(*) AS n FROM messages GROUP BY outcome")
        }
    finally:
        rt.close()
    print(
        json.dumps(
            {
                "messages": report.messages,
                "errors": report.errors,
                "outcomes": outcomes,
                "seconds": seconds,
            }
        )
    )
    return 0


# Linux carries a process's peak RSS across fork and exec (the forked copy counts the
# parent's pages): a child forked from this big process would report our size, not its
# own. So a small launcher, started first, forks the pass and reads its wait4 rusage.
LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable] + sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}))
"""


def one_pass(config_path: Path) -> tuple[float, dict]:
    """Run a pass in a child process: (its peak RSS in MB, its report)."""
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, __file__, "--child", str(config_path)],
        capture_output=True,
        text=True,
    )
    *report, launcher = proc.stdout.strip().splitlines() or ["{}"]
    rusage = json.loads(launcher)
    if rusage.get("exit") != 0:
        raise SystemExit(f"pass failed ({rusage}):\n{proc.stderr}")
    return rusage["maxrss_kb"] / 1024, json.loads(report[-1])  # Linux: ru_maxrss in KB


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20, help="big candidates (default 20)")
    ap.add_argument("--mb", type=int, default=20, help="size of each, MB (default 20)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child)
    from servers import Dovecot, TlsCert  # tests/, via common; not needed in the child

    root = Path(tempfile.mkdtemp(prefix="followup-bench-mem-"))
    os.chmod(root, 0o755)
    env = common.isolate(root)
    dovecot = Dovecot(cert=TlsCert.generate(root / "tls"))
    dovecot.start()
    try:
        now = datetime.now(UTC)
        empty, full = dovecot.add_user(), dovecot.add_user()
        empty.uids("INBOX")  # first login: Dovecot creates the mailbox
        t0 = time.perf_counter()
        with full.login() as c:
            for i in range(args.count):
                c.append("INBOX", big_candidate(i, args.mb, now))
        print(
            f"APPENDed {args.count} x {args.mb} MB in {time.perf_counter() - t0:.1f} s", flush=True
        )
        os.environ.update(env)
        figures = {}
        for name, account in (
            ("empty mailbox (floor)", empty),
            (f"{args.count} x {args.mb} MB candidates", full),
        ):
            cfg = common.write_config(root / name.split()[0] / "config.toml", account)
            os.environ["FOLLOWUP_IMAP_PASSWORD"] = account.password
            figures[name] = one_pass(cfg)
        print(f"\npeak RSS of one pass (child's ru_maxrss), target < {TARGET_MB} MB:")
        for name, (rss, report) in figures.items():
            print(
                f"  {name:<28} {rss:7.1f} MB   {report['seconds']:6.1f} s  "
                f"messages={report['messages']} outcomes={report['outcomes']} "
                f"errors={report['errors']}"
            )
        (floor, _), (peak, _) = figures.values()
        print(
            f"  above the floor: {peak - floor:.1f} MB; "
            f"{'ok' if peak < TARGET_MB else 'MISSED'} (target {TARGET_MB} MB)"
        )
    finally:
        dovecot.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
