"""Nothing makes the browser reach outside the trust's network: every stylesheet, script, font, image,
icon and form target is on this site. (The browser test tests/e2e/test_e2e_no_outside_requests.py
loads every main page with outside hosts blocked.)"""
from __future__ import annotations

import re
from pathlib import Path

from tests.security.test_routes import _as, _url, world  # noqa: F401  (world is a fixture)

ROOT = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {".html", ".jinja", ".css", ".js", ".svg", ".json", ".txt", ".webmanifest", ".xml"}
#: A URL the browser would fetch or send to: src, href, action, srcset, poster, data, CSS url() and @import,
#: and a web manifest's "src" / "start_url" / "scope". Absolute (http:, https:) or protocol-relative (//host).
OUTSIDE = re.compile(
    r"""(?:\b(?:src|href|action|srcset|poster|data|formaction)\s*=\s*["']?\s*"""
    r"""|url\(\s*["']?\s*|@import\s+["']|"(?:src|start_url|scope)"\s*:\s*")"""
    r"""((?:https?:)?//[^\s"'<>)]+)""", re.I)
#: Links in page text that a person clicks deliberately (never fetched by themselves): file → URLs, with why.
TEXT_LINKS_ALLOWED: dict[str, set[str]] = {}
#: Emails are read in a mail client, not served as pages; their links point at this site's BASE_URL.
NOT_WEB_PAGES = ("templates/reminders/email/",)


def _outside_urls(text: str) -> list[str]:
    return [url for url in OUTSIDE.findall(text) if not re.match(r"(?:https?:)?//(?:127\.0\.0\.1|localhost)[:/]", url)]


def test_the_check_finds_outside_urls_wherever_a_browser_would_fetch_them():
    found = _outside_urls(
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        "<img src='//images.example.com/a.png'> <form action=https://forms.example.com/>"
        '@font-face{src:url(https://assets.nhs.uk/fonts/F.woff2) format("woff2")} @import "https://x.example/y.css";'
        '{"src": "https://icons.example.com/i.png"} <svg xmlns="http://www.w3.org/2000/svg">'
        '<a href="/plans/1"><script src="/static/tracker.js">')
    assert found == ["https://cdn.example.com/x.css", "//images.example.com/a.png", "https://forms.example.com/",
                     "https://assets.nhs.uk/fonts/F.woff2", "https://x.example/y.css", "https://icons.example.com/i.png"]


def test_no_template_or_static_file_points_outside():
    problems = []
    for folder in (ROOT / "templates", ROOT / "static"):
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(ROOT).as_posix()
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES or name.startswith(NOT_WEB_PAGES):
                continue
            for url in _outside_urls(path.read_text(encoding="utf-8", errors="replace")):
                if url not in TEXT_LINKS_ALLOWED.get(name, set()):
                    problems.append(f"{name}: {url}")
    assert problems == []


def test_the_nhsuk_stylesheet_loads_no_fonts_from_outside():
    css = (ROOT / "static" / "nhsuk" / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "assets.nhs.uk" not in css
    assert "font-family:Frutiger W01,arial,sans-serif" in css  # the NHS font stack falls back to Arial


def test_no_page_points_outside_for_anything_fetched_by_itself(app, client, world, make_user):  # noqa: F811
    """Rendered pages, signed in as the EDI lead: links a person clicks (<a href>) aside, no outside URL."""
    _as(client, make_user("admin"))
    checked = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in {"static", "nhsuk_assets"}:
            continue
        response = client.get(_url(rule, world))
        if response.mimetype != "text/html":
            continue
        checked += 1
        html = re.sub(r"<a\b[^>]*>", "<a>", response.get_data(as_text=True))
        assert _outside_urls(html) == [], rule.rule
    assert checked >= 30
