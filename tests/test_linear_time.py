"""No pattern run over mail text may backtrack super-linearly, and one slow
message must never stop the sync.

Every compiled pattern at module level of the modules that read mail (and every
literal pattern passed to `re.*` inside their functions, found in their source)
is fed 2 MB inputs built for the shapes that make a backtracking engine
quadratic: long runs of what its quantifiers accept, its own words repeated, a
prefix followed by a run, no final match. Each call must finish in under a
second: a bound for catastrophic backtracking, not a speed benchmark (the
VTIMEZONE pattern this replaced needed a minute for the first input of its shape).
"""

from __future__ import annotations

import ast
import inspect
import re
import signal
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hostile import BUILDERS
from mailgen import invite

from followup.adapters import config
from followup.app import inbound, pipeline
from followup.app.runtime import open_runtime
from followup.core import (
    bounces,
    compose,
    debrief,
    detect,
    detect_calendar,
    detect_company,
    detect_dates,
    detect_people,
    detect_prose,
    detect_rules,
    detect_text,
    detect_zones,
    mailtext,
    model,
    prefilter,
    render,
    replies,
    request_reply,
    scripts,
    senders,
)
from followup.core.detect_text import Words

SIZE = 2_000_000
BOUND = 1.0  # seconds per call
MODULES = (
    detect,
    detect_people,
    detect_rules,
    detect_calendar,
    detect_company,
    detect_prose,
    detect_text,
    detect_dates,
    detect_zones,
    mailtext,
    replies,
    debrief,
    senders,
    render,
    scripts,
    model,
    inbound,
    prefilter,
    bounces,
    compose,
    request_reply,
)
SOURCES = Path(detect.__file__).parent


# --- collecting the patterns ----------------------------------------------------------


def _module_patterns(module) -> list[tuple[str, re.Pattern]]:
    found = []

    def visit(name: str, value, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found.append((name, value))
        elif isinstance(value, Words):  # a word list: the pattern and its lower-case twin
            visit(f"{name}.caseless", value.caseless, depth + 1)
            visit(f"{name}.lower", value.lower, depth + 1)
        elif isinstance(value, (list, tuple)) and depth < 2:
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item, depth + 1)

    for name, value in vars(module).items():
        visit(f"{module.__name__.split('.')[-1]}.{name}", value)
    return found


_RE_FUNCTIONS = {"search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # re.I | re.S


def _inline_patterns(module) -> list[tuple[str, re.Pattern, str]]:
    """`re.search(r"…", text)` and the like inside functions: (name, pattern, method)."""
    tree = ast.parse(inspect.getsource(module))
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCTIONS
            and node.args
        ):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes))):
            continue  # a module-level pattern (collected above) or one built at run time
        flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
        position = {"sub": 3, "subn": 3, "split": 2}.get(node.func.attr, 2)
        if flag_node is None and len(node.args) > position:
            flag_node = node.args[position]
        pattern = re.compile(first.value, _flags(flag_node))
        method = node.func.attr if node.func.attr in ("match", "fullmatch") else "search"
        found.append((f"{module.__name__.split('.')[-1]}:{node.lineno}", pattern, method))
    return found


def _methods_used(short_name: str) -> set[str]:
    """How the project calls a module-level pattern: `NAME.match(` → {"match"}."""
    used = set()
    for path in SOURCES.rglob("*.py"):
        used |= set(re.findall(rf"\b{re.escape(short_name)}\.(\w+)\(", path.read_text()))
    return used


def _method_for(name: str) -> str:
    if "[" in name:
        return "search"  # lists of patterns are searched in a loop
    used = _methods_used(name.split(".", 1)[1])
    if used and used <= {"match", "fullmatch"}:
        return "match" if "match" in used else "fullmatch"
    return "search"


def all_patterns() -> list[tuple[str, re.Pattern, str]]:
    found = []
    for module in MODULES:
        found += [(name, p, _method_for(name)) for name, p in _module_patterns(module)]
        found += _inline_patterns(module)
    return found


PATTERNS = all_patterns()


# --- adversarial inputs -----------------------------------------------------------------

_GENERIC = [" ", "\n", " \n", "a", "A", "1", "<", "(", "a@", "a."]


