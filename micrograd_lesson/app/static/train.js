// Section 6, "Watch a network learn": the controls send what the learner did to POST /api/train and the page
// draws what the engine answers. Like app.js (whose send, $, showSvg and pictureNode it uses), it computes no
// numbers of the network itself: it only turns the engine's numbers into colours, lines and text.
"use strict";

const train = {
  state: null,       // the latest answer with the run's state
  picture: null,     // the latest picture (boundary grid, per-neuron maps, network SVG)
  playing: false,
  playRun: 0,        // which play loop is the current one: a loop left over from before a Pause ends itself
  slowRun: 0,        // the slow-motion replay in progress (0: none); a new one, or Play, ends the old one
  highlight: new Set(),  // stable ids lit on the network picture by the slow-motion step
  shownNeuron: null, // the neuron whose four steps are shown
  cursor: null,      // the loss chart's cursor: an index into history
  pictureBusy: false,
  pictureAgain: false,
  phaseGrads: false, // the slow-motion step draws the gradients during backprop and update
  timer: null,
  queryDone: false,  // the URL's settings are applied: from now on the URL follows the settings
  wanted: null,      // the settings last asked for, until answered
  enlarged: null,    // the neuron whose map is shown enlarged
  answeredIn: null,  // the session the latest training answer came from: a new one has the server's default run
  failed: null,      // the HTTP status of the latest training request that failed (503: the server is busy)
  layers: null,      // the hidden sizes the layer rows were built for
};

const URL_KEYS = ["dataset", "noise", "data_seed", "hidden", "activation", "lr", "optimizer", "seed", "stop"];
const MAX_LAYERS = 6, MAX_NEURONS = 8;
const SLOW_PAUSE_MS = 1400;  // between the phases of a slow-motion step: time to read each one
const BUSY_WAIT_MS = 1000;  // playing, when the server is busy with other tabs' training: how long to wait
const POINT_LIMIT = 6;      // the inspected point's coordinates, as the server's POINT_LIMIT: past the plot's edges

