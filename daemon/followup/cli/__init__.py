"""The `followup` command line: parse arguments, call the use cases, print.

Errors come back as FollowupError (exit 1) or UsageError (exit 2) and are
printed as one line; no traceback reaches the user.
"""

# Each command module registers its commands on `main` when it is imported.
from followup.cli import (  # noqa: F401
    draft_commands,
    interview_commands,
    people_commands,
    setup_commands,
)
from followup.cli.base import main

__all__ = ["main"]
