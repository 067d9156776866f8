"""Sync benchmark: first sync, steady cycle, APPEND-to-recorded latency, detect().

    python bench/sync.py [--sizes 1000,10000,50000] [--trials 20]

Starts its own Dovecot (tests/servers.py) and, per size N, a fresh user whose
INBOX is filled with N generated messages (bench/mailmix.py) written straight
into the user's Maildir; then drives followup's own code path:
config.load -> runtime.open_runtime -> pipeline.run_pass(now=...).
See bench/README.md for what each figure means. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import email
import glob
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

import common
import mailmix  # noqa: E402
from common import ME, human_bytes, median, pct, tcp_bytes, verdict
from mailgen import invite  # noqa: E402
from servers import Dovecot, TlsCert  # noqa: E402  (tests/, via common)

from followup.adapters import config
from followup.adapters.sources import header_block  # noqa: E402
from followup.adapters.store import drafts as draft_rows  # noqa: E402
from followup.app import inbound, interviews, pipeline  # noqa: E402
from followup.app.runtime import open_runtime  # noqa: E402
from followup.core import detect, mailtext, prefilter  # noqa: E402

# --- filling the mailbox -------------------------------------------------------------


def fill(account, n: int, now: datetime, seed: int) -> tuple[dict, dict]:
    """Write n messages into the account's Maildir/cur; return ({message_id: facts}, timings)."""
    if account.uids("INBOX"):  # first login + EXAMINE: Dovecot creates ~/Maildir
        raise SystemExit(f"{account.username}: INBOX is not empty")
    uid, gid = account.server.mail_uid, account.server.mail_gid
    for sub in ("cur", "new", "tmp"):
        d = account.maildir / sub
        if not d.is_dir():
            d.mkdir(mode=0o700)
            os.chown(d, uid, gid)
    cur = account.maildir / "cur"
    facts: dict[str, dict] = {}
    t0 = time.perf_counter()
    total_bytes = 0
    host = "bench"
    for g in mailmix.MailMix(seed).mailbox(n, now):
        ts = int(g.when.timestamp())
        name = f"{ts}.M{g.index:06d}P{os.getpid()}.{host},S={len(g.raw)}:2,{'S' if g.seen else ''}"
        path = cur / name
        with open(path, "wb") as f:
            f.write(g.raw)
        os.utime(path, (ts, ts))  # Maildir: the file's mtime is the INTERNALDATE
        os.chown(path, uid, gid)
        total_bytes += len(g.raw)
        facts[g.message_id.lower()] = {
            "kind": g.kind,
            "head": header_block(g.raw).replace(b"\n", b"\r\n"),
            "calendar": g.has_calendar,
            "top": _top_text(g.raw),
            "interview": g.is_interview,
            "must": g.kind in mailmix.MUST_READ,
        }
    t_write = time.perf_counter() - t0
    t0 = time.perf_counter()
    with account.login() as c:  # Dovecot scans the Maildir and assigns UIDs here
        count = int(c.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"])
    t_index = time.perf_counter() - t0
    if count != n:
        raise SystemExit(f"INBOX holds {count} messages over IMAP, wrote {n}")
    return facts, {"write_s": t_write, "index_s": t_index, "bytes": total_bytes, "count": count}


def _top_text(raw: bytes) -> str:
    """The first words of a message's first text part (what a Peek is asked about)."""
    try:
        return mailtext.body_text(mailtext.parse_bytes(raw))[: prefilter.PEEK_BYTES]
    except Exception:  # noqa: BLE001 - the generator's own mail; never expected
        return ""


def candidates(facts: dict, known: prefilter.Known) -> None:
    """Mark each message a candidate by followup's rule (core.prefilter) with what the
    store knew at the start of the pass, the calendar part taken from what we generated,
    a Peek answered on the text we generated."""
    for f in facts.values():
        verdict = prefilter.need(f["head"], known, calendar=f["calendar"])
        f["peek"] = verdict == prefilter.PEEK
        f["candidate"] = verdict == prefilter.BODY or (
            f["peek"] and prefilter.top_says_interview(f["top"])
        )


def seed_store(rt, now: datetime) -> None:
    """The store of a user whose search is under way: one interview (Vandelay) and the
    thank-you, approval request and debrief request followup sent about it."""
    s = mailmix.SEED
    raw = invite(
        uid=s["uid"],
        start=(now - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0),
        people=[s["interviewer"]],
        company=s["company"],
        sent=now - timedelta(days=8),
    )
    me = rt.settings.me
    found = detect.detect(raw, my_addresses=me.addresses, default_timezone=me.timezone)
    with rt.store.transaction():
        interview_id, outcome = interviews.record_event(
            rt.store, found.event, now=now - timedelta(days=8), source=s["invite_id"],
            default_timezone=me.timezone,
        )  # fmt: skip
        if outcome != "new":
            raise SystemExit(f"seeding the store: the Vandelay interview was {outcome}")
        for key, purpose, to in (
            ("thank_you", "thank_you", s["interviewer"][1]),
            ("approval", "approval_request", ME),
            ("debrief", "debrief_request", ME),
        ):
            draft_rows.begin_send(rt.store, s[key], purpose=purpose, recipients=to, now=now)
            draft_rows.finish_send(rt.store, s[key], "sent", now=now)


# --- instrumentation -----------------------------------------------------------------

_TIMED = (
    "select_folder",
    "search",
    "fetch",
    "noop",
    "capabilities",
    "idle",
    "idle_check",
    "idle_done",
)


class Wire:
    """Counts what followup asks of the server, wrapping the imapclient object it uses."""

    def __init__(self):
        self.body_uids: set[int] = set()  # some of the body (sections, or all of it)
        self.whole_uids: set[int] = set()  # BODY.PEEK[]: the whole message
        self.peek_uids: set[int] = set()  # the top of the first text part only
        self.header_uids = 0
        self.imap_seconds = 0.0
        self.calls = Counter()

    def instrument(self, source) -> None:
        original = source._connected
        wire = self

        def connected():
            client = original()
            if not getattr(client, "_bench_wrapped", False):
                client._bench_wrapped = True
                for name in _TIMED:
                    setattr(client, name, wire._timed(name, getattr(client, name)))
                # the header FETCH goes through imaplib (its structures left unparsed)
                client._imap.uid = wire._timed("uid", client._imap.uid)
            return client

        source._connected = connected

    def _timed(self, name, fn):
        def call(*args, **kwargs):
            self.calls[name] += 1
            if name == "uid" and args and str(args[0]).upper() == "FETCH":
                self.header_uids += str(args[1]).count(",") + 1
            if name == "fetch":
                uids, items = args[0], [str(i).upper() for i in args[1]]
                sections = [i for i in items if i.startswith("BODY.PEEK[") and "HEADER]" not in i]
                if any("]<" in i for i in sections):
                    self.peek_uids.update(uids)
                elif sections or any(i in ("BODY[]", "RFC822") for i in items):
                    self.body_uids.update(uids)
                    if "BODY.PEEK[]" in items:
                        self.whole_uids.update(uids)
                else:
                    self.header_uids += len(uids)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.imap_seconds += time.perf_counter() - t0

        return call


def counters(rt) -> tuple[int, int, int, int]:
    """(bytes received, bytes sent, ImapSource.commands, imaplib tags) so far."""
    client = rt.source.client
    rx, tx = tcp_bytes(client.socket())
    return rx, tx, rt.source.commands, client._imap.tagnum


# --- one mailbox size ----------------------------------------------------------------


def bench_size(dovecot, n: int, now: datetime, trials: int, root: Path, seed: int) -> dict:
    account = dovecot.add_user()
    print(f"[N={n}] filling {account.username}'s Maildir ...", flush=True)
    facts, filled = fill(account, n, now, seed)
    print(
        f"[N={n}] wrote {n} files ({human_bytes(filled['bytes'])}) in {filled['write_s']:.1f} s;"
        f" Dovecot indexed them in {filled['index_s']:.1f} s",
        flush=True,
    )
    cfg_path = common.write_config(root / f"n{n}" / "config.toml", account)
    os.environ["FOLLOWUP_IMAP_PASSWORD"] = account.password
    settings = config.load(cfg_path)
    rt = open_runtime(settings, clock=lambda: now)
    seed_store(rt, now)
    candidates(facts, inbound.known(rt))
    wire = Wire()
    wire.instrument(rt.source)
    seen: dict[str, bool] = {}  # message-id -> body fetched
    original_fetch_new = rt.source.fetch_new

    def fetch_new(remembered, wanted):
        for msg in original_fetch_new(remembered, wanted):
            mid = _message_id(msg.header)
            seen[mid] = msg.raw is not None
            yield msg

    rt.source.fetch_new = fetch_new
    out: dict = {"n": n, "fill": filled, "account": account, "config": cfg_path}
    try:
        print(f"[N={n}] first sync ...", flush=True)
        t0 = time.perf_counter()
        report = pipeline.run_pass(rt, now=now)
        out["first_s"] = time.perf_counter() - t0
        out["first_imap_s"] = wire.imap_seconds
        rx, tx, cmds, tags = counters(rt)
        out.update(
            first_rx=rx,
            first_tx=tx,
            first_cmds=cmds,
            first_tags=tags,
            outcomes=dict(report.outcomes),
            errors=list(report.errors),
            messages=report.messages,
        )
        cand = {m for m, f in facts.items() if f["candidate"]}
        fetched = {m for m, body in seen.items() if body}
        out["candidates"] = len(cand)
        out["bodies_wire"] = len(wire.body_uids)
        out["bodies"] = len(fetched)
        out["noncand_bodies"] = len(fetched - cand)
        out["missed_cand"] = len(cand - fetched)
        out["unknown"] = len(set(seen) - set(facts))
        out["yielded"] = len(seen)
        out["invites"] = sum(f["interview"] for f in facts.values())
        # the seeded interview (Vandelay) is no interview of the mailbox's
        out["interviews"] = rt.store.one("SELECT count(*) FROM interviews")[0] - 1
        out["peeks"] = len(wire.peek_uids)
        out["whole"] = len(wire.whole_uids)
        must = Counter(f["kind"] for f in facts.values() if f["must"])
        read = Counter(facts[m]["kind"] for m in fetched if m in facts and facts[m]["must"])
        out["must_read"] = {k: (read[k], must[k]) for k in mailmix.MUST_READ}
        kinds = Counter(f["kind"] for f in facts.values())
        cand_kinds = Counter(f["kind"] for f in facts.values() if f["candidate"])
        out["kinds"] = {k: (kinds[k], cand_kinds[k]) for k in sorted(kinds)}
        print(f"[N={n}] first sync {out['first_s']:.1f} s; steady cycles ...", flush=True)

        # A pass and a bare NOOP taken in turns, so both medians see the same moments
        # of a shared machine (sub-millisecond figures: a burst elsewhere moves them).
        steady, noop = [], []
        client = rt.source.client
        for _ in range(max(trials, STEADY_TRIALS)):
            b, w0 = counters(rt), wire.imap_seconds
            t0 = time.perf_counter()
            r = pipeline.run_pass(rt, now=now)
            dt = time.perf_counter() - t0
            a = counters(rt)
            steady.append((dt, *(x - y for x, y in zip(a, b, strict=True)), wire.imap_seconds - w0))
            if r.messages or r.errors:
                print(
                    f"[N={n}] surprise: steady pass saw {r.messages} messages, errors {r.errors}",
                    flush=True,
                )
            b = counters(rt)
            t0 = time.perf_counter()
            client.noop()
            dt = time.perf_counter() - t0
            a = counters(rt)
            noop.append((dt, *(x - y for x, y in zip(a, b, strict=True))))
        out["steady"], out["noop"] = steady, noop
    finally:
        rt.close()
        os.environ.pop("FOLLOWUP_IMAP_PASSWORD", None)
    print(f"[N={n}] floors: header-only scan, naive full fetch ...", flush=True)
    out["floor_header"] = floor_scan(account, ["BODY.PEEK[HEADER]"], BytesHeaderParser().parsebytes)
    out["floor_full"] = floor_scan(account, ["BODY.PEEK[]"], email.message_from_bytes)
    return out


FLOOR_CHUNK = 500
STEADY_TRIALS = 50  # at least this many steady passes (and NOOPs) per size


def floor_scan(account, items: list[str], parse) -> dict:
    """What a plain client pays for the same mailbox: log in, EXAMINE, UID SEARCH ALL,
    UID FETCH `items` of every message (500 a FETCH) and parse each answer with `parse`.
    Wall time and bytes received, on the client's own connection."""
    t0 = time.perf_counter()
    with account.login() as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["ALL"])
        key = items[0].replace(".PEEK", "").encode()
        for start in range(0, len(uids), FLOOR_CHUNK):
            for data in c.fetch(uids[start : start + FLOOR_CHUNK], items).values():
                parse(data[key])
        rx, _ = tcp_bytes(c.socket())
    return {"s": time.perf_counter() - t0, "rx": rx, "count": len(uids)}


