"""The one place designkit writes YAML (ruamel.yaml, block style, key order kept)."""

from __future__ import annotations

import io
from typing import Any


def dump_yaml(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.representer.add_representer(
        type(None),
        lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"),
    )
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
