"""Section 6's page features in headless Chromium, each walked in one page load: the picture's toggles and the URL,
a weight set on the network picture by keyboard, the parameter table, and one point's loss graph stepped backward."""

from __future__ import annotations

import re

from test_train_browser import at_step, button, expect, no_stop, part, readout, section

# Pixels of the boundary plot in the points' dark colours (the plot's own tints stop short of them) and how many
# of its pixels its two commonest colours cover: hiding the test points drops dark pixels, discretizing paints the
# plane in two flat colours.
PLOT_COUNTS = """() => {
  const canvas = document.querySelector('#train [data-part=boundary]');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const dark = [[0x17, 0x4a, 0x9c], [0xa8, 0x4f, 0x00]], counts = new Map();
  let darkPixels = 0;
  for (let i = 0; i < data.length; i += 4) {
    const colour = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(colour, (counts.get(colour) || 0) + 1);
    if (dark.some((c) => c.every((v, k) => Math.abs(v - data[i + k]) <= 30))) darkPixels++;
  }
  const [first, second] = [...counts.values()].sort((a, b) => b - a);
  return {dark: darkPixels, flat: (first + (second || 0)) / (data.length / 4)};
}"""

STATE = "lesson.sections.live_training.train.state"
POINT_5 = """() => {  // where training point 5 is drawn on the plot, in CSS pixels from its corner, and the first
  // training point drawn there
  const {train, plane} = lesson.sections.live_training, canvas = document.querySelector('#train [data-part=boundary]');
  const map = plane(train.picture.grid, canvas.width, canvas.height), [x1, x2] = train.state.points.train[4];
  const shown = canvas.getBoundingClientRect();
  const first = train.state.points.train.findIndex(([a, b]) => a === x1 && b === x2);  // XOR's points coincide
  return [map.toX(x1) * shown.width / canvas.width, map.toY(x2) * shown.height / canvas.height, first];
}"""


# Section 6's controls whose text does not read whole: a menu narrower than its widest choice (a copy of it at its own
# width is wider), a readout's number broken over two lines.
CUT_TEXT = """() => {
  const cut = [];
  for (const select of document.querySelectorAll('#train select')) {
    if (!select.offsetParent) continue;
    const copy = select.cloneNode(true);
    copy.removeAttribute('id');
    copy.style.cssText = 'position: absolute; width: auto !important; max-width: none';
    select.after(copy);
    if (copy.getBoundingClientRect().width > select.getBoundingClientRect().width + 0.5) cut.push(select.dataset.part);
    copy.remove();
  }
  for (const output of document.querySelectorAll('#train .readouts output')) {
    const text = document.createRange();
    text.selectNodeContents(output);
    if (output.offsetParent && text.getClientRects().length > 1) cut.push(output.dataset.part);
  }
  return cut;
}"""


# Whether every point on the regression plot stands out from it: at least 30 dark pixels (an outline) 5 to 10 canvas
# px from its centre. A target near 0 is near white, as the plot is where the output is near 0.
OUTLINED = """() => {
  const {train, plane} = lesson.sections.live_training, canvas = document.querySelector('#train [data-part=boundary]');
  if (!train.picture || train.picture.grid.kind !== 'regression') return false;
  const map = plane(train.picture.grid, canvas.width, canvas.height), ctx = canvas.getContext('2d');
  return [...train.state.points.train, ...train.state.points.test].every(([x1, x2]) => {
    const cx = map.toX(x1), cy = map.toY(x2), left = Math.round(cx) - 10, top = Math.round(cy) - 10;
    const box = ctx.getImageData(left, top, 21, 21).data;
    let dark = 0;
    for (let j = 0; j < 21; j++) for (let i = 0; i < 21; i++) {
      const d = Math.hypot(left + i - cx, top + j - cy), k = (j * 21 + i) * 4;
      if (d >= 5 && d <= 10 && 0.2126 * box[k] + 0.7152 * box[k + 1] + 0.0722 * box[k + 2] < 90) dark++;
    }
    return dark >= 30;
  });
}"""