def _message_id(header: bytes) -> str:
    for line in header.split(b"\n"):
        if line[:11].lower() == b"message-id:":
            return line[11:].strip().decode("ascii", "replace").lower()
    return ""


# --- APPEND -> recorded, with the daemon idling ----------------------------------------


def bench_latency(account, cfg_path: Path, trials: int, root: Path) -> dict:
    db = cfg_path.parent / "followup.db"
    env = dict(os.environ, FOLLOWUP_CONFIG=str(cfg_path), FOLLOWUP_IMAP_PASSWORD=account.password)
    log_path = root / "daemon-latency.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [common.FOLLOWUP, "run"], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
    out = {"log": log_path, "lat": [], "append": [], "timeouts": 0}
    try:
        ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"followup run exited with {proc.returncode}; see {log_path}")
            try:
                row = ro.execute("SELECT value FROM health WHERE key = 'heartbeat'").fetchone()
            except sqlite3.Error:
                row = None
            if row and row[0] == str(proc.pid):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"followup run not ready after 300 s; see {log_path}")
            time.sleep(0.05)
        time.sleep(1.0)  # let it enter IDLE
        rng = random.Random(7)
        start = (datetime.now(UTC) + timedelta(days=6)).replace(
            hour=16, minute=0, second=0, microsecond=0
        )
        with account.login() as c:
            for k in range(trials):
                uid = f"latency-{k}-{rng.getrandbits(32):08x}"
                raw = invite(
                    uid=uid,
                    start=start + timedelta(hours=k),
                    company="Initech",
                    people=[("Peter Gibbons", "peter@initech.example")],
                    role="Platform Engineer",
                    sent=datetime.now(UTC),
                )
                t0 = time.perf_counter()
                c.append("INBOX", raw)
                t_append = time.perf_counter() - t0
                limit = time.perf_counter() + 30
                while True:
                    if ro.execute(
                        "SELECT 1 FROM interviews WHERE event_uid = ?", (uid,)
                    ).fetchone():
                        out["lat"].append(time.perf_counter() - t0)
                        out["append"].append(t_append)
                        break
                    if time.perf_counter() > limit:
                        out["timeouts"] += 1
                        break
                    time.sleep(0.005)
                time.sleep(1.0 + rng.uniform(0, 0.5))  # back into IDLE, random phase
        ro.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out["exit"] = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out["exit"] = "killed after 30 s"
    text = log_path.read_text(errors="replace")
    out["log_errors"] = [
        ln for ln in text.splitlines() if " ERROR " in ln or "Traceback" in ln or " WARNING " in ln
    ][:5]
    return out


