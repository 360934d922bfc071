// The live lesson's page: it sends what the learner did and shows what the engine answers.
// It computes no numbers itself. Pictures are matched to numbers by the engine's ids, never by position.
"use strict";

const $ = (id) => document.getElementById(id);
let session = null;
const sections = [];  // sections in scripts of their own (train.js): {start(), refresh()}, started with the session
const latest = {};  // channel -> the seq of its latest request: older answers are dropped

const fmt = (x, digits = 4) => (x < 0 ? "−" : x > 0 ? "+" : "") + Math.abs(x).toFixed(digits);
const plain = (x, digits = 4) => x.toFixed(digits);

async function startSession(message) {
  const answer = await post("/api/session", {});
  session = answer.session;
  if (message) $("notice").textContent = message;
  return answer;
}

// Requests in flight together (section 6 sends a step and a picture at once) all learn of a dropped session:
// they share one new session rather than each starting its own.
let recovering = null;
function recover(message) {
  if (!recovering) recovering = startSession(message).finally(() => { recovering = null; });
  return recovering;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
  if (!response.ok) throw Object.assign(new Error(data.error || "request refused"), {status: response.status});
  return data;
}

// Send one request of a channel in this session: {answer, from} (the session that answered), {status} when it was
// refused (its message shown in the channel's error box unless quiet(error) says otherwise), or {} when a later
// request of the channel has made it stale.
async function send(channel, url, body, quiet = () => false) {
  const seq = (latest[channel] || 0) + 1;
  latest[channel] = seq;
  const errorBox = $(channel + "-error");
  try {
    let answer, used = session;
    try {
      answer = await post(url, {...body, session: used, seq});
    } catch (error) {
      if (error.status !== 410) throw error;
      if (session === used) await recover(error.message);  // the server dropped this page's session: start afresh, say so
      used = session;  // (a request that overlapped the recovery uses the new one)
      answer = await post(url, {...body, session: used, seq});
    }
    if (answer.seq !== seq || latest[channel] !== seq) return {};
    if (errorBox) errorBox.textContent = "";
    return {answer, from: used};
  } catch (error) {
    if (latest[channel] === seq && errorBox && !quiet(error)) errorBox.textContent = error.message;
    return {status: error.status || 0};
  }
}

// Send one request of a channel in this session; call show(answer) only if it is still the latest.
async function ask(channel, url, body, show) {
  const got = await send(channel, url, body);
  if (got.answer) show(got.answer);
}

function signed(element, x, digits = 4) {
  element.textContent = fmt(x, digits);
  element.className = x < 0 ? "neg" : "pos";
}

// --- pictures: the one place that finds a neuron or an edge in an engine drawing ---------------------------
// Graphviz writes each node as <g class="node"><title>ID</title>, with the engine's name as ID.
function pictureNode(container, id) {
  // draw_network gives every neuron one SVG group with a stable id named after the engine's neuron
  return container.querySelector('[id="neuron-' + id.replaceAll(".", "_") + '"]');  // h2.4 is drawn as neuron-h2_4
}

function showSvg(container, svg) {
  container.innerHTML = svg.slice(svg.indexOf("<svg"));
}

// --- 1. a neuron ----------------------------------------------------------------------------------------
const neuronFields = ["x1", "x2", "w1", "w2", "b"];
function updateNeuron() {
  const body = {activation: $("n-act").value};
  for (const name of neuronFields) {
    body[name] = Number($("n-" + name).value);
    $("n-" + name + "-out").textContent = plain(body[name], 2);
  }
  return ask("n", "/api/neuron", body, (answer) => {
    $("n-steps").replaceChildren(...answer.steps.map((line) => Object.assign(document.createElement("li"), {textContent: line})));
  });
}

// --- 2. the playground ---------------------------------------------------------------------------------
let neuronSteps = {};
function showPlayground(answer) {
  $("pg-output").textContent = plain(answer.output);
  $("pg-x1").value = answer.x1; $("pg-x1-out").textContent = plain(answer.x1, 2);
  $("pg-x2").value = answer.x2; $("pg-x2-out").textContent = plain(answer.x2, 2);
  showSvg($("pg-picture"), answer.svg);
  neuronSteps = {};
  const items = answer.neurons.map((n) => {
    neuronSteps[n.id] = n;
    const li = document.createElement("li");
    li.tabIndex = 0;
    li.dataset.id = n.id;
    li.textContent = `${n.id} = ${plain(n.value)}` + (n.off ? " (off: ReLU gives 0)" : "");
    if (n.off) li.classList.add("off");
    li.addEventListener("focus", () => explainNeuron(n.id));
    li.addEventListener("mouseenter", () => explainNeuron(n.id));
    const g = pictureNode($("pg-picture"), n.id);
    if (g) g.addEventListener("mouseenter", () => explainNeuron(n.id));
    return li;
  });
  $("pg-neurons").replaceChildren(...items);
  const box = $("pg-params");
  for (const p of answer.params) {
    let input = document.getElementById("p-" + p.id);
    if (!input) {
      const label = document.createElement("label");
      label.htmlFor = "p-" + p.id;
      label.textContent = p.label;
      input = Object.assign(document.createElement("input"), {type: "number", step: "0.1", min: "-10", max: "10", id: "p-" + p.id});
      input.addEventListener("input", () => {
        if (input.value === "" || !Number.isFinite(Number(input.value))) return;
        ask("pg", "/api/playground", {action: "param", id: p.id, value: Number(input.value)}, showPlayground);
      });
      label.append(input);
      box.append(label);
    }
    if (document.activeElement !== input) input.value = p.value;
    input.className = p.value < 0 ? "neg" : "pos";
  }
  if (shownNeuron) explainNeuron(shownNeuron);
}

