"""The tags and row links list pages render from Python rather than Jinja macros."""
from flask import url_for

from tracker.rag import STATUS_WORDS
from tracker.templating import action_url, rag_tag, status_tag


def test_every_rag_tag_carries_its_word_beside_its_colour():
    assert rag_tag("red") == '<strong class="nhsuk-tag nhsuk-tag--red">Red</strong>'
    assert rag_tag("amber") == '<strong class="nhsuk-tag nhsuk-tag--orange">Amber</strong>'
    assert rag_tag("blue") == '<strong class="nhsuk-tag nhsuk-tag--blue">Blue (complete)</strong>'
    assert rag_tag(None) == rag_tag("purple") == '<strong class="nhsuk-tag nhsuk-tag--grey">Not rated</strong>'


def test_a_status_tag_escapes_the_status():
    assert status_tag("ON TRACK") == '<strong class="nhsuk-tag nhsuk-tag--white">ON TRACK</strong>'
    assert status_tag("<script>") == '<strong class="nhsuk-tag nhsuk-tag--white">&lt;script&gt;</strong>'
    assert "No status" in status_tag(None)


def test_every_status_word_has_its_tag_built_once():
    for word in STATUS_WORDS:
        assert status_tag(word) is status_tag(word) == f'<strong class="nhsuk-tag nhsuk-tag--white">{word}</strong>'
    assert status_tag("ON <TRACK>") == '<strong class="nhsuk-tag nhsuk-tag--white">ON &lt;TRACK&gt;</strong>'


def test_row_links_match_url_for(app):
    with app.test_request_context("/plans/1", base_url="https://tracker.example.org/wres/"):
        for action_id in (1, 10, 12345):
            assert action_url(action_id) == url_for("actions.detail", action_id=action_id)
        assert action_url(7).startswith("/wres/actions/")


def test_rag_counts_list_the_non_zero_ratings_worst_first():
    from collections import Counter

    from tracker.templating import rag_counts

    assert rag_counts(Counter({"green": 4, None: 1, "red": 2, "amber": 0})) == "Red 2, Green 4, Not rated 1"
    assert rag_counts(Counter()) == ""


def test_every_page_names_the_service_wres_and_wdes_action_plans(client, make_user, sign_in):
    from tracker.admin.models import OrganisationSettings
    from tracker.extensions import db

    page = client.get("/sign-in").get_data(as_text=True)
    assert "<title>Sign in &ndash; WRES and WDES action plans &ndash; NHS Trust</title>" in page
    assert 'aria-label="NHS NHS Trust WRES and WDES action plans homepage"' in page
    assert '<span class="nhsuk-header__service-name">WRES and WDES action plans</span>' in page
    assert "Sign in to update your actions in the WRES and WDES action plans." in page
    assert "WRES action plan" not in page
    db.session.add(OrganisationSettings(trust_name="Leeds and York Partnership NHS Foundation Trust", bme_label="BME",
                                        lead_director="", report_author=""))
    db.session.commit()
    sign_in(make_user("owner", name="Ama Owusu"))
    page = client.get("/my-actions").get_data(as_text=True)
    assert "&ndash; WRES and WDES action plans &ndash; Leeds and York Partnership NHS Foundation Trust</title>" in page
    assert 'aria-label="NHS Leeds and York Partnership NHS Foundation Trust WRES and WDES action plans homepage"' in page
    assert "WRES and WDES action plan tracker for Leeds and York Partnership NHS Foundation Trust" in page


def test_the_layout_writes_only_ascii_so_a_page_of_ascii_data_stays_one_byte_a_character(client, make_user, sign_in):
    """A page's text is one Python string: a single character beyond Latin-1 in the layout (a dash, a
    curly quote) makes every character of every page take two bytes, to join and to encode. The layout
    writes such characters as entities (&ndash;, &copy;)."""
    from tracker.admin.models import OrganisationSettings
    from tracker.extensions import db

    db.session.add(OrganisationSettings(trust_name="Riverside NHS Trust", bme_label="BME", lead_director="",
                                        report_author=""))
    db.session.commit()
    sign_in(make_user("owner", name="Ama Owusu"))
    for path in ("/my-actions", "/plans/"):
        page = client.get(path).get_data(as_text=True)
        assert "&ndash; WRES and WDES action plans &ndash; Riverside NHS Trust" in page
        assert page.isascii(), (path, sorted({character for character in page if not character.isascii()}))
