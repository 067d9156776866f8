"""The import rules of docs/ARCHITECTURE.md §2: the pure core imports no adapter and no
application module; an adapter never imports the application. Every import counts,
including the lazy ones inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "daemon" / "followup"

CORE = {"model", "plan", "render", "template_checks", "replies", "debrief", "senders",
        "headers", "calendar_file", "detect", "detect_calendar", "detect_prose", "detect_rules",
        "detect_text", "mailtext", "resources"}
ADAPTERS = {"store", "config", "credentials", "systemd_unit", "desktop", "net", "private",
            "terminal", "providers", "logsetup", "setup", "adapters", "sources",
            "transports"}
APPLICATION = {"pipeline", "inbound", "tasks", "notices", "sending", "wakeup", "commands",
               "drafts", "interviews", "outbox", "service", "demo", "runtime", "status", "cli"}
# Third-party packages that do I/O: never in the core.
IO_PACKAGES = {"imapclient", "yagmail", "keyring", "sqlite3", "smtplib", "socket",
               "subprocess", "platformdirs", "click", "rich", "schedule"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if parts[-1] != "__init__" or len(parts) > 1 else parts[0]


def imported(path: Path) -> set[str]:
    """First-level names this module imports: followup's own modules by their name
    ("store", "sources"), anything else by its top package ("sqlite3")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(_first_level(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: "from . import x" / "from .model import y"
                if node.module:
                    names.add(node.module.split(".")[0])
                else:
                    names.update(a.name for a in node.names)
            elif node.module == "followup":
                names.update(a.name for a in node.names)
            elif node.module:
                names.add(_first_level(node.module))
    return names


def _first_level(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if parts[0] == "followup" and len(parts) > 1 else parts[0]


def modules(group: set[str]) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if module_name(p) in group)


def test_every_module_is_in_one_layer():
    every = {module_name(p) for p in PACKAGE.rglob("*.py")} - {"__init__", "__main__"}
    assert every <= CORE | ADAPTERS | APPLICATION, every - (CORE | ADAPTERS | APPLICATION)


@pytest.mark.parametrize("path", modules(CORE), ids=lambda p: p.stem)
def test_the_core_imports_neither_adapters_nor_the_application(path):
    bad = imported(path) & (ADAPTERS | APPLICATION | IO_PACKAGES)
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules(ADAPTERS), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_adapters_never_import_the_application(path):
    bad = imported(path) & APPLICATION
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    """The rule test itself can fail: a lazy import inside a function is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("from .model import X\n\ndef f():\n    from followup import store\n"
                      "    import imapclient.exceptions\n")
    assert imported(sample) >= {"model", "store", "imapclient"}


def test_the_cli_opens_no_transaction_of_its_own():
    """Use cases own their transactions (commands.py); the CLI parses, calls and prints."""
    for path in (PACKAGE / "cli").glob("*.py"):
        assert ".transaction()" not in path.read_text(encoding="utf-8"), path.name