// --- numbers as text (never NaN on the page) ----------------------------------------------------------------
const finite = (x) => typeof x === "number" && Number.isFinite(x);
function short(x, digits = 4) {
  if (!finite(x)) return "—";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(2);
  return x.toFixed(digits);
}
const signedShort = (x, digits = 4) => (finite(x) && x > 0 ? "+" : "") + short(x, digits).replace("-", "−");
// Python's repr(float): the shortest digits that read back as the same float (JS's String gives those), written
// as Python writes them: "0.0" for a whole number, exponent form below 1e-4 and from 1e16 up ("1.5e-05", "1e+16").
function exact(x) {
  if (!finite(x)) return "—";
  const [digits, power] = x.toExponential().split("e"), e = Number(power);
  if (e < -4 || e >= 16) return `${digits}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  if (Number.isInteger(x)) return (Object.is(x, -0) ? "-" : "") + x.toFixed(1);
  return String(x);
}
const noiseText = (x) => (Number(x.toFixed(2)) === x ? x.toFixed(2) : String(x));  // 0.10, and 0.123 as it is
const percent = (x) => (finite(x) ? `${Number((x * 100).toFixed(1))}%` : "—");

// --- talking to the engine ------------------------------------------------------------------------------------
// app.js's send for POST /api/train: {answer, from} or {status}. A step refused as busy while playing is not an
// error to show: play waits and tries again.
const trainAsk = (channel, body) =>
  send(channel, "/api/train", body, (error) => error.status === 503 && body.action === "step" && train.playing);

// One channel for the run's state, one for pictures: a picture never makes a step's answer stale, nor the reverse.
// A session the page's run did not answer from is a new one (the server dropped the old one: restarted, or too
// many tabs), found by this request or by another (section 2, a picture): it holds the server's default run, so
// the page's settings go first, then what was asked.
// One action at a time: a picture that finds the session new asks for the run while a Step may be on its way,
// and two actions in flight on the one channel would make the first one's answer stale (the Step lost).
let acting = Promise.resolve();
function act(action, extra = {}) {
  const done = acting.then(() => actNow(action, extra));
  acting = done.catch(() => {});
  return done;
}

async function actNow(action, extra) {
  const settings = train.state && train.state.settings;
  const replay = Boolean(settings) && action !== "configure";
  if (replay && session !== train.answeredIn && !(await sendState("configure", {settings}))) return null;
  let got = await trainAsk("train", {action, ...extra});
  if (got.answer && replay && got.from !== train.answeredIn) {  // this request found the session dropped
    if (!(await sendState("configure", {settings}))) return null;
    got = await trainAsk("train", {action, ...extra});
  }
  return showAnswer(got);
}

async function sendState(action, extra) {
  return showAnswer(await trainAsk("train", {action, ...extra}));
}

function showAnswer(got) {
  train.failed = got.status || null;
  if (!got.answer) return null;
  train.answeredIn = got.from;
  showState(got.answer);
  return got.answer;
}
const trainFailed = () => $("train-error").textContent !== "";

async function requestPicture() {
  if (train.pictureBusy) { train.pictureAgain = true; return; }
  train.pictureBusy = true;
  try {
    do {
      train.pictureAgain = false;
      const grads = $("t-grads").checked || train.phaseGrads;
      const got = await trainAsk("trainpic", {action: "picture", grads});
      if (got.answer && train.state && got.from !== train.answeredIn) {
        // a picture of the new session's default run: the page's run first, then its picture
        if (await act("show")) train.pictureAgain = true;
      } else if (got.answer) {
        showPicture(got.answer);
      }
    } while (train.pictureAgain);
  } finally {
    train.pictureBusy = false;
  }
}

// The settings the page last asked for: a second change made before the first one's answer builds on the first.
function wanted() {
  return train.wanted || train.state.settings;
}

async function changeSettings(action, extra, patch) {
  if (!train.state) return null;
  const settings = {...wanted(), ...patch};
  train.wanted = settings;
  const answer = await act(action, action === "configure" ? {settings} : extra);
  if (train.wanted === settings) train.wanted = null;  // answered (or refused): the state's settings rule again
  return answer;
}

const configure = (patch) => changeSettings("configure", {}, patch);
const newWeights = () => changeSettings("new_weights", {}, {seed: wanted().seed + 1});
const newData = () => changeSettings("new_data", {}, {data_seed: wanted().data_seed + 1});

// --- play, pause, step ------------------------------------------------------------------------------------------
function setPlaying(on) {
  train.playing = on;
  const hadFocus = document.activeElement;
  $("t-play").disabled = on;
  $("t-pause").disabled = !on;
  if (hadFocus === $("t-play") && on) $("t-pause").focus();
  if (hadFocus === $("t-pause") && !on) $("t-play").focus();
  $("train").classList.toggle("playing", on);
  clearInterval(train.timer);
  train.timer = on ? setInterval(requestPicture, 200) : null;
  if (!on) requestPicture();
}

// Play: steps as the speed control says, until paused; with a limit, that many steps (Run N steps). A request
// does at most 1000 steps in about half a second and says how far it got: the next one goes when it answered.
async function play(limit = null) {
  if (train.playing || !train.state) return;
  train.slowRun = 0;
  setPlaying(true);
  const run = ++train.playRun;
  let done = 0, last = train.state.step;
  while (train.playing && train.playRun === run) {  // never two loops: Pause then Play at once starts a new one
    const left = limit === null ? Number($("t-speed").value) : Math.min(1000, limit - done);
    if (left <= 0) { pause(); break; }
    const answer = await act("step", {steps: left});
    if (train.playRun !== run) break;
    if (!answer && train.failed === 503) {  // busy training other tabs' runs: wait, and go on unless paused
      $("t-status").textContent = "The server is busy: waiting to train on (Pause stops).";
      $("t-status").dataset.kind = "busy";
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
      continue;
    }
    if (!answer && trainFailed()) pause();  // refused or unreachable: the error says why
    const now = train.state.step;
    if (answer && now >= last) done += now - last;
    last = now;
    await new Promise((resolve) => requestAnimationFrame(resolve));  // let the page paint between steps
  }
}

function pause() {
  if (train.playing) setPlaying(false);
}

const togglePlay = () => (train.playing ? pause() : play());  // play() with no limit

function stepOnce() {
  pause();
  train.slowRun = 0;
  return act("step", {steps: 1});
}

function runN() {
  const n = Number($("t-n").value);
  if (!Number.isInteger(n) || n < 1 || n > 100000) { $("train-error").textContent = "N must be a whole number from 1 to 100000"; return null; }
  pause();
  return play(n);
}

function reset() {
  pause();
  train.slowRun = 0;
  return act("reset");
}

async function slowMotion() {
  pause();
  const run = ++train.slowRun;
  for (let i = 0; i < 5 && train.slowRun === run; i++) {
    const answer = await act("phase");
    if (!answer || !answer.phase || train.slowRun !== run) break;
    const p = answer.phase;
    train.highlight = new Set(p.highlight || []);
    train.phaseGrads = p.name === "backprop" || p.name === "update";  // the gradients are what these phases are about
    const drawn = train.phaseGrads && !$("t-grads").checked ? " (The picture shows the gradients now.)" : "";
    $("t-phase").textContent = `Slow motion, phase ${p.index} of 5: ${p.name}. ${p.text}${drawn}`;
    for (const li of document.querySelectorAll("#t-phases li")) li.classList.toggle("current", li.dataset.phase === p.name);
    await requestPicture();
    if (p.name === "repeat") break;
    await new Promise((resolve) => setTimeout(resolve, SLOW_PAUSE_MS));
  }
  train.phaseGrads = false;
  if (train.slowRun === run) train.slowRun = 0;
}

// --- the state ------------------------------------------------------------------------------------------------
const CHART_HINT = "Hover the chart, or focus it and press ← →, to read the losses.";

function showState(a) {
  if (train.state && a.step < train.state.step) {  // a new run (reset, restart): the old cursor meant another run
    train.cursor = null;
    $("t-chart-readout").textContent = CHART_HINT;
  }
  train.state = a;
  if (!a.phase) {
    train.highlight = new Set();
    if (!train.slowRun) {
      $("t-phase").textContent = "";
      for (const li of document.querySelectorAll("#t-phases li")) li.classList.remove("current");
    }
  }
  showSettings(a.settings);
  $("t-loss-name").textContent = a.loss_name;
  $("t-step-out").textContent = String(a.step);
  $("t-train-loss").textContent = exact(a.train_loss);
  $("t-test-loss").textContent = exact(a.test_loss);
  $("t-train-acc").textContent = percent(a.train_accuracy);
  $("t-test-acc").textContent = percent(a.test_accuracy);
  const status = a.status || {kind: "ready", message: ""};
  const said = status.message || `Step ${a.step}.`;
  $("t-status").textContent = a.restarted ? `${a.restarted} ${said}` : said;
  $("t-status").dataset.kind = status.kind;
  if (status.kind !== "ready") pause();
  showLastStep(a);
  showInspect(a.inspect);
  if (train.cursor !== null && train.cursor >= a.history.length) train.cursor = a.history.length - 1;
  if (train.cursor !== null) readCursor(); else drawChart();
  $("t-python").textContent = a.python;
  if (train.queryDone) writeQuery(a.settings);
  if (!train.playing && !a.phase) requestPicture();  // while playing, a timer asks for pictures
}

// A control the learner is using (it has focus: a slider being dragged, a select being chosen from) keeps what
// the learner set; the next answer after they leave it shows the run's own value.
function setControl(id, field, value) {
  if (document.activeElement !== $(id)) $(id)[field] = value;
}

function showSettings(s) {
  setControl("t-dataset", "value", s.dataset);
  setControl("t-noise", "value", s.noise);
  if (document.activeElement !== $("t-noise")) $("t-noise-out").textContent = noiseText(s.noise);  // the run's own
  $("t-data-seed").textContent = String(s.data_seed);
  $("t-seed").textContent = String(s.seed);
  setControl("t-activation", "value", s.activation);
  const lr = String(s.lr);
  if (![...$("t-lr").options].some((o) => o.value === lr)) $("t-lr").add(new Option(lr, lr));
  setControl("t-lr", "value", lr);
  setControl("t-optimizer", "value", s.optimizer);
  setControl("t-stop", "checked", s.stop_at_100);
  const hidden = s.hidden;
  $("t-shape").textContent = ["2 inputs", ...hidden.map((n, k) => `layer ${k + 1}: ${n}`), "1 output"].join(" → ");
  $("t-add-layer").disabled = hidden.length >= MAX_LAYERS;
  $("t-remove-layer").disabled = hidden.length === 0;
  // the layer rows are built again only when the layers changed: a button replaced between mouse-down and
  // mouse-up (while playing, an answer comes every frame) would lose the click
  if (train.layers === hidden.join(",")) return;
  train.layers = hidden.join(",");
  const focused = document.activeElement && document.activeElement.id;
  $("t-layers").replaceChildren(...hidden.map((n, k) => {
    const li = document.createElement("li");
    const name = Object.assign(document.createElement("span"), {textContent: `layer ${k + 1}: ${n} neuron${n === 1 ? "" : "s"}`});
    const more = Object.assign(document.createElement("button"), {type: "button", id: `t-more-${k}`, textContent: `+ neuron in layer ${k + 1}`});
    const fewer = Object.assign(document.createElement("button"), {type: "button", id: `t-fewer-${k}`, textContent: `− neuron in layer ${k + 1}`});
    more.disabled = n >= MAX_NEURONS;
    fewer.disabled = n <= 1;
    const resize = (by) => configure({hidden: wanted().hidden.map((m, j) => (j === k ? Math.max(1, Math.min(MAX_NEURONS, m + by)) : m))});
    more.addEventListener("click", () => resize(1));
    fewer.addEventListener("click", () => resize(-1));
    li.append(name, " ", fewer, " ", more);
    return li;
  }));
  if (focused && $(focused) && document.activeElement !== $(focused)) $(focused).focus();  // the layer buttons were redrawn
}

function showLastStep(a) {
  const box = $("t-last"), last = a.last_step, settings = a.settings;
  if (!last) {  // at step 0 none was taken; later, the last one diverged and its weights were put back
    const undone = `The last step was undone: it diverged${a.status && a.status.kind === "diverged" ? " (see the message above)" : ""}.`;
    box.replaceChildren(Object.assign(document.createElement("p"), {textContent: a.step === 0 ? "No step yet: press Step." : undone}));
    return;
  }
  const lines = [`Loss before the step: ${short(last.loss_before)}; after it: ${short(last.loss_after)}.`];
  lines.push(settings.optimizer === "sgd" ? "The biggest nudges (new weight = weight − lr × grad):"
    : "The biggest nudges (Adam scales each one: change = −lr × m̂ / (√v̂ + ε), from the running averages of the gradient):");
  for (const n of last.nudges) {
    const grad = n.grad < 0 ? `(${signedShort(n.grad)})` : short(n.grad);
    lines.push(settings.optimizer === "sgd"
      ? `${n.name}: −lr × grad = −${n.lr} × ${grad} = ${signedShort(n.change)}`
      : `${n.name}: grad ${signedShort(n.grad)}; Adam's change = ${signedShort(n.change)} (lr ${n.lr})`);
  }
  box.replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), {textContent: line})));
}

