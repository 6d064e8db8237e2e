"""Document text made safe to print as one line of a terminal or CI log.

A design is input from whoever wrote it (often a pull request), and what
designkit prints is read by machines as well as people:

- GitHub Actions runs every line a step prints that starts with ``::`` (after
  spaces) as a workflow command (``::add-mask::``, ``::stop-commands::``,
  ``::error file=...::``), and every line that holds ``##[`` anywhere as a
  legacy one (``##[error]``);
- a newline (or ``\\r``, a vertical tab, NEL, U+2028, which Python's
  ``splitlines`` also breaks on) would let a value print a line of its own, a
  forged ``path:line:col: error DK...`` finding or a command;
- a terminal obeys ANSI escapes (``\\x1b[2J`` clears it, ``\\x1b]8;;`` makes links);
- bidi overrides (U+202E) and other invisible format characters make a reviewer
  read something other than what the bytes say.

So every text output passes the lines it builds through :func:`safe_line` (or a
block through :func:`safe_lines`) at the place it formats them: control, format,
surrogate and line/paragraph-separator characters are shown escaped the way
Python writes them (``\\n``, ``\\x1b``, ``\\u202e``), a ``##[`` gets a backslash
(``##\\[``) and a line that would start with ``::`` starts with ``\\::``.
designkit's own text never holds any of these, so the shape of each output (one
finding per line) is exactly what designkit wrote. The escaping is for reading,
not for decoding: a backslash in the document is shown as it is.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # Cc: C0, DEL, C1 (NEL U+0085 among them)
    "\u2028\u2029"  # Zl, Zp: line and paragraph separators
    "\ud800-\udfff"  # Cs: lone surrogates (from surrogateescape decoding)
    # Cf: format characters -- bidi embeddings, overrides and isolates, zero-width
    # spaces and joiners, soft hyphen, word joiner, BOM, tag characters, ...
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)
"""The characters shown escaped: Unicode categories Cc, Cf, Cs, Zl and Zp.

Written out rather than computed so that importing costs nothing; a test checks it
against :mod:`unicodedata` for every code point.
"""

UNSAFE_NON_C0 = re.compile(f"(?![\x00-\x1f]){UNSAFE.pattern}")
""":data:`UNSAFE` but C0: what is left once an encoder (JSON, YAML, XML) has dealt with C0."""

_INVISIBLE = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef"
)
"""Default-ignorable characters that are not in :data:`UNSAFE` (variation selectors belong
to emoji, so they stay), but may stand between the characters of ``::`` and ``##[``: a
culture-aware comparison, as the runner's ``StartsWith``/``IndexOf`` may make, skips them."""

_GAP = f"[{_INVISIBLE}]*"

LEGACY_COMMAND = re.compile(f"(#{_GAP}#{_GAP})\\[")
"""``##[``, which starts a legacy workflow command anywhere in a line. Substitute
``\\1`` followed by the format's own escape of ``[``."""

