"""Workbooks and Word documents that would unpack too large are refused unread, with where and why.

The bombs are real packages built in a moment (tests/zip_bombs.py): a few hundred KB declaring
hundreds of MB.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from types import SimpleNamespace

import pytest

from tests import zip_bombs
from tests.zip_bombs import MB, Part, package, plain_part, repeated_part
from tracker import spreadsheets
from tracker.plans.file_reader import TransferError, read_plan
from tracker.reports import docx_reader
from tracker.reports.docx_reader import DocxReadError, read_plan_tables
from tracker.spreadsheets import Unreadable, read_table
from tracker.zip_limits import WORD_DOCUMENT, WORKBOOK, ArchiveRefused, UnpackLimits, check_archive, size_text

ADVICE = ("Save it again without the unused rows and columns (select them, delete them and save), or save it as "
          "CSV UTF-8, or split it into smaller files.")


@pytest.fixture
def no_parsing(monkeypatch):
    """Opening a package with openpyxl or python-docx fails the test: refusals come before parsing."""
    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened for parsing")
    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)
    monkeypatch.setattr(docx_reader, "docx", SimpleNamespace(Document=refuse))


def test_a_workbook_that_would_unpack_to_378_mb_is_refused_unread_naming_the_file_and_the_sizes(no_parsing):
    bomb = zip_bombs.workbook_bomb(378)
    assert len(bomb) < 2 * MB
    with pytest.raises(Unreadable) as refused:
        read_table("plan.xlsx", bomb)
    assert refused.value.message == f"plan.xlsx would unpack to 378 MB, more than the 200 MB allowed for a workbook. " \
                                    f"It was refused unread. {ADVICE}"
    assert [problem.describe() for problem in refused.value.problems] == [
        f"plan.xlsx: the file would unpack to 378 MB, more than the 200 MB allowed for a workbook. "
        f"It was refused unread. {ADVICE}".rstrip(".")]


def test_the_plan_reader_refuses_a_bomb_with_the_same_message(no_parsing):
    with pytest.raises(TransferError, match=r"^plan\.xlsx would unpack to 378 MB, more than the 200 MB allowed"):
        read_plan(zip_bombs.workbook_bomb(378), "plan.xlsx")


def test_a_word_document_that_would_unpack_to_378_mb_is_refused_unread(no_parsing):
    with pytest.raises(DocxReadError) as refused:
        read_plan_tables(zip_bombs.document_bomb(378), name="plan.docx")
    assert str(refused.value) == (
        "plan.docx would unpack to 379 MB, more than the 200 MB allowed for a Word document. It was refused unread. "
        "Save it again with smaller pictures and without the pages that are not the action plan, or copy the "
        "action table into a new document.")


def test_a_part_packed_more_than_100_times_is_refused_though_the_whole_is_under_the_limit(no_parsing):
    with pytest.raises(Unreadable) as refused:
        read_table("pack.xlsx", zip_bombs.workbook_bomb(150))
    message = refused.value.message
    assert message.startswith("pack.xlsx holds a part, 'xl/worksheets/sheet1.xml', that would unpack to 150 MB from ")
    assert "times its packed size, more than the 100 times a real workbook reaches. It was refused unread." in message


def test_the_limits_come_from_the_settings():
    limits = UnpackLimits.from_settings({"UPLOAD_MAX_UNPACKED_MB": 0.5, "UPLOAD_MAX_RATIO": 7, "UPLOAD_MAX_PARTS": 3})
    assert limits == UnpackLimits(max_unpacked_bytes=MB // 2, max_ratio=7, max_members=3)
    assert UnpackLimits.from_settings({}) == UnpackLimits()
    workbook = zip_bombs.small_workbook([["ref", "action"]] + [[f"1.{n}", "x" * 30_000] for n in range(25)])
    with pytest.raises(ArchiveRefused, match=r"holds 9 parts, more than the 3 a workbook may have"):
        check_archive("plan.xlsx", workbook, limits)
    with pytest.raises(ArchiveRefused, match=r"would unpack to \d+ KB, more than the 512 KB allowed"):
        check_archive("plan.xlsx", workbook, UnpackLimits(max_unpacked_bytes=MB // 2))
    check_archive("plan.xlsx", workbook)  # a real workbook passes the default limits


@pytest.mark.parametrize("name", ["../../etc/cron.d/job", "/etc/passwd", "xl/../../outside.xml", "C:/Windows/x.xml",
                                  "..\\..\\evil.xml"])
def test_a_part_named_outside_the_package_is_refused(name):
    data = package([plain_part("[Content_Types].xml", b"<Types/>"), plain_part(name, b"<x/>")])
    with pytest.raises(ArchiveRefused) as refused:
        check_archive("plan.xlsx", data, kind=WORKBOOK)
    assert refused.value.message.startswith(f"plan.xlsx holds a part named '{name}', which points outside the "
                                            "workbook: it was not saved by Excel or Word.")


def test_a_part_packed_with_bzip2_is_refused_before_it_can_expand():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as made:
        made.writestr("word/document.xml", b"<w:document/>")
    with pytest.raises(ArchiveRefused, match=r"^plan\.docx holds a part, 'word/document\.xml', packed in a way "
                                             r"Excel and Word never use \(method 12\)"):
        check_archive("plan.docx", buffer.getvalue(), kind=WORD_DOCUMENT)


@pytest.mark.parametrize("data", [b"PK\x03\x04" + bytes(200), zip_bombs.small_workbook([["ref"]])[:-30],
                                  b"not a zip at all"])
def test_a_damaged_or_foreign_file_gets_each_readers_own_clear_message(data):
    with pytest.raises(ArchiveRefused) as refused:
        check_archive("plan.xlsx", data)
    assert refused.value.damaged
    if data.startswith(b"PK\x03\x04"):
        with pytest.raises(Unreadable, match=r"^plan\.xlsx cannot be opened as an Excel \(\.xlsx\) workbook\. "):
            read_table("plan.xlsx", data)
    with pytest.raises(DocxReadError, match=r"^plan\.docx is not a Word \.docx document: it is not in the \.docx "
                                            r"format or it is damaged\. Save it again from Word"):
        read_plan_tables(data, name="plan.docx")


def test_zipfile_never_reads_a_part_beyond_its_declared_size():
    """The real cap on reading: a part declared as 27 bytes yields those 27, whatever its stream holds after
    them; declared with another CRC, it is refused as damaged."""
    head = b"<row>declared content</row>"
    stuffed = repeated_part("sheet.xml", 300, head=head)
    honest_crc = package([Part("sheet.xml", stuffed.packed, crc=zlib.crc32(head), size=len(head))])
    with zipfile.ZipFile(io.BytesIO(honest_crc)) as opened, opened.open("sheet.xml") as member:
        assert member.read() == head
    other_crc = package([Part("sheet.xml", stuffed.packed, crc=0, size=len(head))])
    with zipfile.ZipFile(io.BytesIO(other_crc)) as opened, pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        opened.read("sheet.xml")


def test_a_workbook_that_understates_its_sheet_is_read_only_as_far_as_declared():
    """300 MB more than declared sits behind the sheet; only the declared, honest rows are read."""
    data = zip_bombs.lying_workbook(300)
    table = read_table("plan.xlsx", data)
    assert table.frame.to_dict("records") == [{"ref": "1.1", "action": "An action"}]


def test_a_word_document_that_understates_its_body_is_read_only_as_far_as_declared():
    read = read_plan_tables(zip_bombs.lying_document(300), name="plan.docx")
    assert [(action.ref, action.text, action.by_who) for theme in read.themes for action in theme.actions] == [
        ("1.1", "Action plan", "Kerry", )]


def test_a_sheet_of_a_million_formatted_empty_rows_is_refused_after_10_000_of_them():
    empty_rows = zip_bombs.workbook_bomb(20, unit=b'<row><c s="1"/></row>')
    generous = UnpackLimits(max_ratio=10_000)
    with pytest.raises(Unreadable) as refused:
        read_table("plan.xlsx", empty_rows, unpack=generous, limit=5000)
    assert refused.value.message == (
        "plan.xlsx has more than 10,000 empty rows one after another, from row 2: they are formatted but hold "
        "nothing, and reading them would take minutes. Delete the unused rows (select them, delete them and save) "
        "or save it as CSV UTF-8, then upload it again.")


def test_reading_stops_at_the_first_row_past_the_limit():
    rows = zip_bombs.workbook_bomb(20)  # 1.7 million rows "x"
    table = read_table("plan.xlsx", rows, unpack=UnpackLimits(max_ratio=10_000), limit=5000)
    assert (len(table.frame), table.truncated, table.frame.index[-1]) == (5000, True, 5001)
    with pytest.raises(TransferError, match=r"^plan\.xlsx has more than 5,000 actions, the most one import can take"):
        read_plan(rows, "plan.xlsx", unpack=UnpackLimits(max_ratio=10_000))


def test_a_sheet_without_a_dimension_is_not_read_whole_when_the_workbook_opens(monkeypatch):
    """openpyxl looked for <dimension> to the end of <sheetData>: every row, before any limit could apply."""
    parsed = []
    real = spreadsheets.iterparse

    def counting(source, events):
        for event in real(source, events):
            parsed.append(event)
            yield event
    monkeypatch.setattr(spreadsheets, "iterparse", counting)
    book = spreadsheets.load_workbook(io.BytesIO(zip_bombs.workbook_bomb(5)), read_only=True)
    assert book.worksheets[0].title == "Sheet"
    assert len(parsed) <= 3  # <worksheet> and <sheetData>, not a row


def test_sizes_read_as_people_write_them():
    assert [size_text(n) for n in (1, 12, 2048, 463 * 1024, 378 * MB)] == ["1 byte", "12 bytes", "2 KB", "463 KB",
                                                                         "378 MB"]
