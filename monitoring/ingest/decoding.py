"""Decode an uploaded text file: which encoding it is in, and repair of a damaged export.

Encoding order: BOM, UTF-16 without BOM (NUL pattern), strict UTF-8, then charset-normalizer for
multi-byte code pages, else cp1252, else latin-1; an explicit encoding is validated against the
whole file and always wins. A few stray NUL bytes (a damaged export) become spaces; text that is
mostly control characters is refused as a binary file.
"""
from __future__ import annotations

import codecs

from monitoring.errors import UnreadableFileError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer confuses Western single-byte code pages (cp1252 text comes back as
# cp1250); only its multi-byte answers are trusted, single-byte files are read as cp1252.
_MULTIBYTE = {"big5", "big5hkscs", "cp932", "cp949", "cp950", "euc_jis_2004", "euc_jp", "euc_kr",
              "gb18030", "gb2312", "gbk", "hz", "iso2022_jp", "iso2022_kr", "johab", "shift_jis",
              "shift_jis_2004", "utf_16", "utf_32"}


def detect_encoding(data: bytes, forced: str | None = None) -> str:
    """The codec to decode ``data`` with; a forced codec is validated against the whole file."""
    if forced:
        return _validate_forced(data, forced)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16
    if _valid_utf8(data):
        return "utf-8"
    from charset_normalizer import (
        from_bytes,  # imported lazily: only non-UTF-8 files need it
    )
    best = from_bytes(data[:2**20]).best()
    if best is not None and best.encoding in _MULTIBYTE and _decode_error(data, best.encoding) is None:
        return best.encoding
    return "cp1252" if _decode_error(data, "cp1252") is None else "latin-1"


def _validate_forced(data: bytes, forced: str) -> str:
    try:
        codec = codecs.lookup(forced.strip()).name
    except LookupError:
        raise UnreadableFileError(
            f"Encoding '{forced}' tidak dikenal. Pilih misalnya UTF-8, UTF-16, cp1252 atau latin-1, "
            "atau kosongkan pilihan encoding agar dideteksi otomatis.") from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    error = _decode_error(data, codec)
    if error is not None:
        position, byte = error
        raise UnreadableFileError(
            f"Berkas tidak dapat dibaca dengan encoding '{forced}': byte {byte} pada posisi {position} "
            "tidak valid untuk encoding itu. Pilih encoding lain (mis. UTF-8, UTF-16 atau cp1252) "
            "atau kosongkan pilihan encoding agar dideteksi otomatis.")
    return codec


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte of its ASCII characters."""
    if len(head) < 8:
        return None
    half = len(head) // 2
    even, odd = head[0::2].count(0) / half, head[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _valid_utf8(data: bytes) -> bool:
    """Validate UTF-8 without building a str (Arrow's SIMD validator over the bytes in place)."""
    import pyarrow as pa

    offsets = pa.array([0, len(data)], type=pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode_error(data: bytes, codec: str) -> tuple[int, str] | None:
    """(position, byte as hex) of the first undecodable byte, or None; decodes in chunks."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    view, chunk = memoryview(data), 8 * 2**20
    for start in range(0, len(data), chunk):
        try:
            decoder.decode(view[start:start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as err:
            position = start + err.start
            return position, f"0x{data[position]:02x}" if position < len(data) else "?"
    return None


NUL_SHARE = 0.001  # at most this share of NUL bytes is a damaged text export, not a binary file


def without_stray_nuls(data: bytes, codec: str) -> tuple[bytes, list[str]]:
    """Replace a few NUL bytes in text of a single-byte or UTF-8 encoding by spaces (a damaged
    export: one in a post should not refuse the whole file); returns the bytes and an Indonesian note."""
    if b"\x00" not in data or codec.replace("_", "-").lower().startswith(("utf-16", "utf-32")):
        return data, []
    count = data.count(b"\x00")
    if count > NUL_SHARE * len(data):
        return data, []  # binary: reject_binary says so
    return data.replace(b"\x00", b" "), [f"{count} karakter NUL (\\x00) yang rusak diganti spasi."]


def reject_binary(sample: str, name: str) -> None:
    """Refuse a file whose decoded ``sample`` holds NUL or many control characters (not text)."""
    # C0 control characters only: C1 ones (0x80-0x9f) are what cp1252 text looks like under latin-1.
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > 0.02 * max(len(sample), 1):
        raise UnreadableFileError(
            f"Berkas '{name}' tampaknya bukan teks atau tabel (berisi data biner). "
            "Unggah CSV, XLSX, JSON, JSON Lines atau Parquet.")
