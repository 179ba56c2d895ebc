"""The header names the service "WRES and WDES action plans" on one line, from a 320 px phone to a desktop."""
from __future__ import annotations

import pytest
from browser_support import OWNER, chromium_accessible_name, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: How many lines an element's text takes: its height over its line height.
_LINES = """(e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))"""


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_header_names_both_standards_on_one_line(width, page_as):
    page = page_as(OWNER)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/my-actions")
    name = page.locator(".nhsuk-header__service-name")
    expect(name).to_have_text("WRES and WDES action plans")
    assert name.evaluate(_LINES) == 1
    assert page.title().startswith("My actions – WRES and WDES action plans – ")
    assert chromium_accessible_name(page, ".nhsuk-header__service-logo").endswith(
        "WRES and WDES action plans homepage")
    shoot(page, f"service-name-{width}")
