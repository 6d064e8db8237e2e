"""The one place designkit writes YAML (ruamel.yaml, block style, key order kept)."""

from __future__ import annotations

import io
import re
from typing import Any

from designkit.text_safety import LEGACY_COMMAND, UNSAFE_NON_C0, safe_line


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def dump_yaml(data: Any) -> str:
    """``data`` as YAML; document text that holds control characters or could read as a
    workflow command (see :mod:`designkit.text_safety`) is written double-quoted and
    escaped there, so printing the YAML in a CI log runs nothing. It loads back the same.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    def represent_str(representer: RoundTripRepresenter, text: str) -> Any:
        if safe_line(text) != text:
            return representer.represent_scalar("tag:yaml.org,2002:str", text, style='"')
        return representer.represent_str(text)

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 1 << 30  # never fold: a folded line could start with a value's "::"
    yaml.representer.add_representer(
        type(None),
        lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"),
    )
    yaml.representer.add_representer(str, represent_str)
    stream = io.StringIO()
    yaml.dump(data, stream)
    # Only double-quoted scalars can hold these now, and there escapes mean the same.
    text = UNSAFE_NON_C0.sub(_escape, stream.getvalue())
    return LEGACY_COMMAND.sub(r"\1\\x5b", text)
