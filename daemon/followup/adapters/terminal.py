"""Text for the terminal: what mail says is shown, never obeyed.

Names, subjects and bodies come from strangers. Printed raw, `\\x1b]0;…\\x07`
retitles the terminal, `\\x1b[5m` makes it blink, and U+202E turns the rest of
the line around. Every control, format (bidi, zero-width) and line-separator
character is printed as a visible escape instead (`\\x1b`, `\\u202e`): not
dropped, so the user sees that something was there.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import click

# Categories a terminal acts on rather than shows: Cc controls (C0, DEL, C1),
# Cf format (bidi overrides and isolates, zero-width, BOM), Zl/Zp separators,
# Cs lone surrogates (from surrogateescape), Co private use, Cn unassigned.
_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))
_PLAIN = re.compile(r"[ -~]*")  # printable ASCII: the common case, no per-char work


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: object, *, multiline: bool = False) -> str:
    """`text` with every character a terminal would act on escaped visibly.
    multiline: newlines and tabs are kept (a body); otherwise they are escaped
    too, so one field cannot fake a line of its own."""
    text = str(text)
    if _PLAIN.fullmatch(text):
        return text
    keep = "\n\t" if multiline else ""
    return "".join(
        c if c in keep or unicodedata.category(c) not in _HIDDEN else _escape(c) for c in text
    )


def echo(text: object = "", *, err: bool = False, multiline: bool = False, **style: Any) -> None:
    """click.echo / click.secho of one line (or, with multiline, a block) made visible."""
    message = visible(text, multiline=multiline)
    if style:
        click.secho(message, err=err, **style)
    else:
        click.echo(message, err=err)


def markup(text: object, *, multiline: bool = False) -> str:
    """For rich: visible, then escaped so "[bold]" in mail data is not markup."""
    from rich.markup import escape  # rich loads only when printing

    return escape(visible(text, multiline=multiline))


def to_json(data: Any) -> str:
    """JSON with non-ASCII letters kept readable ("Zoë") but every hidden character
    as a \\u escape: json.dumps escapes only U+0000-001F, and U+202E, C1 controls or
    U+2028 would reach the terminal raw. Same data for any JSON reader."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # A raw newline is indentation: inside strings json.dumps wrote "\\n" already.
    return "".join(
        c if c == "\n" or unicodedata.category(c) not in _HIDDEN else _json_escape(c) for c in text
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells astral characters
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# --- a long sync's progress bar ---------------------------------------------------


@contextlib.contextmanager
def sync_progress() -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar on stderr for a long sync, when stderr is a terminal; else
    None. The callback takes a `wakeup.SyncProgress`; the bar appears on its first
    call (a pass with little mail never shows one). Log lines print above the bar."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: list = []  # [rich Progress, task id], once shown

    def show(progress: Any) -> None:
        if not bar:
            bar.extend(_start_bar())
        label = "first sync" if progress.first else "catching up"
        bar[0].update(
            bar[1],
            completed=progress.scanned,
            total=progress.total,
            description=label,
            interviews=progress.interviews,
        )

    try:
        yield show
    finally:
        if bar:
            bar[0].stop()
            _log_to(sys.stderr)


def _start_bar() -> tuple:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("messages, {task.fields[interviews]} interview(s)"),
        TimeRemainingColumn(),
        console=console,
        transient=True,  # gone when done: the pass's summary line says what was found
    )
    task = progress.add_task("sync", total=None, interviews=0)
    progress.start()  # sys.stderr is now rich's proxy, which prints above the bar
    _log_to(sys.stderr)
    return progress, task


def _log_to(stream) -> None:
    """Point the root logger's stream handlers at `stream`: rich's proxy of stderr while
    the bar shows, so a log line prints above it instead of through it."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            handler.setStream(stream)
