"""All SQL lives in the store package (docs/ARCHITECTURE.md §3.11): no module of
daemon/followup outside adapters/store/ holds a string that reads like an SQL statement."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "daemon" / "followup"
STORE = PACKAGE / "adapters" / "store"

# A statement keyword followed by the shape of a statement, so that words of prose
# ("update", "Delete the draft?") and command names are not taken for SQL. A bare
# "BEGIN" is iCalendar's (core/calendar_reader.py): SQL's is written with its mode.
SQL = re.compile(
    r"""\s*(?:SELECT\s+\S.*?\bFROM\b|SELECT\s+\d|INSERT\s+(?:OR\s+\w+\s+)?INTO\b
                 |UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b
                 |ALTER\s+TABLE\b|PRAGMA\s+\w|BEGIN\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE|TRANSACTION)\b
                 |(?:COMMIT|ROLLBACK)\b)""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)


def outside_the_store() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if STORE not in p.parents)


def sql_strings(path: Path) -> list[str]:
    """String constants (f-string parts too) that start like an SQL statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append(node.value)
    return found


@pytest.mark.parametrize("path", outside_the_store(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_sql_outside_the_store(path):
    found = sql_strings(path)
    shown = [s.strip()[:60] for s in found]
    assert not found, f"{path.relative_to(PACKAGE)}: SQL outside the store: {shown}"


def test_the_store_package_exists_and_holds_the_sql():
    assert STORE.is_dir()
    assert any(sql_strings(p) for p in STORE.glob("*.py"))


def test_the_checker_finds_sql_in_plain_and_formatted_strings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'x = "  select 1"\ny = f"UPDATE t SET a = {1}"\nz = "Selected"\n'
        'w = "update the draft"\nv = "pragma user_version"\n'
        'u = """\n  CREATE TABLE t (a)"""\n'
        't = "BEGIN IMMEDIATE"\ns = "BEGIN"\n'
    )
    assert sorted(sql_strings(sample)) == [
        "\n  CREATE TABLE t (a)",
        "  select 1",
        "BEGIN IMMEDIATE",
        "UPDATE t SET a = ",
        "pragma user_version",
    ]