function showInspect(inspect) {
  if (!inspect) return;
  for (const name of ["x1", "x2"]) setControl("t-" + name, "value", inspect[name]);
  $("t-inspect-output").textContent = `At (x1, x2) = (${short(inspect.x1, 2)}, ${short(inspect.x2, 2)}) the network's output is ${signedShort(inspect.output)}: class ${inspect.output > threshold() ? 1 : 0}.`;
  if (train.shownNeuron) explainTrainNeuron(train.shownNeuron);
}

const threshold = () => (train.picture ? train.picture.grid.threshold : 0);

function explainTrainNeuron(id) {
  train.shownNeuron = id;
  const inspect = train.state && train.state.inspect;
  const n = inspect && inspect.neurons.find((m) => m.id === id);
  if (!n) return;
  const heading = Object.assign(document.createElement("p"), {
    textContent: `Neuron ${id}${n.off ? " (off: ReLU gives 0)" : ""}: value ${signedShort(n.value)}, gradient of the output with respect to it ${signedShort(n.grad)}`,
  });
  const list = document.createElement("ul");
  list.className = "steps";
  list.replaceChildren(...n.steps.map((line) => Object.assign(document.createElement("li"), {textContent: line})));
  $("t-explain").replaceChildren(heading, list);
  for (const g of document.querySelectorAll("#t-picture g.neuron")) g.classList.toggle("shown", g.id === "neuron-" + id.replaceAll(".", "_"));
  for (const c of document.querySelectorAll("#t-maps canvas")) c.classList.toggle("shown", c.dataset.id === id);
}