def idle_floor(account, trials: int) -> list[float]:
    """Dovecot's own notify delay on the same mailbox: a bare client in IDLE, an APPEND
    from a second connection, the time until the client hears EXISTS."""
    found = []
    with account.login() as watcher, account.login() as writer:
        watcher.select_folder("INBOX", readonly=True)
        for k in range(trials):
            watcher.idle()
            time.sleep(0.2)  # IDLE is under way before the mail comes
            raw = f"Subject: floor {k}\r\nMessage-ID: <floor-{k}@bench>\r\n\r\nx\r\n".encode()
            t0 = time.perf_counter()
            writer.append("INBOX", raw)
            heard = False
            while not heard and time.perf_counter() - t0 < 30:
                heard = any(len(r) > 1 and r[1] == b"EXISTS" for r in watcher.idle_check(5))
            if heard:
                found.append(time.perf_counter() - t0)
            watcher.idle_done()
            time.sleep(0.3)
    return found


# --- detect() throughput ---------------------------------------------------------------


def bench_detect(min_seconds: float = 2.0) -> dict:
    files = sorted(
        p for p in glob.glob(str(common.REPO / "tests/fixtures/messages/*")) if os.path.isfile(p)
    )
    raws = [(Path(p).name, Path(p).read_bytes()) for p in files]
    per_file = {name: [] for name, _ in raws}
    count, total = 0, 0.0
    mine = {ME}
    rounds = 0
    while total < min_seconds or rounds < 3:
        for name, raw in raws:
            t0 = time.perf_counter()
            detect.detect(raw, my_addresses=mine, default_timezone="America/Chicago")
            dt = time.perf_counter() - t0
            per_file[name].append(dt)
            total += dt
            count += 1
        rounds += 1
    slowest = sorted(((median(v), k) for k, v in per_file.items()), reverse=True)[:3]
    return {
        "files": len(raws),
        "count": count,
        "seconds": total,
        "bytes": sum(len(r) for _, r in raws) * rounds,
        "slowest": slowest,
    }


