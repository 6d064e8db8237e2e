"""Every byte designkit reads from the user comes through here: one bounded reader.

A design, a model, a rubric, a configuration, a baseline or an answers file is a
small regular file, or standard input. Anything else is refused before it is
read, with one line: a FIFO would block forever, ``/dev/zero`` never ends (it
grew memory at hundreds of MB a second), a folder or a socket cannot be read.
The file is opened without blocking and checked again once open, so a FIFO put
in its place between the check and the open cannot hang the command either. At
most the limit plus one byte is read from anything, standard input included, so
an input over the limit costs the limit, not the input's size.

Decoding lives here too (:func:`decode`): a UTF-16 or UTF-32 byte-order mark
selects its codec unless another encoding than UTF-8 was asked for (the mark is
never valid UTF-8, so following it only turns an error into a reading), and a
NUL is looked for in the decoded text, where it means a binary file; as a byte
it is also half of every ASCII character in UTF-16.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from designkit.errors import UserError

STDIN = "-"
MB = 1024 * 1024


@dataclass(frozen=True)
class InputKind:
    """What a file is expected to be, for the messages, and how large it may be."""

    singular: str
    """With its article: "a design document"."""
    plural: str
    limit: int


DESIGN = InputKind("a design document", "design documents", 8 * MB)
"""Design documents run to tens of kilobytes; a 60,000-row mapping table is 4.3 MB."""
MODEL = InputKind("a model file", "model files", 64 * MB)
"""``designkit parse`` prints about 3.6 bytes of indented JSON per byte of Markdown, so
the model of the largest design that is read must be readable back."""
RUBRIC = InputKind("a rubric file", "rubric files", 8 * MB)
CONFIG = InputKind("a configuration file", "configuration files", 8 * MB)
BASELINE = InputKind("a baseline file", "baseline files", 8 * MB)
ANSWERS = InputKind("an answers file", "answers files", 8 * MB)
PROJECT_FILE = InputKind("a project file", "project files", 8 * MB)
"""A file in a scaffolded project: the manifest is read whole, the others only hashed."""

_KINDS = (
    (stat.S_ISDIR, "is a folder, not {what}"),
    (stat.S_ISFIFO, "is a FIFO (named pipe), not {what}"),
    (stat.S_ISCHR, "is a device, not {what}"),
    (stat.S_ISBLK, "is a device, not {what}"),
    (stat.S_ISSOCK, "is a socket, not {what}"),
)


def _refuse_unless_regular(mode: int, kind: InputKind, name: str, stdin: bool) -> None:
    if stat.S_ISREG(mode):
        return
    for test, message in _KINDS:
        if test(mode):
            hint = "give '-' to read standard input" if stdin and stat.S_ISFIFO(mode) else ""
            raise UserError(message.format(what=kind.singular), path=name, hint=hint)
    raise UserError(f"is not a regular file, not {kind.singular}", path=name)


def _os_error(error: OSError, name: str) -> UserError:
    """One line for a path that cannot be opened or read."""
    if error.errno == errno.ENOENT:
        return UserError("no such file", path=name)
    if error.errno == errno.ENOTDIR:
        return UserError("no such file (a part of the path is a file, not a folder)", path=name)
    if error.errno == errno.ELOOP:
        return UserError("cannot read: symbolic link loop", path=name)
    if error.errno in (errno.EACCES, errno.EPERM):
        return UserError("cannot read: permission denied", path=name)
    reason = error.strerror or str(error)
    return UserError(f"cannot read: {reason[:1].lower()}{reason[1:]}", path=name)


def _too_big(size: int | None, kind: InputKind, name: str) -> UserError:
    limit = f"{kind.limit // MB} MB"
    said = f"file is {size / MB:.1f} MB" if size is not None else f"more than {limit}"
    return UserError(f"{said}; {kind.plural} are read up to {limit}", path=name)


@contextmanager
def open_regular(
    path: str | Path, kind: InputKind, *, name: str | None = None, stdin: bool = False
) -> Iterator[BinaryIO]:
    """Open a regular file for reading, or raise a one-line :class:`UserError`.

    ``stat`` first, so that a device is refused without opening it (opening one can
    have effects); then open with ``O_NONBLOCK`` (a FIFO swapped in meanwhile opens
    at once instead of waiting for a writer) and check the open file again.
    ``stdin`` says whether the command reads ``-``, which a FIFO's message suggests.
    """
    shown = name or str(path)
    try:
        _refuse_unless_regular(os.stat(path).st_mode, kind, shown, stdin)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _os_error(error, shown) from None
    try:
        _refuse_unless_regular(os.fstat(handle).st_mode, kind, shown, stdin)
        os.set_blocking(handle, True)
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as stream:
        yield stream


def read_input(
    path: str | Path, kind: InputKind = DESIGN, *, name: str | None = None, stdin: bool = True
) -> bytes:
    """The bytes of a file, or of standard input for ``-`` (unless ``stdin`` is off):
    at most ``kind.limit``.

    A larger input is refused with one line naming the limit, after reading at
    most one byte past it (a file's size is checked before reading at all).
    """
    if stdin and str(path) == STDIN:
        shown = name or "<stdin>"
        data = _read_at_most(sys.stdin.buffer, kind.limit + 1, shown)
        if len(data) > kind.limit:
            raise _too_big(None, kind, shown)
        return data
    shown = name or str(path)
    with open_regular(path, kind, name=shown, stdin=stdin) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > kind.limit:
            raise _too_big(size, kind, shown)
        data = _read_at_most(stream, kind.limit + 1, shown)
    if len(data) > kind.limit:  # it grew while being read, or reports no size (/proc)
        raise _too_big(None, kind, shown)
    return data


def read_input_text(path: str | Path, kind: InputKind, *, name: str | None = None) -> str:
    """A UTF-8 file (configuration, rubric, baseline, answers; never standard input) as
    text, with ``\\n`` line ends so that the line numbers of its errors are right."""
    shown = name or str(path)
    data = read_input(path, kind, name=shown, stdin=False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start, "utf-8")
        raise UserError(
            f"not valid utf-8 (byte 0x{data[error.start]:02x} at column {column})",
            path=shown,
            line=line,
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _read_at_most(stream: BinaryIO, count: int, name: str) -> bytes:
    """Up to ``count`` bytes, reading on through short reads (a pipe delivers in pieces)."""
    parts: list[bytes] = []
    left = count
    try:
        while left > 0:
            part = stream.read(left)
            if not part:
                break
            parts.append(part)
            left -= len(part)
    except OSError as error:
        raise _os_error(error, name) from None
    return b"".join(parts)


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding_of(data: bytes, encoding: str) -> str:
    """The codec to decode ``data`` with: ``encoding``, or the one a UTF-16/32
    byte-order mark names when ``encoding`` is UTF-8 (the default)."""
    try:
        asked = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    if asked != "utf-8":
        return encoding
    return next((codec for mark, codec in _BOMS if data.startswith(mark)), encoding)


def _position(data: bytes, offset: int, codec: str) -> tuple[int, int]:
    """Line and column (1-based, in characters) of a byte offset, decoding what precedes it."""
    before = data[:offset].decode(codec, errors="replace")
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


def decode(
    data: bytes, name: str, *, encoding: str = "utf-8", document: str = "a Markdown document"
) -> str:
    """Bytes -> text with the asked (or byte-order-marked) encoding, refusing a binary file.

    The text keeps no byte-order mark and has ``\\n`` line ends. A NUL character in
    the decoded text is refused with its line: no Markdown, JSON or YAML document
    holds one.
    """
    codec = encoding_of(data, encoding)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start, codec)
        bad = data[error.start : error.start + 1].hex()
        raise UserError(
            f"not valid {codec} (byte 0x{bad} at column {column})",
            path=name,
            line=line,
            hint="re-save the file as UTF-8, or pass --encoding cp1252 if it came from Windows",
        ) from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}", path=name) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise UserError(
            f"binary file, not {document} (NUL character found)",
            path=name,
            line=text.count("\n", 0, nul) + 1,
            hint=_utf16_hint(data, codec),
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _utf16_hint(data: bytes, codec: str) -> str:
    """Text saved as UTF-16 without a byte-order mark is ASCII with a NUL every other byte."""
    if codecs.lookup(codec).name != "utf-8" or len(data) < 4:
        return ""
    for order, start in (("le", 1), ("be", 0)):
        if data[start::2].count(0) * 4 >= len(data[start::2]) * 3:
            return f"if it is UTF-16 without a byte-order mark, pass --encoding utf-16-{order}"
    return ""