// --- the URL: settings and seeds, so that a link gives the same run ----------------------------------------------
function query(settings) {
  return {
    dataset: settings.dataset, noise: String(settings.noise), data_seed: String(settings.data_seed),
    hidden: settings.hidden.join(","), activation: settings.activation, lr: String(settings.lr),
    optimizer: settings.optimizer, seed: String(settings.seed), stop: settings.stop_at_100 ? "1" : "0",
  };
}

function writeQuery(settings) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(query(settings))) params.set(key, value);
  const search = "?" + params.toString().replaceAll("%2C", ",");  // hidden=4,4 reads better than 4%2C4
  if (search !== location.search) history.replaceState(history.state, "", search + location.hash);
}

function settingsFromQuery(base) {
  const params = new URLSearchParams(location.search);
  if (!URL_KEYS.some((key) => params.has(key))) return null;
  const s = {...base};
  const num = (key) => (params.get(key).trim() === "" ? NaN : Number(params.get(key)));  // the server names a bad one
  if (params.has("dataset")) s.dataset = params.get("dataset");
  if (params.has("noise")) s.noise = num("noise");
  if (params.has("data_seed")) s.data_seed = num("data_seed");
  if (params.has("hidden")) s.hidden = params.get("hidden").split(",").filter((t) => t.trim() !== "").map(Number);
  if (params.has("activation")) s.activation = params.get("activation");
  if (params.has("lr")) s.lr = num("lr");
  if (params.has("optimizer")) s.optimizer = params.get("optimizer");
  if (params.has("seed")) s.seed = num("seed");
  if (params.has("stop")) s.stop_at_100 = params.get("stop") !== "0";
  for (const key of ["noise", "data_seed", "lr", "seed"]) if (Number.isNaN(s[key])) s[key] = params.get(key);  // sent as text: refused by name
  return s;
}

// --- pictures ---------------------------------------------------------------------------------------------------
const POS = [31, 95, 191], NEG = [224, 122, 16];      // blue: class 1 (output above 0), orange: class 0
const POS_DARK = "#174a9c", NEG_DARK = "#a84f00";

function tint(t) {  // t in [-1, 1] to a colour between orange, white and blue
  const c = t >= 0 ? POS : NEG, k = Math.min(1, Math.abs(t)) * 0.8;
  return c.map((v) => Math.round(255 + (v - 255) * k));
}

// The grid's samples sit at the centres of size x size cells; this maps the plane onto a canvas of width w.
function plane(grid, w, h) {
  const n = grid.size, [x0, x1] = grid.x, [y0, y1] = grid.y;
  return {
    toX: (x) => (((x - x0) / (x1 - x0)) * (n - 1) + 0.5) * (w / n),
    toY: (y) => (((y1 - y) / (y1 - y0)) * (n - 1) + 0.5) * (h / n),
    fromX: (px) => x0 + ((px / (w / n) - 0.5) / (n - 1)) * (x1 - x0),
    fromY: (py) => y1 - ((py / (h / n) - 0.5) / (n - 1)) * (y1 - y0),
  };
}

function paintMap(canvas, size, values, scale) {
  const cells = document.createElement("canvas");
  cells.width = cells.height = size;
  const image = cells.getContext("2d").createImageData(size, size);
  values.forEach((v, i) => {
    const [r, g, b] = tint(scale(v));
    image.data.set([r, g, b, 255], i * 4);
  });
  cells.getContext("2d").putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  return ctx;
}

