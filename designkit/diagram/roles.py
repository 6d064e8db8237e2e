"""What each system is, so it is drawn in the right lane.

Position in an ASCII sketch says little (a system API drawn at the end of an
arrow is not a target system), so a system's role comes from its name and the
pattern: ``customer-xref-sys-api`` is a System API of the integration layer,
``MSK topic commerce.orders.v1.dlq`` a dead-letter queue, ``Snowflake RAW`` the
warehouse of an ETL design. What names cannot tell, the author states, and that
wins over every guess:

- a ``Role`` column in any table with a system column (``System``, ``Name``,
  ``Component``, ``Application``): ``| customer-xref-sys-api | System API |``;
- a comment anywhere: ``<!-- designkit: role customer-xref-sys-api = system api -->``
  (several pairs separated by ``;``).

PASS: ``guess_role("order-exp-api", None, entry=False)`` is ``experience``;
``guess_role("Anypoint MQ DLQ", None, entry=False)`` is ``dlq``.
FAIL: ``guess_role("Salesforce Sales Cloud", None, entry=True)`` is not ``service``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from designkit.model import Pattern

# Roles, and the words an author may write for each in a Role column or comment.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "source": ("source", "source system", "producer", "system of record", "origin"),
    "target": ("target", "target system", "destination", "consumer system", "sink"),
    "experience": ("experience", "experience api", "exp api", "exp"),
    "process": ("process", "process api", "prc api", "orchestration"),
    "system_api": ("system api", "sys api", "system-api", "sys"),
    "hub": ("hub", "esb", "broker hub", "integration hub"),
    "broker": ("broker", "topic", "queue", "event bus", "stream", "message broker"),
    "dlq": ("dlq", "dead letter", "dead-letter", "dead letter queue", "dead-letter queue"),
    "service": ("service", "integration", "integration service", "function", "adapter", "pipeline"),
    "gateway": ("gateway", "api gateway", "api management"),
    "store": ("store", "database", "archive", "storage"),
    "staging": ("staging", "landing", "stage"),
    "warehouse": ("warehouse", "data warehouse", "lakehouse", "mart"),
    "external": ("external", "application", "saas"),
}
ROLES = tuple(ROLE_WORDS)

DLQ_WORDS = re.compile(r"\bdlq\b|dead.?letter|\.dlq\b|poison|quarantine", re.IGNORECASE)
BROKER_WORDS = re.compile(
    r"kafka|\btopic|\bqueue|event ?bridge|event ?bus|event ?hub|eventhub|\bsns\b|\bsqs\b|"
    r"pub/?sub|kinesis|rabbit|message broker|\bstream\b|\bnats\b|\bmq\b|service ?bus",
    re.IGNORECASE,
)
SERVICE_WORDS = re.compile(
    r"lambda|function|adapter|consumer|listener|worker\b|\bdag\b|airflow|pipeline|\badf\b|"
    r"data factory|mule|boomi|workato|\bflow\b|integration service|connector|\betl\b|"
    r"logic app|step function|glue|dbt|service\b",
    re.IGNORECASE,
)
GATEWAY_WORDS = re.compile(r"\bapim\b|api gateway|gateway|api management", re.IGNORECASE)
HUB_WORDS = re.compile(r"\bhub\b|\besb\b", re.IGNORECASE)
WAREHOUSE_WORDS = re.compile(
    r"warehouse|snowflake|bigquery|redshift|synapse|databricks|\bmart\b|analytics|lakehouse",
    re.IGNORECASE,
)
STAGING_WORDS = re.compile(
    r"staging|\bstage\b|landing|\bbucket\b|\bs3\b|\bgcs\b|blob|\blake\b", re.IGNORECASE
)
STORE_WORDS = re.compile(
    r"database|\bdb\b|\bs3\b|bucket|\blake\b|cosmos|postgres|\bsql\b|archive|\bstore\b|blob",
    re.IGNORECASE,
)
_TOKENS = re.compile(r"[a-z0-9]+")


def _tier(name: str) -> str | None:
    """API-led tiers from MuleSoft-style names (``order-exp-api``) or words (``Process API``)."""
    tokens = _TOKENS.findall(name.lower())
    if "api" not in tokens and "apis" not in tokens:
        return None
    if {"exp", "experience", "xapi"} & set(tokens):
        return "experience"
    if {"prc", "proc", "process", "papi"} & set(tokens):
        return "process"
    if {"sys", "system", "sapi"} & set(tokens):
        return "system_api"
    return None


def guess_role(name: str, pattern: Pattern | None, *, entry: bool) -> str:
    """The role a system's name implies; ``entry`` is whether data enters the design there.

    An entry is a source whatever its name says (a PostgreSQL replica read by an
    ETL job is where data comes from, not the pipeline's store).
    """
    if DLQ_WORDS.search(name):
        return "dlq"
    tier = _tier(name)
    if tier:
        return tier
    if HUB_WORDS.search(name):
        return "hub"
    if BROKER_WORDS.search(name):
        return "broker"
    if entry:
        return "source"
    if GATEWAY_WORDS.search(name):
        return "gateway"
    if SERVICE_WORDS.search(name):
        return "service"
    if pattern is Pattern.ETL and WAREHOUSE_WORDS.search(name):
        return "warehouse"
    if pattern is Pattern.ETL and STAGING_WORDS.search(name):
        return "staging"
    if STORE_WORDS.search(name):
        return "store"
    return "external"


def role_from_words(text: str) -> str | None:
    """The role an author wrote (``System API``, ``dead-letter queue``), or None."""
    key = " ".join(_TOKENS.findall(text.lower().replace("_", " ")))
    if not key:
        return None
    for role, words in ROLE_WORDS.items():
        if key == role.replace("_", " ") or key in words:
            return role
    for role, words in ROLE_WORDS.items():
        if any(key.startswith(word + " ") or key.endswith(" " + word) for word in words):
            return role
    return None


_COMMENT = re.compile(r"<!--\s*designkit:\s*roles?\s+(.*?)-->", re.IGNORECASE | re.DOTALL)
_SYSTEM_COLUMNS = ("system", "name", "component", "application", "service", "systems")


def _key(name: str) -> str:
    return " ".join(name.replace("`", "").lower().split())


def read_roles(source: str) -> dict[str, str]:
    """The roles the document states: ``Role`` columns and ``designkit: role`` comments.

    Keys are lower-cased names with single spaces; later statements win.
    """
    from designkit.parse.markdown import read_tree

    roles: dict[str, str] = {}
    if "role" not in source.lower():
        return roles
    for section in read_tree(source).sections:
        for table in section.tables:
            header = [_key(h) for h in table.header]
            if "role" not in header:
                continue
            names = [i for i, h in enumerate(header) if h in _SYSTEM_COLUMNS]
            if not names:
                continue
            column, role_column = names[0], header.index("role")
            for row in table.rows:
                if max(column, role_column) >= len(row.cells):
                    continue
                role = role_from_words(row.cells[role_column])
                if role and row.cells[column].strip():
                    roles[_key(row.cells[column])] = role
    for match in _COMMENT.finditer(source):
        for pair in match.group(1).split(";"):
            name, sep, word = pair.rpartition("=") if "=" in pair else pair.rpartition(":")
            role = role_from_words(word) if sep else None
            if role and name.strip():
                roles[_key(name)] = role
    return roles


def stated_role(name: str, roles: Mapping[str, str]) -> str | None:
    return roles.get(_key(name))
