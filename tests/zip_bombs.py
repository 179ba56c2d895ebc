"""Real workbooks and Word documents that would unpack to hundreds of megabytes, built in a moment.

A part of N MB of repeated text is written as a deflate stream made of one compressed block of 1 MB
repeated N times (each block is flushed with Z_FULL_FLUSH, so it stands alone), so building a
300 MB bomb compresses 1 MB and takes about 300 KB of memory. The package is written by hand so a
part's declared size can also be made to lie.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import docx
from openpyxl import Workbook

MB = 1024 * 1024
#: A row of a sheet, repeated to fill a bomb's sheet part (it is never parsed when refused).
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


@dataclass(frozen=True)
class Part:
    """A package member as written: its packed bytes and what its directory entry declares."""

    name: str
    packed: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def repeated_part(name: str, megabytes: int, *, head: bytes = b"", unit: bytes = ROW, tail: bytes = b"") -> Part:
    """A deflated part holding `head`, then `megabytes` MB of whole `unit`s repeated, then `tail`."""
    chunk = unit * (MB // len(unit))
    pieces = [(piece, times) for piece, times in ((head, 1), (chunk, megabytes), (tail, 1)) if piece]
    packed, crc, size = b"", 0, 0
    for data, times in pieces:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
        packed += block * times
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    packed += zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    return Part(name, packed, crc, size)


def plain_part(name: str, data: bytes) -> Part:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def package(parts: list[Part]) -> bytes:
    """A zip package of the parts, each declared as its Part says."""
    out, central = io.BytesIO(), io.BytesIO()
    for part in parts:
        name = part.name.encode()
        offset = out.tell()
        fields = (20, 0, part.method, 0, 0x21, part.crc, len(part.packed), part.size, len(name))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + part.packed)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), start, 0))
    return out.getvalue()


def members(data: bytes) -> list[Part]:
    """The parts of a real package, packed again as they are."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return [plain_part(info.filename, source.read(info)) for info in source.infolist()]


def _replaced(data: bytes, name: str, part: Part) -> bytes:
    parts = members(data)
    assert name in [p.name for p in parts], name
    return package([part if p.name == name else p for p in parts])


def small_workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def small_document(text: str = "Action plan") -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ("Action", "By who", "By when"), strict=True):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, (f"1.1 {text}", "Kerry", "Dec 2024"), strict=True):
        cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
BODY = "word/document.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row><c t="inlineStr"><is><t>ref</t></is></c><c t="inlineStr"><is><t>action</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook_bomb(megabytes: int = 378, unit: bytes = ROW) -> bytes:
    """A real workbook whose first sheet, headed ref and action, would unpack to `megabytes` MB of rows."""
    part = repeated_part(SHEET, megabytes, head=SHEET_HEAD, unit=unit, tail=SHEET_TAIL)
    return _replaced(small_workbook([]), SHEET, part)


def document_bomb(megabytes: int = 378) -> bytes:
    """A real Word document whose body would unpack to `megabytes` MB."""
    return _replaced(small_document(), BODY, repeated_part(BODY, megabytes, unit=b"<w:p/>"))


def lying_workbook(megabytes: int = 300, header: tuple[str, ...] = ("ref", "action")) -> bytes:
    """A workbook whose first sheet declares its true small size and CRC but holds `megabytes` MB more."""
    real = small_workbook([list(header), ["1.1", "An action"]])
    with zipfile.ZipFile(io.BytesIO(real)) as source:
        sheet = source.read(SHEET)
    stuffed = repeated_part(SHEET, megabytes, head=sheet)
    return _replaced(real, SHEET, Part(SHEET, stuffed.packed, zlib.crc32(sheet), len(sheet)))


def lying_document(megabytes: int = 300) -> bytes:
    """A Word document whose body declares its true small size and CRC but holds `megabytes` MB more."""
    real = small_document()
    with zipfile.ZipFile(io.BytesIO(real)) as source:
        body = source.read(BODY)
    stuffed = repeated_part(BODY, megabytes, head=body, unit=b"<w:p/>")
    return _replaced(real, BODY, Part(BODY, stuffed.packed, zlib.crc32(body), len(body)))
