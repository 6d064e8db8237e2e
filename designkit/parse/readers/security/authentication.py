"""Authentication & Authorization: how each connection proves who it is.

One row per connection, with its method; the table is what the security checks
(a system without auth, auth for a system the design does not have) run on.
Words in parentheses never make a match: ``### Contact (Enhanced from Auth Spec)``
is not this section.

PASS::

    ## Security Design

    ### Authentication & Authorization

    | Connection | Auth Method | Details |
    |---|---|---|
    | Shopify -> Service | HMAC signature | Secret in Vault |

FAIL::

    ## Customer Sync

    ### Contact (Enhanced from Auth Spec)

    | Connection | Auth Method |
    |---|---|
    | Shopify | OAuth 2.0 |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "security.authentication"

SPEC = SectionSpec(
    KEY,
    "Authentication & Authorization",
    "security",
    (
        "authentication and authorization",
        "authentication and authorisation",
        "authentication",
        "authorization",
        "auth",
    ),
    generic=("auth",),
)

COLUMNS = {
    "connection": ("connection", "system", "interface", "endpoint"),
    "method": ("auth method", "method", "authentication", "mechanism"),
    "details": ("details", "detail", "notes", "rotation"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("connection", "method"))
    return plain_rows(doc, table, KEY, ("connection", "method", "details"), optional=("details",))
