// Section 6, "Watch a network learn": the controls send what the learner did (POST train) and the section draws
// what the engine answers. It computes no numbers of the network itself: it only turns the engine's numbers into
// colours, lines and text. mount(root, host) builds it inside root; see app.js for what host holds. Everything
// one mount knows is in its `train` object; the functions above mount() hold no state.

const URL_KEYS = ["dataset", "noise", "data_seed", "hidden", "activation", "lr", "optimizer", "seed", "stop", "ratio",
  "batch", "features", "reg", "reg_rate", "stop_mse"];
const SHOWN_AS = {xor: "XOR (four corners)", relu: "ReLU", sgd: "SGD", adam: "Adam", three_blobs: "three blobs",
  multi_gaussian: "gaussian bumps", none: "none", l1: "L1", l2: "L2"};  // else a choice's own name
const KIND_NAMES = {two_classes: "two classes", three_classes: "three classes", regression: "regression"};  // the dataset menu's groups
const BATCHES = [1, 2, 5, 10, 15, 20, 30];  // batch sizes offered besides the whole training set, up to its size
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];  // TFP's regularization rates, within choices.reg_rate
const RATES = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1, 3, 10];  // the learning rates offered, within choices.lr
const SPEEDS = [1, 2, 5, 10, 25, 50];  // steps per update while playing
const MAX_N = 100000;       // Run N steps: the page sends them max_steps at a time
const SLOW_PAUSE_MS = 1400;  // between the phases of a slow-motion step: time to read each one
const BUSY_WAIT_MS = 1000;  // playing, when the server is busy with other tabs' training: how long to wait
const CHART_HEIGHT = 180;  // px: the loss chart fits the output column under the boundary
const PICTURE_HEIGHT = 430;  // px: the most the network picture takes, so the board fits a 1280x800 screen
const READABLE = 11;  // px: the smallest text a picture shows; a smaller one gives way
const GIVE_WAY = "Blue connections are positive weights, red negative, thicker larger. Numbers too small to read at this size "
  + "are left out: focus or hover a neuron or a connection to read its numbers here.";
const CHART_HINT = "Hover the chart, or focus it and press ← →, to read the losses.";
const NO_STEP = "No step yet: press Step.";
const PARAM_COLUMNS = [["label", "parameter"], ["value", "value"], ["step_grad", "grad (the step's)"], ["m", "Adam m"],
  ["v", "Adam v"], ["change", "change"]];
