"""The OAuth sign-in's state in the store: a dead grant survives a restart, stops every
login until `followup login --oauth` succeeds, and is told to the user once.

Rows in `health` (docs/ARCHITECTURE.md §3.11): `oauth_grant_dead` = the provider's
error (`invalid_grant`), `oauth_grant_told` = the notice went.
"""

from __future__ import annotations

import logging
from datetime import datetime

from followup.adapters import desktop
from followup.adapters.oauth import SIGN_IN_AGAIN
from followup.adapters.store import Store, utcnow
from followup.adapters.store import messages as health_rows

log = logging.getLogger(__name__)

DEAD = "oauth_grant_dead"
TOLD = "oauth_grant_told"


class StoreGrant:
    """GrantState on the store. Read afresh each time: a sign-in made by another
    process (the CLI while the service runs) counts at once."""

    def __init__(self, store: Store, clock=utcnow):
        self.store, self.clock = store, clock

    def dead(self) -> str | None:
        row = self.store.health().get(DEAD)
        return row[0] if row else None

    def mark_dead(self, reason: str) -> None:
        def write() -> None:
            health_rows.set_health(self.store, DEAD, reason, now=self.clock())
            health_rows.clear_health(self.store, TOLD)

        if self.store.db.in_transaction:
            write()
        else:
            with self.store.transaction():
                write()


def signed_in(store: Store) -> None:
    """`followup login --oauth` succeeded: logins may go again."""
    with store.transaction():
        health_rows.clear_health(store, DEAD)
        health_rows.clear_health(store, TOLD)


def status_line(store: Store) -> str | None:
    """What `followup status` says while the grant is dead."""
    reason = StoreGrant(store).dead()
    if reason is None:
        return None
    return f"OAuth: the provider ended the sign-in ({reason}): {SIGN_IN_AGAIN}"


def tell_grant_dead(rt, *, now: datetime) -> bool:
    """Tell the user once that the sign-in ended: a mail to themselves where the
    transport does not need the dead grant, a desktop notification, a log line."""
    store = rt.store
    health = store.health()
    if DEAD not in health or TOLD in health:
        return False
    reason = health[DEAD][0]
    log.error(
        "OAuth: the sign-in ended (%s): %s; nothing is retried until then", reason, SIGN_IN_AGAIN
    )
    from followup.core import render

    try:
        email = render.render_signin_ended(rt.env, reason=reason, me=rt.me)
    except render.TemplateError as err:  # a broken override: the log and status still say it
        log.error("the sign-in notice could not be written: %s", err)
        email = None
    desktop.notify(
        email.subject if email else "followup: sign in again",
        email.body.partition("\n\n")[0] if email else SIGN_IN_AGAIN,
    )
    t = rt.settings.transport
    if email is not None and (t.kind != "smtp" or t.auth == "password"):
        from followup.app import notices

        notices.email_user(
            rt, email, purpose="signin_ended", ref=f"signin:{health[DEAD][1]}", now=now
        )
    with store.transaction():
        health_rows.set_health(store, TOLD, "yes", now=now)
    return True
