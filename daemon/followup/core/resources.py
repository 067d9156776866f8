"""Where the built-in templates, example config and demo mailbox live.

A wheel carries them inside the package (`followup/templates`, `followup/config`);
an editable install or a source checkout does not, so fall back to the
repository folders beside `daemon/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = Path(str(resources.files("followup")))
_REPO = _PACKAGE.parent.parent  # daemon/followup -> repository root


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _REPO / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"followup installation is incomplete: no {name}/ folder found")


def templates_dir() -> Path:
    """The built-in Jinja2 templates."""
    return _find("templates")


def example_config() -> Path:
    """The example config with every key commented."""
    return _find("config") / "followup.example.toml"


def demo_mailbox() -> Path:
    """The sample messages `followup demo` runs the pipeline on."""
    return _PACKAGE / "demo"


def systemd_dir() -> Path:
    """The user unit template."""
    return _find("systemd")
