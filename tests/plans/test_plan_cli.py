"""`flask plan import` and `flask plan export`."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan

FIXTURE = Path(__file__).parent / "data" / "plan_2024_25.csv"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def import_file(runner, path: Path, *extra: str):
    return runner.invoke(args=["plan", "import", str(path), "--year", "2024-25", *extra])


def test_import_prints_a_summary_then_the_new_plan_id_on_the_last_line(runner):
    result = import_file(runner, FIXTURE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    plan = db.session.get(Plan, int(lines[-1]))
    # Nobody exists yet, so "Lesley Faux" and her email address become two people, and PCDC is not
    # known to be the People and Culture Development Committee.
    assert lines[0].startswith("Imported 14 actions in 2 themes; 13 new people were added as inactive users: AS, ")
    assert lines[0].endswith("; 4 new forums were added as inactive: Inclusion Council, PCDC, "
                             "People and Culture Development Committee, Trust Board.")
    assert (plan.year, plan.title, plan.status, len(plan.actions)) == ("2024-25", "WRES action plan 2024-25",
                                                                       "draft", 14)
    assert count(Forum) == 4


def test_import_takes_a_title(runner):
    result = import_file(runner, FIXTURE, "--title", "Inclusion and Belonging")
    assert db.session.get(Plan, int(result.stdout.splitlines()[-1])).title == "Inclusion and Belonging"


def test_a_bad_file_prints_every_problem_exits_non_zero_and_stores_nothing(runner, tmp_path):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",must,", ",Maybe,"), lines[2].replace("1.2,", "1.1,", 1)]),
                   encoding="utf-8")
    result = import_file(runner, bad)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "bad.csv has 2 problems. Nothing has been imported: correct every row listed and upload the file again.",
        "Row 2, priority: 'Maybe' is not a priority: use Must, Should or Could, or leave it blank",
        "Row 3, ref: Reference 1.1 is already used in row 2",
    ]
    assert (count(Plan), count(Action), count(User), count(Forum)) == (0, 0, 0, 0)


@pytest.mark.parametrize("content, message", [
    (b"", "empty.csv is empty."),
    (b"ref,theme\n1.1,x\n", "empty.csv is missing the column action"),
])
def test_an_unreadable_file_is_refused(runner, tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    result = import_file(runner, path)
    assert result.exit_code == 1 and message in result.output and count(Plan) == 0


def test_a_bad_year_is_refused(runner):
    result = runner.invoke(args=["plan", "import", str(FIXTURE), "--year", "2024"])
    assert result.exit_code == 1
    assert "'2024' is not a plan year: write it like 2024-25. Nothing has been imported." in result.output
    assert count(Plan) == 0 and count(User) == 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_writes_a_file_that_imports_again(runner, tmp_path, file_format):
    plan_id = int(import_file(runner, FIXTURE).stdout.splitlines()[-1])
    out = tmp_path / f"plan.{file_format}"
    result = runner.invoke(args=["plan", "export", "--plan", str(plan_id), "--format", file_format, "--out", str(out)])
    assert result.exit_code == 0 and result.output == f"Wrote 14 actions of plan 2024-25 to {out}\n"
    people = count(User)
    again = import_file(runner, out)
    copy = db.session.get(Plan, int(again.stdout.splitlines()[-1]))
    assert len(copy.actions) == 14 and copy.id != plan_id and count(User) == people
    assert again.stdout.splitlines()[0] == "Imported 14 actions in 2 themes."


def test_export_takes_the_format_from_the_file_name(runner, tmp_path):
    plan_id = int(import_file(runner, FIXTURE).stdout.splitlines()[-1])
    out = tmp_path / "plan.xlsx"
    runner.invoke(args=["plan", "export", "--plan", str(plan_id), "--out", str(out)])
    assert out.read_bytes().startswith(b"PK\x03\x04")


def test_export_of_an_unknown_plan_fails_clearly(runner, tmp_path):
    out = tmp_path / "plan.csv"
    result = runner.invoke(args=["plan", "export", "--plan", "42", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 1 and "There is no plan with id 42" in result.output
    assert not out.exists()
