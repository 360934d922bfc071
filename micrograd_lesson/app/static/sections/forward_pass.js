// Section 2, "The playground": a 2-3-1 network's forward pass, its inputs on sliders and every weight editable
// (POST playground). mount(root, host) builds it inside root; see app.js for what host holds.

export function mount(root, host) {
  const {plain, showSvg, pictureNode, idPrefix, channel} = host.helpers;
  const [low, high] = host.choices.inputs, limit = host.choices.param_limit;
  const id = idPrefix("playground");
  root.classList.add("lesson", "lesson-forward_pass");
  const slider = (name) => `
    <label for="${id}${name}">${name}</label>
    <span class="slider"><input id="${id}${name}" data-part="${name}" type="range" min="${low}" max="${high}" step="0.01" value="0.5">
      <output data-part="${name}-out" for="${id}${name}">0.50</output></span>`;
  root.innerHTML = `
  <div class="controls">${slider("x1")}${slider("x2")}
  </div>
  <p class="big">Output: <span data-part="output">…</span></p>
  <div class="pair">
    <div class="picture" data-part="picture" role="img" aria-label="The network: neurons as circles with their values, connections labelled with their weights"></div>
    <div>
      <h3>Neurons</h3>
      <ul data-part="neurons" class="neurons"></ul>
      <div data-part="explain" class="explain" aria-live="polite"><p>Focus or hover a neuron to see its four steps.</p></div>
    </div>
  </div>
  <h3>Weights and biases</h3>
  <div data-part="params" class="params"></div>
  <button type="button" data-part="reset">Reset weights</button>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const send = channel(host.transport, "playground", part("error"));
  const ask = async (body) => {
    const {answer} = await send(body);
    if (answer) show(answer);
  };
  let neuronSteps = {}, shownNeuron = null;

  function show(answer) {
    part("output").textContent = plain(answer.output);
    for (const name of ["x1", "x2"]) {
      part(name).value = answer[name];
      part(name + "-out").textContent = plain(answer[name], 2);
    }
    showSvg(part("picture"), answer.svg, answer.numbers);
    neuronSteps = {};
    const items = answer.neurons.map((n) => {
      neuronSteps[n.id] = n;
      const li = document.createElement("li");
      li.tabIndex = 0;
      li.dataset.id = n.id;
      li.textContent = `${n.id} = ${plain(n.value)}` + (n.off ? " (off: ReLU gives 0)" : "");
      if (n.off) li.classList.add("off");
      li.addEventListener("focus", () => explain(n.id));
      li.addEventListener("mouseenter", () => explain(n.id));
      const g = pictureNode(part("picture"), n.id);
      if (g) g.addEventListener("mouseenter", () => explain(n.id));
      return li;
    });
    part("neurons").replaceChildren(...items);
    const box = part("params");
    for (const p of answer.params) {
      let input = box.querySelector(`input[data-param="${p.id}"]`);
      if (!input) {
        const label = Object.assign(document.createElement("label"), {textContent: p.label});
        input = Object.assign(document.createElement("input"), {type: "number", step: "0.1", min: -limit, max: limit});
        input.dataset.param = p.id;
        input.addEventListener("input", () => {
          if (input.value === "" || !Number.isFinite(Number(input.value))) return;
          ask({action: "param", id: p.id, value: Number(input.value)});
        });
        label.append(input);
        box.append(label);
      }
      if (document.activeElement !== input) input.value = p.value;
      input.className = p.value < 0 ? "neg" : "pos";
    }
    if (shownNeuron) explain(shownNeuron);
  }

  function explain(neuron) {
    shownNeuron = neuron;
    const n = neuronSteps[neuron];
    if (!n) return;
    const lines = n.steps.length ? n.steps : [`${neuron} is an input: ${plain(n.value)}`];
    const heading = Object.assign(document.createElement("p"), {textContent: `Neuron ${neuron}` + (n.off ? " (off)" : "")});
    const list = document.createElement("ul");
    list.className = "steps";
    list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), {textContent: line})));
    part("explain").replaceChildren(heading, list);
    for (const li of part("neurons").children) li.classList.toggle("shown", li.dataset.id === neuron);
  }

  function move() {
    const [x1, x2] = [Number(part("x1").value), Number(part("x2").value)];
    part("x1-out").textContent = plain(x1, 2);
    part("x2-out").textContent = plain(x2, 2);
    ask({action: "inputs", x1, x2});
  }

  part("x1").addEventListener("input", move);
  part("x2").addEventListener("input", move);
  part("reset").addEventListener("click", () => ask({action: "reset"}));
  return {
    refresh: () => ask({action: "show"}),
    destroy: () => { send.close(); root.replaceChildren(); root.classList.remove("lesson", "lesson-forward_pass"); },
  };
}