// The line where the output crosses the threshold, through the grid's cells (marching squares).
function boundaryLine(ctx, size, values, threshold, w, h) {
  const at = (i, j) => values[j * size + i] - threshold;
  const px = (i) => (i + 0.5) * (w / size), py = (j) => (j + 0.5) * (h / size);
  const cross = (a, b) => a / (a - b);
  ctx.beginPath();
  for (let j = 0; j < size - 1; j++) {
    for (let i = 0; i < size - 1; i++) {
      const tl = at(i, j), tr = at(i + 1, j), br = at(i + 1, j + 1), bl = at(i, j + 1);
      const found = [];
      if ((tl > 0) !== (tr > 0)) found.push([px(i + cross(tl, tr)), py(j)]);
      if ((tr > 0) !== (br > 0)) found.push([px(i + 1), py(j + cross(tr, br))]);
      if ((br > 0) !== (bl > 0)) found.push([px(i + 1 - cross(br, bl)), py(j + 1)]);
      if ((bl > 0) !== (tl > 0)) found.push([px(i), py(j + 1 - cross(bl, tl))]);
      const pairs = found.length === 4 && (tl + tr + br + bl > 0) === (tl > 0) ? [[0, 3], [1, 2]] : [[0, 1], [2, 3]];
      for (const [a, b] of pairs) {
        if (!found[b]) continue;
        ctx.moveTo(...found[a]);
        ctx.lineTo(...found[b]);
      }
    }
  }
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = "#111";
  ctx.stroke();
}

function drawPoint(ctx, x, y, label, test) {
  const positive = label > 0, color = positive ? POS_DARK : NEG_DARK;
  ctx.lineWidth = 2;
  if (test) {  // a hollow diamond (a training point at the same place shows through), its class's sign inside
    ctx.beginPath();
    ctx.moveTo(x, y - 9); ctx.lineTo(x + 9, y); ctx.lineTo(x, y + 9); ctx.lineTo(x - 9, y); ctx.closePath();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 4.5;
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2.5;
    ctx.stroke();
  } else {     // a filled circle, white-edged, with its class's sign inside
    ctx.beginPath();
    ctx.arc(x, y, 6, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.moveTo(x - 3, y); ctx.lineTo(x + 3, y);
  if (positive) { ctx.moveTo(x, y - 3); ctx.lineTo(x, y + 3); }
  ctx.strokeStyle = test ? color : "#fff";
  ctx.lineWidth = 1.6;
  ctx.stroke();
}

function drawBoundary() {
  const p = train.picture, s = train.state;
  if (!p || !s) return;
  const canvas = $("t-boundary"), w = canvas.width, h = canvas.height, grid = p.grid;
  const ctx = paintMap(canvas, grid.size, grid.values, (v) => Math.tanh(v - grid.threshold));
  boundaryLine(ctx, grid.size, grid.values, grid.threshold, w, h);
  const map = plane(grid, w, h);
  for (const [x1, x2, label] of s.points.train) drawPoint(ctx, map.toX(x1), map.toY(x2), label, false);
  for (const [x1, x2, label] of s.points.test) drawPoint(ctx, map.toX(x1), map.toY(x2), label, true);
  if (s.inspect) {  // the inspected point: a ring and a cross
    const x = map.toX(s.inspect.x1), y = map.toY(s.inspect.x2);
    ctx.beginPath();
    ctx.arc(x, y, 9, 0, 2 * Math.PI);
    ctx.moveTo(x - 14, y); ctx.lineTo(x + 14, y); ctx.moveTo(x, y - 14); ctx.lineTo(x, y + 14);
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 4; ctx.stroke();
    ctx.strokeStyle = "#111"; ctx.lineWidth = 2; ctx.stroke();
  }
  const range = `x1 from ${short(grid.x[0], 1)} to ${short(grid.x[1], 1)}, x2 from ${short(grid.y[0], 1)} to ${short(grid.y[1], 1)}`;
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "rgba(255,255,255,0.8)";
  ctx.fillRect(0, h - 20, ctx.measureText(range).width + 12, 20);
  ctx.fillStyle = "#222";
  ctx.fillText(range, 6, h - 6);
}

function layerOf(id) {
  const dot = id.indexOf(".");
  return dot < 0 ? 1 : Number(id.slice(1, dot));
}

function drawMaps() {
  const p = train.picture, box = $("t-maps");
  const ids = p.neurons.map((n) => n.id);
  if (box.dataset.ids !== ids.join(" ")) {  // the network changed shape: new canvases (else paint the old ones)
    box.dataset.ids = ids.join(" ");
    const rows = [];
    for (const n of p.neurons) {
      const k = layerOf(n.id);
      if (!rows[k]) {
        rows[k] = Object.assign(document.createElement("div"), {className: "map-row"});
        rows[k].append(Object.assign(document.createElement("span"), {className: "map-layer", textContent: `layer ${k}`}));
      }
      const figure = Object.assign(document.createElement("figure"), {className: "map"});
      const canvas = Object.assign(document.createElement("canvas"), {width: 72, height: 72, tabIndex: 0});
      canvas.dataset.id = n.id;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `neuron ${n.id}: what it computes over the plane`);
      const show = () => { explainTrainNeuron(n.id); enlarge(n.id); };
      canvas.addEventListener("focus", show);
      canvas.addEventListener("mouseenter", show);
      figure.append(canvas, Object.assign(document.createElement("figcaption"), {textContent: n.id}));
      rows[k].append(figure);
    }
    box.replaceChildren(...rows.filter(Boolean));
    if (!ids.length) box.textContent = "No hidden layer: the output is a weighted sum of x1 and x2, so the boundary is a straight line.";
    $("t-map-big").closest("figure").hidden = !ids.length;
    if (!ids.includes(train.enlarged)) train.enlarged = null;
  }
  for (const n of p.neurons) {
    const canvas = box.querySelector(`canvas[data-id="${n.id}"]`);
    paintMap(canvas, p.grid.size, n.values, neuronScale(n.values));
  }
  enlarge(train.enlarged);
}

function neuronScale(values) {  // each map uses its own range, so a quiet neuron still shows its shape
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return (v) => (top > 0 ? v / top : 0);
}

function enlarge(id) {
  train.enlarged = id;
  const big = $("t-map-big"), caption = $("t-map-big-caption");
  const n = id && train.picture && train.picture.neurons.find((m) => m.id === id);
  big.hidden = !n;
  if (!n) { caption.textContent = "Focus or hover a map to enlarge it here."; return; }
  const ctx = paintMap(big, train.picture.grid.size, n.values, neuronScale(n.values));
  const map = plane(train.picture.grid, big.width, big.height);
  for (const [x1, x2, label] of train.state.points.train) drawPoint(ctx, map.toX(x1), map.toY(x2), label, false);
  caption.textContent = `Neuron ${id} over the plane: blue where it is positive, orange where negative, white near 0 (the training points on top).`;
}

function showPicture(p) {
  train.picture = p;
  const box = $("t-picture");
  const focused = box.contains(document.activeElement) ? document.activeElement.id : null;
  showSvg(box, p.svg);
  const neurons = train.state ? train.state.inspect.neurons.map((n) => n.id) : [];
  for (const id of neurons) {
    const g = pictureNode(box, id);
    if (!g) continue;
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "img");
    g.setAttribute("aria-label", `neuron ${id}: focus to see its four steps`);
    g.dataset.id = id;
  }
  for (const id of train.highlight) {  // "h1", "x1-h1" (a weight) or "b-h1" (a bias: its neuron is lit)
    const [a, b] = id.split("-");
    const selector = b === undefined ? `[id="neuron-${a}"]` : a === "b" ? `[id="neuron-${b}"]` : `[id="edge-${a}-${b}"]`;
    const g = box.querySelector(selector.replaceAll(".", "_"));
    if (g) g.classList.add("lit");
  }
  box.classList.toggle("lighting", train.highlight.size > 0);
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus({preventScroll: true});
  if (train.shownNeuron) explainTrainNeuron(train.shownNeuron);
  drawBoundary();
  drawMaps();
}