const NEW_WEIGHTS = ["configure", "reset", "new_weights", "new_data", "weight"];  // actions after which a point's graph is stale
const PICK_RADIUS = 10;  // canvas px: a click this close to a training point opens its graph

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
export function exact(x) {
  if (!finite(x)) return "—";
  const [digits, power] = x.toExponential().split("e"), e = Number(power);
  if (e < -4 || e >= 16) return `${digits}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  if (Number.isInteger(x)) return (Object.is(x, -0) ? "-" : "") + x.toFixed(1);
  return String(x);
}
const noiseText = (x) => (Number(x.toFixed(2)) === x ? x.toFixed(2) : String(x));  // 0.10, and 0.123 as it is
const percent = (x) => (finite(x) ? `${Number((x * 100).toFixed(1))}%` : "—");
const shownAs = (name) => SHOWN_AS[name] || name;

// --- the URL: settings and seeds, so that a link gives the same run ----------------------------------------------
function query(settings) {
  const q = {
    dataset: settings.dataset, noise: String(settings.noise), data_seed: String(settings.data_seed),
    hidden: settings.hidden.join(","), activation: settings.activation, lr: String(settings.lr),
    optimizer: settings.optimizer, seed: String(settings.seed), stop: settings.stop_at_100 ? "1" : "0",
  };
  // the trainer's settings, where the engine has them
  if ("ratio" in settings) q.ratio = String(settings.ratio);
  if ("batch" in settings) q.batch = settings.batch === null ? "all" : String(settings.batch);
  if ("features" in settings) q.features = settings.features.join(",");
  if ("regularization" in settings) q.reg = settings.regularization;
  if ("reg_rate" in settings) q.reg_rate = String(settings.reg_rate);
  if ("stop_mse" in settings) q.stop_mse = String(settings.stop_mse);
  return q;
}

// The settings a URL's parameters ask for, on top of base; null when it names none.
function settingsFromQuery(params, base) {
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
  if (params.has("ratio")) s.ratio = num("ratio");
  if (params.has("batch")) s.batch = params.get("batch") === "all" ? null : num("batch");
  if (params.has("features")) s.features = params.get("features").split(",").filter((t) => t.trim() !== "");
  if (params.has("reg")) s.regularization = params.get("reg");
  if (params.has("reg_rate")) s.reg_rate = num("reg_rate");
  if (params.has("stop_mse")) s.stop_mse = num("stop_mse");
  for (const key of ["noise", "data_seed", "lr", "seed", "ratio", "batch", "reg_rate", "stop_mse"]) {
    if (Number.isNaN(s[key])) s[key] = params.get(key);  // sent as text: refused by name
  }
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
export function plane(grid, w, h) {
  const n = grid.size, [x0, x1] = grid.x, [y0, y1] = grid.y;
  return {
    toX: (x) => (((x - x0) / (x1 - x0)) * (n - 1) + 0.5) * (w / n),
    toY: (y) => (((y1 - y) / (y1 - y0)) * (n - 1) + 0.5) * (h / n),
    fromX: (px) => x0 + ((px / (w / n) - 0.5) / (n - 1)) * (x1 - x0),
    fromY: (py) => y1 - ((py / (h / n) - 0.5) / (n - 1)) * (y1 - y0),
  };
}

// A size x size grid of cells, each coloured by rgb(i), drawn smoothly over the whole canvas.
function paintCells(canvas, size, rgb) {
  const cells = document.createElement("canvas");
  cells.width = cells.height = size;
  const image = cells.getContext("2d").createImageData(size, size);
  for (let i = 0; i < size * size; i++) image.data.set([...rgb(i), 255], i * 4);
  cells.getContext("2d").putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  return ctx;
}

function paintMap(canvas, size, values, scale) {
  return paintCells(canvas, size, (i) => tint(scale(values[i])));
}

// Three classes: each cell in its winning class's colour, stronger where its probability is higher (from 1/3 to 1).
function paintClasses(canvas, size, classes, probability, discrete) {
  return paintCells(canvas, size, (i) => {
    const k = discrete ? 0.55 : Math.max(0, (probability[i] - 1 / 3) * 1.5) * 0.8;
    return CLASS_LIGHT[classes[i]].map((v) => Math.round(255 + (v - 255) * k));
  });
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

// A point's colour and mark: class 1 blue "+", class 0 orange "−", class 2 green "×"; a regression target its own
// colour on the diverging scale, no mark, outlined in black (a target near 0 is near white, as the plot is there).
const CLASS_DARK = [NEG_DARK, POS_DARK, "#1b7a3a"], CLASS_LIGHT = [NEG, POS, [46, 160, 90]];
function pointStyle(label, kind) {
  if (kind === "regression") {
    const [r, g, b] = tint(Math.max(-1, Math.min(1, label)) * 1.25);
    return {color: `rgb(${r},${g},${b})`, mark: ""};
  }
  return {color: CLASS_DARK[label] || POS_DARK, mark: ["−", "+", "×"][label]};
}

function drawPoint(ctx, x, y, label, test, kind = "two_classes") {
  const {color, mark} = pointStyle(label, kind), positive = mark === "+";
  const edge = kind === "regression" ? "#111" : "#fff";  // a class's dark colour needs a light edge, a target a dark one
  if (test) {  // a hollow diamond (a training point at the same place shows through), its class's sign inside
    ctx.beginPath();
    ctx.moveTo(x, y - 9); ctx.lineTo(x + 9, y); ctx.lineTo(x, y + 9); ctx.lineTo(x - 9, y); ctx.closePath();
    ctx.strokeStyle = edge;
    ctx.lineWidth = kind === "regression" ? 5.5 : 4.5;
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2.5;
    ctx.stroke();
  } else {     // a filled circle, edged, with its class's sign inside
    ctx.beginPath();
    ctx.arc(x, y, 6, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = edge;
    ctx.lineWidth = kind === "regression" ? 2 : 1.5;
    ctx.stroke();
  }
  if (kind === "regression") return;
  ctx.beginPath();
  if (mark === "×") { ctx.moveTo(x - 2.5, y - 2.5); ctx.lineTo(x + 2.5, y + 2.5); ctx.moveTo(x + 2.5, y - 2.5); ctx.lineTo(x - 2.5, y + 2.5); }
  else { ctx.moveTo(x - 3, y); ctx.lineTo(x + 3, y); }
  if (positive) { ctx.moveTo(x, y - 3); ctx.lineTo(x, y + 3); }
  ctx.strokeStyle = test ? color : "#fff";
  ctx.lineWidth = 1.6;
  ctx.stroke();
}


function layerOf(id) {
  const dot = id.indexOf(".");
  return dot < 0 ? 1 : Number(id.slice(1, dot));
}

function neuronScale(values) {  // each map uses its own range, so a quiet neuron still shows its shape
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return (v) => (top > 0 ? v / top : 0);
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


// --- the section ------------------------------------------------------------------------------------------------
function template(id, c) {
  const options = (names) => names.map((n) => `<option value="${n}">${shownAs(n)}</option>`).join("");
  const rates = RATES.filter((r) => r > c.lr[0] && r <= c.lr[1]);
  const kinds = c.dataset_kinds || {}, groups = [...new Set(c.datasets.map((n) => kinds[n]))];  // the datasets by kind
  const datasets = kinds[c.datasets[0]] ? groups.map((k) => `<optgroup label="${KIND_NAMES[k] || k}">${options(c.datasets.filter((n) => kinds[n] === k))}</optgroup>`).join("") : options(c.datasets);
  return `
  <div class="train-board">
    <div class="train-bar">
      <div class="buttons wrap" role="group" aria-label="Training">
        <button type="button" data-part="play"><span aria-hidden="true">▶</span> Play</button>
        <button type="button" data-part="pause" disabled><span aria-hidden="true">❚❚</span> Pause</button>
        <button type="button" data-part="step">Step (one training step)</button>
        <button type="button" data-part="reset">Reset</button>
      </div>
      <div class="bar-controls">
        <span class="inline-field"><label for="${id}lr">learning rate</label>
          <select id="${id}lr" data-part="lr">${rates.map((r) => `<option>${r}</option>`).join("")}</select></span>
        <span class="inline-field"><label for="${id}activation">activation</label>
          <select id="${id}activation" data-part="activation">${options(c.activations)}</select></span>
        <span class="inline-field"><label for="${id}optimizer">optimizer</label>
          <select id="${id}optimizer" data-part="optimizer">${options(c.optimizers)}</select></span>${c.regularizations ? `
        <span class="inline-field"><label for="${id}reg">regularization</label>
          <select id="${id}reg" data-part="reg">${options(c.regularizations)}</select></span>
        <span class="inline-field"><label for="${id}reg-rate">regularization rate</label>
          <select id="${id}reg-rate" data-part="reg-rate">${REG_RATES.filter((r) => r >= c.reg_rate[0] && r <= c.reg_rate[1]).map((r) => `<option>${r}</option>`).join("")}</select></span>` : ""}
      </div>
      <p data-part="status" class="status" role="status">Loading…</p>
      <p class="error" role="alert" data-part="error"></p>
      <p class="error" role="alert" data-part="picture-error"></p>
    </div>

    <div class="train-data">
      <fieldset>
        <legend>Data</legend>
        <div class="controls">
          <label for="${id}dataset" class="whole-row">dataset</label>
          <select id="${id}dataset" data-part="dataset" class="whole-row">${datasets}</select>
          <label for="${id}noise">noise</label>
          <span class="slider"><input id="${id}noise" data-part="noise" type="range" min="${c.noise[0]}" max="${c.noise[1]}" step="0.01" value="${c.defaults.noise}">
            <output data-part="noise-out" for="${id}noise">${noiseText(c.defaults.noise)}</output></span>
          <label for="${id}data-seed">data seed</label>
          <span class="with-button"><output id="${id}data-seed" data-part="data-seed">${c.defaults.data_seed}</output>
            <button type="button" data-part="new-data">New data</button></span>${c.ratio ? `
          <label for="${id}ratio">training share</label>
          <span class="slider"><input id="${id}ratio" data-part="ratio" type="range" min="${c.ratio[0]}" max="${c.ratio[1]}" step="5" value="${c.defaults.ratio}">
            <output data-part="ratio-out" for="${id}ratio">${c.defaults.ratio}%</output></span>
          <label for="${id}batch">batch size</label>
          <select id="${id}batch" data-part="batch"><option value="all">all the training points</option></select>` : ""}
        </div>${c.features ? `
        <fieldset data-part="features" class="features">
          <legend>Inputs (features)</legend>
          <div class="buttons wrap">${c.features.map((f) => `<label class="check"><input type="checkbox" data-feature="${f}" aria-label="feature ${c.feature_labels[f]}"> <span aria-hidden="true">${c.feature_labels[f]}</span></label>`).join("")}</div>
        </fieldset>` : ""}
      </fieldset>
      <fieldset>
        <legend>Running</legend>
        <div class="buttons wrap">
          <span class="inline-field"><label for="${id}n">N</label> <input id="${id}n" data-part="n" type="number" min="1" max="${MAX_N}" step="1" value="100"></span>
          <button type="button" data-part="run">Run N steps</button>
          <button type="button" data-part="slow">Step in slow motion</button>
        </div>
        <div class="controls">
          <label for="${id}speed" class="whole-row">speed</label>
          <select id="${id}speed" data-part="speed" class="whole-row">${SPEEDS.map((n) => `<option value="${n}"${n === 5 ? " selected" : ""}>${n} step${n === 1 ? "" : "s"} per update</option>`).join("")}</select>
        </div>
        <label class="check" title="The test points are held out: stopping when they are all right would be training on them."><input type="checkbox" data-part="stop"${c.defaults.stop_at_100 ? " checked" : ""}><span data-part="stop-label"> Stop at 100% training accuracy</span></label>
        <ol data-part="phases" class="phases inline" aria-label="The five phases of one step">
          <li data-phase="forward">1 forward</li><li data-phase="loss">2 loss</li><li data-phase="backprop">3 backprop</li>
          <li data-phase="update">4 update</li><li data-phase="repeat">5 repeat</li>
        </ol>
        <p data-part="phase" class="phase-line" aria-live="polite"></p>
        <p class="loss-name">Loss: <span data-part="loss-name">…</span></p>
      </fieldset>
    </div>

    <div class="train-network">
      <fieldset>
        <legend>Network</legend>
        <p data-part="shape" class="shape">2 inputs → … → 1 output</p>
        <div class="buttons wrap">
          <button type="button" data-part="add-layer">Add layer</button>
          <button type="button" data-part="remove-layer">Remove layer</button>
          <span class="with-button"><label for="${id}seed">weight seed</label> <output id="${id}seed" data-part="seed">${c.defaults.seed}</output>
            <button type="button" data-part="new-weights">New weights</button></span>
        </div>
        <ul data-part="layers" class="layers" aria-label="Hidden layers"></ul>
        <p class="note">Changing the data, the network or how it learns restarts training from step 0.</p>
        <label class="check"><input type="checkbox" data-part="grads"> Show gradients</label>
        <p class="note">Click a connection, or Tab to it and press Enter, to set its weight (from ${-c.param_limit} to ${c.param_limit}).</p>
        <div class="picture-wrap">
          <div class="picture" data-part="picture" role="group" aria-label="The network with its live weights and biases, or their gradients; focus or hover a neuron to see its four steps, press Enter on a connection to set its weight"></div>
          <form data-part="weight-editor" class="weight-editor" data-input-id="${id}weight" hidden></form>
        </div>
        <p data-part="picture-readout" class="readout-line" aria-live="polite"></p>
      </fieldset>
    </div>

    <div class="train-output">
      <div class="readouts">
        <label for="${id}step-out">step</label><output id="${id}step-out" data-part="step-out" aria-live="off">0</output>${c.ratio ? `
        <label for="${id}epoch-out">epoch</label><output id="${id}epoch-out" data-part="epoch-out" aria-live="off">0</output>` : ""}
        <label for="${id}train-loss">train loss</label><output id="${id}train-loss" data-part="train-loss" aria-live="off">…</output>
        <label for="${id}test-loss">test loss</label><output id="${id}test-loss" data-part="test-loss" aria-live="off">…</output>
        <label for="${id}train-acc">train accuracy</label><output id="${id}train-acc" data-part="train-acc" aria-live="off">…</output>
        <label for="${id}test-acc">test accuracy</label><output id="${id}test-acc" data-part="test-acc" aria-live="off">…</output>${c.regularizations ? `
        <label for="${id}penalty">penalty</label><output id="${id}penalty" data-part="penalty" aria-live="off">…</output>` : ""}
      </div>
      <figure class="boundary-figure">
        <div class="plane"><canvas data-part="boundary" width="360" height="360" role="img" aria-label="The decision boundary: the network's output over the input plane, with the training and test points"></canvas>
          <span data-part="plane-range" class="plane-range"></span></div>
        <figcaption>Decision boundary: the network's output over the plane (click to inspect a point, or a training point for its graph)</figcaption>
        <div class="buttons wrap toggles">
          <label class="check"><input type="checkbox" data-part="discretize"> Discretize output</label>
          <label class="check"><input type="checkbox" data-part="show-test" checked> Show test data</label>
        </div>
      </figure>
      <div class="chart-box">
        <div data-part="chart" class="chart" tabindex="0" role="slider" aria-valuemin="0" aria-valuemax="0" aria-valuenow="0" aria-valuetext="no steps yet" aria-label="Loss chart: train loss (solid line) and test loss (dashed) by step; the left and right arrow keys move a cursor along it"></div>
        <label class="check"><input type="checkbox" data-part="log"> Log scale</label>
        <p data-part="chart-readout" class="readout-line" aria-live="polite">${CHART_HINT}</p>
      </div>
      <ul class="legend" aria-label="Legend">
        <li data-part="legend-pos"><span class="swatch pos-fill" aria-hidden="true">+</span> <span class="text">output above 0: class 1</span></li>
        <li data-part="legend-neg"><span class="swatch neg-fill" aria-hidden="true">−</span> <span class="text">output below 0: class 0</span></li>
        <li data-part="legend-third" hidden><span class="swatch third-fill" aria-hidden="true">×</span> <span class="text"></span></li>
        <li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5.5" fill="#555" stroke="#fff" stroke-width="1.5"/></svg> training point (● filled circle)</li>
        <li><svg width="16" height="16" aria-hidden="true"><rect x="2.5" y="2.5" width="11" height="11" fill="#fff" stroke="#222" stroke-width="2" transform="rotate(45 8 8)"/></svg> test point (◇ hollow diamond)</li>
        <li data-part="legend-line"><svg width="22" height="10" aria-hidden="true"><line x1="1" y1="5" x2="21" y2="5" stroke="#111" stroke-width="2.5"/></svg> <span class="text">the boundary: output = 0</span></li>
        <li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5" fill="none" stroke="#111" stroke-width="2"/><line x1="8" y1="0" x2="8" y2="16" stroke="#111"/><line x1="0" y1="8" x2="16" y2="8" stroke="#111"/></svg> the point you inspect</li>
      </ul>
    </div>
  </div>
  <p class="shortcuts"><strong>Keys in this section:</strong> <kbd>Space</kbd> plays and pauses, <kbd>→</kbd> runs one
    training step, <kbd>R</kbd> resets to the starting weights (not while typing in a box).</p>

  <div class="neuron-maps-box">
    <h3>What each hidden neuron computes</h3>
    <p class="note">Each small map is one neuron's output over the same plane. Focus or hover a map to enlarge it and
      see its four steps at the inspected point.</p>
    <div class="maps-pair">
      <div data-part="maps" class="neuron-maps"></div>
      <figure class="map-big">
        <canvas data-part="map-big" width="180" height="180" hidden role="img" aria-label="The enlarged map of the neuron in focus"></canvas>
        <figcaption data-part="map-big-caption">Focus or hover a map to enlarge it here.</figcaption>
      </figure>
    </div>
  </div>

  <div class="pair">
    <div>
      <h3>What the last step did</h3>
      <div data-part="last" class="record" aria-live="polite"><p>${NO_STEP}</p></div>
    </div>
    <div>
      <h3>Inspect a point</h3>
      <div class="controls">
        <label for="${id}x1">x1</label><input id="${id}x1" data-part="x1" type="number" step="0.1" value="0" min="${-c.point_limit}" max="${c.point_limit}">
        <label for="${id}x2">x2</label><input id="${id}x2" data-part="x2" type="number" step="0.1" value="0" min="${-c.point_limit}" max="${c.point_limit}">
      </div>
      <p data-part="inspect-output" class="record"></p>
      <div data-part="explain" class="explain" aria-live="polite"><p>Focus or hover a neuron (in the picture or its map) to see its four steps at this point.</p></div>
    </div>
  </div>

  <p data-part="param-caption" class="param-caption" id="${id}param-caption">Every parameter.</p>
  <div class="table-wrap param-table-wrap"><table data-part="param-table" class="param-table" aria-label="Every parameter: its value, gradient, Adam m and v, and the last step's change" aria-describedby="${id}param-caption">
    <thead><tr>${PARAM_COLUMNS.map(([key, name]) => `<th scope="col" data-key="${key}"><button type="button" data-sort="${key}">${name}</button></th>`).join("")}</tr></thead>
    <tbody></tbody>
  </table></div>

  <section class="point-graph" aria-labelledby="${id}graph-title">
    <h3 id="${id}graph-title">One point's loss, backward</h3>
    <p class="note">Click a training point on the decision boundary plot, or choose one here, to see its loss's whole
      computation graph for the current weights, then step backward through it one piece at a time, as section 4 does.</p>
    <div class="buttons wrap">
      <span class="inline-field"><label for="${id}graph-index">training point</label>
        <input id="${id}graph-index" data-part="graph-index" type="number" min="1" step="1" value="1"></span>
      <button type="button" data-part="graph-open">Show its graph</button>
    </div>
    <div class="buttons wrap" role="group" aria-label="Step the point's backward pass">
      <button type="button" data-part="graph-start" disabled>Start</button>
      <button type="button" data-part="graph-back" disabled>Back</button>
      <button type="button" data-part="graph-next" disabled>Next</button>
      <button type="button" data-part="graph-end" disabled>End</button>
    </div>
    <p data-part="graph-status" aria-live="polite"></p>
    <p data-part="graph-text" class="worked" aria-live="polite"></p>
    <p class="error" role="alert" data-part="graph-error"></p>
    <div class="picture graph-picture" data-part="graph-picture" role="img" aria-label="The point's loss graph, its grads so far, the piece just worked highlighted"></div>
  </section>

  <details>
    <summary>Show the Python</summary>
    <p>This script uses the package's public API to reproduce this run (the same settings, seeds and steps) and prints
      the train loss at each step.</p>
    <button type="button" data-part="copy">Copy the script</button> <span data-part="copied" aria-live="polite"></span>
    <pre data-part="python"></pre>
  </details>`;
}

export function mount(root, host) {
  const {showSvg, pictureNode, pictureElement, idPrefix, channel} = host.helpers;
  const choices = host.choices, urlState = host.urlState || null, LIMIT = choices.point_limit;
  root.classList.add("lesson", "lesson-live_training");
  const focusable = !root.hasAttribute("tabindex");
  if (focusable) root.tabIndex = -1;  // a click in the section gives its keys the focus
  root.innerHTML = template(idPrefix("train"), choices);
  const part = (name) => root.querySelector(`[data-part="${name}"]`);

  // Everything this mount knows, in one place.
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
    acting: Promise.resolve(),  // the action in flight: the next one waits for it
    destroyed: false,
    editing: null,     // the weight whose editor is open (a stable id, "x1-h1.1")
    refocusEdge: null, // the connection to focus again once the picture with its new weight is drawn
    sortKey: "change", // the parameter table's order: by this column ...
    sortDir: -1,       // ... largest first (-1) or smallest first (1); numbers by size
    graph: null,       // the point's loss graph shown, as the engine answered
  };

  // --- talking to the engine ------------------------------------------------------------------------------------
  // One channel for the run's state, one for pictures: a picture never makes a step's answer stale, nor the
  // reverse. A step refused as busy while playing is not an error to show: play waits and tries again.
  const channels = {
    train: channel(host.transport, "train", part("error")),
    picture: channel(host.transport, "train", part("picture-error")),
    graph: channel(host.transport, "train", part("graph-error")),
  };
  const busy = (body) => (error) => error.status === 503 && body.action === "step" && train.playing;
  const ask = (which, body) => channels[which](body, busy(body));

  // An answer from a session the run did not answer from is a new session's (the host's session was dropped:
  // the server restarted, or too many tabs), found by this request or by another section's: it holds the server's
  // default run, so the page's settings go first, then what was asked. One action at a time: a picture that finds
  // the session new asks for the run while a Step may be on its way, and two actions in flight on the one channel
  // would make the first one's answer stale (the Step lost).
  function act(action, extra = {}) {
    const done = train.acting.then(() => actNow(action, extra));
    train.acting = done.catch(() => {});
    return done;
  }

  async function actNow(action, extra) {
    if (train.destroyed) return null;
    const settings = train.state && train.state.settings;
    const replay = Boolean(settings) && action !== "configure";
    let got = await ask("train", {action, ...extra});
    if (got.answer && replay && got.from !== train.answeredIn) {  // this request found a new session
      const weights = train.state.weights ? {weights: train.state.weights} : {};  // the weights set, at their steps
      if (!(await sendState("configure", {settings, ...weights}))) return null;
      got = await ask("train", {action, ...extra});
    }
    const answer = showAnswer(got);
    if (answer && train.graph && NEW_WEIGHTS.includes(action)) closeGraph();  // the graph spoke of the old weights
    return answer;
  }

  async function sendState(action, extra) {
    return showAnswer(await ask("train", {action, ...extra}));
  }

  function showAnswer(got) {
    train.failed = got.status || null;
    if (!got.answer || train.destroyed) return null;
    train.answeredIn = got.from;
    showState(got.answer);
    return got.answer;
  }
  const trainFailed = () => part("error").textContent !== "";

  async function requestPicture() {
    if (train.pictureBusy) { train.pictureAgain = true; return; }
    train.pictureBusy = true;
    try {
      do {
        train.pictureAgain = false;
        const grads = part("grads").checked || train.phaseGrads;
        const got = await ask("picture", {action: "picture", grads});
        if (train.destroyed) return;
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

  // The settings last asked for: a second change made before the first one's answer builds on the first.
  const wanted = () => train.wanted || train.state.settings;

  // A change of dataset to another kind (classes or regression) leaves out the stop rules it did not set: the
  // engine gives the new kind its own (a class-only rule with regression is refused).
  function forKind(settings, before, patch) {
    const kinds = choices.dataset_kinds;
    if (!kinds || kinds[settings.dataset] === kinds[before.dataset]) return settings;
    const fitted = {...settings};
    if (!("stop_at_100" in patch)) delete fitted.stop_at_100;
    if (!("stop_mse" in patch)) delete fitted.stop_mse;
    return fitted;
  }

  async function changeSettings(action, extra, patch) {
    if (!train.state) return null;
    const settings = forKind({...wanted(), ...patch}, wanted(), patch);
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
    part("play").disabled = on;
    part("pause").disabled = !on;
    if (hadFocus === part("play") && on) part("pause").focus();
    if (hadFocus === part("pause") && !on) part("play").focus();
    root.classList.toggle("playing", on);
    clearInterval(train.timer);
    train.timer = on ? setInterval(requestPicture, 200) : null;
    if (!on) requestPicture();
  }

  // Play: steps as the speed control says, until paused; with a limit, that many steps (Run N steps). A request
  // does at most choices.max_steps steps in about half a second and says how far it got: the next one goes when it answered.
  async function play(limit = null) {
    if (train.playing || !train.state) return;
    train.slowRun = 0;
    setPlaying(true);
    const run = ++train.playRun;
    let done = 0, last = train.state.step;
    while (train.playing && train.playRun === run) {  // never two loops: Pause then Play at once starts a new one
      const left = limit === null ? Number(part("speed").value) : Math.min(choices.max_steps, limit - done);
      if (left <= 0) { pause(); break; }
      const answer = await act("step", {steps: left});
      if (train.playRun !== run) break;
      if (!answer && train.failed === 503) {  // busy training other tabs' runs: wait, and go on unless paused
        part("status").textContent = "The server is busy: waiting to train on (Pause stops).";
        part("status").dataset.kind = "busy";
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
    const n = Number(part("n").value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_N) { part("error").textContent = `N must be a whole number from 1 to ${MAX_N}`; return null; }
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
      const drawn = train.phaseGrads && !part("grads").checked ? " (The picture shows the gradients now.)" : "";
      part("phase").textContent = `Slow motion, phase ${p.index} of 5: ${p.name}. ${p.text}${drawn}`;
      for (const li of part("phases").children) li.classList.toggle("current", li.dataset.phase === p.name);
      await requestPicture();
      if (p.name === "repeat") break;
      await new Promise((resolve) => setTimeout(resolve, SLOW_PAUSE_MS));
    }
    train.phaseGrads = false;
    if (train.slowRun === run) train.slowRun = 0;
  }

  // --- the state ------------------------------------------------------------------------------------------------
  function showState(a) {
    if (train.state && a.step < train.state.step) {  // a new run (reset, restart): the old cursor meant another run
      train.cursor = null;
      part("chart-readout").textContent = CHART_HINT;
    }
    train.state = a;
    if (!a.phase) {
      train.highlight = new Set();
      if (!train.slowRun) {
        part("phase").textContent = "";
        for (const li of part("phases").children) li.classList.remove("current");
      }
    }
    showSettings(a.settings);
    part("loss-name").textContent = a.loss_name;
    part("step-out").textContent = String(a.step);
    for (const [name, loss] of [["train-loss", a.train_loss], ["test-loss", a.test_loss]]) {  // 4 digits, as elsewhere
      part(name).textContent = short(loss);
      part(name).title = `${exact(loss)} (every digit, as the Python script prints it)`;
    }
    part("train-acc").textContent = percent(a.train_accuracy);
    part("test-acc").textContent = percent(a.test_accuracy);
    const regression = a.kind === "regression";  // MSE takes the place of accuracy
    for (const name of ["train-acc", "test-acc"]) {
      part(name).hidden = regression;
      root.querySelector(`label[for="${part(name).id}"]`).hidden = regression;
    }
    for (const [name, label] of [["train-loss", "train"], ["test-loss", "test"]]) {  // short: each number on one line
      root.querySelector(`label[for="${part(name).id}"]`).textContent = `${label} ${regression ? "MSE" : "loss"}`;
    }
    if (part("epoch-out")) {  // whole passes over the training points; a step is one batch
      part("epoch-out").textContent = finite(a.epoch) ? String(a.epoch) : "—";
      part("epoch-out").title = `${a.batches_per_epoch} step${a.batches_per_epoch === 1 ? "" : "s"} (batches) make an epoch`;
    }
    if (part("penalty")) {  // the regularization term, apart from the data loss
      part("penalty").textContent = short(a.penalty);
      part("penalty").title = `${exact(a.penalty)} (every digit)`;
    }
    const status = a.status || {kind: "ready", message: ""};
    const said = status.message || `Step ${a.step}.`;
    const dead = a.dead && status.kind === "ready" ? ` ${a.dead}` : "";  // a died network: why, and what to try
    part("status").textContent = (a.restarted ? `${a.restarted} ${said}` : a.edited ? `${a.edited} ${said}` : said) + dead;
    part("status").dataset.kind = dead ? "dead" : status.kind;
    if (status.kind !== "ready") pause();
    showLastStep(a);
    showParamTable(a);
    part("graph-index").max = a.points.train.length;
    showInspect(a.inspect);
    if (train.cursor !== null && train.cursor >= a.history.length) train.cursor = a.history.length - 1;
    if (train.cursor !== null) readCursor(); else drawChart();
    part("python").textContent = a.python;
    if (train.queryDone && urlState) urlState.write({...query(a.settings), ...toggleQuery(), ...weightsQuery(a)});
    if (!train.playing && !a.phase) requestPicture();  // while playing, a timer asks for pictures
  }

  // A control the learner is using (it has focus: a slider being dragged, a select being chosen from) keeps what
  // the learner set; the next answer after they leave it shows the run's own value.
  function setControl(name, field, value) {
    if (document.activeElement !== part(name)) part(name)[field] = value;
  }

  function showSettings(s) {
    setControl("dataset", "value", s.dataset);
    setControl("noise", "value", s.noise);
    if (document.activeElement !== part("noise")) part("noise-out").textContent = noiseText(s.noise);  // the run's own
    part("data-seed").textContent = String(s.data_seed);
    part("seed").textContent = String(s.seed);
    setControl("activation", "value", s.activation);
    const lr = String(s.lr);
    if (![...part("lr").options].some((o) => o.value === lr)) part("lr").add(new Option(lr, lr));
    setControl("lr", "value", lr);
    setControl("optimizer", "value", s.optimizer);
    setControl("stop", "checked", s.stop_at_100);
    if (part("ratio") && "ratio" in s) {
      setControl("ratio", "value", s.ratio);
      if (document.activeElement !== part("ratio")) part("ratio-out").textContent = `${s.ratio}%`;
      const size = train.state ? train.state.points.train.length : 0, batch = part("batch");
      const offered = ["all", ...BATCHES.filter((n) => n <= size).map(String)];
      if (s.batch !== null && !offered.includes(String(s.batch))) offered.push(String(s.batch));  // from an address
      if (batch.dataset.size !== String(size) || [...batch.options].map((o) => o.value).join() !== offered.join()) {
        batch.dataset.size = size;
        batch.replaceChildren(...offered.map((v) => new Option(v === "all" ? `all ${size}` : v, v)));
      }
      setControl("batch", "value", s.batch === null ? "all" : String(s.batch));
    }
    if (part("features") && s.features) {
      for (const box of part("features").querySelectorAll("input[data-feature]")) {
        if (document.activeElement !== box) box.checked = s.features.includes(box.dataset.feature);
        box.disabled = box.checked && s.features.length === 1;  // at least one input
      }
    }
    if (part("reg") && "regularization" in s) {
      setControl("reg", "value", s.regularization);
      const rate = String(s.reg_rate);
      if (![...part("reg-rate").options].some((o) => o.value === rate)) part("reg-rate").add(new Option(rate, rate));
      setControl("reg-rate", "value", rate);
      part("reg-rate").disabled = s.regularization === "none";
    }
    if (s.stop_mse !== undefined) {  // regression stops on the training MSE, classes at 100% training accuracy
      const regression = choices.dataset_kinds && choices.dataset_kinds[s.dataset] === "regression";
      part("stop-label").textContent = regression ? " Stop when the training MSE is below 0.01" : " Stop at 100% training accuracy";
      if (regression) setControl("stop", "checked", s.stop_mse > 0);
    }
    const hidden = s.hidden;
    const inputs = s.features ? s.features.length : 2;
    const outputs = choices.dataset_kinds && choices.dataset_kinds[s.dataset] === "three_classes" ? 3 : 1;  // a score per class
    part("shape").textContent = [`${inputs} input${inputs === 1 ? "" : "s"}`, ...hidden.map((n, k) => `layer ${k + 1}: ${n}`), outputs === 1 ? "1 output" : `${outputs} outputs`].join(" → ");
    part("add-layer").disabled = hidden.length >= choices.max_layers;
    part("remove-layer").disabled = hidden.length === 0;
    // the layer rows are built again only when the layers changed: a button replaced between mouse-down and
    // mouse-up (while playing, an answer comes every frame) would lose the click
    if (train.layers === hidden.join(",")) return;
    train.layers = hidden.join(",");
    const focused = root.contains(document.activeElement) ? document.activeElement.dataset.part : null;
    part("layers").replaceChildren(...hidden.map((n, k) => {
      const li = document.createElement("li");
      const name = Object.assign(document.createElement("span"), {textContent: `layer ${k + 1}: ${n} neuron${n === 1 ? "" : "s"}`});
      const more = Object.assign(document.createElement("button"), {type: "button", textContent: "+"});
      const fewer = Object.assign(document.createElement("button"), {type: "button", textContent: "−"});
      more.setAttribute("aria-label", `+ neuron in layer ${k + 1}`);
      fewer.setAttribute("aria-label", `− neuron in layer ${k + 1}`);
      more.title = more.getAttribute("aria-label");
      fewer.title = fewer.getAttribute("aria-label");
      more.dataset.part = `more-${k}`;
      fewer.dataset.part = `fewer-${k}`;
      more.disabled = n >= choices.max_neurons;
      fewer.disabled = n <= 1;
      const resize = (by) => configure({hidden: wanted().hidden.map((m, j) => (j === k ? Math.max(1, Math.min(choices.max_neurons, m + by)) : m))});
      more.addEventListener("click", () => resize(1));
      fewer.addEventListener("click", () => resize(-1));
      li.append(name, " ", fewer, " ", more);
      return li;
    }));
    if (focused && part(focused) && document.activeElement !== part(focused)) part(focused).focus();  // the layer buttons were redrawn
  }

  function showLastStep(a) {
    const box = part("last"), last = a.last_step, settings = a.settings;
    if (!last) {  // at step 0 none was taken; later, the last one diverged and its weights were put back
      const undone = `The last step was undone: it diverged${a.status && a.status.kind === "diverged" ? " (see the message above)" : ""}.`;
      box.replaceChildren(Object.assign(document.createElement("p"), {textContent: a.step === 0 ? NO_STEP : undone}));
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
    for (const name of ["x1", "x2"]) setControl(name, "value", inspect[name]);
    const at = `At (x1, x2) = (${short(inspect.x1, 2)}, ${short(inspect.x2, 2)})`;
    part("inspect-output").textContent = Array.isArray(inspect.output)
      ? `${at} the scores are ${inspect.output.map((v) => signedShort(v)).join(", ")}: class ${inspect.winner} wins, with probability ${short(inspect.probabilities[inspect.winner])}.`
      : train.state && train.state.kind === "regression"
        ? `${at} the network's output is ${signedShort(inspect.output)}.`
        : `${at} the network's output is ${signedShort(inspect.output)}: class ${inspect.output > threshold() ? 1 : 0}.`;
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
    part("explain").replaceChildren(heading, list);
    const shown = pictureNode(part("picture"), id);
    for (const g of part("picture").querySelectorAll("g.neuron")) g.classList.toggle("shown", g === shown);
    for (const c of part("maps").querySelectorAll("canvas")) c.classList.toggle("shown", c.dataset.id === id);
  }


  function drawBoundary() {
    const p = train.picture, s = train.state;
    if (!p || !s) return;
    const canvas = part("boundary"), w = canvas.width, h = canvas.height, grid = p.grid;
    const discrete = part("discretize").checked;  // each class (or sign) in one flat colour, as TFP's "discretize output"
    const kind = grid.kind || "two_classes";
    let ctx;
    if (kind === "three_classes") {
      ctx = paintClasses(canvas, grid.size, grid.classes, grid.probability, discrete);
      for (let c = 0; c < 3; c++) boundaryLine(ctx, grid.size, grid.classes.map((k) => (k === c ? 1 : -1)), 0, w, h);
    } else if (kind === "regression") {  // a diverging scale: orange at the range's low end, white at 0, blue at its top
      const top = Math.max(...grid.range.map(Math.abs));
      ctx = paintMap(canvas, grid.size, grid.values, discrete ? (v) => (v > 0 ? 0.7 : -0.7) : (v) => v / top);
    } else {
      ctx = paintMap(canvas, grid.size, grid.values, discrete ? (v) => (v > grid.threshold ? 0.7 : -0.7) : (v) => Math.tanh(v - grid.threshold));
      boundaryLine(ctx, grid.size, grid.values, grid.threshold, w, h);
    }
    const map = plane(grid, w, h);
    for (const [x1, x2, label] of s.points.train) drawPoint(ctx, map.toX(x1), map.toY(x2), label, false, kind);
    if (part("show-test").checked) for (const [x1, x2, label] of s.points.test) drawPoint(ctx, map.toX(x1), map.toY(x2), label, true, kind);
    showLegend(kind);
    if (s.inspect) {  // the inspected point: a ring and a cross
      const x = map.toX(s.inspect.x1), y = map.toY(s.inspect.x2);
      ctx.beginPath();
      ctx.arc(x, y, 9, 0, 2 * Math.PI);
      ctx.moveTo(x - 14, y); ctx.lineTo(x + 14, y); ctx.moveTo(x, y - 14); ctx.lineTo(x, y + 14);
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 4; ctx.stroke();
      ctx.strokeStyle = "#111"; ctx.lineWidth = 2; ctx.stroke();
    }
    // the plane's range, as text laid over the canvas (a canvas's own text shrinks with it, and no reader reads it)
    part("plane-range").textContent = `x1 from ${short(grid.x[0], 1)} to ${short(grid.x[1], 1)}, x2 from ${short(grid.y[0], 1)} to ${short(grid.y[1], 1)}`;
  }

  function showLegend(kind) {
    const texts = {
      two_classes: ["output above 0: class 1", "output below 0: class 0", "", "the boundary: output = 0"],
      three_classes: ["class 1 wins (blue, +)", "class 0 wins (orange, −)", "class 2 wins (green, ×); paler where the winner's probability is lower", "where the winning class changes"],
      regression: ["output above 0 (blue, up to the range's top)", "output below 0 (orange)", "each point in its target's colour, outlined in black", ""],
    }[kind];
    ["legend-pos", "legend-neg", "legend-third", "legend-line"].forEach((name, i) => {
      const item = part(name);
      item.hidden = !texts[i];
      item.querySelector("span.text").textContent = texts[i];
    });
    const third = part("legend-third").querySelector(".swatch");  // class 2's green ×, or a target's outlined point
    third.className = `swatch ${kind === "regression" ? "target-fill" : "third-fill"}`;
    third.textContent = kind === "regression" ? "" : "×";
  }

  function drawMaps() {
    const p = train.picture, box = part("maps"), inputs = p.inputs || [];
    const ids = [...inputs, ...p.neurons].map((n) => n.id);
    if (box.dataset.ids !== ids.join(" ")) {  // the network changed shape: new canvases (else paint the old ones)
      box.dataset.ids = ids.join(" ");
      const rows = [];
      for (const n of [...inputs, ...p.neurons]) {
        const k = inputs.includes(n) ? 0 : layerOf(n.id);  // row 0: the input features, each a neuron of its own (as TFP)
        if (!rows[k]) {
          rows[k] = Object.assign(document.createElement("div"), {className: "map-row"});
          rows[k].append(Object.assign(document.createElement("span"), {className: "map-layer", textContent: k ? `layer ${k}` : "inputs"}));
        }
        const figure = Object.assign(document.createElement("figure"), {className: "map"});
        const canvas = Object.assign(document.createElement("canvas"), {width: 72, height: 72, tabIndex: 0});
        canvas.dataset.id = n.id;
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", n.label ? `input ${n.label} over the plane` : `neuron ${n.id}: what it computes over the plane`);
        const show = () => { explainTrainNeuron(n.id); enlarge(n.id); };
        canvas.addEventListener("focus", show);
        canvas.addEventListener("mouseenter", show);
        figure.append(canvas, Object.assign(document.createElement("figcaption"), {textContent: n.label || n.id}));
        rows[k].append(figure);
      }
      box.replaceChildren(...rows.filter(Boolean));
      if (!p.neurons.length && !inputs.length) box.textContent = "No hidden layer: the output is a weighted sum of x1 and x2, so the boundary is a straight line.";
      part("map-big").closest("figure").hidden = !ids.length;
      if (!ids.includes(train.enlarged)) train.enlarged = null;
    }
    for (const n of [...inputs, ...p.neurons]) {
      const canvas = box.querySelector(`canvas[data-id="${n.id}"]`);
      paintMap(canvas, p.grid.size, n.values, neuronScale(n.values));
    }
    enlarge(train.enlarged);
  }

  function enlarge(id) {
    train.enlarged = id;
    const big = part("map-big"), caption = part("map-big-caption");
    const n = id && train.picture && [...(train.picture.inputs || []), ...train.picture.neurons].find((m) => m.id === id);
    big.hidden = !n;
    if (!n) { caption.textContent = "Focus or hover a map to enlarge it here."; return; }
    const ctx = paintMap(big, train.picture.grid.size, n.values, neuronScale(n.values));
    const map = plane(train.picture.grid, big.width, big.height);
    for (const [x1, x2, label] of train.state.points.train) drawPoint(ctx, map.toX(x1), map.toY(x2), label, false, train.picture.grid.kind);
    caption.textContent = `${n.label ? `Input ${n.label}` : `Neuron ${id}`} over the plane: blue where it is positive, orange where negative, white near 0 (the training points on top).`;
  }

  function showPicture(p) {
    train.picture = p;
    const box = part("picture");
    const focused = box.contains(document.activeElement) ? document.activeElement.id : null;
    showSvg(box, p.svg, p.numbers);
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
      const g = b === undefined ? pictureNode(box, a) : a === "b" ? pictureNode(box, b) : pictureElement(box, `edge-${a}-${b}`.replaceAll(".", "_"));
      if (g) g.classList.add("lit");
    }
    box.classList.toggle("lighting", train.highlight.size > 0);
    decorateEdges(box);
    fitPicture();
    const again = focused && box.querySelector(`[id="${focused}"]`);
    if (again) again.focus({preventScroll: true});
    const edited = train.refocusEdge && box.querySelector(`[data-param="${train.refocusEdge}"]`);
    if (edited) { edited.focus({preventScroll: true}); train.refocusEdge = null; }
    if (train.shownNeuron) explainTrainNeuron(train.shownNeuron);
    drawBoundary();
    drawMaps();
  }


  // The network fitted to its column and at most PICTURE_HEIGHT tall (never enlarged); each text that would then
  // be under READABLE px gives way, and the readout under the picture says so and reads out what the pointer is on.
  function fitPicture() {
    const box = part("picture"), svg = box.querySelector("svg");
    if (!svg) return;
    const w = Number(svg.getAttribute("width")), h = Number(svg.getAttribute("height"));
    const scale = Math.min(1, (box.clientWidth || w) / w, PICTURE_HEIGHT / h);
    svg.style.width = `${w * scale}px`;
    svg.style.height = `${h * scale}px`;
    let away = 0;
    for (const text of svg.querySelectorAll("text")) {
      const small = parseFloat(getComputedStyle(text).fontSize) * scale < READABLE;
      text.classList.toggle("gives-way", small);
      away += small;
    }
    for (const group of svg.querySelectorAll("g.weight-label, g.legend")) group.classList.toggle("gives-way", !!group.querySelector("text.gives-way"));
    for (const use of svg.querySelectorAll("use")) {  // a <use> shows its own copy: it gives way with what it copies
      const shown = svg.querySelector(`[id="${(use.getAttribute("href") || "").slice(1)}"]`);
      use.classList.toggle("gives-way", !!(shown && shown.classList.contains("gives-way")));
    }
    train.givesWay = away > 0;
    if (!train.pictureRead) part("picture-readout").textContent = train.givesWay ? GIVE_WAY : "";
  }

  // What the pointer or the focus is on in the network picture, in words and the picture's own numbers.
  function readPicture(event) {
    const p = train.picture, target = event.target.closest && event.target.closest("g.neuron, g.edge");
    if (!p || !p.numbers || !target) return;
    const id = target.id.slice((part("picture").dataset.idPrefix || "").length);
    const what = part("grads").checked ? "gradient" : "weight";
    let text;
    if (target.matches("g.neuron")) {
      const name = target.dataset.id || id.slice("neuron-".length).replaceAll("_", ".");
      const bias = p.numbers[`b-${name}`];
      text = `${name} = ${short(p.numbers[name])}` + (bias === undefined ? "" : `, its bias's ${what === "weight" ? "value" : what} ${signedShort(bias)}`);
    } else {
      const key = Object.keys(p.numbers).find((k) => `edge-${k.replaceAll(".", "_")}` === id);
      if (!key) return;
      text = `w ${key.replace("-", "→")}: ${what} ${signedShort(p.numbers[key])}`;  // the parameter table's name
    }
    train.pictureRead = true;
    part("picture-readout").textContent = text;
  }

  function drawChart() {
    const box = part("chart"), s = train.state;
    if (!s) return;
    const width = Math.max(260, Math.min(560, box.clientWidth || 480)), height = CHART_HEIGHT;
    const log = part("log").checked, history = s.history;
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
    part("chart-readout").textContent = text;
    part("chart").setAttribute("aria-valuenow", train.cursor);
    part("chart").setAttribute("aria-valuetext", text);
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
    const s = train.state, box = part("chart"), svg = box.querySelector("svg");
    if (!s || !s.history.length || !svg) return;
    const rect = svg.getBoundingClientRect(), width = Number(box.dataset.width);
    const {xmax, m} = chartScales(s.history, width, CHART_HEIGHT, false);
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

  // --- the boundary plot, the inspected point, the network picture ---------------------------------------------------
  function pickPoint(event) {
    const canvas = part("boundary"), rect = canvas.getBoundingClientRect();
    if (!train.picture) return;
    const map = plane(train.picture.grid, canvas.width, canvas.height);
    const clamp = (v) => Math.max(-LIMIT, Math.min(LIMIT, Math.round(v * 100) / 100));
    const px = (event.clientX - rect.left) * (canvas.width / rect.width), py = (event.clientY - rect.top) * (canvas.height / rect.height);
    const x1 = clamp(map.fromX(px)), x2 = clamp(map.fromY(py));
    act("point", {x1, x2});
    let nearest = null, best = Infinity;  // a training point under the click (the first of those drawn at one place)
    train.state.points.train.forEach(([a, b], i) => {
      const d = Math.hypot(map.toX(a) - px, map.toY(b) - py);
      if (d <= PICK_RADIUS && d < best) { best = d; nearest = i; }
    });
    if (nearest !== null) openGraph(nearest);
  }

  function typedPoint() {
    const x1 = Number(part("x1").value), x2 = Number(part("x2").value);
    if (part("x1").value === "" || part("x2").value === "" || !finite(x1) || !finite(x2) || Math.abs(x1) > LIMIT || Math.abs(x2) > LIMIT) {
      part("error").textContent = `x1 and x2 must be numbers from -${LIMIT} to ${LIMIT}`;
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

  // --- a weight set on the network picture ------------------------------------------------------------------------
  // Every connection is a button: a wide transparent line over it takes the click, Tab reaches it, Enter opens a
  // small editor beside it. The engine checks the value as section 2's table does (within ±param_limit).
  function decorateEdges(box) {
    if (!train.state) return;
    for (const p of train.state.params) {
      const g = p.id.startsWith("b-") ? null : pictureElement(box, `edge-${p.id}`.replaceAll(".", "_"));
      if (!g) continue;
      g.dataset.param = p.id;
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", `${p.label} = ${exact(p.value)}: press Enter to set this weight`);
      const line = g.querySelector("line");
      if (line) {
        const hit = line.cloneNode();
        for (const [k, v] of Object.entries({class: "hit", stroke: "transparent", "stroke-width": 12})) hit.setAttribute(k, v);
        g.append(hit);
      }
    }
  }

  function openEditor(pid, g) {
    const p = train.state && train.state.params.find((q) => q.id === pid);
    if (!p) return;
    pause();
    train.editing = pid;
    const form = part("weight-editor"), wrap = form.parentElement, inputId = form.dataset.inputId;
    form.innerHTML = `
      <label for="${inputId}" data-part="weight-label"></label>
      <input id="${inputId}" data-part="weight-input" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" size="9">
      <button type="submit" data-part="weight-set">Set</button>
      <button type="button" data-part="weight-cancel">Cancel</button>
      <p class="error" role="alert" data-part="weight-error"></p>`;  // built when opened: no hidden box without its label
    part("weight-label").textContent = p.label;
    part("weight-input").value = exact(p.value);
    part("weight-error").textContent = "";
    form.hidden = false;
    const r = g.getBoundingClientRect(), w = wrap.getBoundingClientRect();
    const left = r.left + r.width / 2 - w.left - form.offsetWidth / 2;
    form.style.left = `${Math.max(0, Math.min(w.width - form.offsetWidth, left))}px`;
    form.style.top = `${Math.max(0, Math.min(w.height - form.offsetHeight, r.top + r.height / 2 - w.top + 14))}px`;
    part("weight-input").focus();
    part("weight-input").select();
  }

  function closeEditor(refocus = true) {
    const pid = train.editing;
    train.editing = null;
    part("weight-editor").hidden = true;
    part("weight-editor").replaceChildren();
    const g = refocus && pid && part("picture").querySelector(`[data-param="${pid}"]`);
    if (g) g.focus({preventScroll: true});
  }

  async function setWeight(event) {
    event.preventDefault();
    const text = part("weight-input").value.trim(), value = Number(text), limit = choices.param_limit;
    const said = part("weight-error"), pid = train.editing;
    if (text === "" || !finite(value)) { said.textContent = `Type a number from -${limit} to ${limit}, such as 0.5 or -1.2.`; return; }
    if (Math.abs(value) > limit) { said.textContent = `${text} is outside -${limit} to ${limit}: a weight stays within ±${limit}, as in section 2's table.`; return; }
    const answer = await act("weight", {id: pid, value});
    if (!answer) { said.textContent = part("error").textContent || "The weight was not set: try again."; return; }
    train.refocusEdge = pid;
    closeEditor(false);
  }

  function edgeAction(event) {
    const g = event.target.closest && event.target.closest("g.edge[data-param]");
    if (!g) return;
    if (event.type === "keydown") {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();  // Space here opens the editor, not Play
    }
    openEditor(g.dataset.param, g);
  }

  // --- the parameter table: what the last step did to every parameter ---------------------------------------------
  function showParamTable(a) {
    const adam = a.settings.optimizer === "adam", table = part("param-table");
    const {sortKey: key, sortDir: dir} = train;
    for (const th of table.tHead.rows[0].cells) {
      th.hidden = (th.dataset.key === "m" || th.dataset.key === "v") && !adam;
      th.setAttribute("aria-sort", th.dataset.key === key ? (dir < 0 ? "descending" : "ascending") : "none");
    }
    const rows = [...a.params];
    const size = (row) => (row[key] === null || row[key] === undefined ? -1 : Math.abs(row[key]));
    if (key !== "label") rows.sort((r, q) => dir * (size(r) - size(q)));  // a stable sort: equals keep their order
    else if (dir < 0) rows.reverse();
    const sortedBy = PARAM_COLUMNS.find(([k]) => k === key)[1];
    part("param-caption").textContent = (a.last_step
      ? `Every parameter after step ${a.step}: its value, the gradient the step used, ${adam ? "Adam's running averages m (of the gradient) and v (of its square), " : "(SGD keeps no running averages: change = −lr × grad) "}and the change the step made.`
      : `Every parameter at step ${a.step} (no step's change to show yet${a.step ? ": the last one was undone, or you set a weight" : ""}).`)
      + ` Sorted by ${sortedBy}, ${key === "label" ? (dir < 0 ? "last first" : "in the network's order") : dir < 0 ? "largest |x| first" : "smallest |x| first"}; press a heading to sort.`;
    const cell = (tag, text) => Object.assign(document.createElement(tag), {textContent: text});
    part("param-table").tBodies[0].replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.id = row.id;
      const head = cell("th", row.label);
      head.scope = "row";
      tr.append(head, cell("td", short(row.value)), cell("td", signedShort(row.step_grad)));
      if (adam) tr.append(cell("td", short(row.m)), cell("td", short(row.v)));
      tr.append(cell("td", signedShort(row.change)));
      return tr;
    }));
  }

  function sortTable(event) {
    const key = event.target.closest("button[data-sort]")?.dataset.sort;
    if (!key || !train.state) return;
    train.sortDir = key === train.sortKey ? -train.sortDir : key === "label" ? 1 : -1;
    train.sortKey = key;
    showParamTable(train.state);
  }

  // --- one training point's loss graph, stepped backward ---------------------------------------------------------------
  async function graphAct(move, extra = {}) {
    const {answer} = await channels.graph({action: "graph", move, ...extra});
    if (answer && !train.destroyed) showGraph(answer);
    return answer || null;
  }

  function openGraph(index) {
    part("graph-index").value = index + 1;
    return graphAct("show", {index});
  }

  function openTypedGraph() {
    const n = Number(part("graph-index").value), count = train.state ? train.state.points.train.length : 0;
    if (!Number.isInteger(n) || n < 1 || n > count) { part("graph-error").textContent = `The training point must be a whole number from 1 to ${count}.`; return null; }
    return openGraph(n - 1);
  }

  function showGraph(g) {
    train.graph = g;
    const how = g.grouped
      ? `${g.boxes} boxes is more than 200, so each neuron is drawn as one node and each step is one neuron (or one node of the loss)`
      : `every node drawn (${g.boxes} boxes); each step is one chain-rule contribution`;
    part("graph-status").textContent = `Training point ${g.index + 1} at (${short(g.x[0], 2)}, ${short(g.x[1], 2)}), class ${g.label}: its loss is ${short(g.loss)} at the weights of step ${g.step}; ${how}. Step ${g.position} of ${g.total}.`;
    part("graph-text").textContent = g.text;
    const box = part("graph-picture");
    showSvg(box, g.svg);
    const lit = box.querySelector(`[fill="${g.highlight}"]`);  // the piece just worked: scrolled into the box's middle
    if (lit) {
      const r = lit.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollLeft += r.left + r.width / 2 - (b.left + b.width / 2);
      box.scrollTop += r.top + r.height / 2 - (b.top + b.height / 2);
    }
    const focused = document.activeElement;
    part("graph-start").disabled = part("graph-back").disabled = g.position === 0;
    part("graph-next").disabled = part("graph-end").disabled = g.position === g.total;
    if (focused && focused.disabled) (g.position === 0 ? part("graph-next") : part("graph-back")).focus();
  }

  function closeGraph() {
    train.graph = null;
    part("graph-status").textContent = "The weights changed: show a point's graph again for the new ones.";
    part("graph-text").textContent = "";
    part("graph-picture").replaceChildren();
    for (const name of ["graph-start", "graph-back", "graph-next", "graph-end"]) part(name).disabled = true;
  }

  // The picture's toggles in the address: once either is off its default (a link without them keeps the defaults).
  function toggleQuery() {
    const asked = urlState ? urlState.read() : new URLSearchParams(), shown = {};
    const discrete = part("discretize").checked, test = part("show-test").checked;
    if (discrete || asked.has("discrete")) shown.discrete = discrete ? "1" : "0";
    if (!test || asked.has("test")) shown.test = test ? "1" : "0";
    return shown;
  }
  // The weights set on the picture (or by a link), each with the step it was set at, so that a link sets them again:
  // "weights=0:x1-h1.1:1.5,3:b-out:-0.2"; none, no key.
  function weightsQuery(a) {
    if (a.weights) return {weights: a.weights};
    return urlState && urlState.read().has("weights") ? {weights: null} : {};
  }

  function toggled() {
    drawBoundary();
    if (train.queryDone && urlState) urlState.write(toggleQuery());
  }

  // --- wiring: each control to what it does ---------------------------------------------------------------------
  const resized = new ResizeObserver(() => { drawChart(); fitPicture(); });
  function wire() {
    part("play").addEventListener("click", () => play());
    part("pause").addEventListener("click", pause);
    part("step").addEventListener("click", stepOnce);
    part("run").addEventListener("click", runN);
    part("reset").addEventListener("click", reset);
    part("slow").addEventListener("click", slowMotion);
    part("new-weights").addEventListener("click", newWeights);
    part("new-data").addEventListener("click", newData);
    part("dataset").addEventListener("change", () => configure({dataset: part("dataset").value}));
    part("noise").addEventListener("input", () => { part("noise-out").textContent = noiseText(Number(part("noise").value)); });
    part("noise").addEventListener("change", () => configure({noise: Number(part("noise").value)}));
    part("activation").addEventListener("change", () => configure({activation: part("activation").value}));
    part("lr").addEventListener("change", () => configure({lr: Number(part("lr").value)}));
    part("optimizer").addEventListener("change", () => configure({optimizer: part("optimizer").value}));
    part("stop").addEventListener("change", () => {
      const regression = choices.dataset_kinds && choices.dataset_kinds[wanted().dataset] === "regression";
      configure(regression ? {stop_mse: part("stop").checked ? 0.01 : 0} : {stop_at_100: part("stop").checked});
    });
    if (part("ratio")) {
      part("ratio").addEventListener("input", () => { part("ratio-out").textContent = `${part("ratio").value}%`; });
      part("ratio").addEventListener("change", () => {
        const ratio = Number(part("ratio").value), all = train.state.points.train.length + train.state.points.test.length;
        const batch = wanted().batch, room = Math.floor((all * ratio) / 100);  // a smaller training set: the batch must fit
        configure({ratio, batch: batch !== null && batch > room ? null : batch});
      });
      part("batch").addEventListener("change", () => configure({batch: part("batch").value === "all" ? null : Number(part("batch").value)}));
    }
    if (part("features")) {
      part("features").addEventListener("change", () => {
        const on = [...part("features").querySelectorAll("input[data-feature]")].filter((b) => b.checked).map((b) => b.dataset.feature);
        configure({features: on});
      });
    }
    if (part("reg")) {
      part("reg").addEventListener("change", () => configure({regularization: part("reg").value}));
      part("reg-rate").addEventListener("change", () => configure({reg_rate: Number(part("reg-rate").value)}));
    }
    part("add-layer").addEventListener("click", () => {
      const hidden = wanted().hidden;
      configure({hidden: [...hidden, hidden.length ? hidden[hidden.length - 1] : 2]});
    });
    part("remove-layer").addEventListener("click", () => configure({hidden: wanted().hidden.slice(0, -1)}));
    part("grads").addEventListener("change", requestPicture);
    part("log").addEventListener("change", drawChart);
    part("chart").addEventListener("keydown", chartKeys);
    part("chart").addEventListener("mousemove", chartHover);
    part("boundary").addEventListener("click", pickPoint);
    part("x1").addEventListener("change", typedPoint);
    part("x2").addEventListener("change", typedPoint);
    part("picture").addEventListener("mouseover", pictureNeuron);
    part("picture").addEventListener("focusin", pictureNeuron);
    part("picture").addEventListener("mouseover", readPicture);
    part("picture").addEventListener("focusin", readPicture);
    part("picture").addEventListener("click", edgeAction);
    part("picture").addEventListener("keydown", edgeAction);
    part("weight-editor").addEventListener("submit", setWeight);
    part("weight-editor").addEventListener("click", (event) => { if (event.target.closest("[data-part=weight-cancel]")) closeEditor(); });
    part("weight-editor").addEventListener("keydown", (event) => { if (event.key === "Escape") { event.preventDefault(); closeEditor(); } });
    part("discretize").addEventListener("change", toggled);
    part("show-test").addEventListener("change", toggled);
    part("param-table").tHead.addEventListener("click", sortTable);
    part("graph-open").addEventListener("click", openTypedGraph);
    part("graph-index").addEventListener("keydown", (event) => { if (event.key === "Enter") openTypedGraph(); });
    for (const move of ["start", "back", "next", "end"]) part(`graph-${move}`).addEventListener("click", () => graphAct(move));
    root.addEventListener("keydown", sectionKeys);
    part("copy").addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(part("python").textContent);
        part("copied").textContent = "Copied.";
      } catch {
        part("copied").textContent = "This browser would not copy: select the script and copy it by hand.";
      }
    });
    resized.observe(part("chart"));
    resized.observe(part("picture"));
  }
  wire();

  // The first answer: the run this session has (a default one on first use), then the settings in the page's
  // address, if the host keeps one.
  async function refresh() {
    if (urlState) {  // the picture's toggles, from the address
      const params = urlState.read();
      if (params.has("discrete")) part("discretize").checked = params.get("discrete") === "1";
      if (params.has("test")) part("show-test").checked = params.get("test") !== "0";
    }
    const first = await act("show");
    const params = urlState && urlState.read();
    const read = first && urlState && settingsFromQuery(params, first.settings);
    const asked = read && forKind(read, first.settings, {...(params.has("stop") && {stop_at_100: 0}), ...(params.has("stop_mse") && {stop_mse: 0})});
    const weights = first && params && params.has("weights") ? {weights: params.get("weights")} : null;  // the server checks them
    if (asked || weights) {
      const answer = await act("configure", {settings: asked || first.settings, ...weights});
      const what = weights ? "Settings and the weights set" : "Settings";
      if (answer) part("status").textContent = `${what} from the page's address. ${answer.status.message || `Step ${answer.step}.`}`;
    }
    train.queryDone = true;
  }

  function destroy() {
    train.destroyed = true;
    channels.train.close();
    channels.picture.close();
    channels.graph.close();
    pause();
    train.slowRun = 0;
    resized.disconnect();
    root.removeEventListener("keydown", sectionKeys);
    root.replaceChildren();
    root.classList.remove("lesson", "lesson-live_training");
    if (focusable) root.removeAttribute("tabindex");
  }

  // refresh and destroy for the host; the rest for the browser tests and the curious, in the console
  return {refresh, destroy, train, act, exact, plane};
}