COMMAND_START = re.compile(f"^((?:\\s|[{_INVISIBLE}])*):(?={_GAP}:)", re.MULTILINE)
"""The first ``:`` of a line that starts (after spaces) with ``::``, a workflow command.
Substitute ``\\1`` followed by the format's own escape of ``:``."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_controls(text: object, keep: str = "") -> str:
    """``text`` with every :data:`UNSAFE` character but those in ``keep`` shown escaped
    (``\\n``, ``\\x1b``).

    For a piece of document text that goes inside a line designkit writes (a
    Markdown table cell), or for a format with its own escape of line breaks (a
    GitHub annotation keeps ``\\r\\n`` for percent-encoding); whole lines go through
    :func:`safe_line`, which also stops workflow commands.
    """
    value = str(text)
    if value.isprintable():  # no Cc, Cf, Cs, Zl or Zp: nothing to escape (the common case)
        return value
    if keep:
        return UNSAFE.sub(lambda m: m.group() if m.group() in keep else _shown(m), value)
    return UNSAFE.sub(_shown, value)


def _printable_lines(text: str) -> bool:
    """True when ``text`` holds no :data:`UNSAFE` character but line feeds and tabs.

    ``str.isprintable`` is false for every :data:`UNSAFE` character (and for a few
    harmless ones, such as a no-break space, which then take the regular path), and
    runs in C: a megabyte of report is checked in a millisecond, where the regular
    expression takes ten times that.
    """
    return text.replace("\n", "").replace("\t", "").isprintable()


def safe_line(text: object) -> str:
    """One output line that shows ``text`` and can be nothing but one line of text.

    Control characters are shown escaped (:func:`escape_controls`), ``##[`` becomes
    ``##\\[`` and a leading ``::`` becomes ``\\::``, so that no CI runner reads the
    line as a workflow command. Applying it twice changes nothing more.
    """
    line = escape_controls(text)
    if "#" in line:
        line = LEGACY_COMMAND.sub(r"\1\\[", line)
    return COMMAND_START.sub(r"\1\\:", line) if ":" in line else line


def safe_lines(text: str) -> str:
    """A block designkit built line by line (a report, an explanation), each line made safe.

    Only ``\\n`` separates lines here: any other line break in ``text`` came from a
    document and is shown escaped. A final newline is kept.
    """
    return "\n".join(safe_line(line) for line in text.split("\n"))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\t"
"""Printable ASCII, line feed and tab: what :func:`_printable_lines` lets through in ASCII."""


def _printable_utf8(data: bytes) -> bool:
    """:func:`_printable_lines` of UTF-8 ``data``, without looking up every character.

    Deleting the ASCII bytes it allows leaves whole multi-byte sequences (their
    bytes are all 0x80 or above) and the ASCII controls, a few dozen characters of
    a 100 KB scorecard; ``bytes.translate`` runs at memory speed, so the check costs
    a tenth of the character-by-character ``str.isprintable`` over the whole text.
    """
    rest = data.translate(None, _PRINTABLE_ASCII)
    return not rest or rest.decode("utf-8").isprintable()


def safe_json_bytes(data: bytes) -> str:
    """:func:`safe_json` of UTF-8 JSON as pydantic-core writes it, checked before decoding."""
    text = data.decode("utf-8")
    if not _printable_utf8(data):
        text = UNSAFE_NON_C0.sub(_json_escape, text)
    return LEGACY_COMMAND.sub(r"\1\\u005b", text) if "#" in text else text


def safe_json(text: str) -> str:
    """JSON text as ``json.dumps(..., ensure_ascii=False)`` writes it, made safe to print.

    JSON already escapes C0 controls and line breaks; this escapes the rest of
    :data:`UNSAFE` (C1, format and separator characters) and the ``[`` of ``##[``
    as ``\\uXXXX``, which decodes to the very same data. Outside strings JSON has
    neither ``#`` nor such characters, and no line of it starts with ``::``.
    """
    if not _printable_lines(text):
        text = UNSAFE_NON_C0.sub(_json_escape, text)
    return LEGACY_COMMAND.sub(r"\1\\u005b", text) if "#" in text else text


def _reference(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):x};"


def safe_markup(text: str) -> str:
    """XML or HTML text (JUnit, an SVG) made safe to print, its meaning unchanged.

    Character references replace what a CI runner would read as a workflow
    command: the ``[`` of ``##[`` (``&#91;``) and the first ``:`` of a line that
    starts with ``::`` (``&#58;``; in markup such a line can only be character
    data), a carriage return (``&#13;``, which also keeps it from being read as a
    line feed), and C1, format and separator characters. Other C0 controls are
    left to the writer: XML 1.0 cannot carry them at all.
    """
    if not _printable_lines(text):
        text = UNSAFE_NON_C0.sub(_reference, text).replace("\r", "&#13;")
    if "#" in text:
        text = LEGACY_COMMAND.sub(r"\1&#91;", text)
    return COMMAND_START.sub(r"\1&#58;", text) if ":" in text else text
