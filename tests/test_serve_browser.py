"""The live lesson in headless Chromium: the page shows the engine's numbers and answers the keyboard. Each test walks
many checks in one page load, each named (a failure says which), in an order where one's state does not spoil the
next: the sections keep their own states, and a check that moves one puts it back or comes after the checks that
need it as it was."""

from __future__ import annotations

import re

from test_train_browser import check


def set_slider(page, section: str, label: str, value: float) -> None:
    """Set a range input found by its label, as a drag would: the input event fires."""
    page.locator(f"#{section}").get_by_label(label, exact=True).fill(str(value))


def output(page):
    """The playground's output text."""
    from playwright.sync_api import expect

    return expect(page.locator("#playground [data-part=output]"))


def test_sections_1_to_3_show_the_engines_numbers_and_answer_the_keyboard_and_a_dropped_session(page, refused):
    from playwright.sync_api import expect

    with check("the playground's output at the lesson's inputs"):
        output(page).to_have_text("0.5125")
        set_slider(page, "playground", "x1", 1.0)
        output(page).to_have_text("0.6330")
        set_slider(page, "playground", "x1", 0.5)
        output(page).to_have_text("0.5125")

    with check("a fast drag ends on the right output"):
        for step in range(0, 101, 3):
            set_slider(page, "playground", "x1", step / 100)
        set_slider(page, "playground", "x1", 1.0)
        output(page).to_have_text("0.6330")
        for step in range(100, 49, -7):
            set_slider(page, "playground", "x1", step / 100)
        set_slider(page, "playground", "x1", 0.5)
        output(page).to_have_text("0.5125")

    with check("the off relu is marked"):
        expect(page.locator("#playground [data-part=neurons] li[data-id=h3]")).to_contain_text("off")

    with check("editing a weight with the keyboard changes the output"):
        output(page).to_have_text("0.5125")
        weight = page.locator("#playground").get_by_label("w h1→out")
        weight.focus()
        page.keyboard.press("ArrowUp")
        output(page).not_to_have_text("0.5125")
        page.keyboard.press("ArrowDown")
        output(page).to_have_text("0.5125")

    with check("focusing a neuron shows its four steps"):
        page.locator("#playground [data-part=neurons] li[data-id=out]").focus()
        expect(page.locator("#playground [data-part=explain]")).to_contain_text("= 0.5125")

    with check("hovering a neuron in the picture shows its steps"):
        page.locator('#playground [data-part=picture] [id$="-neuron-h3"]').hover()
        expect(page.locator("#playground [data-part=explain]")).to_contain_text("Neuron h3 (off)")

    with check("the neuron shows its four steps with the numbers in"):
        neuron = page.locator("#neuron")
        steps = page.locator("#neuron [data-part=steps]")
        expect(steps).to_contain_text("3. sum plus bias: 0.3000 - 0.4000 + 0.3000 = 0.2000")
        expect(steps).to_contain_text("4. activation: relu(0.2000) = 0.2000")  # not relu(0) = 0: the first thing seen
        neuron.get_by_label("activation").select_option("sigmoid")
        expect(steps).to_contain_text("4. activation: sigmoid(0.2000) = 0.5498")
        set_slider(page, "neuron", "b", 1.0)
        expect(steps).to_contain_text("= 0.9000")

    loop = page.locator("#loop")
    status = page.locator("#loop [data-part=status]")
    with check("the five-step loop steps forward and back"):
        expect(status).to_contain_text("step 1 of 5")
        loop.get_by_role("button", name="Next").click()
        expect(status).to_contain_text("step 2 of 5")
        loop.get_by_role("button", name="Next").click()
        expect(page.locator("#loop [data-part=record]")).to_contain_text("loss:")
        loop.get_by_role("button", name="Back").click()
        expect(status).to_contain_text("step 2 of 5")
        loop.get_by_role("button", name="Reset").click()
        expect(status).to_contain_text("step 1 of 5")

    with check("arrow keys step the loop"):
        loop.get_by_role("button", name="Reset").focus()
        page.keyboard.press("ArrowRight")
        expect(status).to_contain_text("step 2 of 5")
        page.keyboard.press("ArrowLeft")
        expect(status).to_contain_text("step 1 of 5")

    with check("the five-step loop shows the off relu getting gradient 0"):
        for phase in ("step 2 of 5", "step 3 of 5", "step 4 of 5"):
            loop.get_by_role("button", name="Next").click()
            expect(status).to_contain_text(phase)
        expect(page.locator("#loop [data-part=record]")).to_contain_text(
            "h3 is off for every input, so no gradient flows back through it: w x1→h3 grad 0.0000"
        )

    with check("a dropped session recovers with a message"):
        page.evaluate("lesson.session = 'dropped-long-ago'")
        set_slider(page, "playground", "x1", 1.0)
        output(page).to_have_text("0.6330")
        expect(page.locator("#notice")).to_contain_text("session has ended")
        page.wait_for_load_state("networkidle")  # every request sent with the dropped session has been answered
        refused(410)  # Chromium logs each refused request (section 6's too); the page recovered


