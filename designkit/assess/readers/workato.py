"""Workato recipe exports: ``*.recipe.json`` (and recipe JSON files), ``*.connection.json``.

A recipe is ``{"name", "description", "code", "config"}``: ``code`` is the trigger
step and every other step hangs below it in ``block`` lists (``action``, ``if`` /
``elsif`` / ``else``, ``foreach`` / ``repeat`` / ``while_condition``, ``try`` /
``catch``, ``stop``), each with ``provider`` (the connector), ``name`` (the
operation), ``as`` (the alias datapills refer to) and ``input``. ``config`` lists
the connectors the recipe uses with the connection (``account_id``) picked for each.
Package exports put connections beside recipes as ``*.connection.json``; those are
shared connections, joined to recipes by name.

Steps are kept in tree order (the order the recipe editor shows). What the reader
does not recognise is kept as an ``unknown`` step, never dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from designkit.assess.errors import ExportError
from designkit.assess.inventory import (
    Connection,
    ContextVariable,
    Integration,
    Source,
)
from designkit.assess.json_source import LinedDict, parse_json
from designkit.assess.readers import ExportContents
from designkit.assess.readers.workato_expressions import (
    is_plain_value,
)
from designkit.assess.readers.workato_shapes import (
    PLATFORM,
    provider_name,
    system_kind,
    text,
    zip_stem,
)
from designkit.assess.readers.workato_steps import RecipeWalk
from designkit.assess.secrets import is_secret_name, scrub_url

_RECIPE_HEAD = re.compile(rb'"code"\s*:\s*[{"]')
_STEP_KEY = re.compile(rb'\\?"(?:keyword|provider|recipe_id)\\?"')  # also inside a code string


def claims(path: Path, head: bytes) -> bool:
    """``*.recipe.json`` / ``*.connection.json``, or a ``.json`` whose start shows a recipe."""
    name = path.name.lower()
    if name.endswith((".recipe.json", ".connection.json")):
        return True
    return (
        name.endswith(".json") and bool(_RECIPE_HEAD.search(head)) and bool(_STEP_KEY.search(head))
    )


def read(path: Path, display: str) -> ExportContents:
    """One export file: a connection, one recipe, or a list of recipes (API / manifest form)."""
    document = parse_json(path, display)
    if path.name.lower().endswith(".connection.json"):
        connection = _connection_file(document, display)
        return ExportContents(
            shared_connections=[connection],
            shared_variables=_connection_secrets(document, connection),
        )
    contents = ExportContents()
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for recipe in _recipes(document, display):
        contents.integrations.append(_recipe(recipe, path, display, lines))
    return contents


def _recipes(document: Any, display: str) -> Iterator[LinedDict]:
    if isinstance(document, LinedDict) and "code" in document:
        yield document
        return
    items: Any = document
    if isinstance(document, LinedDict):
        items = document.get("items", document.get("recipes"))
    if (
        isinstance(items, list)
        and items
        and all(isinstance(item, LinedDict) and "code" in item for item in items)
    ):
        yield from items
        return
    line = document.line if isinstance(document, LinedDict) else 1
    raise ExportError(
        'not a Workato recipe export (no "code" step tree at the top level)',
        path=display,
        line=line or 1,
    )


def _recipe(recipe: LinedDict, path: Path, display: str, lines: list[str]) -> Integration:
    name = text(recipe.get("name")) or path.name.split(".")[0]
    source = Source(file=display, line=recipe.line)
    code = _embedded(recipe.get("code"), recipe, display, "code")
    if not isinstance(code, dict):
        raise ExportError('recipe "code" is not a step object', path=display, line=recipe.line)
    config = _embedded(recipe.get("config"), recipe, display, "config")
    if config is None and isinstance(recipe.get("version"), dict):
        config = _embedded(recipe["version"].get("config"), recipe, display, "config")
    integration = Integration(
        name=name,
        platform="workato",
        description=text(recipe.get("description")),
        source=source,
    )
    accounts = _config_connections(config, display, recipe.line)
    if isinstance(recipe.get("code"), str):
        lines = []  # code parsed from a string: its lines are the recipe's
    RecipeWalk(integration, accounts, display, lines).walk(code)
    return integration


def _embedded(value: Any, recipe: LinedDict, display: str, key: str) -> Any:
    """API exports carry ``code``/``config`` as JSON strings; their lines are the recipe's."""
    if not isinstance(value, str):
        return value
    try:
        return _relined(json.loads(value), recipe.line)
    except json.JSONDecodeError as error:
        raise ExportError(
            f'recipe "{key}" string is not valid JSON ({error.msg})',
            path=display,
            line=recipe.line,
        ) from None


def _relined(value: Any, line: int) -> Any:
    if isinstance(value, dict):
        lined = LinedDict({key: _relined(item, line) for key, item in value.items()})
        lined.line = line
        return lined
    if isinstance(value, list):
        return [_relined(item, line) for item in value]
    return value


def _config_connections(config: Any, display: str, line: int) -> dict[str, Connection]:
    """Connector -> its connection, from the recipe's ``config`` list."""
    accounts: dict[str, Connection] = {}
    if not isinstance(config, list):
        return accounts
    for entry in config:
        if not isinstance(entry, dict) or not entry.get("provider"):
            continue
        provider = provider_name(entry["provider"])
        account = entry.get("account_id")
        name = provider
        if isinstance(account, dict):
            name = text(account.get("name")) or zip_stem(account.get("zip_name")) or provider
        elif isinstance(account, str | int) and account != "":
            name = f"{provider} #{account}"
        elif account is None and provider in PLATFORM:
            continue
        accounts[provider] = Connection(
            name=name,
            connector=provider,
            system_kind=system_kind(provider),
            source=Source(file=display, line=getattr(entry, "line", line)),
        )
    return accounts


def _connection_file(document: Any, display: str) -> Connection:
    if not isinstance(document, LinedDict) or "provider" not in document:
        line = document.line if isinstance(document, LinedDict) else 1
        raise ExportError(
            'not a Workato connection export (no "provider")', path=display, line=line or 1
        )
    provider = provider_name(document["provider"])
    endpoint, auth = "", ""
    for key, value in _flat(document.get("input") or document.get("properties") or {}):
        shown = text(value)
        if is_secret_name(key):
            continue
        if not endpoint and re.search(r"host|url|uri|endpoint|server", key, re.I) and shown:
            endpoint = scrub_url(shown, drop_fragment=True) if "://" in shown else shown
        if not auth and re.search(r"auth", key, re.I):
            auth = shown
    return Connection(
        name=text(document.get("name")) or provider,
        connector=provider,
        system_kind=system_kind(provider),
        endpoint=endpoint,
        auth=auth,
        source=Source(file=display, line=document.line or 1),
    )


def _connection_secrets(document: LinedDict, connection: Connection) -> list[ContextVariable]:
    """Credential-like properties a connection file carries (the value is never kept)."""
    found: list[ContextVariable] = []
    for key, value in _flat(document.get("input") or document.get("properties") or {}):
        if is_secret_name(key):
            found.append(
                ContextVariable(
                    name=key,
                    secret=True,
                    has_plain_value=is_plain_value(text(value)),
                    scope=f"connection {connection.name}",
                    source=connection.source,
                )
            )
    return found


def _flat(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value
