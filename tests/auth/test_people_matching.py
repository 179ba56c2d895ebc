"""Owners and leads texts are read as people: whole names first, then split at ; , / & and 'and',
matched by name, email, alias, job title or initials."""
from tracker.audit.models import AuditEvent
from tracker.auth.models import PersonAlias
from tracker.auth.people import PeopleDirectory, resolve_people, split_people
from tracker.auth.service import delete_alias, save_alias
from tracker.extensions import db


def names(users):
    return [user.name for user in users]


def test_initials_of_existing_users_are_matched_when_unique(make_user):
    make_user(name="Paul Green")
    make_user(name="Lesley Faux")
    match = PeopleDirectory().match("PG & LF")
    assert names(match.owners) == ["Paul Green", "Lesley Faux"]
    assert match.unknown == []
    assert "'PG' read as Paul Green (initials)" in match.guesses


def test_shared_initials_match_nobody(make_user):
    make_user(name="Paul Green")
    make_user(name="Pat Gray")
    match = PeopleDirectory().match("PG")
    assert match.owners == [] and match.unknown == ["PG"]


def test_a_user_called_by_initials_is_matched_by_name_before_anyone_with_those_initials(make_user):
    make_user(name="Jody Nicholls")
    make_user(name="JN")
    assert names(PeopleDirectory().match("PG, LF & JN").owners) == ["JN"]


def test_every_separator_splits_a_list_of_people(make_user):
    for name in ("Vicky Boswell", "Lauren Cartwright", "Laura Ross", "Laura Reynolds", "Ann Other"):
        make_user(name=name)
    text = "Vicky Boswell / Lauren Cartwright, Laura Ross & Laura Reynolds and Ann Other\nvicky boswell"
    assert names(PeopleDirectory().match(text).owners) == [
        "Vicky Boswell", "Lauren Cartwright", "Laura Ross", "Laura Reynolds", "Ann Other"]


def test_a_name_holding_and_is_never_split(make_user):
    make_user(name="OD & Inclusion Team")
    make_user(name="Head of Nursing and Midwifery")
    match = PeopleDirectory().match("OD & Inclusion Team / Head of Nursing and Midwifery")
    assert names(match.owners) == ["OD & Inclusion Team", "Head of Nursing and Midwifery"]


def test_an_unknown_text_with_and_is_kept_whole(make_user):
    make_user(name="Lesley Faux")
    match = PeopleDirectory().match("Director of Finance and Estates / Lesley Faux")
    assert names(match.owners) == ["Lesley Faux"]
    assert match.unknown == ["Director of Finance and Estates"]


def test_with_names_supporting_leads_and_a_job_title_matches_its_holder(make_user):
    make_user(name="Dave Hewitt", job_title="CIO")
    make_user(name="Lesley Faux", job_title="EDI Lead")
    match = PeopleDirectory().match("Dave Hewitt, CIO with LF")
    assert names(match.owners) == ["Dave Hewitt"]
    assert names(match.supporting) == ["Lesley Faux"]
    match = PeopleDirectory().match("Staff Network Leads with EDI Lead")
    assert names(match.supporting) == ["Lesley Faux"] and match.unknown == ["Staff Network Leads"]


def test_names_without_separators_are_read_word_by_word_only_when_every_word_matches(make_user):
    for name in ("Kerry Smith", "BA", "RC", "JMcC"):
        make_user(name=name)
    assert names(PeopleDirectory().match("Kerry Smith BA RC JMcC").owners) == ["Kerry Smith", "BA", "RC", "JMcC"]
    assert PeopleDirectory().match("Kerry Smith Team").unknown == ["Kerry Smith Team"]


def test_an_alias_maps_one_text_to_several_users_and_is_audited(make_user):
    admin = make_user("admin", name="Lesley Faux")
    ba, execs = make_user(name="Bob Adams"), make_user(name="Executive Team")
    alias = save_alias(None, "BA / Execs", [ba, execs], admin)
    db.session.commit()
    assert names(PeopleDirectory().match("ba  / execs").owners) == ["Bob Adams", "Executive Team"]
    users, unknown = resolve_people(split_people("BA / Execs; Lesley Faux"))
    assert names(users) == ["Bob Adams", "Executive Team", "Lesley Faux"] and unknown == []
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.subject_type == "person_alias")).one()
    assert event.verb == "created" and event.changes["people"] == [None, ["Bob Adams", "Executive Team"]]
    delete_alias(alias, admin)
    db.session.commit()
    assert db.session.scalars(db.select(PersonAlias)).all() == []
    assert PeopleDirectory().match("BA / Execs").unknown == ["Execs"]  # BA: Bob Adams by initials


def test_email_matches_and_split_people_splits_only_at_semicolons_and_lines():
    assert split_people("Jo Bloggs; a@b.org\nPG & LF") == ["Jo Bloggs", "a@b.org", "PG & LF"]


def test_email_match(make_user):
    make_user(name="Jo Bloggs", email="jo@example.org")
    assert names(PeopleDirectory().match("JO@example.org").owners) == ["Jo Bloggs"]
