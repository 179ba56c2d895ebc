"""The meeting pack: the agenda as a Word document, reopened with python-docx."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.reviews.conftest import MEETING
from tests.reviews.helpers import item_of
from tracker.reports.word.meeting_pack import HEADERS, MeetingPack, build_meeting_pack, meeting_pack_bytes, pack_title
from tracker.reviews.agenda_rules import AgendaRow, ReviewRow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fill(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


@pytest.fixture
def reviewed(world, council_action, post_update, client, sign_in, fixed_today, build):
    """Two actions on the 12 November agenda, one of them reviewed on the day."""
    red = council_action("1.2", rag="red", by_when="Q4 2024-25", text="Reciprocal mentoring for the board")
    updated = council_action("1.10", text="Inclusive recruitment toolkit")
    post_update(updated, date(2024, 10, 20), "Toolkit drafted\nwith the network", rag="amber")
    build(world.meeting)
    sign_in(world.reviewer)
    fixed_today(MEETING)
    client.post(f"{world.agenda_url()}/items/{item_of(world.meeting, red).id}/review",
                data={"reviewed_rag": "amber", "decision": "more_evidence", "comment": "Send attendance"})
    return red, updated


def test_the_pack_is_the_agenda_as_a_landscape_word_table(client, world, reviewed):
    response = client.get(world.agenda_url() + "/pack.docx")

    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="inclusion-council-meeting-2024-11-12-pack.docx"'
    document = docx.Document(BytesIO(response.data))
    assert document.paragraphs[0].text == "Inclusion Council meeting 12 November 2024: action review pack"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.core_properties.title == "Inclusion Council meeting 12 November 2024: action review pack"
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml
    [table] = document.tables
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == list(HEADERS) == [
        "Ref", "Action", "Owner", "By when", "Owner's RAG (as at)", "Latest update", "Why it is here",
        "Forum's review"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    mentoring, toolkit = ([cell.text for cell in r.cells] for r in table.rows[1:])
    assert mentoring == ["1.2\n2024-25", "Reciprocal mentoring for the board", "Ola Owner", "Q4 2024-25",
                         "Red", "No update yet", "Rated Red by its owner",
                         "Amber\nMore evidence requested\nSend attendance\nRita Reviewer, 12 Nov 2024"]
    assert toolkit == ["1.10\n2024-25", "Inclusive recruitment toolkit", "Ola Owner", "31/03/2025",
                       "Amber\nProgress made\nas at 20 Oct 2024", "20 Oct 2024\nToolkit drafted\nwith the network",
                       "Rated Amber by its owner\nUpdated since the last meeting", "Not reviewed yet"]
    assert _fill(table.rows[1].cells[4]) == "FF0000" and _fill(table.rows[1].cells[7]) == "FFC000"
    assert _fill(table.rows[2].cells[4]) == "FFC000" and _fill(table.rows[2].cells[7]) is None


def test_the_same_data_and_date_give_the_same_bytes(client, world, reviewed):
    first = client.get(world.agenda_url() + "/pack.docx").data
    assert client.get(world.agenda_url() + "/pack.docx").data == first


def _row(**kwargs) -> AgendaRow:
    values = dict(item_id=1, action_id=1, ref="1.1", plan_year="2024-25", text="Toolkit", owners="", by_when="",
                  owner_rag=None, owner_rag_as_at=None, update_on=None, update_text="", reasons=("Overdue",))
    return AgendaRow(**{**values, **kwargs})


def test_an_empty_agenda_says_so():
    document = build_meeting_pack(MeetingPack("Trust Board", date(2024, 11, 26), (), "NHS Trust", date(2024, 11, 1)))
    assert [p.text for p in document.paragraphs] == [pack_title("Trust Board", date(2024, 11, 26)),
                                                      "No actions are on this meeting's agenda."]
    assert document.tables == []


def test_unrated_and_unowned_actions_are_written_out():
    review = ReviewRow(forum="IC", meeting_on=date(2024, 11, 12), reviewed_rag="blue", owner_rag=None,
                       owner_rag_as_at=None, decision="agree_completion", comment="", reviewer="Rita",
                       recorded_at=datetime(2024, 11, 12, 10))
    pack = MeetingPack("IC", date(2024, 11, 12), (_row(review=review),), "NHS Trust", date(2024, 11, 12))
    [table] = docx.Document(BytesIO(meeting_pack_bytes(pack))).tables
    assert [cell.text for cell in table.rows[1].cells] == [
        "1.1\n2024-25", "Toolkit", "No owner", "Not set", "Not rated", "No update yet", "Overdue",
        "Blue (complete)\nCompletion agreed\nRita, 12 Nov 2024"]
    assert _fill(table.rows[1].cells[4]) is None and _fill(table.rows[1].cells[7]) == "0070C0"


def test_a_long_update_is_cut_at_a_sentence_end_and_says_where_the_rest_is():
    sentence = "The panels met their target this quarter. "
    update = sentence * 60
    pack = MeetingPack("IC", date(2024, 11, 12), (_row(update_on=date(2024, 11, 1), update_text=update),),
                       "NHS Trust", date(2024, 11, 12))
    [table] = docx.Document(BytesIO(meeting_pack_bytes(pack))).tables
    written = table.rows[1].cells[5].text
    assert written.startswith("1 Nov 2024\nThe panels met their target this quarter.")
    assert written.endswith("this quarter. (continued on the action page)")
    assert 1400 < len(written) < 1560 and "  " not in written


def test_a_short_update_is_written_in_full():
    update = "First line.\nSecond line, which is the last."
    pack = MeetingPack("IC", date(2024, 11, 12), (_row(update_on=date(2024, 11, 1), update_text=update),),
                       "NHS Trust", date(2024, 11, 12))
    [table] = docx.Document(BytesIO(meeting_pack_bytes(pack))).tables
    assert table.rows[1].cells[5].text == "1 Nov 2024\nFirst line.\nSecond line, which is the last."


def test_a_past_meetings_pack_holds_its_agenda_and_what_the_forum_decided(client, world, reviewed, fixed_today):
    fixed_today(date(2025, 2, 1))
    document = docx.Document(BytesIO(client.get(world.agenda_url() + "/pack.docx").data))
    [table] = document.tables
    assert [r.cells[0].text for r in table.rows[1:]] == ["1.2\n2024-25", "1.10\n2024-25"]
    assert table.rows[1].cells[7].text == "Amber\nMore evidence requested\nSend attendance\nRita Reviewer, 12 Nov 2024"


def test_a_meeting_without_an_agenda_says_so(client, sign_in, world):
    sign_in(world.reviewer)
    document = docx.Document(BytesIO(client.get(world.agenda_url(world.previous) + "/pack.docx").data))
    assert [p.text for p in document.paragraphs][1:] == [
        "No agenda was built for this meeting: its page has a button to build it.",
        "No actions are on this meeting's agenda."]