def _words(pattern: re.Pattern) -> list[str]:
    """Literal words of the pattern's source, longest first (the prefixes it looks for)."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode()
    source = re.sub(r"\\[a-zA-Z]", " ", source)  # \s, \b, \d are not words
    words = set(re.findall(r"[A-Za-z][A-Za-z:-]{1,}[A-Za-z:]", source))
    return sorted(words, key=lambda w: (-len(w), w))[:2]


def _repeat(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def adversarial_inputs(pattern: re.Pattern) -> list[str]:
    inputs = [_repeat(unit) for unit in _GENERIC]
    for word in _words(pattern):
        inputs += [
            _repeat(word + "\r\n"),  # the prefix repeated, line by line
            _repeat(word + ": a "),
            word + " " * SIZE,  # the prefix, then a run of blanks
            word + ": " + _repeat("a "),
        ]
    return inputs


# --- timing --------------------------------------------------------------------------


class _TooSlow(BaseException):
    pass


def _raise_too_slow(signum, frame):
    raise _TooSlow


# Time is this process's CPU time (and the cut-off a CPU-time timer): a quadratic
# pattern burns CPU however busy the host is, while waiting for a shared core does not
# count against a linear one.
_TIMER, _SIGNAL = signal.ITIMER_VIRTUAL, signal.SIGVTALRM


def elapsed(call) -> float:
    """CPU seconds `call` takes; cut off (the regex engine checks signals) at 3 x BOUND.
    The least of three tries over BOUND: a quadratic stays slow."""
    best = float("inf")
    previous = signal.signal(_SIGNAL, _raise_too_slow)
    try:
        for _ in range(3):
            start = time.process_time()
            signal.setitimer(_TIMER, 3 * BOUND)
            try:
                call()
            except _TooSlow:
                pass
            finally:
                signal.setitimer(_TIMER, 0)
            best = min(best, time.process_time() - start)
            if best < BOUND:
                break
    finally:
        signal.signal(_SIGNAL, previous)
    return best


def _run(pattern: re.Pattern, method: str, text):
    if method == "search":
        return sum(1 for _ in pattern.finditer(text))  # every match, as sub/findall do
    return getattr(pattern, method)(text)


def test_the_collection_reaches_every_kind_of_pattern():
    """The patterns this file guards: module-level ones, lists of them, inline ones."""
    names = {name for name, _, _ in PATTERNS}
    assert {
        "detect.STRONG_WORDS",
        "detect_text._SUBJECT_PATTERNS[0]",
        "replies.TOKEN_RE",
        "replies._NEWS[1][1]",
        "model._ADDRESS",
    } <= names
    assert any(name.startswith("replies:") for name in names)  # inline in functions
    assert any(name.startswith("render:") for name in names)
    assert dict((n, m) for n, _, m in PATTERNS)["model._ADDRESS"] == "fullmatch"
    assert len(PATTERNS) >= 60


@pytest.mark.parametrize(
    ("name", "pattern", "method"), PATTERNS, ids=[name for name, _, _ in PATTERNS]
)
def test_pattern_is_linear_on_2mb_adversarial_input(name, pattern, method):
    slow = []
    for text in adversarial_inputs(pattern):
        data = text.encode("latin-1", "replace") if isinstance(pattern.pattern, bytes) else text
        took = elapsed(lambda data=data: _run(pattern, method, data))
        if took >= BOUND:
            slow.append(f"{took:.1f} s on {text[:40]!r}… ({len(text):,} chars)")
    assert not slow, f"{name} ({pattern.pattern!r:.80}) {method}: " + "; ".join(slow)


# --- whole hostile messages -------------------------------------------------------------

MESSAGE_BOUND = 5.0  # seconds for one whole message: parsing 2 MB with the email package


@pytest.mark.parametrize("name", list(BUILDERS))
def test_hostile_message_is_read_in_bounded_time(name):
    raw = BUILDERS[name]()
    found = []
    took = elapsed_message(
        lambda: found.append(
            detect.detect(raw, my_addresses={"sam.seeker@example.net"}, default_timezone="UTC")
        )
    )
    assert took < MESSAGE_BOUND, f"{name}: {took:.1f} s"
    assert found and found[0].reason  # read to the end: an answer, never an exception


def elapsed_message(call) -> float:
    previous = signal.signal(_SIGNAL, _raise_too_slow)
    start = time.process_time()
    signal.setitimer(_TIMER, 3 * MESSAGE_BOUND)
    try:
        call()
    except _TooSlow:
        pass
    finally:
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, previous)
    return time.process_time() - start


def test_hostile_replies_are_read_in_bounded_time():
    """The reply parser reads the user's own mail, but a forged From reaches it too."""
    head = (
        "From: Sam Seeker <sam.seeker@example.net>\r\nTo: sam.seeker@example.net\r\n"
        "Subject: Re: Approve [fu-AAAAAAAAAAAAAAAAAAAAAAAA]\r\n"
        "Content-Type: {ctype}; charset=utf-8\r\n\r\n"
    )
    bodies = {
        "blank lines": ("text/plain", "approve\r\n" + "\r\n \r\n" * 600_000),
        "attribution": ("text/plain", "approve\r\n" + "On Mon " * 280_000),
        "quoted": ("text/plain", "approve\r\n" + "> > >\r\n" * 280_000),
        "one-line html": ("text/html", "<p>approve</p>" + "<a href='x' <b <i " * 100_000),
    }
    slow = []
    for label, (ctype, body) in bodies.items():
        raw = (head.format(ctype=ctype) + body).encode()
        took = elapsed_message(
            lambda raw=raw: (replies.parse_reply(raw), replies.company_news(raw))
        )
        if took >= MESSAGE_BOUND:
            slow.append(f"{label}: {took:.1f} s")
    assert not slow, slow


