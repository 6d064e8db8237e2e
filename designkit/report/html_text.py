"""Text made safe for the HTML scorecard page, which may also be printed in a CI log.

Every value the page shows passes through :func:`page_text` (the template's
``finalize``), so no document text can add markup or start a line of its own.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from designkit.text_safety import escape_controls

_BREAK_AFTER = re.compile(r"([./_\]|])")
_SPLIT = re.compile(r"#(?=#)|:(?=:)")


def page_text(value: object) -> Markup:
    """A value escaped for the page, which may also end up printed in a CI log.

    HTML escaping keeps markup out; on top of it a line break in document text
    becomes a character reference (the page renders the same, but no line of the
    file starts with the document's next line), other control characters are shown
    escaped as in every text output, and ``##`` and ``::`` are split by a reference,
    so that no line of the page is a GitHub workflow command (``##[error]``,
    ``::add-mask::``).
    """
    text = str(escape(value)).replace("\r", "&#13;").replace("\n", "&#10;")
    return Markup(_SPLIT.sub(lambda m: f"&#{ord(m.group())};", escape_controls(text)))


def breakable(text: object) -> Markup:
    """Escaped text with line-break opportunities after ``.``, ``/``, ``_``, ``]`` and ``|``,
    so that model paths such as ``error_handling.retry_policies[3].timeout_seconds`` wrap."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(page_text(text))))
