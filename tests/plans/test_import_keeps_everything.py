"""A plan file is imported with everything it holds, or the import says what was not kept."""
import csv
import io

from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.extensions import db
from tracker.plans.file_reader import NOT_RECORDED, read_plan
from tracker.plans.importer import import_plan


def csv_text(rows, header) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def warnings_of(read):
    return [(w.row, w.column, w.message) for w in read.warnings]


def test_a_cancelled_action_without_a_reason_column_takes_its_progress_as_the_reason():
    content = csv_text([["1.1", "Run a pilot", "CANCELLED", "Replaced by the regional programme"],
                        ["1.2", "Run a survey", "CANCELLED", ""]],
                       ["ref", "action", "status", "progress"]).encode()
    read = read_plan(content, "plan.csv")
    first, second = read.rows
    assert first.cancelled_reason == "Replaced by the regional programme"
    assert second.cancelled_reason == NOT_RECORDED == "Not recorded"
    assert (2, "cancelled_reason", "CANCELLED with no cancelled_reason: the progress text is kept as the reason") \
        in warnings_of(read)
    assert (3, "cancelled_reason", "CANCELLED with no reason and no progress text: the reason is recorded as "
                                   "'Not recorded'") in warnings_of(read)


def test_a_file_with_only_ref_and_action_imports_and_names_the_columns_it_lacks(app):
    read = read_plan(b"ref,action\r\n1.1,Do it\r\n", "short.csv")
    assert [row.action for row in read.rows] == ["Do it"]
    assert warnings_of(read) == [(None, None, "The file has no columns theme, measures, owners, by_when, "
                                              "outcome, forums, priority, rag, status, progress: left blank for "
                                              "every action")]


def test_text_in_a_column_the_import_does_not_read_is_named(app):
    content = csv_text([["1.1", "Do it", "Budget agreed"], ["1.2", "Do more", ""]], ["ref", "action", "Notes"])
    read = read_plan(content.encode(), "plan.csv")
    assert (None, "Notes", "This column is not one the import reads: its text in 1 row is not kept") \
        in warnings_of(read)


def test_windows_1252_owners_split_and_matched_to_existing_users_by_initials(app, make_user):
    make_user(name="Paul Green")
    make_user(name="Lesley Faux")
    make_user(name="Zoë Ashdown")
    content = csv_text([["1.1", "Recruit “inclusion” champions", "PG & LF", "Zoë Ashdown", "CANCELLED", "Merged – see 1.2"]],
                       ["ref", "action", "owners", "supporting_leads", "status", "progress"]).encode("cp1252")
    result = import_plan(content, year="2024-25", title=None, actor=None, filename="plan.csv")
    db.session.commit()
    action = db.session.scalars(db.select(Action)).one()
    assert action.text == "Recruit “inclusion” champions"
    assert [u.name for u in action.owners] == ["Lesley Faux", "Paul Green"]
    assert [u.name for u in action.supporting_leads] == ["Zoë Ashdown"]
    assert action.cancelled_reason == "Merged – see 1.2"
    assert result.new_people == []
    assert "'PG' read as Paul Green (initials)" in result.warnings
    assert "Row 2, cancelled_reason: CANCELLED with no cancelled_reason: the progress text is kept as the reason" \
        in result.warnings
    assert "Check:" in result.summary() and "read as Paul Green (initials)" in result.summary()


def test_owners_with_and_in_a_name_are_one_new_person_and_with_gives_supporting_leads(app, make_user):
    make_user(name="Lesley Faux", job_title="EDI Lead")
    content = csv_text([["1.1", "Do it", "Head of Nursing and Midwifery with EDI Lead"]],
                       ["ref", "action", "owners"]).encode()
    result = import_plan(content, year="2024-25", title=None, actor=None, filename="plan.csv")
    action = db.session.scalars(db.select(Action)).one()
    assert [u.name for u in action.owners] == ["Head of Nursing and Midwifery"]
    assert [u.name for u in action.supporting_leads] == ["Lesley Faux"]
    assert result.new_people == ["Head of Nursing and Midwifery"]
    assert db.session.scalar(db.select(User).where(User.name == "Head of Nursing and Midwifery")).active is False


def test_a_file_with_something_to_check_is_previewed_before_create_plan(client, sign_in, make_user, tmp_path, app,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "PLAN_IMPORT_FOLDER", str(tmp_path))
    sign_in(make_user("admin", name="Lesley Faux"))
    make_user(name="Paul Green")
    content = csv_text([["1.1", "Run a pilot", "PG & LF", "CANCELLED", "Replaced by the regional programme", "£5k"]],
                       ["ref", "action", "owners", "status", "progress", "Budget"]).encode("cp1252")
    response = client.post("/plans/import", data={"year": "2024-25", "title": "Imported",
                                                  "file": (io.BytesIO(content), "plan.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.startswith("/plans/import/")
    assert db.session.scalars(db.select(Action)).all() == []
    page = client.get(response.location).get_data(as_text=True)
    assert "1 action. 5 things to check below. Nothing has been stored yet." in page
    warnings = page[page.index("Check before you create the plan"):page.index('id="create"')]
    for text in ("Row 2, cancelled_reason: CANCELLED with no cancelled_reason: the progress text is kept as the reason",
                 "Budget: This column is not one the import reads: its text in 1 row is not kept",
                 "The file has no columns theme, measures, by_when",
                 "&#39;PG&#39; read as Paul Green (initials)", "&#39;LF&#39; read as Lesley Faux (initials)"):
        assert text in warnings, text
    assert "Paul Green, Lesley Faux" in page and 'value="2024-25"' in page and 'value="Imported"' in page
    created = client.post(response.location, data={"year": "2024-25", "title": "Imported"})
    assert created.status_code == 302
    action = db.session.scalars(db.select(Action)).one()
    assert action.cancelled_reason == "Replaced by the regional programme"
    assert sorted(u.name for u in action.owners) == ["Lesley Faux", "Paul Green"]
    assert list(tmp_path.iterdir()) == []
    assert client.get(response.location).location == "/plans/import"


def test_a_file_with_nothing_to_check_is_imported_at_once(client, sign_in, make_user):
    sign_in(make_user("admin"))
    content = csv_text([["1.1", "1. Recruitment", "Do it", "2", "", "Dec 2024", "", "", "", "", "", ""]],
                       ["ref", "theme", "action", "indicators", "owners", "by_when", "outcome", "forums", "priority",
                        "rag", "status", "progress"]).encode()
    response = client.post("/plans/import", data={"year": "2024-25", "file": (io.BytesIO(content), "plan.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.startswith("/plans/") and "import" not in response.location
