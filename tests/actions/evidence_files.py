"""Real files of every type evidence accepts, made in memory (or read from tests/actions/data/evidence)."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data" / "evidence"
END, FREE, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def pdf() -> bytes:
    """A PDF LibreOffice wrote."""
    return (DATA / "toolkit.pdf").read_bytes()


def doc() -> bytes:
    """A Word 97-2003 document LibreOffice wrote."""
    return (DATA / "toolkit.doc").read_bytes()


def png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 94, 184)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 94, 184)).save(out, "JPEG")
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx
    document = python_docx.Document()
    document.add_paragraph("Recruitment toolkit, as shared with managers")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Shortlisting audit"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx() -> bytes:
    """The parts a PowerPoint package names in [Content_Types].xml (a minimal presentation)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'presentationml.presentation.main+xml"/></Types>'))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="ppt/presentation.xml"/></Relationships>'))
        package.writestr("ppt/presentation.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation xmlns:p="http://schemas.'
            'openxmlformats.org/presentationml/2006/main"/>'))
    return out.getvalue()


def compound_file(stream_name: str, content: bytes = b"\x00" * 4096) -> bytes:
    """An OLE2 compound file (the container of .doc, .xls and .ppt) holding one stream of 4,096 bytes
    or more: header, one FAT sector, one directory sector, then the stream's sectors."""
    content = content.ljust(4096, b"\x00")
    sectors = -(-len(content) // 512)
    fat = [FAT_SECTOR, END] + [3 + i for i in range(sectors - 1)] + [END]
    fat += [FREE] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", NO_STREAM, NO_STREAM, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, END, 0) + entry(stream_name, 2, NO_STREAM, 2, len(content))
                 + entry("", 0, NO_STREAM, 0, 0) * 2)
    body = struct.pack("<128I", *fat) + directory + content.ljust(sectors * 512, b"\x00")
    return header + body


def xls() -> bytes:
    return compound_file("Workbook")


def ppt() -> bytes:
    return compound_file("PowerPoint Document")


def windows_program() -> bytes:
    """The start of a Windows .exe: "MZ", then a DOS stub."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 8