def test_sections_4_and_5_step_refuse_and_score_every_control_is_named_and_a_stopped_server_is_named(
    page, console_errors
):
    from playwright.sync_api import expect

    with check("every control has a visible label and every button a name"):
        unlabelled = page.evaluate(
            """[...document.querySelectorAll("input, select")]
                 .filter((e) => ![...e.labels].some((l) => l.offsetParent !== null && l.textContent.trim()))
                 .map((e) => e.id || e.name)"""
        )
        nameless = page.evaluate("[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim()).length")
        assert unlabelled == [] and nameless == 0
        sizes = page.evaluate(  # every select and box at the text's own size, not the browser's smaller form font
            """[...document.querySelectorAll(".lesson select, .lesson input[type=text], .lesson input[type=number]")]
                 .map((e) => getComputedStyle(e).fontSize === getComputedStyle(e.parentElement).fontSize)"""
        )
        assert sizes and all(sizes)
        assert page.locator("text=Keyboard:").is_visible()

    section = page.locator("#backprop")
    with check("stepping the lecture's expression gives a grad 6 and b grad -4"):
        expect(page.locator("#backprop [data-part=status]")).to_contain_text("step 0 of 6")
        expect(section.get_by_label("expression")).to_be_disabled()  # the lecture's L is chosen: not a typed one
        section.get_by_label("your own").check()
        expect(section.get_by_label("expression")).to_be_enabled()
        section.get_by_label("the lecture's L").check()
        for step in range(1, 7):
            section.get_by_role("button", name="Next").click()
            expect(page.locator("#backprop [data-part=status]")).to_contain_text(f"step {step} of 6")
        table = page.locator("#backprop [data-part=nodes]")
        expect(table.get_by_role("row", name=re.compile("^a "))).to_contain_text("+6.0000")
        expect(table.get_by_role("row", name=re.compile("^b "))).to_contain_text("−4.0000")
        row_a = table.get_by_role("row", name=re.compile("^a "))
        expect(row_a).to_contain_text("(agrees)")  # the nudge check's verdict
        for step in (5, 4):  # back to before step 5 (e -> a), which gives a its gradient
            section.get_by_role("button", name="Back").click()
            expect(page.locator("#backprop [data-part=status]")).to_contain_text(f"step {step} of 6")
        # a not reached yet: its grad and its nudge check blank,
        expect(row_a.get_by_role("cell").nth(1)).to_have_text("")  # not 0, so the nudge column gives nothing away
        expect(row_a.get_by_role("cell").nth(2)).to_have_text("")

    with check("a hostile expression is refused with a message and the next request works"):
        section.get_by_label("your own").check()
        section.get_by_label("expression").fill("__import__('os').system('true')")
        section.get_by_role("button", name="Load").click()
        expect(page.locator("#backprop [data-part=error]")).to_contain_text("not allowed")
        assert console_errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
        console_errors.clear()  # Chromium logs every refused request; this one was expected
        section.get_by_label("expression").fill("a*b")
        section.get_by_label("inputs", exact=True).fill("a=3 b=4")
        section.get_by_role("button", name="Load").click()
        expect(page.locator("#backprop [data-part=status]")).to_contain_text("a*b: step 0 of 2")
        expect(page.locator("#backprop [data-part=error]")).to_have_text("")

    with check("the quiz keeps a score"):
        quiz = page.locator("#quiz")
        expect(quiz).to_contain_text("Each question gives you two tries")  # which tries count, said up front
        quiz.get_by_label("B. ").first.check()
        quiz.get_by_role("button", name="Check question 1", exact=True).click()
        expect(page.locator("#quiz [data-part=score]")).to_contain_text("Score: 1 of 1 right (1 at the first try)")
        exercise = quiz.locator("[data-item=q5]")
        exercise.get_by_role("textbox").fill("5")
        quiz.get_by_role("button", name="Check question 5", exact=True).click()
        expect(exercise.locator(".verdict")).to_contain_text("Try again. Not quite: you said 5. Hint:")
        exercise.get_by_role("textbox").fill("6")
        quiz.get_by_role("button", name="Check question 5", exact=True).click()
        expect(exercise.locator(".verdict")).to_contain_text("Right on the second try.")
        expect(page.locator("#quiz [data-part=score]")).to_contain_text("Score: 2 of 2 right (1 at the first try)")

    with check("a stopped server is named with how to start it, and the page picks up again"):
        page.route("**/*", lambda route: route.abort())  # the server stopped: nothing answers
        set_slider(page, "playground", "x1", 1.0)
        expect(page.locator("#notice")).to_contain_text("Start it again with `micrograd-lesson serve`")
        expect(page.locator("#playground [data-part=error]")).to_contain_text("server is not answering")
        page.unroute("**/*")  # started again: the page asks every few seconds and shows every section afresh
        expect(page.locator("#notice")).to_contain_text("answers again")
        expect(page.locator("#playground [data-part=error]")).to_have_text("")
        output(page).to_have_text("0.5125")
        assert all("ERR_FAILED" in line for line in console_errors), console_errors  # the refused requests, logged
        console_errors.clear()


SECTIONS = ["neuron", "playground", "loop", "backprop", "quiz"]


def test_no_horizontal_scroll_at_375_px_and_no_transitions_when_the_system_asks_for_reduced_motion(new_tab):
    tab = new_tab("#" + SECTIONS[0], viewport={"width": 375, "height": 800})
    for section in SECTIONS:
        with check(f"no horizontal scroll at 375 px, at #{section}"):
            tab.evaluate(f"location.hash = '#{section}'")  # the section's link followed: the page scrolled to it
            assert tab.evaluate("document.documentElement.scrollWidth") <= 375

    with check("no transitions when the system asks for reduced motion"):
        tab.emulate_media(reduced_motion="reduce")
        durations = tab.evaluate(
            "[...document.querySelectorAll('*')].map((e) => getComputedStyle(e).transitionDuration)"
            ".filter((d) => d !== '0s')"
        )
        assert durations == []
