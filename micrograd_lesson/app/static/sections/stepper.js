// Section 4, "Backprop one scalar at a time": a graph's backward pass one chain-rule step at a time, with a
// prediction to check and the nudge check (POST backprop). mount(root, host) builds it inside root; see app.js.

// The nudge check's verdict, as the engine gives it: null where a nudge estimate cannot judge (a kink, lost digits).
const VERDICT = {true: "(agrees)", false: "(not yet)", null: "(no verdict: the estimate cannot be trusted here)"};

export function mount(root, host) {
  const {fmt, showSvg, idPrefix, channel} = host.helpers;
  const id = idPrefix("backprop");
  root.classList.add("lesson", "lesson-stepper");
  root.innerHTML = `
  <fieldset>
    <legend>Which graph</legend>
    <label><input type="radio" name="${id}source" value="lecture" checked> the lecture's L = (a*b + c) * f</label>
    <label><input type="radio" name="${id}source" value="neuron"> the lecture's neuron</label>
    <label><input type="radio" name="${id}source" value="custom"> your own</label>
    <div class="controls">
      <label for="${id}expression">expression</label>
      <input id="${id}expression" data-part="expression" type="text" value="(a*b + c).tanh()" spellcheck="false" autocomplete="off">
      <label for="${id}names">inputs</label>
      <input id="${id}names" data-part="names" type="text" value="a=2 b=-3 c=10" spellcheck="false" autocomplete="off">
    </div>
    <button type="button" data-part="load">Load</button>
  </fieldset>
  <div class="buttons">
    <button type="button" data-part="back">Back</button>
    <button type="button" data-part="next">Next</button>
  </div>
  <p data-part="status" aria-live="polite"></p>
  <p data-part="worked" class="worked" aria-live="polite"></p>
  <div class="controls">
    <label for="${id}guess" data-part="guess-label">your prediction</label>
    <input id="${id}guess" data-part="guess" type="text" inputmode="decimal" autocomplete="off">
  </div>
  <button type="button" data-part="check">Check</button>
  <p data-part="verdict" aria-live="polite"></p>
  <div class="table-wrap"><table data-part="nodes">
    <caption>Every node: its value, its gradient so far, and for inputs the nudge check (a finite-difference estimate)</caption>
    <thead><tr><th scope="col">node</th><th scope="col">data</th><th scope="col">grad</th><th scope="col">nudge</th></tr></thead>
    <tbody></tbody>
  </table></div>
  <div class="picture" data-part="picture" tabindex="0" role="img" aria-label="The computation graph, the edge just worked highlighted"></div>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const send = channel(host.transport, "backprop", part("error"));
  const ask = async (body, show) => {
    const {answer} = await send(body);
    if (answer) show(answer);
  };

  function show(answer) {
    part("status").textContent = `${answer.expression}: step ${answer.position} of ${answer.total}.`;
    part("worked").textContent = answer.worked ? answer.worked.text : "Start: the output's grad is 1 (dL/dL = 1); press Next.";
    part("guess-label").textContent = answer.next ? `your prediction for ${answer.next.parent}.grad` : "your prediction (all revealed)";
    part("verdict").textContent = "";
    const rows = answer.nodes.map((n) => {
      const tr = document.createElement("tr");
      tr.dataset.id = n.id;
      if (answer.worked && answer.worked.parent === n.id) tr.classList.add("worked-row");
      const cells = [n.label, fmt(n.data), fmt(n.grad), n.nudge == null ? "" : `${fmt(n.nudge)} ${VERDICT[n.agrees]}`];
      tr.replaceChildren(...cells.map((c, i) => Object.assign(document.createElement(i ? "td" : "th"), {textContent: c})));
      tr.firstChild.scope = "row";
      return tr;
    });
    part("nodes").tBodies[0].replaceChildren(...rows);
    showSvg(part("picture"), answer.svg, answer.numbers);
  }

  function load() {
    const source = root.querySelector(`input[name="${id}source"]:checked`).value;
    ask({action: "load", source, expression: part("expression").value, names: part("names").value}, show);
  }
  const move = (action) => ask({action}, show);
  function check() {
    const guess = Number(part("guess").value);
    if (part("guess").value.trim() === "" || !Number.isFinite(guess)) { part("error").textContent = "type a number, such as 6 or -0.5"; return; }
    ask({action: "predict", guess}, (answer) => { part("verdict").textContent = answer.message; });
  }

  function keys(event) {  // → is Next and ← is Back, unless the learner is typing
    if (event.target.matches("input, select, textarea")) return;
    if (event.key === "ArrowRight") { move("next"); event.preventDefault(); }
    if (event.key === "ArrowLeft") { move("back"); event.preventDefault(); }
  }

  part("load").addEventListener("click", load);
  part("next").addEventListener("click", () => move("next"));
  part("back").addEventListener("click", () => move("back"));
  part("check").addEventListener("click", check);
  root.addEventListener("keydown", keys);
  return {
    refresh: () => move("show"),
    destroy: () => {
      send.close();
      root.removeEventListener("keydown", keys);
      root.replaceChildren();
      root.classList.remove("lesson", "lesson-stepper");
    },
  };
}