let shownNeuron = null;
function explainNeuron(id) {
  shownNeuron = id;
  const n = neuronSteps[id];
  if (!n) return;
  const lines = n.steps.length ? n.steps : [`${id} is an input: ${plain(n.value)}`];
  const heading = Object.assign(document.createElement("p"), {textContent: `Neuron ${id}` + (n.off ? " (off)" : "")});
  const list = document.createElement("ul");
  list.className = "steps";
  list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), {textContent: line})));
  $("pg-explain").replaceChildren(heading, list);
  for (const li of $("pg-neurons").children) li.classList.toggle("shown", li.dataset.id === id);
}

function movePlayground() {
  $("pg-x1-out").textContent = plain(Number($("pg-x1").value), 2);
  $("pg-x2-out").textContent = plain(Number($("pg-x2").value), 2);
  ask("pg", "/api/playground", {action: "inputs", x1: Number($("pg-x1").value), x2: Number($("pg-x2").value)}, showPlayground);
}

// --- 3. the five-step loop -----------------------------------------------------------------------------
function showLoop(answer) {
  for (const li of $("loop-phases").children) li.classList.toggle("current", li.dataset.phase === answer.next);
  $("loop-status").textContent = `Epoch ${answer.epoch}; next: step ${answer.next_step} of 5 (${answer.next}).`;
  $("loop-back").disabled = !answer.can_back;
  const r = answer.record, lines = [];
  if (r) {
    lines.push(`Done: step ${r.step} of 5, ${r.phase}. ${r.text}`);
    if (r.predictions) for (const p of r.predictions) lines.push(`input [${p.x.join(", ")}] → prediction ${fmt(p.prediction)} (target ${fmt(p.target, 0)})` + (p.off.length ? `; off (ReLU gives 0): ${p.off.join(", ")}` : ""));
    if (r.loss !== undefined && r.loss !== null) lines.push(`loss: ${plain(r.loss)}` + (r.previous_loss != null ? ` (the loop before: ${plain(r.previous_loss)})` : ""));
    if (r.grads) for (const g of r.grads) lines.push(`${g.name}: grad ${fmt(g.grad)}`);
    if (r.off) for (const o of r.off) lines.push(`${o.neuron} is off for every input, so no gradient flows back through it: ` + o.grads.map((g) => `${g.name} grad ${plain(g.grad)}`).join(", ") + ". Its weights will not move.");
    if (r.loss_after != null) lines.push(`loss before the update: ${plain(r.loss_before)}, after it: ${plain(r.loss_after)}`);
    if (r.nudges) for (const n of r.nudges) lines.push(`${n.name}: −lr × grad = −${n.lr} × ${fmt(n.grad)} = ${fmt(n.change)}`);
  } else {
    lines.push("Press Next to run the forward pass.");
  }
  $("loop-record").replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), {textContent: line})));
  showSvg($("loop-picture"), answer.svg);
}
const loopAction = (action) => ask("loop", "/api/loop", {action}, showLoop);

// --- 4. backprop one scalar at a time ------------------------------------------------------------------
function showBackprop(answer) {
  $("bp-status").textContent = `${answer.expression}: step ${answer.position} of ${answer.total}.`;
  $("bp-worked").textContent = answer.worked ? answer.worked.text : "Start: the output's grad is 1 (dL/dL = 1); press Next.";
  $("bp-guess-label").textContent = answer.next ? `your prediction for ${answer.next.parent}.grad` : "your prediction (all revealed)";
  $("bp-verdict").textContent = "";
  const rows = answer.nodes.map((n) => {
    const tr = document.createElement("tr");
    tr.dataset.id = n.id;
    if (answer.worked && answer.worked.parent === n.id) tr.classList.add("worked-row");
    const cells = [n.label, fmt(n.data), fmt(n.grad), n.nudge == null ? "" : `${fmt(n.nudge)} ${Math.abs(n.nudge - n.grad) <= 1e-4 ? "(agrees)" : "(not yet)"}`];
    tr.replaceChildren(...cells.map((c, i) => Object.assign(document.createElement(i ? "td" : "th"), {textContent: c})));
    tr.firstChild.scope = "row";
    return tr;
  });
  $("bp-nodes").tBodies[0].replaceChildren(...rows);
  showSvg($("bp-picture"), answer.svg);
}
function loadBackprop() {
  const source = document.querySelector("input[name=bp-source]:checked").value;
  ask("bp", "/api/backprop", {action: "load", source, expression: $("bp-expression").value, names: $("bp-names").value}, showBackprop);
}
const stepBackprop = (action) => ask("bp", "/api/backprop", {action}, showBackprop);
function checkPrediction() {
  const guess = Number($("bp-guess").value);
  if ($("bp-guess").value.trim() === "" || !Number.isFinite(guess)) { $("bp-error").textContent = "type a number, such as 6 or -0.5"; return; }
  ask("bp", "/api/backprop", {action: "predict", guess}, (answer) => { $("bp-verdict").textContent = answer.message; });
}

