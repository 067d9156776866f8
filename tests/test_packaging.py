"""The package: templates, example config and unit ship in the wheel, and are found
from an installed wheel and from this source tree (editable install) alike."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from followup.core import resources

REPO = Path(__file__).resolve().parents[1]
PROBE = (
    "import followup.core.resources as r; print(r.templates_dir()); "
    "print(r.example_config()); print(r.systemd_dir()); print(r.demo_mailbox())"
)


def test_source_tree_finds_the_repository_folders():
    """An editable install falls back to templates/ and config/ beside daemon/."""
    assert resources.templates_dir() == REPO / "templates"
    assert resources.example_config() == REPO / "config" / "followup.example.toml"
    assert (resources.templates_dir() / "thank_you.txt").is_file()
    assert any(resources.demo_mailbox().glob("*.eml"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("followup-*.whl")
    return built


def test_wheel_carries_templates_config_unit_and_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "followup/templates/thank_you.txt",
        "followup/config/followup.example.toml",
        "followup/systemd/followup.service",
        "followup/demo/01-initech-invite.eml",
        "followup/cli/__init__.py",
    ):
        assert name in names, name


def test_installed_wheel_finds_its_own_resources(wheel, tmp_path):
    """Installed from the wheel, followup uses the copies inside the package."""
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    paths = [Path(line) for line in probe.stdout.split()]
    assert all(str(p).startswith(str(site)) for p in paths), paths
    assert all(p.exists() for p in paths)
    helped = subprocess.run(
        [sys.executable, "-m", "followup", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert helped.returncode == 0 and "followup demo" in helped.stdout


def test_demo_runs_from_the_installed_wheel(wheel, tmp_path):
    """`followup demo` works with nothing but the wheel: interviews found, drafts 'sent' to
    files."""
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "200"}
    work = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "followup", "demo", "--keep", str(work)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "interview 1" in result.stdout and "interview 2" in result.stdout
    sent = list((work / "outbox").glob("*.eml"))
    thank_yous = [p for p in sent if b"X-Followup:" not in p.read_bytes()]
    assert len(thank_yous) == 2  # Bill Lumbergh and Joanna Nunez, approved in the demo
    assert any(b"followup-call-1.ics" in p.read_bytes() for p in sent)
    # the demo's confirmation reads "Globex - Product Designer": company and role right
    assert "your Product Designer interview at Globex" in result.stdout.replace("\n", " ")
