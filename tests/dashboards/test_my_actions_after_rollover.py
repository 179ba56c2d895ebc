"""My actions after a rollover: the live copy, with its opening update, never the old action."""
from datetime import date

from sqlalchemy import select

from tests.support import counting_queries
from tracker.actions.models import Action
from tracker.actions.service import UpdateData, post_update
from tracker.extensions import db
from tracker.plans import rollover


def _row(page: str, text: str) -> str:
    start = page.rindex("<tr", 0, page.index(text))
    return page[start:page.index("</tr>", start)]


def test_my_actions_lists_the_copy_with_its_opening_update_and_not_the_old_action(
        client, sign_in, make_user, make_plan, make_action, fixed_today):
    fixed_today(date(2025, 3, 20))
    owner, lead = make_user("owner", name="Dawn Ainsworth"), make_user("admin")
    plan = make_plan("2024-25", status="approved")
    old = make_action(plan, "1.1", owners=[owner], by_when="Oct 2024", text="Reverse mentoring for the board")
    make_action(plan, "1.2", owners=[owner], by_when="Dec 2025", text="Stays in this year")
    post_update(db.session.get(Action, old.id), UpdateData("PROGRESS MADE", "amber", "Pairs matched",
                                                           as_at=date(2025, 1, 10)), owner, historical=True)
    db.session.commit()
    sign_in(owner)
    with counting_queries() as before:
        client.get("/my-actions")
    result = rollover.roll_over(plan, [rollover.suggested_row(db.session.get(Action, old.id))], lead)
    db.session.commit()
    copy = result.carried[0][1]
    with counting_queries() as after:
        page = client.get("/my-actions").get_data(as_text=True)
    assert page.count("Reverse mentoring for the board") == 1
    row = _row(page, "Reverse mentoring for the board")
    assert f'href="/actions/{copy.id}"' in row and "(2025-26)" in row
    assert "PROGRESS MADE" in row.upper() and "Amber" in row and "20 Mar 2025" in row
    assert "Overdue" not in row and "None yet" not in row
    assert "<h2>Complete or closed</h2>" not in page
    assert "Stays in this year" in page
    assert after[0] == before[0]
    assert db.session.scalar(select(Action.status).where(Action.id == old.id)) == "CARRIED FORWARD"
