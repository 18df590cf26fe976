"""Reading input documents and the length-preserving normalisation the tagger and label matching see.

Offsets in every output record are Python string indices into the input text *as decoded*, so
:func:`read_document` returns the decoded text unchanged except for a leading byte-order mark (no line-ending
or whitespace normalisation), and :func:`normalize_for_model` never changes the length of a text.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from nianbao.template import simplify_char

__all__ = ["InputError", "read_document", "normalize_for_model", "unify_line_breaks"]


class InputError(Exception):
    """An input that cannot be processed; ``status`` is the record status to report ("error" or "not_a_report")."""

    def __init__(self, message: str, status: str = "error") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------------------------------------
# Decoding

# Magic numbers of the binary formats a scraper typically saves by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "zip archive (or docx/xlsx)"),
    (b"\xd0\xcf\x11\xe0", "OLE document (doc/xls)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "rar archive"),
    (b"7z\xbc\xaf", "7z archive"),
)

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Share of control characters (other than whitespace) above which decoded text is taken for binary junk.
_MAX_CONTROL_SHARE = 0.01


def read_document(path: Path) -> str:
    """Read and decode one input document; raise :class:`InputError` (status "error") when that is impossible.

    Order of attempts: byte-order mark; BOM-less UTF-16 (recognised by NUL bytes on one side of each pair);
    strict UTF-8; strict GB18030 (a superset of GBK/GB2312); charset-normalizer as the last resort. Strict
    UTF-8 goes first because GBK-encoded Chinese is almost never valid UTF-8, while charset detectors often
    misjudge short Chinese texts.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except PermissionError:
        raise InputError(f"{path} is not readable (permission denied)") from None
    except OSError as exc:
        raise InputError(f"{path} could not be read: {exc.strerror or exc}") from None

    if not data:
        raise InputError("empty file (0 bytes)")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary content ({kind}), not text")

    text = _decode(data)
    if text is None:
        raise InputError("undecodable bytes: not UTF-8, UTF-16 or GB18030/GBK text")
    if not text.strip():
        raise InputError("empty file (whitespace only)")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError("binary content (many control characters), not text")
    return text


def unify_line_breaks(text: str) -> tuple[str, list[int] | None]:
    """The text with Windows (``\\r\\n``) and old-Mac (``\\r``) line breaks as ``\\n``, which is all the
    tagger and the post-processor know, and where each of its characters stands in ``text`` (None when
    nothing changed), so that a record's offsets can be given in the text as decoded."""
    if "\r" not in text:
        return text, None
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\r":
            if i + 1 < len(text) and text[i + 1] == "\n":
                continue  # the \n that follows stands for both
            ch = "\n"
        out.append(ch)
        positions.append(i)
    positions.append(len(text))  # an end offset at the very end
    return "".join(out), positions


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)

    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return _strict(data, utf16)
    if b"\x00" in data:
        # NUL bytes that are not the UTF-16 pattern: no text encoding we accept produces them.
        raise InputError("binary content (NUL bytes), not text")

    for encoding in ("utf-8", "gb18030"):
        text = _strict(data, encoding)
        if text is not None:
            return text

    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _sniff_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from NUL bytes: ASCII characters (digits, spaces, newlines) put a NUL on one side.

    Chinese characters have no NUL byte in UTF-16, but reports always carry enough digits, spaces and line
    breaks for the pattern to show. Returns the codec name or None.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    even = data[0::2].count(0)  # high byte of a BE unit, low byte of an LE unit
    odd = data[1::2].count(0)
    pairs = len(data) // 2
    # Require a clear pattern: NULs on one side in a fair share of units, and at most a third as many on the
    # other (CJK characters U+xx00 such as 一 U+4E00 and 开 U+5F00 put a NUL on the "wrong" side).
    if odd >= max(2, pairs // 20) and odd >= 3 * even:
        return "utf-16-le"
    if even >= max(2, pairs // 20) and even >= 3 * odd:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls / len(text)


# --------------------------------------------------------------------------------------------------------
# Length-preserving normalisation

# Per-character memo: OpenCC called once per character is slow, and a report uses only a few thousand
# distinct characters.
_FOLDED: dict[str, str] = {}
_TABLE: dict[int, str] = {}  # the same by code point, for str.translate


def _fold_char(ch: str) -> str:
    out = _FOLDED.get(ch)
    if out is None:
        out = ch
        nfkc = unicodedata.normalize("NFKC", ch)
        if len(nfkc) == 1:
            out = nfkc
        try:
            out = simplify_char(out)
        except Exception:  # lone surrogates and the like: leave them alone
            pass
        _FOLDED[ch] = out
        _TABLE[ord(ch)] = out
    return out


def normalize_for_model(text: str) -> str:
    """Fold ``text`` character by character: full-width → ASCII (NFKC) and traditional → simplified (OpenCC t2s).

    A character is replaced only where the mapping yields exactly one character, so the result has the same
    length as ``text`` and character ``i`` of the result stands for character ``i`` of the input.
    Example: ``重慶市（一）１０`` → ``重庆市(一)10``.
    """
    for ch in set(text).difference(_FOLDED):
        _fold_char(ch)
    return text.translate(_TABLE)