# --- the per-message time budget, in a real pass -------------------------------------------

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=CHICAGO)


@pytest.mark.integration
def test_a_message_over_the_time_budget_is_rejected_and_the_sync_moves_on(
    mail_env, imap_account, monkeypatch
):
    """A message whose handling outlasts the budget is recorded rejected with the
    reason, in its own transaction; the real invite after it is still read, and
    the next pass does not try the slow one again."""
    slow_subject = "Interview slow to read"
    imap_account.append(
        "INBOX",
        BUILDERS["blank-lines-body"]().replace(
            b"Subject: Interview confirmation", f"Subject: {slow_subject}".encode()
        ),
    )
    imap_account.append(
        "INBOX",
        invite(
            uid="real-1",
            start=datetime(2026, 12, 1, 14, tzinfo=CHICAGO),
            people=[("Jane Doe", "jane.doe@acme.example")],
        ),
    )
    real_detect = detect.detect
    calls = []

    def slow_detect(raw, **kw):
        calls.append(raw)
        if slow_subject.encode() in raw:
            time.sleep(2)  # stands in for a parser that is slow on this input
        return real_detect(raw, **kw)

    monkeypatch.setattr(detect, "detect", slow_detect)
    monkeypatch.setattr(pipeline, "MESSAGE_TIME_BUDGET", 0.2)
    rt = open_runtime(config.load(mail_env), clock=lambda: NOW)
    try:
        started = time.perf_counter()
        report = pipeline.run_pass(rt, now=NOW)
        assert time.perf_counter() - started < 2  # cut short, not slept through
        assert report.errors == []
        rows = {r["outcome"]: r for r in rt.store.all("SELECT outcome, reason FROM messages")}
        assert rows["rejected"]["reason"] == "took longer than 0.2 s to read"
        assert "new" in rows  # the invite behind it was read
        assert rt.store.one("SELECT count(*) FROM interviews WHERE event_uid = 'real-1'")[0] == 1
        assert rt.store.one("SELECT count(*) FROM interviews")[0] == 1  # nothing half-written
        assert not rt.store.db.in_transaction
        calls.clear()
        again = pipeline.run_pass(rt, now=NOW)
        assert again.messages == 0 and calls == []  # never retried
    finally:
        rt.close()


def test_the_budget_is_off_outside_the_main_thread():
    import threading

    result = []

    def work():
        with pipeline.message_budget(0.01):
            time.sleep(0.05)
        result.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert result == ["done"]


def test_the_budget_restores_an_outer_timer():
    """An itimer someone else set (a test runner's timeout) still fires after ours."""
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pipeline.message_budget(5):
            pass
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        time.sleep(0.4)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
