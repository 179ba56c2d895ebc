"""Which evidence files are accepted, told by their content, and the names they are kept under.

Pure: a name and a seekable binary file in, a FileType (or EvidenceRefused naming the file and
what is wrong) out. The type is read from the first bytes, never from the name or what the browser
claims: PDF (%PDF-), PNG (its 8-byte signature), JPEG (FF D8 FF), legacy Word, Excel and PowerPoint
(the OLE2 signature D0 CF 11 E0, told apart by the streams they hold: WordDocument, Workbook or
Book, PowerPoint Document) and Word, Excel and PowerPoint since 2007 (a zip package, checked with
tracker/zip_limits.py before its [Content_Types].xml names its main part). The name's extension
must then agree with the content.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote

from tracker.errors import DomainError
from tracker.zip_limits import ArchiveRefused, Kind, UnpackLimits, check_archive, size_text

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file."""

    kind: str  # "PDF", as people name it
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
DOC = FileType("Word document (97-2003)", "application/msword", (".doc",))
XLS = FileType("Excel workbook (97-2003)", "application/vnd.ms-excel", (".xls",))
PPT = FileType("PowerPoint presentation (97-2003)", "application/vnd.ms-powerpoint", (".ppt",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileType("PowerPoint presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ACCEPTED = (PDF, DOCX, DOC, XLSX, XLS, PPTX, PPT, PNG, JPEG)
BY_EXTENSION = {extension: kind for kind in ACCEPTED for extension in kind.extensions}
#: Shown beside the file input and in refusals.
ACCEPTED_TEXT = "PDF, Word, Excel, PowerPoint, PNG or JPEG"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream that makes an OLE2 file each legacy Office type, as its directory spells it (UTF-16).
OLE2_STREAMS = ((DOC, ("WordDocument",)), (XLS, ("Workbook", "Book")), (PPT, ("PowerPoint Document",)))
#: The main part of each Office package, as [Content_Types].xml names it.
OOXML_MAIN = ((DOCX, "wordprocessingml.document.main+xml"), (XLSX, "spreadsheetml.sheet.main+xml"),
              (PPTX, "presentationml.presentation.main+xml"))
OFFICE_FILE = Kind("Office file", "Save it again from the program that made it, with smaller pictures, or save it "
                                  "as a PDF.")
#: Content that is never evidence, named so the refusal can say what the file really is.
PROGRAMS = ((b"MZ", "a Windows program"), (b"\x7fELF", "a Linux program"), (b"#!", "a script"),
            (b"\xcf\xfa\xed\xfe", "a Mac program"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class EvidenceRefused(DomainError):
    """A file (or the set of files) cannot be attached; the message names the file and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="evidence")


def extension_of(name: str) -> str:
    """".pdf" for "Report.PDF"; "" when the name has none."""
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem and extension else ""


def safe_name(name: str) -> str:
    """The name a download is offered under: no folders, no control characters, no leading dots.

    "../../etc/passwd" → "passwd"; "C:\\Users\\x\\Plan.pdf" → "Plan.pdf"; at most 200 characters,
    keeping the extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).lstrip(". ") or "evidence"
    if len(name) > 200:
        extension = extension_of(name)[:20]
        name = name[:200 - len(extension)].rstrip() + extension
    return name


def shown_name(name: str) -> str:
    """The uploaded name as kept for the record: control characters removed, at most 255 characters."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", name or ""))[:255] or "evidence"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII filename for old clients and RFC 5987 filename* for the real name."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r'["\\]', "_", fallback).strip() or "evidence" + extension_of(name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def recognise(name: str, stream: BinaryIO, limits: UnpackLimits) -> FileType:
    """The accepted type `stream`'s content is, agreeing with `name`; EvidenceRefused otherwise."""
    label = f"'{name}'"
    claimed = BY_EXTENSION.get(extension_of(name))
    if claimed is None:
        raise EvidenceRefused(f"{label} is not a file type that can be attached. Attach {ACCEPTED_TEXT} files.")
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise EvidenceRefused(f"{label} is empty. Choose the file again, or leave it out.")
    found = _sniff(label, head, stream, limits)
    stream.seek(0)
    if found is None:
        program = next((what for magic, what in PROGRAMS if head.startswith(magic)), None)
        really = f"is really {program}" if program else f"is not a {ACCEPTED_TEXT} file"
        raise EvidenceRefused(f"{label} is named as a {claimed.kind} but {really}, so it cannot be attached.")
    if found is not claimed:
        raise EvidenceRefused(f"{label} is named as a {claimed.kind} but is really a {found.kind}. Rename it to end "
                              f"{found.extensions[0]}, or attach the right file.")
    return found


def _sniff(label: str, head: bytes, stream: BinaryIO, limits: UnpackLimits) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == OLE2:
        return _legacy_office(stream)
    if head.startswith(b"PK\x03\x04"):
        return _office_package(label, stream, limits)
    return None


def _legacy_office(stream: BinaryIO) -> FileType | None:
    """Which legacy Office file an OLE2 file is, from the stream names in its directory (read in
    1 MB pieces, overlapping so a name split between two is still found)."""
    names = [(kind, name.encode("utf-16-le")) for kind, spellings in OLE2_STREAMS for name in spellings]
    longest = max(len(encoded) for _kind, encoded in names)
    stream.seek(0)
    tail = b""
    while piece := stream.read(MB):
        window = tail + piece
        for kind, encoded in names:
            if encoded + b"\x00\x00" in window:
                return kind
        tail = window[-(longest + 2):]
    return None


def _office_package(label: str, stream: BinaryIO, limits: UnpackLimits) -> FileType | None:
    """Which Office package a zip is, from its [Content_Types].xml, once zip_limits let it through."""
    stream.seek(0)
    try:
        check_archive(label, stream, limits, OFFICE_FILE)
    except ArchiveRefused as refused:
        raise EvidenceRefused(str(refused)) from None
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > MB:
                return None
            types = package.read(info).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError):
        return None
    return next((kind for kind, main in OOXML_MAIN if main in types), None)


def file_size(stream: BinaryIO) -> int:
    """The stream's length in bytes, found by seeking (nothing is read)."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_sizes(sizes: list[tuple[str, int]], max_file_bytes: int, max_update_bytes: int,
                already: int = 0) -> list[str]:
    """Problems with the files' sizes: each one over the per-file limit, then all together (with the
    `already` bytes the update holds) over the per-update one."""
    problems = [f"'{name}' is {size_text(size)}. Each file must be {size_text(max_file_bytes)} or smaller."
                for name, size in sizes if size > max_file_bytes]
    total = already + sum(size for _name, size in sizes)
    if total > max_update_bytes:
        problems.append(f"The files add up to {size_text(total)}. The files on one update must be "
                        f"{size_text(max_update_bytes)} or smaller in all: attach the rest to another update.")
    return problems
