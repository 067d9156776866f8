"""Worst per-message detect() time over the hostile corpus, with the fixtures as a floor.

Builds every message in tests/hostile.py (each a real-looking invite with one part
blown up against a parser or a pattern) and times `followup.core.detect.detect()` on
each, `--runs` times (the median counts); then the same for the 35 files in
tests/fixtures/messages/ in the same run. Prints every hostile message's time,
the worst of each set and which message it was. Nothing is asserted (the bound is
tests/test_linear_time.py's job).

    /work/venv/bin/python bench/hostile.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "daemon"), str(REPO / "tests")]

from hostile import hostile_corpus  # noqa: E402

from followup.core import detect  # noqa: E402

ME = "sam.seeker@example.net"


def timed(raw: bytes, runs: int) -> tuple[float, str]:
    times, reason = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        found = detect.detect(raw, my_addresses={ME}, default_timezone="America/Chicago")
        times.append(time.perf_counter() - start)
        reason = found.reason
    return median(times), reason


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="calls per message (median counts)")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}; median of {args.runs} calls per message\n")
    hostile = []
    print(f"{'hostile message':24} {'bytes':>10} {'detect ms':>10}  result")
    for name, raw in hostile_corpus():
        seconds, reason = timed(raw, args.runs)
        hostile.append((seconds, name))
        print(f"{name:24} {len(raw):>10,} {seconds * 1000:>10.1f}  {reason}")
    fixtures = []
    for path in sorted((REPO / "tests/fixtures/messages").iterdir()):
        if path.is_file():
            fixtures.append((timed(path.read_bytes(), args.runs)[0], path.name))
    worst, name = max(hostile)
    floor, floor_name = max(fixtures)
    print(
        f"\nworst hostile message: {worst * 1000:.1f} ms ({name}); "
        f"total over {len(hostile)}: {sum(t for t, _ in hostile):.2f} s"
    )
    print(
        f"worst of the {len(fixtures)} fixtures (floor): {floor * 1000:.1f} ms ({floor_name}); "
        f"median {median(t for t, _ in fixtures) * 1000:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
