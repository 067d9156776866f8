"""The store: all of followup's SQL (docs/ARCHITECTURE.md §3.11).

`db` holds the connection and its transactions, `schema` the migrations; one
module per aggregate reads and writes its rows and hands back the domain types
of `followup.model`: `interviews` (interviews, people, debriefs), `drafts`
(drafts and sends), `tasks`, `messages` (the message log, the sync position,
health). The application decides when a transaction opens; the store owns the
statements run inside it.
"""

from followup.adapters.store.db import Store, StoreError, from_db, to_db, utcnow
from followup.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from followup.core.model import FollowupError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FollowupError",
    "Store",
    "StoreError",
    "from_db",
    "to_db",
    "utcnow",
]
