"""The live page in headless Chromium when a section cannot work: the others go on, and it says how to fix it."""

from __future__ import annotations

import pytest

WAIT = 60_000  # ms: a ceiling for the page to reach the state, never a pause


@pytest.fixture
def no_graphviz(monkeypatch):
    """Graphviz missing (MICROGRAD_LESSON_DOT names no program), for the server the page talks to (in this process);
    put it before `page` in a test's arguments, so the page loads without it."""
    from micrograd_lesson.viz.render import ENV_VAR

    monkeypatch.setenv(ENV_VAR, "/no/such/dot")


def test_without_graphviz_the_page_works_and_section_4_says_how_to_fix_it(no_graphviz, page, refused):
    """(Issue 26 item 7: before, every new session laid out section 4's graph, so the whole page was dead.)"""
    from playwright.sync_api import expect

    expect(page.locator("#backprop [data-part=error]")).to_contain_text("pip install graphviz-pure", timeout=WAIT)
    expect(page.locator("#backprop [data-part=error]")).to_contain_text("Section 4")
    expect(page.locator("#playground [data-part=output]")).to_have_text("0.5125", timeout=WAIT)
    page.locator("#playground").get_by_label("x1", exact=True).fill("1")
    expect(page.locator("#playground [data-part=output]")).to_have_text("0.6330", timeout=WAIT)
    page.locator("#loop").get_by_role("button", name="Next").click()
    expect(page.locator("#loop [data-part=status]")).to_contain_text("step 2 of 5", timeout=WAIT)
    expect(page.locator("#loop [data-part=error]")).to_have_text("")
    expect(page.locator("#neuron [data-part=steps] li")).to_have_count(4, timeout=WAIT)
    refused(503)  # Chromium logs the refused request of section 4
