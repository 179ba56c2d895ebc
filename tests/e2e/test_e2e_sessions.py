"""The EDI lead sees where a board member is signed in and signs them out everywhere; the board
member's open browser is sent to sign in again. A mistyped email shows on the Sign-ins page."""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, VIEWER, check_accessibility, describe, shoot, sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_edi_lead_signs_a_board_member_out_everywhere(page_as, live_server, browser):
    member_context = browser.new_context(base_url=live_server.base_url)
    try:
        member = member_context.new_page()
        member.goto("/sign-in")
        member.get_by_label("Email address").fill("nobody.here@example.org")
        member.get_by_label("Password").fill("a-wrong-guess")
        member.get_by_role("button", name="Sign in").click()
        expect(member.get_by_text("Email address or password is not right").first).to_be_visible()
        sign_in(member, VIEWER)
        expect(member.get_by_role("heading", level=1)).to_be_visible()

        user_id = live_server.query("SELECT id FROM users WHERE email = ?", VIEWER)[0][0]
        admin = page_as(ADMIN)
        admin.goto(f"/admin/users/{user_id}")
        expect(admin.get_by_role("heading", name="Sessions")).to_be_visible()
        sessions_table = admin.get_by_role("table", name=re.compile("is signed in"))
        expect(sessions_table).to_contain_text("Chrome on Linux")
        shoot(admin, "sessions1-user-page-sessions")
        violations = check_accessibility(admin, "sessions1-user-page-sessions")
        assert not violations, describe(violations)
        admin.get_by_role("button", name=re.compile("out everywhere$")).click()
        expect(admin.locator(".app-flash[role=status]")).to_contain_text("is signed out everywhere")
        expect(admin.get_by_text("is not signed in anywhere")).to_be_visible()

        member.goto("/plans/")
        member.wait_for_url(re.compile(r"/sign-in\?next="))
        expect(member.get_by_text("Your session has ended. Sign in again.")).to_be_visible()
        shoot(member, "sessions2-signed-out-everywhere")
        live_server.storage_states.pop(VIEWER, None)

        admin.goto("/admin/sign-ins")
        expect(admin.get_by_role("heading", level=1)).to_have_text("Sign-ins")
        expect(admin.get_by_role("row", name=re.compile("nobody.here@example.org"))).to_contain_text("Unknown email")
        expect(admin.get_by_role("row", name=re.compile("Signed out everywhere")).first).to_be_visible()
        shoot(admin, "sessions3-sign-ins-page")
        violations = check_accessibility(admin, "sessions3-sign-ins-page")
        assert not violations, describe(violations)
    finally:
        member_context.close()
