"""The whole live page's invariants (tests/page_invariants.js), checked after each kind of action of each section, in
one walk per width: no id used twice, every number drawn on a picture true to its section's answer, picture text at
least 11 CSS px, and no sideways scroll of the page; and section 6 on one screen at 1280x800 (Play, the data and
settings, the network, the boundary and the loss chart), on a phone the boundary right under the controls."""

from __future__ import annotations

from pathlib import Path

import pytest

CHECKER = (Path(__file__).parent / "page_invariants.js").read_text()

# Counts the page's requests still being answered: a request is settled once its answer has been read and the
# section's code that runs on it (promise callbacks, all before the next task) has shown it.
COUNT_REQUESTS = """() => {
  window.pending = 0;
  const fetchOnce = window.fetch;
  window.fetch = async (...args) => {
    window.pending++;
    let response;
    try { response = await fetchOnce(...args); } catch (error) { setTimeout(() => window.pending--); throw error; }
    const json = response.json.bind(response);
    response.json = () => json().finally(() => setTimeout(() => window.pending--));
    return response;
  };
}"""


# Section 6's board with Play at the top of the window: where its parts are, in px from the window's top.
BOARD = """() => {
  const train = document.querySelector("#train");
  train.querySelector("[data-part=play]").scrollIntoView({block: "start"});
  const at = (part) => train.querySelector(`[data-part=${part}]`).getBoundingClientRect();
  const parts = Object.fromEntries(["play", "dataset", "lr", "picture", "boundary", "chart"].map((p) => [p, at(p)]));
  return {height: innerHeight, ...Object.fromEntries(Object.entries(parts).map(([p, r]) => [p, [r.top, r.bottom]]))};
}"""


# Which neurons sections 2 and 3 draw as off (a dashed outline: not by colour alone), and whether section 3's picture
# says which input its values are for.
OFF_MARKED = """() => {
  const off = (section) => [...document.querySelectorAll(`#${section} .picture g.neuron.off`)]
    .filter((g) => g.querySelector("circle").getAttribute("stroke-dasharray"))
    .map((g) => g.id.replace(/^.*neuron-/, ""));
  const legend = document.querySelector("#loop .picture").textContent;
  return {playground: off("playground"), loop: off("loop"), "loop says its input": legend.includes("input x = (0, 1)")};
}"""


def board_problems(tab, width: int) -> list[str]:
    """At 1280 px, what of section 6 is not on one screen with Play; on a phone, whether the boundary is not the
    first thing under the controls."""
    board = tab.evaluate(BOARD)
    height = board.pop("height")
    if width >= 1280:
        return [
            f"{name} at {top:.0f}-{bottom:.0f} px"
            for name, (top, bottom) in board.items()
            if top < -1 or bottom > height + 1
        ]
    under = sorted(board, key=lambda name: board[name][0])
    return [] if under[:3] == ["play", "lr", "boundary"] else [f"top to bottom: {under}"]


def in_section(tab, name: str):
    return tab.locator(f"#{name}")


def part(tab, section: str, name: str):
    return in_section(tab, section).locator(f"[data-part={name}]").first


def button(tab, section: str, name: str):
    return in_section(tab, section).get_by_role("button", name=name, exact=True)


def walk(tab):
    """Each kind of action of each section, as (section, what was done, the action)."""
    neuron = in_section(tab, "neuron")
    pg = in_section(tab, "playground")
    train = in_section(tab, "train")
    return [
        ("neuron", "a slider moved", lambda: neuron.get_by_label("w1", exact=True).fill("1.5")),
        ("neuron", "another activation", lambda: part(tab, "neuron", "act").select_option("tanh")),
        ("playground", "x1 moved", lambda: pg.get_by_label("x1", exact=True).fill("0.9")),
        ("playground", "a weight typed", lambda: pg.get_by_label("w x1→h3").fill("2.5")),
        ("playground", "a neuron focused", lambda: pg.locator("[data-part=neurons] li").nth(3).focus()),
        ("playground", "reset", lambda: button(tab, "playground", "Reset weights").click()),
        *[("loop", f"Next ({phase})", lambda: button(tab, "loop", "Next").click()) for phase in range(5)],
        ("loop", "Back", lambda: button(tab, "loop", "Back").click()),
        ("loop", "Reset", lambda: button(tab, "loop", "Reset").click()),
        ("backprop", "Next", lambda: button(tab, "backprop", "Next").click()),
        ("backprop", "Next again", lambda: button(tab, "backprop", "Next").click()),
        ("backprop", "Back", lambda: button(tab, "backprop", "Back").click()),
        ("backprop", "the neuron loaded", lambda: load(tab, "the lecture's neuron")),
        ("quiz", "the quick check answered", lambda: answer_check(tab)),
        ("train", "Step", lambda: button(tab, "train", "Step (one training step)").click()),
        ("train", "Run N steps", lambda: run_steps(tab, 2)),
        ("train", "Show gradients", lambda: train.get_by_label("Show gradients").check()),
        ("train", "a layer added", lambda: button(tab, "train", "Add layer").click()),
        ("train", "a layer removed", lambda: button(tab, "train", "Remove layer").click()),
        ("train", "another dataset", lambda: train.get_by_label("dataset").select_option(index=1)),
        ("train", "a point typed", lambda: typed_point(tab)),
        ("train", "Reset", lambda: button(tab, "train", "Reset").click()),
    ]


def load(tab, graph: str) -> None:
    in_section(tab, "backprop").get_by_label(graph).check()
    button(tab, "backprop", "Load").click()


def answer_check(tab) -> None:
    in_section(tab, "quiz").get_by_role("radio").first.check()
    button(tab, "quiz", "Check answer").click()


def run_steps(tab, n: int) -> None:
    in_section(tab, "train").get_by_label("N", exact=True).fill(str(n))
    button(tab, "train", "Run N steps").click()


def typed_point(tab) -> None:
    x1 = in_section(tab, "train").get_by_label("x1", exact=True)
    x1.fill("0.25")
    x1.dispatch_event("change")


@pytest.mark.parametrize("width", [1280, 375])
def test_every_section_keeps_the_page_invariants_after_each_kind_of_action(new_tab, width):
    errors: list[str] = []
    tab = new_tab("?stop=0", errors=errors, viewport={"width": width, "height": 800})
    tab.evaluate(COUNT_REQUESTS)
    marked = tab.evaluate(OFF_MARKED)
    assert marked == {"playground": ["h3"], "loop": ["h2", "h3"], "loop says its input": True}, marked
    found = {"at load": tab.evaluate(CHECKER) + board_problems(tab, width)}
    for section, what, action in walk(tab):
        action()
        tab.wait_for_function("window.pending === 0")
        found[f"{section}: {what}"] = tab.evaluate(CHECKER)
        if what == "a layer added":  # 3 hidden layers of 8: the widest network with every weight labelled
            found[f"{section}: {what}"] += board_problems(tab, width)
    broken = {when: problems for when, problems in found.items() if problems}
    assert broken == {}, f"at {width} px wide, the page invariants broke: {broken}"
    assert errors == [], errors
