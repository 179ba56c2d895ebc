"""Browser: the EDI lead's WDES journey, from the header to a linked action.

The EDI lead opens "WDES metrics" from the header, follows the import link, uploads a WDES pack
(the ESR extract with both Ethnic Origin and Disability, and the recruitment, capability, survey and
board files), checks the preview's figures, confirms, opens metric 2 and reads its relative
likelihood and 95% confidence interval, then opens the action of a WDES plan linked to metric 2.
axe runs on every page (no serious or critical findings) and each page is shot at desktop width and
at 390 px (tests/artifacts/browser/wdes-journey-*.png).

It runs on a server of its own (own_live_server): it stores a WDES year and adds a plan.
"""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, NEXT_YEAR, check_accessibility, describe
from playwright.sync_api import expect

from tests.indicators.wdes_packs import HEADCOUNT, pack

pytestmark = pytest.mark.browser

#: Metric 2 from tests/indicators/wdes_packs.RECRUITMENT, worked by hand: non-disabled 100 appointed of
#: 400 shortlisted (0.25), Disabled 20 of 100 (0.20); relative likelihood 0.25 / 0.20 = 1.25.
#: 95% CI by the log method: SE of ln RR = sqrt(1/100 - 1/400 + 1/20 - 1/100) = sqrt(0.0475) = 0.21794;
#: 1.25 × exp(∓1.96 × 0.21794) = 1.25 × exp(∓0.42717) = 0.8154 to 1.9161, shown as 0.82 to 1.92.
RELATIVE_LIKELIHOOD, CI_TEXT = "1.25", "0.82 to 1.92"
YEAR = 2025
ACTION_TEXT = "Anonymise shortlisting and add a Disabled panel member to every band 6 and above interview"


def _add_wdes_plan_with_an_action_on_metric_2(database) -> None:
    """Through the app's services, as the plan page would: a WDES plan for next year, one action on metric 2."""
    from tracker import create_app
    from tracker.actions.service import ActionData, create_action
    from tracker.database import committing
    from tracker.plans.service import PlanData, add_theme, create_plan

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context(), committing():
        plan = create_plan(PlanData(year=NEXT_YEAR, title=f"WDES Action Plan {NEXT_YEAR}", standard="wdes"), None)
        theme = add_theme(plan, "1", "Fair recruitment for Disabled applicants", None)
        create_action(plan, ActionData(ref="1.1", text=ACTION_TEXT, theme=theme, by_when="Mar 2028",
                                       measures=["wdes:2"], high_impact_actions=[6]), None)


@pytest.fixture(scope="module")
def live_server(own_live_server):
    _add_wdes_plan_with_an_action_on_metric_2(own_live_server.database)
    return own_live_server


def _check(page, name: str) -> None:
    """Screenshot and axe (no serious or critical findings) at desktop width and at 390 px, with no sideways scrolling."""
    page.set_viewport_size({"width": 1280, "height": 900})
    violations = check_accessibility(page, f"wdes-journey-{name}-desktop")
    assert not violations, f"{name}:\n{describe(violations)}"
    page.set_viewport_size({"width": 390, "height": 800})
    violations = check_accessibility(page, f"wdes-journey-{name}-390")
    assert not violations, f"{name} at 390 px:\n{describe(violations)}"
    # Measured after the screenshot, once the header has folded its links under More for the narrow window.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, f"{name} scrolls sideways at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_edi_lead_imports_a_wdes_pack_reads_metric_2_and_opens_its_action(page_as, live_server, tmp_path):
    for name, data in pack().items():
        (tmp_path / name).write_bytes(data)
    page = page_as(ADMIN)
    page.goto("/my-actions")
    page.get_by_role("link", name="WDES metrics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("WDES metrics")
    _check(page, "metrics")

    page.get_by_role("link", name="Import a year's WDES data pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("WDES")
    _check(page, "import")
    page.get_by_label("WDES year").fill(str(YEAR))
    page.locator("input[type=file][name=files]").set_input_files(sorted(tmp_path.iterdir()))
    page.get_by_role("button", name="Check the files").click()

    page.wait_for_url(re.compile(r"/wdes/import/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check the {YEAR} WDES data pack")
    expect(page.get_by_text(f"{HEADCOUNT} staff, of whom 5 Disabled, 30 non-disabled and 7 not declared")).to_be_visible()
    figures = page.get_by_role("table", name=f"Figures that will be stored for {YEAR}")
    # Metric 1: 5 Disabled of 42 staff = 11.90%; metric 2 as worked above.
    expect(figures).to_contain_text("11.90%")
    expect(figures).to_contain_text(RELATIVE_LIKELIHOOD)
    _check(page, "preview")
    page.get_by_role("button", name=f"Confirm and store the {YEAR} WDES results").click()

    page.wait_for_url(re.compile(r"/wdes/?$"))
    expect(page.get_by_text(f"The {YEAR} WDES results have been stored.")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(r"Trust performance against the WDES metrics"))
    expect(table).to_contain_text(str(YEAR))
    page.get_by_role("link", name="WDES 2: Appointment from shortlisting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Appointment from shortlisting")
    expect(page.get_by_role("heading", name=f"Results for {YEAR}")).to_be_visible()
    likelihood = page.locator(".nhsuk-summary-list__row", has_text="Relative likelihood")
    expect(likelihood.locator("dd")).to_have_text(RELATIVE_LIKELIHOOD)
    interval = page.locator(".nhsuk-summary-list__row", has_text="95% confidence interval")
    expect(interval.locator("dd")).to_have_text(f"{CI_TEXT}: it includes 1.00, so the difference may be chance")
    _check(page, "metric-2")

    expect(page.get_by_role("heading", level=3, name=re.compile(f"WDES Action Plan {NEXT_YEAR}"))).to_be_visible()
    linked = page.get_by_role("table", name=f"Actions linked to WDES 2 in WDES Action Plan {NEXT_YEAR}")
    linked.get_by_role("link", name="Action 1.1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Action 1.1")
    expect(page.get_by_text(ACTION_TEXT).first).to_be_visible()
    expect(page.get_by_text(NEXT_YEAR).first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Appointment from shortlisting")
    _check(page, "action")