def query(page) -> dict:
    return dict(pair.split("=") for pair in page.evaluate("location.search")[1:].split("&"))


def numbers(column) -> list[float]:
    """A table column's cells as numbers ('—' as None), in their order on the page."""
    return [None if t == "—" else float(t.replace("−", "-")) for t in column.all_text_contents()]


def test_toggles_a_weight_set_by_keyboard_and_the_parameter_table_follow_the_run(page):
    train = section(page)
    no_stop(page)
    expect(part(page, "picture").locator("svg")).to_be_attached()
    page.wait_for_function(f"{STATE} && lesson.sections.live_training.train.picture")

    # the toggles: the picture and the address follow each one
    before = page.evaluate(PLOT_COUNTS)
    train.get_by_label("Show test data").uncheck()
    hidden = page.evaluate(PLOT_COUNTS)
    assert hidden["dark"] < before["dark"], (before, hidden)
    assert query(page)["test"] == "0"
    train.get_by_label("Discretize output").check()
    flat = page.evaluate(PLOT_COUNTS)
    assert flat["flat"] > 0.6 > hidden["flat"], (hidden, flat)  # two flat colours, where a gradient was
    assert query(page)["discrete"] == "1"
    train.get_by_label("Show test data").check()
    assert page.evaluate(PLOT_COUNTS)["dark"] > hidden["dark"] and query(page)["test"] == "1"

    # a weight set on the picture, by keyboard: Tab reaches the connection, Enter opens its editor
    edge = part(page, "picture").locator('[data-param="x1-h1.1"]')
    expect(edge).to_have_attribute("role", "button")
    edge.focus()
    page.keyboard.press("Enter")
    editor = part(page, "weight-input")
    expect(editor).to_be_focused()
    expect(part(page, "weight-label")).to_have_text("w x1→h1.1")
    start_loss = readout(page, "train loss").text_content()
    for typed, said in (("two", "Type a number from -10 to 10"), ("11", "11 is outside -10 to 10")):
        editor.fill(typed)
        page.keyboard.press("Enter")
        expect(part(page, "weight-error")).to_contain_text(said)
        expect(readout(page, "train loss")).to_have_text(start_loss)  # refused: nothing changed
    page.keyboard.press("Escape")
    expect(part(page, "weight-editor")).to_be_hidden()
    expect(edge).to_be_focused()
    page.keyboard.press("Enter")
    editor.fill("1.5")
    page.keyboard.press("Enter")
    expect(part(page, "status")).to_contain_text("You set w x1→h1.1 from 0.6888 to 1.5 at step 0")
    expect(part(page, "weight-editor")).to_be_hidden()
    expect(readout(page, "train loss")).not_to_have_text(start_loss)
    expect(part(page, "picture").locator('[data-param="x1-h1.1"]')).to_be_focused()  # back where the learner was
    expect(part(page, "picture").locator('[data-param="x1-h1.1"]')).to_have_attribute(
        "aria-label", re.compile("= 1.5:")
    )
    table = part(page, "param-table")
    expect(table.locator('tr[data-id="x1-h1.1"] td').first).to_have_text("1.5000")
    assert query(page)["weights"] == "0:x1-h1.1:1.5"  # a link sets it again, at the step it was set at

    # the parameter table: after a step, every parameter, the biggest changes first; a heading sorts by its column
    button(page, "Step (one training step)").click()
    at_step(page, 1)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(page.evaluate(f"{STATE}.params")))
    expect(table.get_by_role("button", name="Adam m")).to_be_visible()
    changes = numbers(rows.locator("td:last-child"))
    assert changes == sorted(changes, key=abs, reverse=True) and changes[0] != 0
    expect(table.locator("th[aria-sort=descending]")).to_have_text("change")
    table.locator("button[data-sort=value]").click()
    expect(table.locator("th[aria-sort=descending]")).to_have_text("value")
    values = numbers(rows.locator("td:nth-child(2)"))
    assert values == sorted(values, key=abs, reverse=True)
    top = page.evaluate(f"{STATE}.params.reduce((a, b) => (Math.abs(b.value) > Math.abs(a.value) ? b : a))")
    expect(rows.first.locator("th")).to_have_text(top["label"])
    table.locator("button[data-sort=value]").click()  # again: the other way round
    expect(table.locator("th[aria-sort=ascending]")).to_have_text("value")
    train.get_by_label("optimizer").select_option("sgd")  # SGD: no m and v, and change = -lr x grad
    at_step(page, 0)
    expect(table.get_by_role("button", name="Adam m")).to_be_hidden()
    assert "weights" not in query(page)  # the new run's weights are its seed's
    button(page, "Step (one training step)").click()
    at_step(page, 1)
    expect(table.locator("thead th:not([hidden])")).to_have_count(4)
    grad, change = numbers(rows.first.locator("td:nth-child(3), td:nth-child(4)"))
    assert abs(change + 0.05 * grad) <= 1e-4 * max(1.0, abs(grad)), (grad, change)


