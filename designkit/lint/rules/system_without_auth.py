"""A system in the diagram has no row in the authentication table.

Every system the integration talks to needs a stated way to authenticate; a box with no row is a connection nobody has secured on paper.

PASS: [Shopify] --> [EventBridge] with a row '| Shopify webhooks to EventBridge | HMAC + mTLS | ... |'
FAIL: [Policy Admin System] in the diagram and no row naming it

FIX: Add a row to '### Authentication' for the system, e.g. '| Order API to NetSuite | OAuth 2.0 client credentials | token rotated every 90 days |'.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK401"
NAME = "system-without-auth"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import systems_without_auth

    for message, field in systems_without_auth(parsed):
        yield Finding(message, field)
