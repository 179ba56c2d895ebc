"""One email of each kind, received by a real SMTP server and kept in tests/artifacts/emails/ for a person to read.

Each kind is written as <kind>.txt (the headers a person sees, then the plain text) and
<kind>.html (the HTML part, to open in a browser).
"""
from datetime import date, datetime
from pathlib import Path

from reminder_support import assert_reads_like_a_person, post

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "emails"
MONDAY, NEXT_MONDAY = date(2025, 3, 17), date(2025, 3, 24)


def _keep(kind: str, email) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{kind}.txt").write_text(email.as_reading_copy(), encoding="utf-8")
    (ARTIFACTS / f"{kind}.html").write_text(email.html, encoding="utf-8")


def test_one_email_of_each_kind_is_kept_for_reading(app, smtp, world, trust, make_user, make_action, make_forum,
                                                    add_meeting, shape, run_on, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", None)   # signed with the trust's name
    cleo = make_user("owner", name="Cleo Dee", email="cleo@example.org")
    dev = make_user("owner", name="Dev Patel", email="dev@example.org")
    council = make_forum("Inclusion Council")
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    guidance = shape(make_action(world.plan, "1.2", owners=[world.ama, world.ben], by_when="31/03/2025",
                                 text="Publish guidance on diverse shortlisting panels"), status="PROGRESS MADE",
                     rag="amber", created_on=date(2024, 10, 1), updated_on=date(2025, 3, 14))
    shape(make_action(world.plan, "2.1", owners=[world.ben], by_when="14/02/2025",
                      text="Run reverse mentoring for the executive team"), status="DELAYED", rag="red",
          created_on=date(2024, 6, 1), updated_on=date(2025, 2, 20))
    shape(make_action(world.plan, "2.2", owners=[cleo], by_when="Q1 2025-26",
                      text="Analyse exit interviews by ethnicity"), status="NOT STARTED", rag="amber",
          created_on=date(2024, 12, 1), updated_on=date(2025, 1, 10))
    shape(make_action(world.plan, "3.1", owners=[dev], by_when="30/04/2025", forums=[council],
                      text="Add a BME member to every band 8a+ interview panel"), created_on=date(2025, 3, 1))
    shape(make_action(world.plan, "3.2", owners=[dev], by_when="Ongoing", forums=[council],
                      text="Support the staff race equality network"), status="PROGRESS MADE", rag="green",
          created_on=date(2024, 4, 1), updated_on=date(2025, 3, 3))
    shape(make_action(world.plan, "4.1", owners=[world.gone], by_when="31/05/2025",
                      text="Review the disciplinary process with an equality lens"), rag="red",
          created_on=date(2024, 4, 1), updated_on=date(2025, 3, 10))
    post(guidance, world.ama, status="PROGRESS MADE", rag="amber",
         narrative="Draft guidance shared with the recruitment team; final version due at the end of March.",
         at=datetime(2025, 3, 14, 10, 15))
    add_meeting(council, date(2025, 3, 27))

    run_on(MONDAY)
    run_on(NEXT_MONDAY)

    kinds = {
        "deadline": smtp.addressed_to("ama@example.org")[0],
        "overdue-with-copy": smtp.addressed_to("ben@example.org")[0],
        "stale": smtp.addressed_to("cleo@example.org")[0],
        "update-request": smtp.addressed_to("dev@example.org")[0],
        "nudge": smtp.addressed_to("dev@example.org")[1],
        "digest": smtp.addressed_to("lead@example.org")[0],
    }
    assert {kind: email.subject for kind, email in kinds.items()} == {
        "deadline": "WRES action plan: 2 actions due soon",
        "overdue-with-copy": "WRES action plan: 1 action overdue; 1 action due soon",
        "stale": "WRES action plan: 1 action with no recent update",
        "update-request": "WRES action plan: update your actions before the Inclusion Council on 27 March 2025",
        "nudge": "WRES action plan: reminder to update your actions before the Inclusion Council on 27 March 2025",
        "digest": "WRES action plan: weekly digest, 17 March 2025",
    }
    assert {email.message["From"] for email in kinds.values()} == {
        "North Staffordshire Combined Healthcare NHS Trust WRES and WDES tracker <wres-tracker@wres.example.nhs.uk>"}
    assert kinds["overdue-with-copy"].message["Cc"] == "Lesley Lead <lead@example.org>"
    assert "Lesley Lead is copied on this email because" in kinds["overdue-with-copy"].text
    assert "copied" not in kinds["digest"].text
    for kind, email in kinds.items():
        assert_reads_like_a_person(email.subject, email.text, email.html)
        _keep(kind, email)
    assert sorted(path.name for path in ARTIFACTS.iterdir() if path.stem in kinds) == sorted(
        f"{kind}.{ext}" for kind in kinds for ext in ("html", "txt"))
