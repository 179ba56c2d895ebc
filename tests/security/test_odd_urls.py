"""Odd URLs are 404s (or 400s), never 500s: ids beyond the integer range and control characters.

Every route is checked from the URL map, signed in as an admin so that each request would reach
its view. Run on PostgreSQL too (TEST_DATABASE_URL): it is there that an id beyond the signed
32-bit range made the query fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.security.test_routes import _as, _url, world  # noqa: F401  (world is a fixture)

TOO_BIG = ["2147483648", "99999999999999999999"]
CONTROL = ["%00", "%01", "%0a", "%1f", "%7f"]
TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def _int_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if any(type(c).__name__.endswith("IntConverter") or "Integer" in type(c).__name__
                          for c in rule._converters.values())), key=lambda rule: rule.rule)


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


@pytest.fixture
def admin_client(client, world, make_user):  # noqa: F811
    _as(client, make_user("admin"))
    return client


def test_every_route_with_an_id_answers_404_for_an_id_beyond_the_integer_range(app, world, admin_client):  # noqa: F811
    rules = _int_rules(app)
    assert len(rules) >= 40, "expected every <int:...> route"
    for rule in rules:
        int_names = [name for name, c in rule._converters.items() if "Int" in type(c).__name__]
        for name in int_names:
            for value in TOO_BIG:
                url = _url(rule, {**world, name: value})
                response = admin_client.open(url, method=_method(rule))
                assert response.status_code == 404, (url, response.status_code)
                assert "Page not found" in response.get_data(as_text=True)


def test_the_largest_id_an_integer_column_holds_is_still_a_route(app, world, admin_client):  # noqa: F811
    assert admin_client.get("/actions/2147483647").status_code == 404
    assert admin_client.get(f"/actions/{world['action_id']}").status_code == 200
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/actions/2147483647") == ("actions.detail", {"action_id": 2147483647})


@pytest.mark.parametrize("query", [
    "owner={}", "forum={}", "indicator={}", "page={}", "owner={}&forum={}&indicator={}&page={}",
])
@pytest.mark.parametrize("value", TOO_BIG + ["-1", "1.5", "x", "²"])
def test_the_plan_page_reads_an_out_of_range_filter_as_no_filter(world, admin_client, query, value):  # noqa: F811
    response = admin_client.get(f"/plans/{world['plan_id']}?" + query.replace("{}", value))
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert "1.1" in page  # the plan's one action is listed: no filter applied


@pytest.mark.parametrize("path", [
    "/forums/{forum_id}?page={value}", "/admin/users?page={value}", "/reminders/outbox?page={value}",
    "/indicators/1?year={value}", "/indicators/enter?year={value}",
])
@pytest.mark.parametrize("value", TOO_BIG + ["x", "²"])
def test_pages_with_integer_query_parameters_read_an_out_of_range_value_as_absent(world, admin_client, path, value):  # noqa: F811
    url = path.format(value=value, **world)
    response = admin_client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def test_every_integer_query_parameter_is_read_through_query_int():
    """`request.args.get(name, type=int)` and `int(request.args...)` let any number through to the database."""
    offenders = []
    for path in TRACKER.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"request\.args\.get\([^)]*type=int|int\(\s*request\.args", text):
            offenders.append(f"{path.relative_to(TRACKER.parent)}: {match.group(0)}")
    assert offenders == []


@pytest.mark.parametrize("character", CONTROL)
def test_a_control_character_in_the_path_is_a_404(world, admin_client, client, character):  # noqa: F811
    for url in [f"/reminders/calendar/abc{character}.ics", f"/set-password/abc{character}",
                f"/plans/import/abc{character}", f"/indicators/import/abc{character}",
                f"/plans/import-docx/abc{character}", f"/static/tracker{character}.css",
                f"/assets/images/favicon{character}.ico", f"/plans/{world['plan_id']}{character}"]:
        response = admin_client.get(url)
        assert response.status_code == 404, (url, response.status_code)


def test_a_control_character_in_the_calendar_path_is_a_404_without_signing_in(client):
    response = client.get("/reminders/calendar/abc%00.ics")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("character", CONTROL)
def test_a_control_character_in_the_query_string_is_a_400(world, admin_client, character):  # noqa: F811
    for url in [f"/plans/{world['plan_id']}?status=a{character}b", f"/admin/users?role={character}",
                f"/reminders/outbox?status={character}", f"/sign-in?next=/{character}"]:
        response = admin_client.get(url)
        assert response.status_code == 400, (url, response.status_code)


FIELD_NAMES = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def test_every_form_posted_with_numbers_beyond_the_integer_range_is_refused_not_a_500(app, world, admin_client):  # noqa: F811
    """Each form page's fields (selects of people, forums and themes, hidden versions...) all sent as 2147483648."""
    posted = 0
    last = ("delete", "archive")  # these take the plan away from the forms after them
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint.endswith(last), rule.rule)):
        if not {"GET", "POST"} <= rule.methods:
            continue
        url = _url(rule, world)
        page = admin_client.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        names = set(FIELD_NAMES.findall(page.get_data(as_text=True))) - {"csrf_token"}
        for value in TOO_BIG:
            response = admin_client.post(url, data={name: value for name in names})
            assert response.status_code < 500, (url, sorted(names), response.status_code)
        posted += 1
    assert posted >= 20


def test_a_trailing_slash_on_a_page_redirects_to_the_page_keeping_the_query(app, world, admin_client):  # noqa: F811
    plan_id = world["plan_id"]
    response = admin_client.get(f"/plans/{plan_id}/?rag=amber&page=2")
    assert response.status_code == 308 and response.location == f"/plans/{plan_id}?rag=amber&page=2"
    assert admin_client.get(f"/plans/{plan_id}//").location == f"/plans/{plan_id}"
    assert admin_client.get(response.location).status_code == 200


def test_a_trailing_slash_on_an_unknown_page_or_another_host_is_still_a_404(app, world, admin_client):  # noqa: F811
    assert admin_client.get("/no-such-page/").status_code == 404
    protocol_relative = admin_client.get("/", environ_overrides={"PATH_INFO": "//evil.example/"})
    assert protocol_relative.status_code == 404 and protocol_relative.location is None
    beyond = admin_client.get("/plans/2147483648/")
    assert beyond.status_code == 404 and "Page not found" in beyond.get_data(as_text=True)
    unknown = admin_client.get("/plans/999999/", follow_redirects=True)
    assert unknown.status_code == 404 and "Page not found" in unknown.get_data(as_text=True)