def test_a_clicked_training_point_shows_its_loss_graph_stepped_by_neuron_or_by_scalar(page, new_tab):
    # the default 2-8-8-1: too many boxes for one each, so the graph is drawn and stepped one neuron at a time
    expect(part(page, "picture").locator("svg")).to_be_attached()
    page.wait_for_function(f"{STATE} && lesson.sections.live_training.train.picture")
    plot = part(page, "boundary")
    x, y, first = page.evaluate(POINT_5)
    plot.click(position={"x": x, "y": y})
    status = part(page, "graph-status")
    expect(status).to_contain_text(f"Training point {first + 1} at")
    expect(status).to_contain_text("each neuron is drawn as one node")
    expect(status).to_contain_text("Step 0 of 22.")
    expect(part(page, "graph-picture").locator("svg")).to_be_attached()
    expect(section(page).get_by_label("training point")).to_have_value(str(first + 1))
    button(page, "Next").click()
    expect(status).to_contain_text("Step 1 of 22.")
    expect(part(page, "graph-text")).to_contain_text(
        "loss (*) passes its grad back: the + node.grad += 1 × 1, so it is 1;"
    )
    button(page, "End").click()
    expect(status).to_contain_text("Step 22 of 22.")
    expect(part(page, "graph-text")).to_contain_text("neuron h1.1")
    expect(button(page, "Next")).to_be_disabled()
    expect(button(page, "Back")).to_be_focused()  # the pressed button went grey: the focus stays in the stepper

    # a 2-3-1 network by its address: every node drawn, one chain-rule contribution a step; the toggles come too
    small = new_tab("?hidden=3&discrete=1&test=0&weights=0:x1-h1:1.5#train", viewport={"width": 1280, "height": 900})
    expect(part(small, "status")).to_contain_text("Settings and the weights set from the page's address.")
    expect(part(small, "param-table").locator('tr[data-id="x1-h1"] td').first).to_have_text("1.5000")
    expect(section(small).get_by_label("Discretize output")).to_be_checked()
    expect(section(small).get_by_label("Show test data")).not_to_be_checked()
    box = section(small).get_by_label("training point")
    box.fill("80")
    button(small, "Show its graph").click()
    expect(part(small, "graph-error")).to_have_text("The training point must be a whole number from 1 to 75.")
    box.fill("2")
    box.press("Enter")
    status = part(small, "graph-status")
    expect(status).to_contain_text(
        re.compile(r"every node drawn \(\d+ boxes\); each step is one chain-rule contribution")
    )
    total = int(re.search(r"Step 0 of (\d+)\.", status.text_content()).group(1))
    assert total > 30
    button(small, "Next").click()
    expect(part(small, "graph-text")).to_contain_text("loss sends gradient to the + node")
    button(small, "Reset").click()  # the run starts again: the graph spoke of its old weights
    expect(status).to_contain_text("The weights changed: show a point's graph again")
    expect(button(small, "Next")).to_be_disabled()
    assert query(small)["hidden"] == "3" and "weights" not in query(small)