// --- the loss chart ---------------------------------------------------------------------------------------------
const SVG_NS = "http://www.w3.org/2000/svg";
function svgEl(parent, name, attrs, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  parent.append(e);
  return e;
}

function niceStep(range, count) {
  const raw = range / count, power = 10 ** Math.floor(Math.log10(raw)), r = raw / power;
  return (r >= 5 ? 10 : r >= 2 ? 5 : r >= 1 ? 2 : 1) * power;
}

function tickText(v) {
  if (v === 0) return "0";
  if (Math.abs(v) >= 1000 || Math.abs(v) < 0.001) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

function chartScales(history, width, height, log) {
  const m = {left: 52, right: 12, top: 30, bottom: 40};
  const last = history.length ? history[history.length - 1][0] : 0;
  const xmax = Math.max(1, last);
  const losses = history.flatMap((r) => [r[1], r[2]]).filter(finite);
  let lo, hi;
  if (log) {
    const positive = losses.filter((v) => v > 0);
    const floor = positive.length ? Math.min(...positive) : 1e-3;
    lo = Math.floor(Math.log10(floor));
    hi = Math.ceil(Math.log10(Math.max(floor * 10, ...positive)));
    if (hi === lo) hi = lo + 1;
  } else {
    lo = 0;
    hi = Math.max(1e-9, ...losses) * 1.05;
  }
  const yOf = (v) => {
    const t = log ? (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo) : (v - lo) / (hi - lo);
    return m.top + (1 - t) * (height - m.top - m.bottom);
  };
  const xOf = (s) => m.left + (s / xmax) * (width - m.left - m.right);
  return {m, xmax, lo, hi, xOf, yOf};
}

function drawChart() {
  const box = $("t-chart"), s = train.state;
  if (!s) return;
  const width = Math.max(260, Math.min(560, box.clientWidth || 480)), height = 230;
  const log = $("t-log").checked, history = s.history;
  const {m, xmax, lo, hi, xOf, yOf} = chartScales(history, width, height, log);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("aria-hidden", "true");
  const axes = svgEl(svg, "g", {class: "axes", "font-size": 11, fill: "#333"});
  const bottom = height - m.bottom, right = width - m.right;
  const xs = Math.max(1, niceStep(xmax, 5));  // steps are whole numbers
  for (let t = 0; t <= xmax + 1e-9; t += xs) {
    const x = xOf(t);
    svgEl(axes, "line", {x1: x, x2: x, y1: bottom, y2: bottom + 5, stroke: "#333"});
    svgEl(axes, "text", {x, y: bottom + 17, "text-anchor": "middle"}, tickText(t));
  }
  const yticks = [];
  if (log) for (let k = lo; k <= hi; k++) yticks.push(10 ** k);
  else for (let t = 0, st = niceStep(hi, 4); t <= hi + 1e-12; t += st) yticks.push(t);
  for (const v of yticks) {
    const y = yOf(v);
    svgEl(axes, "line", {x1: m.left, x2: right, y1: y, y2: y, stroke: "#e3e3e3"});
    svgEl(axes, "line", {x1: m.left - 5, x2: m.left, y1: y, y2: y, stroke: "#333"});
    svgEl(axes, "text", {x: m.left - 8, y: y + 4, "text-anchor": "end"}, tickText(v));
  }
  svgEl(axes, "line", {x1: m.left, x2: right, y1: bottom, y2: bottom, stroke: "#333"});
  svgEl(axes, "line", {x1: m.left, x2: m.left, y1: m.top, y2: bottom, stroke: "#333"});
  svgEl(axes, "text", {x: (m.left + right) / 2, y: height - 6, "text-anchor": "middle"}, "step");
  svgEl(axes, "text", {x: 12, y: (m.top + bottom) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(m.top + bottom) / 2})`},
    log ? "loss (log scale)" : "loss");
  const line = (col) => history.filter((r) => finite(r[col])).map((r) => `${xOf(r[0]).toFixed(1)},${yOf(r[col]).toFixed(1)}`).join(" ");
  if (history.length) {
    svgEl(svg, "polyline", {points: line(1), fill: "none", stroke: POS_DARK, "stroke-width": 2});
    svgEl(svg, "polyline", {points: line(2), fill: "none", stroke: NEG_DARK, "stroke-width": 2, "stroke-dasharray": "6 4"});
    const [step, a, b] = history[history.length - 1];  // the latest losses: a dot (train) and a square (test)
    if (finite(a)) svgEl(svg, "circle", {cx: xOf(step), cy: yOf(a), r: 3.5, fill: POS_DARK});
    if (finite(b)) svgEl(svg, "rect", {x: xOf(step) - 3.5, y: yOf(b) - 3.5, width: 7, height: 7, fill: "#fff", stroke: NEG_DARK, "stroke-width": 1.8});
  }
  const key = svgEl(svg, "g", {"font-size": 12, fill: "#222"});
  svgEl(key, "line", {x1: m.left + 8, x2: m.left + 36, y1: 14, y2: 14, stroke: POS_DARK, "stroke-width": 2});
  svgEl(key, "text", {x: m.left + 42, y: 18}, "train (solid)");
  svgEl(key, "line", {x1: m.left + 136, x2: m.left + 164, y1: 14, y2: 14, stroke: NEG_DARK, "stroke-width": 2, "stroke-dasharray": "6 4"});
  svgEl(key, "text", {x: m.left + 170, y: 18}, "test (dashed)");
  if (train.cursor !== null && history[train.cursor]) {
    const [step, a, b] = history[train.cursor], x = xOf(step);
    svgEl(svg, "line", {x1: x, x2: x, y1: m.top, y2: bottom, stroke: "#555", "stroke-dasharray": "2 2"});
    svgEl(svg, "circle", {cx: x, cy: yOf(a), r: 4, fill: POS_DARK});
    svgEl(svg, "rect", {x: x - 4, y: yOf(b) - 4, width: 8, height: 8, fill: "#fff", stroke: NEG_DARK, "stroke-width": 2});
  }
  box.replaceChildren(svg);
  box.dataset.width = width;
  box.setAttribute("aria-valuemax", Math.max(0, history.length - 1));
}

function readCursor() {
  const row = train.state && train.state.history[train.cursor];
  if (!row) return;
  const text = `step ${row[0]}: train loss ${short(row[1])}, test loss ${short(row[2])}`;
  $("t-chart-readout").textContent = text;
  $("t-chart").setAttribute("aria-valuenow", train.cursor);
  $("t-chart").setAttribute("aria-valuetext", text);
  drawChart();
}

function chartKeys(event) {
  const n = train.state ? train.state.history.length : 0;
  if (!n) return;
  const moves = {ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1};
  if (event.key in moves) train.cursor = Math.max(0, Math.min(n - 1, (train.cursor ?? n - 1) + moves[event.key]));
  else if (event.key === "Home") train.cursor = 0;
  else if (event.key === "End") train.cursor = n - 1;
  else return;
  event.preventDefault();
  event.stopPropagation();  // the section's → steps the training; on the chart it moves the cursor
  readCursor();
}

function chartHover(event) {
  const s = train.state, box = $("t-chart"), svg = box.querySelector("svg");
  if (!s || !s.history.length || !svg) return;
  const rect = svg.getBoundingClientRect(), width = Number(box.dataset.width);
  const {xmax, m} = chartScales(s.history, width, 230, false);
  const step = ((event.clientX - rect.left) * (width / rect.width) - m.left) / (width - m.left - m.right) * xmax;
  let best = 0;
  s.history.forEach((r, i) => { if (Math.abs(r[0] - step) < Math.abs(s.history[best][0] - step)) best = i; });
  train.cursor = best;
  readCursor();
}

// --- the keyboard ------------------------------------------------------------------------------------------------
function sectionKeys(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.target.matches("input, select, textarea, [contenteditable]")) return;
  if (event.key === " " && !event.target.matches("button, summary")) { togglePlay(); event.preventDefault(); }
  else if (event.key === "ArrowRight") { stepOnce(); event.preventDefault(); }
  else if (event.key === "r" || event.key === "R") { reset(); event.preventDefault(); }
}

// --- wiring ------------------------------------------------------------------------------------------------------
function pickPoint(event) {
  const canvas = $("t-boundary"), rect = canvas.getBoundingClientRect();
  if (!train.picture) return;
  const map = plane(train.picture.grid, canvas.width, canvas.height);
  const clamp = (v) => Math.max(-POINT_LIMIT, Math.min(POINT_LIMIT, Math.round(v * 100) / 100));
  const x1 = clamp(map.fromX((event.clientX - rect.left) * (canvas.width / rect.width)));
  const x2 = clamp(map.fromY((event.clientY - rect.top) * (canvas.height / rect.height)));
  act("point", {x1, x2});
}

function typedPoint() {
  const x1 = Number($("t-x1").value), x2 = Number($("t-x2").value);
  if ($("t-x1").value === "" || $("t-x2").value === "" || !finite(x1) || !finite(x2) || Math.abs(x1) > POINT_LIMIT || Math.abs(x2) > POINT_LIMIT) {
    $("train-error").textContent = `x1 and x2 must be numbers from -${POINT_LIMIT} to ${POINT_LIMIT}`;
    return;
  }
  act("point", {x1, x2});
}

function pictureNeuron(event) {
  const g = event.target.closest && event.target.closest("g.neuron[data-id]");
  if (!g) return;
  explainTrainNeuron(g.dataset.id);
  if (train.picture && train.picture.neurons.some((n) => n.id === g.dataset.id)) enlarge(g.dataset.id);  // a hidden one has a map
}

function startTraining() {
  $("t-play").addEventListener("click", () => play());
  $("t-pause").addEventListener("click", pause);
  $("t-step").addEventListener("click", stepOnce);
  $("t-run").addEventListener("click", runN);
  $("t-reset").addEventListener("click", reset);
  $("t-slow").addEventListener("click", slowMotion);
  $("t-new-weights").addEventListener("click", newWeights);
  $("t-new-data").addEventListener("click", newData);
  $("t-dataset").addEventListener("change", () => configure({dataset: $("t-dataset").value}));
  $("t-noise").addEventListener("input", () => { $("t-noise-out").textContent = noiseText(Number($("t-noise").value)); });
  $("t-noise").addEventListener("change", () => configure({noise: Number($("t-noise").value)}));
  $("t-activation").addEventListener("change", () => configure({activation: $("t-activation").value}));
  $("t-lr").addEventListener("change", () => configure({lr: Number($("t-lr").value)}));
  $("t-optimizer").addEventListener("change", () => configure({optimizer: $("t-optimizer").value}));
  $("t-stop").addEventListener("change", () => configure({stop_at_100: $("t-stop").checked}));
  $("t-add-layer").addEventListener("click", () => {
    const hidden = wanted().hidden;
    configure({hidden: [...hidden, hidden.length ? hidden[hidden.length - 1] : 2]});
  });
  $("t-remove-layer").addEventListener("click", () => configure({hidden: wanted().hidden.slice(0, -1)}));
  $("t-grads").addEventListener("change", requestPicture);
  $("t-log").addEventListener("change", drawChart);
  $("t-chart").addEventListener("keydown", chartKeys);
  $("t-chart").addEventListener("mousemove", chartHover);
  $("t-boundary").addEventListener("click", pickPoint);
  for (const name of ["t-x1", "t-x2"]) Object.assign($(name), {min: -POINT_LIMIT, max: POINT_LIMIT});  // one limit
  $("t-x1").addEventListener("change", typedPoint);
  $("t-x2").addEventListener("change", typedPoint);
  $("t-picture").addEventListener("mouseover", pictureNeuron);
  $("t-picture").addEventListener("focusin", pictureNeuron);
  $("train").addEventListener("keydown", sectionKeys);
  $("t-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("t-python").textContent);
      $("t-copied").textContent = "Copied.";
    } catch {
      $("t-copied").textContent = "This browser would not copy: select the script and copy it by hand.";
    }
  });
  new ResizeObserver(() => drawChart()).observe($("t-chart"));
}

// The first answer: the run this session has (a default one on first use), then the settings in the URL, if any.
async function refreshTraining() {
  const first = await act("show");
  const wanted = first && settingsFromQuery(first.settings);
  if (wanted) {
    const answer = await act("configure", {settings: wanted});
    if (answer) $("t-status").textContent = `Settings from the page's address. ${answer.status.message || `Step ${answer.step}.`}`;
  }
  train.queryDone = true;
}

sections.push({start: startTraining, refresh: refreshTraining});
