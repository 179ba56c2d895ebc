"""Refusing an uploaded workbook (.xlsx) or Word document (.docx) that would unpack too large.

Pure: bytes in, a refusal or nothing out. Both formats are zip packages, and a small upload can
declare parts of hundreds of megabytes (a "zip bomb", or a sheet saved with a million formatted
rows). `check_archive` reads only the package's central directory, never decompressing anything,
and refuses the file before any parser sees it when:

- the parts would unpack to more than `max_unpacked_bytes` in all;
- a part over `ratio_from_bytes` unpacked is more than `max_ratio` times its packed size
  (real sheets and documents stay well under 100; a bomb reaches about 1,000);
- it has more than `max_members` parts;
- a part's name is absolute or climbs out with "..";
- a part is compressed other than stored or deflated (Excel and Word use only those; bzip2 and
  LZMA could expand without bound in one step).

The declared sizes are also a real cap on what is read. Every reader of these files (openpyxl,
python-docx) unpacks through Python's `zipfile`, which never returns more bytes from a part than
its central directory declares and then checks the part's CRC: a file that understates a part's
size ends in a damaged-file error after at most the declared bytes, never in more reading
(`tests/test_zip_limits.py` holds zipfile to that).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from tracker.errors import DomainError

MB = 1024 * 1024
#: Compression methods Excel and Word write.
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class UnpackLimits:
    """How far an uploaded package may unpack (settings UPLOAD_MAX_UNPACKED_MB, UPLOAD_MAX_RATIO,
    UPLOAD_MAX_PARTS)."""

    max_unpacked_bytes: int = 200 * MB
    max_ratio: int = 100
    ratio_from_bytes: int = 1 * MB
    max_members: int = 1000

    @classmethod
    def from_settings(cls, settings) -> UnpackLimits:
        """From a mapping of settings (the app's config); missing ones keep their defaults."""
        default = cls()
        megabytes = settings.get("UPLOAD_MAX_UNPACKED_MB")
        return cls(
            max_unpacked_bytes=int(float(megabytes) * MB) if megabytes is not None else default.max_unpacked_bytes,
            max_ratio=int(settings.get("UPLOAD_MAX_RATIO") or default.max_ratio),
            max_members=int(settings.get("UPLOAD_MAX_PARTS") or default.max_members),
        )


DEFAULT = UnpackLimits()


@dataclass(frozen=True)
class Kind:
    """What the package should be, in the words of the messages."""

    noun: str  # "workbook"
    advice: str  # what to do about a file that unpacks too large


WORKBOOK = Kind("workbook", "Save it again without the unused rows and columns (select them, delete them and "
                            "save), or save it as CSV UTF-8, or split it into smaller files.")
WORD_DOCUMENT = Kind("Word document", "Save it again with smaller pictures and without the pages that are not the "
                                      "action plan, or copy the action table into a new document.")


class ArchiveRefused(DomainError):
    """The package was refused before parsing. `message` names the file; `rest` finishes a sentence
    about it ("would unpack to …"); `damaged` says it could not be opened as a zip package at all."""

    def __init__(self, label: str, rest: str, *, damaged: bool = False) -> None:
        super().__init__(f"{label} {rest}")
        self.rest = rest
        self.damaged = damaged


def size_text(size: int) -> str:
    """378 MB, 463 KB, 12 bytes: as people read file sizes."""
    if size >= MB:
        return f"{size / MB:,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size:,} byte{'s' if size != 1 else ''}"


def check_archive(label: str, data: bytes | BinaryIO, limits: UnpackLimits = DEFAULT, kind: Kind = WORKBOOK) -> None:
    """Refuse (ArchiveRefused) a package that would unpack beyond `limits`, reading only its directory.

    `data` is the file's bytes or a seekable binary file (read from its directory, not copied)."""
    try:
        with zipfile.ZipFile(data if hasattr(data, "seek") else io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        raise ArchiveRefused(label, f"is damaged or is not a {kind.noun}: its parts could not be listed.",
                             damaged=True) from None
    if len(members) > limits.max_members:
        raise ArchiveRefused(label, f"holds {len(members):,} parts, more than the {limits.max_members:,} a "
                                    f"{kind.noun} may have. Save it again from the program that made it.")
    total = 0
    for member in members:
        name = member.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
            raise ArchiveRefused(label, f"holds a part named '{name[:80]}', which points outside the {kind.noun}: "
                                        "it was not saved by Excel or Word. Save it again from the program that "
                                        "made it.")
        if member.compress_type not in METHODS:
            raise ArchiveRefused(label, f"holds a part, '{name[:80]}', packed in a way Excel and Word never use "
                                        f"(method {member.compress_type}). Save it again from the program that "
                                        "made it.")
        total += member.file_size
    if total > limits.max_unpacked_bytes:
        raise ArchiveRefused(label, f"would unpack to {size_text(total)}, more than the "
                                    f"{size_text(limits.max_unpacked_bytes)} allowed for a {kind.noun}. It was "
                                    f"refused unread. {kind.advice}")
    for member in members:
        size, packed = member.file_size, member.compress_size
        if size > limits.ratio_from_bytes and size > limits.max_ratio * max(packed, 1):
            raise ArchiveRefused(label, f"holds a part, '{member.filename[:80]}', that would unpack to "
                                        f"{size_text(size)} from {size_text(packed)}: {size // max(packed, 1):,} "
                                        f"times its packed size, more than the {limits.max_ratio:,} times a real "
                                        f"{kind.noun} reaches. It was refused unread. {kind.advice}")