def test_each_of_the_trainers_controls_moves_the_picture_the_address_and_the_script(page):
    train, python = section(page), part(page, "python")
    expect(part(page, "picture").locator("svg")).to_be_attached()

    def settled(key: str, value: str) -> None:
        """The run answered the change: the address carries it, at step 0."""
        page.wait_for_function(f"new URLSearchParams(location.search).get({key!r}) === {value!r}")
        at_step(page, 0)

    train.get_by_label("dataset").select_option("three_blobs")  # three classes: three colours, argmax accuracy
    settled("dataset", "three_blobs")
    expect(part(page, "legend-third")).to_contain_text("class 2 wins")
    expect(part(page, "legend-line")).to_contain_text("where the winning class changes")
    expect(python).to_contain_text("data.train_test('three_blobs'")
    expect(python).to_contain_text("cross_entropy")
    expect(readout(page, "test accuracy")).to_be_visible()

    train.get_by_label("training share").fill("50")  # half the points train: the batch menu follows
    settled("ratio", "50")
    expect(python).to_contain_text("train_percent=50")
    batch = train.get_by_label("batch size")
    expect(batch.locator("option").first).to_have_text("all 50")
    batch.select_option("10")
    settled("batch", "10")
    expect(readout(page, "epoch")).to_have_text("0")
    expect(readout(page, "epoch")).to_have_attribute("title", "5 steps (batches) make an epoch")
    expect(python).to_contain_text("batch_size=10")

    train.get_by_label("feature x1²").check()  # a feature: an input neuron of its own, with its own map
    settled("features", "x1,x2,x1_sq")
    expect(part(page, "shape")).to_have_text("3 inputs → layer 1: 8 → layer 2: 8 → 3 outputs")
    expect(part(page, "maps").locator("figcaption", has_text="x1²")).to_have_count(1)
    expect(python).to_contain_text("('x1', 'x2', 'x1_sq')")

    train.get_by_label("regularization", exact=True).select_option("l2")
    settled("reg", "l2")
    train.get_by_label("regularization rate").select_option("0.01")
    settled("reg_rate", "0.01")
    expect(readout(page, "penalty")).not_to_have_text("0.0000")
    expect(python).to_contain_text("Regularized(loss, weights, 'l2', 0.01)")

    train.get_by_label("activation").select_option("linear")
    settled("activation", "linear")
    expect(python).to_contain_text("activation='linear'")

    train.get_by_label("dataset").select_option(
        "plane"
    )  # regression: MSE readouts, its own stop rule, a diverging scale
    settled("dataset", "plane")
    expect(readout(page, "train MSE")).to_be_visible()
    expect(readout(page, "test accuracy")).to_be_hidden()
    expect(part(page, "stop-label")).to_have_text("Stop when the training MSE is below 0.01")
    assert query(page)["stop_mse"] == "0.01"
    expect(part(page, "legend-pos")).to_contain_text("output above 0 (blue")
    expect(part(page, "legend-third").locator(".swatch")).to_have_text("")  # a target's point, not class 2's ×
    expect(part(page, "legend-line")).to_be_hidden()
    expect(python).to_contain_text("mse")
    button(page, "Step (one training step)").click()
    at_step(page, 1)
    assert query(page)["dataset"] == "plane" and query(page)["batch"] == "10"

    # every menu's choices and every readout read whole, at 1280 and on a phone (the dataset menu was cut at 1280);
    # every regression point is outlined (those near 0 were pale on the plot's white)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for dataset in ("multi_gaussian", "plane"):
            train.get_by_label("dataset").select_option(dataset)
            settled("dataset", dataset)
            assert page.evaluate(CUT_TEXT) == [], (width, dataset)
            page.wait_for_function(OUTLINED)
