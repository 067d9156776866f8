"""The import rules of docs/ARCHITECTURE.md §2, on the package's own layout:

    followup/core      pure: imports only core (and libraries that do no I/O)
    followup/adapters  store, sources, transports, config, …: core and adapters only
    followup/app       the pass, the use cases, the outbox, the service: core, adapters, app
    followup/cli       the command line: anything

Every import counts, including the lazy ones inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "daemon" / "followup"
LAYERS = ("core", "adapters", "app", "cli")
ALLOWED = {
    "core": {"core"},
    "adapters": {"core", "adapters"},
    "app": {"core", "adapters", "app"},
    "cli": set(LAYERS),
}
# Packages that do I/O: never in the core.
IO_PACKAGES = {
    "imapclient",
    "yagmail",
    "keyring",
    "sqlite3",
    "smtplib",
    "socket",
    "subprocess",
    "platformdirs",
    "click",
    "rich",
    "schedule",
}


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def imported(path: Path) -> set[str]:
    """What a module imports: our layers by name ("core", "app"), `followup` itself
    for its top-level names, anything else by its top package ("sqlite3")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = layer_of(path) if PACKAGE in path.parents and path.parent != PACKAGE else "followup"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(_top(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside its own layer
                names.add(own)
            elif node.module:
                names.add(_top(node.module))
    return names


def _top(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if parts[0] == "followup" and len(parts) > 1 else parts[0]


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_every_module_lives_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS)


@pytest.mark.parametrize(
    "path",
    [p for layer in LAYERS for p in modules(layer)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_each_layer_imports_only_what_it_may(path):
    layer = layer_of(path)
    ours = imported(path) & (set(LAYERS) | {"followup"})
    bad = ours - ALLOWED[layer] - {"followup"}
    if layer == "core":
        bad |= imported(path) & IO_PACKAGES
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    """The rule test itself can fail: a lazy import inside a function is found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from followup.core.model import X\n\ndef f():\n"
        "    from followup.adapters import store\n"
        "    import imapclient.exceptions\n"
    )
    assert imported(sample) >= {"core", "adapters", "imapclient"}


def test_the_cli_opens_no_transaction_of_its_own():
    """Use cases own their transactions (app/commands.py); the CLI parses, calls, prints."""
    for path in modules("cli"):
        assert ".transaction()" not in path.read_text(encoding="utf-8"), path.name