// --- 5. quiz -------------------------------------------------------------------------------------------
function showScore(answer) {
  $("quiz-score").textContent = `Score: ${answer.score} of ${answer.total} (${answer.answered} answered)`;
}
function buildQuiz(q) {
  $("quiz-prompt").textContent = q.check.prompt;
  $("quiz-check").replaceChildren($("quiz-prompt"), ...q.check.options.map(([letter, text]) => {
    const label = document.createElement("label");
    const radio = Object.assign(document.createElement("input"), {type: "radio", name: "quiz-answer", value: letter});
    label.append(radio, ` ${letter}. ${text}`);
    return label;
  }));
  $("quiz-score").textContent = `Score: 0 of ${q.total}`;
  $("quiz-exercises").replaceChildren(...q.exercises.map((question, i) => {
    const li = document.createElement("li");
    const label = Object.assign(document.createElement("label"), {htmlFor: `quiz-e${i}`, textContent: question});
    const input = Object.assign(document.createElement("input"), {id: `quiz-e${i}`, type: "text", inputMode: "decimal", autocomplete: "off"});
    const button = Object.assign(document.createElement("button"), {type: "button", textContent: `Check ${i + 1}`});
    const verdict = Object.assign(document.createElement("p"), {id: `quiz-e${i}-verdict`});
    verdict.setAttribute("aria-live", "polite");
    button.addEventListener("click", () => {
      const value = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(value)) { verdict.textContent = "Type a number, such as 6 or -0.5."; return; }
      ask("quiz", "/api/quiz", {item: `e${i}`, answer: value}, (a) => { verdict.textContent = a.message; showScore(a); });
    });
    li.append(label, " ", input, " ", button, verdict);
    return li;
  }));
}

// --- wiring --------------------------------------------------------------------------------------------
function refreshAll() {
  return Promise.all([
    updateNeuron(),
    ask("pg", "/api/playground", {action: "show"}, showPlayground),
    ask("loop", "/api/loop", {action: "show"}, showLoop),
    ask("bp", "/api/backprop", {action: "show"}, showBackprop),
    ...sections.map((s) => s.refresh()),
  ]);
}

function arrows(sectionId, back, next) {
  $(sectionId).addEventListener("keydown", (event) => {
    if (event.target.matches("input, select, textarea")) return;
    if (event.key === "ArrowRight") { next(); event.preventDefault(); }
    if (event.key === "ArrowLeft") { back(); event.preventDefault(); }
  });
}

async function main() {
  const first = await startSession("");
  buildQuiz(first.quiz);
  for (const name of neuronFields) $("n-" + name).addEventListener("input", updateNeuron);
  $("n-act").addEventListener("change", updateNeuron);
  $("pg-x1").addEventListener("input", movePlayground);
  $("pg-x2").addEventListener("input", movePlayground);
  $("pg-reset").addEventListener("click", () => ask("pg", "/api/playground", {action: "reset"}, showPlayground));
  $("loop-next").addEventListener("click", () => loopAction("next"));
  $("loop-back").addEventListener("click", () => loopAction("back"));
  $("loop-reset").addEventListener("click", () => loopAction("reset"));
  arrows("loop", () => loopAction("back"), () => loopAction("next"));
  $("bp-load").addEventListener("click", loadBackprop);
  $("bp-next").addEventListener("click", () => stepBackprop("next"));
  $("bp-back").addEventListener("click", () => stepBackprop("back"));
  $("bp-check").addEventListener("click", checkPrediction);
  arrows("backprop", () => stepBackprop("back"), () => stepBackprop("next"));
  $("quiz-check-button").addEventListener("click", () => {
    const chosen = document.querySelector("input[name=quiz-answer]:checked");
    if (!chosen) { $("quiz-check-verdict").textContent = "Choose one of the answers first."; return; }
    ask("quiz", "/api/quiz", {item: "check", answer: chosen.value}, (a) => { $("quiz-check-verdict").textContent = a.message; showScore(a); });
  });
  for (const s of sections) s.start();
  await refreshAll();
  document.body.dataset.ready = "true";
}

// Deferred scripts run in order, but one that is still loading lets the session's answer in first: start once
// every script (train.js too) has run and registered its section, which is when DOMContentLoaded fires.
document.addEventListener("DOMContentLoaded", () => {
  main().catch((error) => { $("notice").textContent = "The page could not reach the server: " + error.message; });
});