# --- report ----------------------------------------------------------------------------


def pct_of(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f} %" if whole else "-"


def unread_must(results: list[dict]) -> list[str]:
    """Must-read messages whose body was not read, as "N=1,000 confirm_de 1/2"."""
    return [
        f"N={r['n']:,} {kind} {got}/{total}"
        for r in results
        for kind, (got, total) in r["must_read"].items()
        if got < total
    ]


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def print_report(results: list[dict], lat: dict | None, det: dict, trials: int) -> None:
    print()
    print("== first sync (one run_pass on a fresh database; lookback window holds all N) ==")
    rows = []
    for r in results:
        rows.append(
            [
                f"{r['n']:,}",
                human_bytes(r["fill"]["bytes"]),
                f"{r['first_s']:.2f}",
                f"{r['first_imap_s']:.2f}",
                f"{r['n'] / r['first_s']:.0f}",
                human_bytes(r["first_rx"]),
                human_bytes(r["first_tx"]),
                f"{r['first_cmds']}/{r['first_tags']}",
                f"{r['candidates']}",
                f"{r['bodies']}/{r['bodies_wire']} ({r['whole']})",
                f"{pct_of(r['bodies'], r['n'])}",
                f"{r['peeks']}",
                f"{r['noncand_bodies']}",
                f"{r['missed_cand']}",
                f"{r['interviews']}/{r['invites']}",
            ]
        )
    print(
        common.table(
            [
                "N",
                "mailbox",
                "sync s",
                "in IMAP s",
                "msg/s",
                "bytes in",
                "bytes out",
                "cmds src/wire",
                "candidates",
                "bodies yld/wire (whole)",
                "bodies % N",
                "peeks",
                "non-cand bodies",
                "missed cand",
                "interviews/expected",
            ],
            rows,
        )
    )
    for r in results:
        kinds = ", ".join(f"{k} {n}({c} cand)" for k, (n, c) in r["kinds"].items())
        print(f"  N={r['n']:,}: mix: {kinds}")
        print(
            f"  N={r['n']:,}: outcomes {r['outcomes']}; yielded {r['yielded']} "
            f"(unmapped {r['unknown']}); errors {r['errors'] or 'none'}"
        )
        must = ", ".join(f"{k} {got}/{total}" for k, (got, total) in r["must_read"].items())
        print(f"  N={r['n']:,}: must-read read/total: {must}")
    print()
    print("== floors: the same mailbox, the same run, after followup's first sync ==")
    rows = []
    for r in results:
        h, f = r["floor_header"], r["floor_full"]
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['first_s']:.2f}",
                f"{h['s']:.2f}",
                f"{f['s']:.2f}",
                f"{r['first_s'] / h['s']:.1f}x",
                f"{r['first_s'] / f['s']:.2f}x",
                human_bytes(r["first_rx"]),
                human_bytes(h["rx"]),
                human_bytes(f["rx"]),
                f"{r['first_rx'] / f['rx'] * 100:.1f} %",
            ]
        )
    print(
        common.table(
            [
                "N",
                "followup s",
                "header-only s",
                "naive full s",
                "vs header-only",
                "vs naive full",
                "followup in",
                "header-only in",
                "naive full in",
                "followup / full bytes",
            ],
            rows,
        )
    )
    print()
    print(
        f"== steady cycle, no new mail (run_pass x{trials}) vs bare NOOP on the same connection =="
    )
    rows = []
    base = median([s[0] for s in results[0]["steady"]])
    for r in results:
        st, no = r["steady"], r["noop"]
        s_med, n_med = median([s[0] for s in st]), median([s[0] for s in no])
        rows.append(
            [
                f"{r['n']:,}",
                ms(s_med),
                ms(pct([s[0] for s in st], 0.9)),
                ms(median([s[5] for s in st])),
                f"{median([s[1] for s in st]):.0f}",
                f"{median([s[2] for s in st]):.0f}",
                f"{median([s[3] for s in st]):.0f}/{median([s[4] for s in st]):.0f}",
                ms(n_med),
                f"{median([s[1] for s in no]):.0f}",
                f"{median([s[2] for s in no]):.0f}",
                f"{s_med / n_med:.1f}x",
                f"{s_med / base:.2f}x",
            ]
        )
    print(
        common.table(
            [
                "N",
                "cycle ms",
                "p90 ms",
                "in IMAP ms",
                "bytes in",
                "bytes out",
                "cmds src/wire",
                "NOOP ms",
                "NOOP in",
                "NOOP out",
                "vs NOOP",
                f"vs N={results[0]['n']:,}",
            ],
            rows,
        )
    )
    last = results[-1]
    s_last = median([s[0] for s in last["steady"]])
    print()
    print("== targets ==")
    print(
        f"  steady cycle N={last['n']:,} within 1.5x of N={results[0]['n']:,}: "
        f"{s_last / base:.2f}x  {verdict(s_last / base <= 1.5)}"
    )
    worst_noop = max(
        median([s[0] for s in r["steady"]]) / median([s[0] for s in r["noop"]]) for r in results
    )
    print(
        f"  steady cycle within 3x a bare NOOP (worst size): {worst_noop:.1f}x  "
        f"{verdict(worst_noop <= 3)}"
    )
    worst_imap = max(
        median([s[5] for s in r["steady"]]) / median([s[0] for s in r["noop"]]) for r in results
    )
    print(
        f"  (its IMAP part alone, EXAMINE, vs a bare NOOP, worst size: {worst_imap:.1f}x  "
        f"{verdict(worst_imap <= 3)})"
    )
    nc = sum(r["noncand_bodies"] for r in results)
    eq = all(r["bodies"] == r["candidates"] == r["bodies_wire"] for r in results)
    print(
        f"  bodies fetched == candidates at every size: {verdict(eq)}; "
        f"non-candidate bodies fetched: {nc}  {verdict(nc == 0)}"
    )
    for r in results:
        vs_head = r["first_s"] / r["floor_header"]["s"]
        vs_full = r["first_s"] / r["floor_full"]["s"]
        print(
            f"  N={r['n']:,}: first sync within 3x the header-only scan: {vs_head:.1f}x  "
            f"{verdict(vs_head <= 3)}; not slower than the naive full fetch: {vs_full:.2f}x  "
            f"{verdict(vs_full <= 1)}; bodies <= 10 % of N: {pct_of(r['bodies'], r['n'])}  "
            f"{verdict(r['bodies'] <= r['n'] / 10)}; every interview found: "
            f"{r['interviews']}/{r['invites']}  {verdict(r['interviews'] >= r['invites'])}"
        )
    if lat is not None:
        print()
        print(
            f"== APPEND -> interview recorded, `followup run` idling on N={last['n']:,} "
            f"({len(lat['lat'])} trials) =="
        )
        if lat["lat"]:
            m, w = median(lat["lat"]), max(lat["lat"])
            print(
                f"  median {ms(m)} ms   p90 {ms(pct(lat['lat'], 0.9))} ms   worst {ms(w)} ms"
                f"   best {ms(min(lat['lat']))} ms   (APPEND itself: median "
                f"{ms(median(lat['append']))} ms)"
            )
            floor = lat.get("floor") or []
            if floor:
                f = median(floor)
                print(
                    f"  floor, the same mailbox: a bare IDLE client hears EXISTS after a median "
                    f"{ms(f)} ms (Dovecot's notify delay; p90 {ms(pct(floor, 0.9))} ms)"
                )
                print(f"  target median <= 1.2x that floor: {m / f:.2f}x  {verdict(m <= 1.2 * f)}")
            print(f"  target median < 1000 ms: {verdict(m < 1.0)}")
        print(f"  timeouts (>30 s): {lat['timeouts']}; daemon exit on SIGTERM: {lat['exit']}")
        if lat["log_errors"]:
            print("  daemon log warnings/errors:")
            for ln in lat["log_errors"]:
                print(f"    {ln}")
    print()
    print(f"== detect() throughput over tests/fixtures/messages ({det['files']} files) ==")
    print(
        f"  {det['count'] / det['seconds']:.0f} messages/s  "
        f"({human_bytes(det['bytes'] / det['seconds'])}/s, {det['count']} calls in "
        f"{det['seconds']:.2f} s)"
    )
    print("  slowest (median per call): " + ", ".join(f"{k} {ms(t)} ms" for t, k in det["slowest"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        default="1000,10000,50000",
        help="mailbox sizes, comma-separated (default 1000,10000,50000)",
    )
    ap.add_argument(
        "--trials",
        type=int,
        default=20,
        help="steady cycles, NOOPs and APPEND-latency trials (default 20)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-latency", action="store_true", help="skip the daemon latency trial")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (Maildirs, DBs, logs)")
    args = ap.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    root = Path(tempfile.mkdtemp(prefix="followup-bench-"))
    os.chmod(root, 0o755)
    common.isolate(root)
    t_start = time.perf_counter()
    dovecot = Dovecot(cert=TlsCert.generate(root / "tls"))
    dovecot.start()
    print(
        f"Dovecot {dovecot.version} on 127.0.0.1:{dovecot.port} (pid {dovecot.pid}); "
        f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; temp {root}",
        flush=True,
    )
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        results = [bench_size(dovecot, n, now, args.trials, root, args.seed) for n in sizes]
        lat = None
        if not args.no_latency:
            print(
                f"[latency] `followup run` on N={sizes[-1]:,}, {args.trials} APPENDs ...",
                flush=True,
            )
            lat = bench_latency(results[-1]["account"], results[-1]["config"], args.trials, root)
            lat["floor"] = idle_floor(results[-1]["account"], args.trials)
        det = bench_detect()
        print_report(results, lat, det, args.trials)
        print(f"\n(total bench time {time.perf_counter() - t_start:.0f} s)")
        missed = unread_must(results)
        if missed:
            print(f"\nFAILED: must-read messages not read: {'; '.join(missed)}", flush=True)
            return 1
    finally:
        dovecot.cleanup()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
