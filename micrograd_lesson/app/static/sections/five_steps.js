// Section 3, "The five-step loop": one phase of training at a time on XOR, Back undoing it exactly (POST loop).
// mount(root, host) builds it inside root; see app.js for what host holds.

const PHASES = [["forward", "Forward pass"], ["loss", "Calculate loss"], ["backward", "Backpropagation"],
  ["update", "Update weights"], ["repeat", "Repeat"]];

export function mount(root, host) {
  const {fmt, plain, showSvg, channel} = host.helpers;
  root.classList.add("lesson", "lesson-five_steps");
  root.innerHTML = `
  <ol data-part="phases" class="phases">
    ${PHASES.map(([phase, name]) => `<li data-phase="${phase}">${name}</li>`).join("")}
  </ol>
  <div class="buttons">
    <button type="button" data-part="back">Back</button>
    <button type="button" data-part="next">Next</button>
    <button type="button" data-part="reset">Reset</button>
  </div>
  <p data-part="status" aria-live="polite"></p>
  <div data-part="record" class="record"></div>
  <div class="picture" data-part="picture" role="img" aria-label="The XOR network with its weights, or its gradients after backpropagation"></div>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const send = channel(host.transport, "loop", part("error"));

  function show(answer) {
    for (const li of part("phases").children) li.classList.toggle("current", li.dataset.phase === answer.next);
    part("status").textContent = `Epoch ${answer.epoch}; next: step ${answer.next_step} of 5 (${answer.next}).`;
    part("back").disabled = !answer.can_back;
    const r = answer.record, lines = [];
    if (r) {
      lines.push(`Done: step ${r.step} of 5, ${r.phase}. ${r.text}`);
      if (r.predictions) for (const p of r.predictions) lines.push(`input [${p.x.join(", ")}] → prediction ${fmt(p.prediction)} (target ${fmt(p.target, 0)})` + (p.off.length ? `; off (ReLU gives 0): ${p.off.join(", ")}` : ""));
      if (r.loss != null) lines.push(`loss: ${plain(r.loss)}`);
      if (r.grads) for (const g of r.grads) lines.push(`${g.name}: grad ${fmt(g.grad)}`);
      if (r.off) for (const o of r.off) lines.push(`${o.neuron} is off for every input, so no gradient flows back through it: ` + o.grads.map((g) => `${g.name} grad ${plain(g.grad)}`).join(", ") + ". Its weights will not move.");
      if (r.loss_after != null) lines.push(`loss before the update: ${plain(r.loss_before)}, after it: ${plain(r.loss_after)}`);
      if (r.nudges) for (const n of r.nudges) lines.push(`${n.name}: −lr × grad = −${n.lr} × ${fmt(n.grad)} = ${fmt(n.change)}`);
    } else {
      lines.push("Press Next to run the forward pass.");
    }
    part("record").replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), {textContent: line})));
    showSvg(part("picture"), answer.svg, answer.numbers);
  }

  async function act(action) {
    const {answer} = await send({action});
    if (answer) show(answer);
  }

  function keys(event) {  // → is Next and ← is Back, unless the learner is typing
    if (event.target.matches("input, select, textarea")) return;
    if (event.key === "ArrowRight") { act("next"); event.preventDefault(); }
    if (event.key === "ArrowLeft") { act("back"); event.preventDefault(); }
  }

  part("next").addEventListener("click", () => act("next"));
  part("back").addEventListener("click", () => act("back"));
  part("reset").addEventListener("click", () => act("reset"));
  root.addEventListener("keydown", keys);
  return {
    refresh: () => act("show"),
    destroy: () => {
      send.close();
      root.removeEventListener("keydown", keys);
      root.replaceChildren();
      root.classList.remove("lesson", "lesson-five_steps");
    },
  };
}
