"""Which names hold credentials, and endpoints with the credentials taken out.

An assessment shows where a credential sits in an export without ever repeating
it. All three readers (Talend, Workato, Mule) ask the same two questions, so they
share one rule for each here; before, each reader had its own copy and the copies
had drifted (a JDBC password in a query string or an ``Authorization`` query
parameter was dropped by one reader and printed by another).

* :func:`is_secret_name` -- does a setting's name say that its value is a
  credential? A platform passes its own words (Talend's ``PASS``).
* :func:`scrub_url` -- an endpoint without ``user:pass@`` and without query,
  ``;key=value`` or fragment parameters that carry credentials or user names.
  Whether the fragment is kept is the caller's choice: in Workato text ``#{...}``
  starts a datapill, never a fragment worth showing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TALEND_WORDS = ("pass",)
"""Talend's own parameter name for database passwords (``PASS``, ``KEYSTORE_PASS``)."""

_SECRET = re.compile(
    r"passw(?:or)?d|pwd|secret|token|api[_.-]?key|private[_.\s-]?key|passphrase|authorization",
    re.IGNORECASE,
)
_NOT_SECRET_SUFFIX = re.compile(
    r"(?:url|uri|path|endpoint|host|port|timeout|ttl|expiry|expiration|type|name|"
    r"length|size|file|location|enabled|policy|grant)$",
    re.IGNORECASE,
)
"""A name ending so (``tokenUrl``, ``password_file``, ``secretName``) holds what it ends with.
Not ``header``: an ``authorizationHeader`` setting usually holds the header's value, and a
name wrongly taken for a credential costs a hidden value, the other way a printed one."""

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
"""Words of a name: ``DB_PASS`` -> DB, PASS; ``dbPass`` -> db, Pass; ``bypass`` -> bypass."""

_USER_KEYS = frozenset({"user", "username"})
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)[^/\s?#;]*@")
_ORACLE_THIN = re.compile(r"(?P<lead>:thin:)[^@\s]*@")
_PAIRS_FRAGMENT = re.compile(r"#([\w.~%+-]+=[^&#\s]*(?:&[\w.~%+-]+=[^&#\s]*)*)$")


def is_secret_name(name: str, words: Iterable[str] = ()) -> bool:
    """A credential-like name: password, secret, token, API key, authorization... or ``words``.

    Only the last dotted part counts (``db.password`` is a secret, ``tokens.retry.count``
    is not), or the last two when the last is ``key`` (``partner.api.key``,
    ``jwt.secret.key``); a name ending in ``url``, ``path``, ``name``... is not a secret.
    ``words`` must match a whole word of the name, so ``pass`` finds ``DB_PASS``
    but not ``bypass``.
    """
    parts = name.strip().split(".")
    leaf = ".".join(parts[-2:]) if len(parts) > 1 and parts[-1].lower() == "key" else parts[-1]
    leaf = leaf or name
    if _NOT_SECRET_SUFFIX.search(leaf):
        return False
    if _SECRET.search(leaf):
        return True
    wanted = {word.lower() for word in words}
    return bool(wanted) and any(word.lower() in wanted for word in _WORD.findall(leaf))


def scrub_url(text: str, *, drop_fragment: bool) -> str:
    """``text`` without userinfo and without parameters that carry credentials or user names.

    Works on the text, not on a parsed URL, so that what is kept is shown exactly
    as written (``${...}`` placeholders, unencoded ``/`` in values) and so that
    URLs without ``//`` are scrubbed too (JDBC URLs, Camel ``jms:queue:x?password=``,
    Oracle ``thin:user/pass@``). ``drop_fragment`` cuts everything from the first
    ``#``; otherwise a fragment of ``key=value`` pairs loses its credential pairs
    (``#access_token=...``) and any other fragment is kept as written.
    """
    text = text.strip()
    if drop_fragment:
        text = text.partition("#")[0]
    text = _USERINFO.sub(r"\g<scheme>", text)
    text = _ORACLE_THIN.sub(r"\g<lead>@", text)
    fragment = ""
    if not drop_fragment and (match := _PAIRS_FRAGMENT.search(text)):
        text, fragment = text[: match.start()], _kept(match.group(1), "&")
    base, question, query = text.partition("?")
    head, *params = base.split(";")
    text = ";".join([head, *(param for param in params if not _credential_pair(param))])
    if question:
        kept = _kept(query, "&;")
        text += f"?{kept}" if kept or not query else ""
    return f"{text}#{fragment}" if fragment else text


def _credential_pair(pair: str) -> bool:
    """A ``key=value`` whose key names a credential or a user (userinfo goes for the same reason)."""
    key = pair.split("=", 1)[0].strip()
    return key.lower() in _USER_KEYS or is_secret_name(key, TALEND_WORDS)


def _kept(pairs: str, separators: str) -> str:
    """``pairs`` without the credential ones, separators as written."""
    parts = re.split(f"([{separators}])", pairs)
    kept: list[str] = []
    for index in range(0, len(parts), 2):
        if _credential_pair(parts[index]):
            continue
        if kept:
            kept.append(parts[index - 1])
        kept.append(parts[index])
    return "".join(kept)
