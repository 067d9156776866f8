"""detect() throughput by CPU time, and a record of its results to hold a change to.

    .venv/bin/python bench/detect.py                      # msg/s over tests/fixtures/messages
    .venv/bin/python bench/detect.py --record before.json [--corpus DIR]
    .venv/bin/python bench/detect.py --compare before.json [--corpus DIR]

Throughput is CPU time (`time.process_time`), best of three windows: on a shared machine
other work only ever slows a window down, so the best is the steadiest figure (the wall
time figure of `bench/sync.py` moves with the machine). To compare two trees, run this
from each in turn, in the same minute.

`--record` writes `repr(detect(...))` of every fixture (tests/fixtures/), every message of
the hostile corpus (tests/hostile.py) and, with `--corpus`, every file of DIR, for two
users in two zones; `--compare` runs the same and lists what differs (exit 1). A speed-up
must leave that record unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "daemon"), str(REPO / "tests")]

from hostile import hostile_corpus  # noqa: E402

from followup.core import detect  # noqa: E402

USERS = ((("sam.seeker@example.net",), "America/Chicago"), (("me@example.com",), "Europe/Berlin"))


def fixtures(corpus: Path | None) -> list[tuple[str, bytes]]:
    dirs = [REPO / "tests/fixtures/messages", REPO / "tests/fixtures/replies"]
    dirs += [corpus] if corpus else []
    files = [p for d in dirs for p in sorted(d.iterdir()) if p.is_file()]
    named = [(str(p.relative_to(p.parent.parent)), p.read_bytes()) for p in files]
    return named + [(f"hostile:{name}", raw) for name, raw in hostile_corpus()]


def record(corpus: Path | None) -> dict[str, str]:
    out = {}
    for name, raw in fixtures(corpus):
        for mine, zone in USERS:
            found = detect.detect(raw, my_addresses=mine, default_timezone=zone)
            out[f"{name} | {mine[0]} | {zone}"] = repr(found)
    return out


def throughput(seconds: float) -> float:
    files = sorted((REPO / "tests/fixtures/messages").iterdir())
    raws = [p.read_bytes() for p in files if p.is_file()]
    mine, zone = USERS[0]

    def once() -> None:
        for raw in raws:
            detect.detect(raw, my_addresses=mine, default_timezone=zone)

    once()  # imports, compiled patterns, zone files
    best = 0.0
    for _ in range(3):
        start, count = time.process_time(), 0
        while time.process_time() - start < seconds / 3:
            once()
            count += len(raws)
        best = max(best, count / (time.process_time() - start))
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="CPU seconds in all (default 6)")
    ap.add_argument("--record", type=Path, metavar="FILE", help="write detect()'s results")
    ap.add_argument("--compare", type=Path, metavar="FILE", help="compare with a record")
    ap.add_argument("--corpus", type=Path, metavar="DIR", help="more messages to record")
    args = ap.parse_args()
    if args.record:
        found = record(args.corpus)
        args.record.write_text(json.dumps(found, indent=0, sort_keys=True), encoding="utf-8")
        print(f"{len(found)} results written to {args.record}")
        return 0
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        now = record(args.corpus)
        differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
        for key in differ[:20]:
            print(f"{key}\n  was: {before.get(key, '-')[:400]}\n  now: {now.get(key, '-')[:400]}")
        print(f"{len(differ)} differences of {len(now)} results")
        return 1 if differ else 0
    count = sum(1 for p in (REPO / "tests/fixtures/messages").iterdir() if p.is_file())
    print(f"detect(): {throughput(args.seconds):.0f} messages/s over {count} fixtures (CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
