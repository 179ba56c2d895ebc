"""The EDI lead says what texts used in plans mean: an alias maps one text to one or more users."""
from tracker.audit.models import AuditEvent
from tracker.auth.models import PersonAlias
from tracker.auth.people import PeopleDirectory
from tracker.extensions import db


def test_the_edi_lead_adds_changes_and_deletes_an_alias(client, sign_in, make_user):
    admin = make_user("admin", name="Lesley Faux")
    make_user(name="Bob Adams", email="bob@example.org")
    make_user(name="Executive Team", email=None)
    sign_in(admin)
    response = client.post("/admin/aliases/new", data={"text": "BA / Execs", "people": "bob@example.org\nExecutive Team"})
    assert response.status_code == 302
    alias = db.session.scalars(db.select(PersonAlias)).one()
    assert [u.name for u in alias.users] == ["Bob Adams", "Executive Team"]
    page = client.get("/admin/aliases").get_data(as_text=True)
    assert "BA / Execs" in page and "Bob Adams, Executive Team" in page
    assert [u.name for u in PeopleDirectory().match("BA / Execs").owners] == ["Bob Adams", "Executive Team"]

    response = client.post(f"/admin/aliases/{alias.id}", data={"text": "BA / Execs", "people": "Lesley Faux"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [u.name for u in db.session.get(PersonAlias, alias.id).users] == ["Lesley Faux"]
    assert "Lesley Faux" in client.get(f"/admin/aliases/{alias.id}").get_data(as_text=True)

    assert client.post(f"/admin/aliases/{alias.id}/delete").status_code == 302
    assert db.session.scalars(db.select(PersonAlias)).all() == []
    verbs = db.session.scalars(db.select(AuditEvent.verb).where(AuditEvent.subject_type == "person_alias")
                               .order_by(AuditEvent.id)).all()
    assert verbs == ["created", "updated", "deleted"]


def test_an_alias_naming_nobody_known_is_refused_and_nothing_is_stored(client, sign_in, make_user):
    sign_in(make_user("admin"))
    response = client.post("/admin/aliases/new", data={"text": "Execs", "people": "Nobody Known"})
    assert response.status_code == 400
    assert "No user is called Nobody Known" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(PersonAlias)).all() == []


def test_the_same_text_cannot_be_two_aliases(client, sign_in, make_user):
    admin = make_user("admin", name="Lesley Faux")
    sign_in(admin)
    assert client.post("/admin/aliases/new", data={"text": "EDI Lead", "people": "Lesley Faux"}).status_code == 302
    response = client.post("/admin/aliases/new", data={"text": "edi  lead", "people": "Lesley Faux"})
    assert response.status_code == 400 and "is already an alias" in response.get_data(as_text=True)


def test_owners_cannot_see_or_change_aliases(client, sign_in, make_user):
    sign_in(make_user("owner"))
    assert client.get("/admin/aliases").status_code == 403
    assert client.post("/admin/aliases/new", data={"text": "X", "people": "Y"}).status_code == 403
