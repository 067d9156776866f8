"""Files only the user may read, whatever the umask.

The database holds debriefs and live reply tokens, the outbox holds every
message, the config the user's address and phone: folders we create are 0700,
files we create 0600. A folder that already exists is left as it is (it may be
the user's own, shared on purpose); the files in it are private all the same.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_dir(path: Path) -> None:
    """`path` and missing parents; the folder itself 0700 if we create it."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        return  # made meanwhile by another followup: not ours to change
    os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask


def open_file(path: Path, flags: int) -> int:
    """os.open with O_CREAT, the file 0600 (also when it existed with a looser mode)."""
    fd = os.open(path, flags | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_text(path: Path, text: str) -> None:
    """Write (or overwrite) a text file that only the user may read."""
    make_dir(path.parent)
    with os.fdopen(open_file(path, os.O_WRONLY | os.O_TRUNC), "w", encoding="utf-8") as handle:
        handle.write(text)


def tighten(path: Path) -> None:
    """Make an existing file 0600 (a database an older followup made 0644)."""
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)
    except FileNotFoundError:
        pass
