"""Stand-in for the composer (written in parallel; the real module replaces this
one at merge). Same names and signatures; deliberately simple behaviour: the
answer stripped, capitalised and punctuated, Line("") when there is nothing."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Line", "fix_line", "better_answer_line", "requirement_line", "first_name"]

_MAX = 600  # characters of an answer looked at


@dataclass(frozen=True)
class Line:
    text: str = ""
    warnings: tuple[str, ...] = ()
    source: str = ""


def _sentence(text: str) -> str:
    text = " ".join(text[:_MAX].split()).rstrip(" ,;:")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _empty(field: str) -> Line:
    return Line("", (f"no answer for {field}",), field)


def fix_line(*, meant: str, wish_not_said: str, recipient: str = "") -> Line:
    text = _sentence(meant)
    return Line(text, (), "meant") if text else _empty("meant")


def better_answer_line(*, wish_said: str, recipient: str = "") -> Line:
    said = _sentence(wish_said).rstrip(".!?")
    if not said:
        return _empty("wish_said")
    said = said[:1].lower() + said[1:]
    return Line(f"After we spoke I realised I had not told you about {said}.", (), "wish_said")


def requirement_line(*, unmet_requirement: str, made_up_for: str, recipient: str = "") -> Line:
    need, done = _sentence(unmet_requirement).rstrip(".!?"), _sentence(made_up_for)
    if not need or not done:
        return _empty("unmet_requirement" if not need else "made_up_for")
    need = need[:1].lower() + need[1:]
    return Line(
        f"You mentioned the role needs {need}. {done} It means I can contribute there sooner.",
        (),
        "unmet_requirement",
    )


def first_name(name: str) -> str:
    words = [w for w in name.split() if not w.endswith(".")]
    return words[0] if words else ""
