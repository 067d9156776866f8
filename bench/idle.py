"""Idle footprint of `followup run`, and CLI start-up time.

    python bench/idle.py [--seconds 60] [--runs 10]

Starts its own Dovecot (tests/servers.py) with a small mailbox (a few hundred
messages, two interview invites), runs `followup run` against it through a
counting TCP relay, waits until the daemon has done its first pass and is
waiting for mail, then measures it for --seconds with nothing to do:

  CPU seconds   utime+stime of the daemon (/proc/<pid>/stat, all threads)
  peak RSS      VmHWM from /proc/<pid>/status (over its whole life, start-up included)
  wake-ups      voluntary context switches, summed over /proc/<pid>/task/*/status
                (each time the process blocked and was woken again: select/poll
                returns, sleeps ending, disk waits), and the IMAP traffic the relay saw:
                client lines (tagged commands and IDLE's DONE) and bytes both ways

Then times `followup --help` and `followup status` (median of --runs runs each);
above 300 ms it prints the slowest imports from `python -X importtime`.
Prints figures; asserts nothing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import common
from common import human_bytes, median, verdict
from servers import Dovecot, TlsCert  # noqa: E402  (tests/, via common)

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- a counting relay between the daemon and Dovecot -----------------------------------


class Relay:
    """127.0.0.1:port -> Dovecot. Counts bytes both ways and client command lines."""

    TAGGED = re.compile(rb"^[A-Za-z0-9.]+ ([A-Za-z]+)")

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.to_server = self.to_client = 0
        self.commands: list[tuple[float, bytes]] = []  # (time, verb) for tagged commands
        self.done_lines = 0
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "to_server": self.to_server,
                "to_client": self.to_client,
                "commands": len(self.commands),
                "done": self.done_lines,
                "connections": self.connections,
            }

    def verbs_since(self, t: float) -> dict[str, int]:
        with self.lock:
            out: dict[str, int] = {}
            for when, verb in self.commands:
                if when >= t:
                    out[verb.decode()] = out.get(verb.decode(), 0) + 1
            return out

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        pending = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                with self.lock:
                    if upstream:
                        self.to_server += len(data)
                        pending += data
                        *lines, pending = pending.split(b"\r\n")
                        for line in lines:
                            m = self.TAGGED.match(line)
                            if line.strip().upper() == b"DONE":
                                self.done_lines += 1
                            elif m:
                                self.commands.append((time.monotonic(), m.group(1).upper()))
                    else:
                        self.to_client += len(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


# --- /proc ------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "Threads"):
            out[key] = int(value.split()[0])
    vol = invol = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches"):
                vol += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                invol += int(line.split()[1])
    out["vol"], out["invol"] = vol, invol
    return out


# --- the idle daemon ----------------------------------------------------------------------


def fill_small(account) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import mailmix

    now = datetime.now(UTC).replace(microsecond=0)
    with account.login() as c:
        for g in mailmix.MailMix(3).mailbox(300, now, invites=2, calendars=2):
            c.append(
                "INBOX",
                g.raw.replace(b"\n", b"\r\n"),
                flags=[b"\\Seen"] if g.seen else [],
                msg_time=g.when,
            )


def idle_daemon(dovecot, seconds: float, root: Path) -> dict:
    account = dovecot.add_user()
    fill_small(account)
    relay = Relay((dovecot.host, dovecot.port))
    cfg = common.write_config(root / "idle" / "config.toml", account)
    text = cfg.read_text().replace(f"port = {account.port}", f"port = {relay.port}")
    cfg.write_text(text)
    env = dict(os.environ, FOLLOWUP_CONFIG=str(cfg), FOLLOWUP_IMAP_PASSWORD=account.password)
    log_path = root / "daemon-idle.log"
    t_spawn = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [common.FOLLOWUP, "run"], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
    out: dict = {"config": cfg, "env": env, "log": log_path}
    try:
        db = cfg.parent / "followup.db"
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"followup run exited with {proc.returncode}; see {log_path}")
            try:
                ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                row = ro.execute("SELECT value FROM health WHERE key='heartbeat'").fetchone()
                ro.close()
            except sqlite3.Error:
                row = None
            if row and row[0] == str(proc.pid):
                break
            if time.monotonic() - t_spawn > 120:
                raise SystemExit(f"not ready after 120 s; see {log_path}")
            time.sleep(0.02)
        out["ready_s"] = time.monotonic() - t_spawn
        out["startup_cpu"] = cpu_seconds(proc.pid)
        out["startup_hwm"] = status(proc.pid)["VmHWM"]
        out["interviews"] = _count(db)
        time.sleep(2.0)  # into IDLE
        s0, c0, r0, t0 = status(proc.pid), cpu_seconds(proc.pid), relay.snapshot(), time.monotonic()
        print(
            f"[idle] daemon pid {proc.pid} ready in {out['ready_s']:.2f} s; "
            f"measuring {seconds:.0f} s ...",
            flush=True,
        )
        time.sleep(seconds)
        s1, c1, r1 = status(proc.pid), cpu_seconds(proc.pid), relay.snapshot()
        elapsed = time.monotonic() - t0
        out.update(
            elapsed=elapsed,
            cpu=c1 - c0,
            hwm=s1["VmHWM"],
            rss=s1["VmRSS"],
            threads=s1["Threads"],
            vol=s1["vol"] - s0["vol"],
            invol=s1["invol"] - s0["invol"],
            cmds=r1["commands"] - r0["commands"],
            done=r1["done"] - r0["done"],
            to_server=r1["to_server"] - r0["to_server"],
            to_client=r1["to_client"] - r0["to_client"],
            connections=r1["connections"],
            verbs=relay.verbs_since(t0),
            all_verbs=relay.verbs_since(0),
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out["exit"] = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out["exit"] = "killed"
    lines = log_path.read_text(errors="replace").splitlines()
    out["log_problems"] = [
        ln for ln in lines if " ERROR " in ln or " WARNING " in ln or "Traceback" in ln
    ][:5]
    return out


def _count(db: Path) -> int:
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return ro.execute("SELECT count(*) FROM interviews").fetchone()[0]
    finally:
        ro.close()


# --- start-up time ---------------------------------------------------------------------


def time_command(argv: list[str], env: dict, runs: int) -> tuple[list[float], int]:
    times, rc = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        rc = p.returncode
        if rc:
            print(f"  {' '.join(argv[-2:])} exited {rc}: {p.stderr.decode()[-300:]}")
    return times, rc


def importtime(args: list[str], env: dict, top: int = 8, children: int = 4) -> list[str]:
    """The slowest imports of one run: top-level imports by cumulative time, each with
    its slowest children (python -X importtime prints children before their parent)."""
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "followup", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    pending: dict[int, list[dict]] = {}
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        depth = (len(m.group(3)) - 1) // 2
        node = {
            "name": m.group(4),
            "self": int(m.group(1)) / 1000,
            "cum": int(m.group(2)) / 1000,
            "kids": pending.pop(depth + 1, []),
        }
        pending.setdefault(depth, []).append(node)
    roots = sorted(pending.get(0, []), key=lambda n: -n["cum"])
    lines = [f"    all imports: {sum(n['cum'] for n in roots):.0f} ms ({len(roots)} top-level)"]

    def show(node, depth, limit):
        lines.append(
            f"    {'  ' * depth}{node['name']:<{44 - 2 * depth}} {node['cum']:6.1f} ms cumulative"
        )
        if depth < 2:
            for kid in sorted(node["kids"], key=lambda n: -n["cum"])[:limit]:
                if kid["cum"] >= 3:
                    show(kid, depth + 1, children)

    for node in roots[:top]:
        show(node, 0, children)
    # many small top-level imports of one package (e.g. one module per country) hide
    # below the per-module threshold: show them as one line
    groups: dict[str, list[float]] = {}
    for node in roots:
        groups.setdefault(".".join(node["name"].split(".")[:2]), []).append(node["cum"])
    for prefix, cums in sorted(groups.items(), key=lambda kv: -sum(kv[1])):
        if len(cums) >= 5 and sum(cums) >= 10:
            label = f"{prefix}.* ({len(cums)} modules, imported at run time)"
            lines.append(f"    {label:<44} {sum(cums):6.1f} ms cumulative")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="idle window (default 60)")
    ap.add_argument("--runs", type=int, default=10, help="runs per start-up timing (default 10)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="followup-bench-idle-"))
    os.chmod(root, 0o755)
    common.isolate(root)
    dovecot = Dovecot(cert=TlsCert.generate(root / "tls"))
    dovecot.start()
    print(
        f"Dovecot {dovecot.version} on 127.0.0.1:{dovecot.port}; python "
        f"{sys.version.split()[0]}; {os.cpu_count()} CPUs; temp {root}",
        flush=True,
    )
    try:
        r = idle_daemon(dovecot, args.seconds, root)
        per_min = 60.0 / r["elapsed"]
        print()
        print(
            f"== `followup run` idle for {r['elapsed']:.1f} s (IMAP IDLE, small mailbox: "
            f"300 messages, {r['interviews']} interviews) =="
        )
        rows = [
            [
                "CPU seconds",
                f"{r['cpu']:.3f} s",
                f"{r['cpu'] * per_min:.3f} s/min",
                f"< 0.5 s/min  {verdict(r['cpu'] * per_min < 0.5)}",
            ],
            [
                "peak RSS (VmHWM)",
                f"{r['hwm'] / 1024:.1f} MB",
                f"now {r['rss'] / 1024:.1f} MB",
                f"< 60 MB  {verdict(r['hwm'] / 1024 < 60)}",
            ],
            [
                "voluntary ctx switches",
                f"{r['vol']}",
                f"{r['vol'] * per_min:.1f} /min",
                f"({r['invol']} involuntary, {r['threads']} thread(s))",
            ],
            [
                "IMAP commands (relay)",
                f"{r['cmds']}",
                f"{r['cmds'] * per_min:.1f} /min",
                f"+{r['done']} DONE; {r['verbs'] or 'none'}",
            ],
            [
                "IMAP bytes out/in",
                f"{r['to_server']}/{r['to_client']}",
                f"{human_bytes(r['to_client'] * per_min)}/min in",
                "",
            ],
        ]
        print(common.table(["figure", "window", "rate", "target"], rows))
        print(
            f"  start-up: ready (first pass done) {r['ready_s']:.2f} s after spawn, "
            f"{r['startup_cpu']:.2f} CPU s, VmHWM then {r['startup_hwm'] / 1024:.1f} MB; "
            f"IMAP connections made: {r['connections']}; all commands since start: "
            f"{r['all_verbs']}"
        )
        print(
            f"  daemon exit on SIGTERM: {r['exit']}; log warnings/errors: "
            f"{r['log_problems'] or 'none'}"
        )

        env = r["env"]
        print()
        print(f"== start-up time (median of {args.runs} runs; wall clock incl. interpreter) ==")
        base, _ = time_command([sys.executable, "-c", "pass"], env, args.runs)
        rows, slow = [], []
        for argv in (["--help"], ["status"]):
            times, rc = time_command([common.FOLLOWUP, *argv], env, args.runs)
            m = median(times)
            rows.append(
                [
                    f"followup {' '.join(argv)}",
                    f"{m * 1000:.0f} ms",
                    f"{min(times) * 1000:.0f} ms",
                    f"{max(times) * 1000:.0f} ms",
                    f"exit {rc}",
                    f"< 300 ms  {verdict(m < 0.3)}",
                ]
            )
            if m >= 0.3:
                slow.append(argv)
        rows.append(
            [
                "python -c pass (baseline)",
                f"{median(base) * 1000:.0f} ms",
                f"{min(base) * 1000:.0f} ms",
                f"{max(base) * 1000:.0f} ms",
                "",
                "",
            ]
        )
        print(common.table(["command", "median", "min", "max", "", "target"], rows))
        for argv in slow or [["status"]]:
            print(f"  python -X importtime -m followup {' '.join(argv)} (slowest imports):")
            print("\n".join(importtime(argv, env)))
    finally:
        dovecot.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
