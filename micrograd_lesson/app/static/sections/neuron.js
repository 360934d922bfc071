// Section 1, "A neuron": five sliders and an activation; the engine answers with the neuron's four steps
// (POST neuron). mount(root, host) builds it inside root; see app.js for what host holds.

const FIELDS = [["x1", 0.5], ["x2", -1], ["w1", 0.6], ["w2", 0.4], ["b", 0.3]];  // each slider and where it starts
// (a sum of 0.2: not relu(0) = 0, which would show nothing of the activation)
const SHOWN_AS = {relu: "ReLU"};  // an activation's name as the page writes it (else its own name)

export function mount(root, host) {
  const {plain, idPrefix, channel, showSvg} = host.helpers;
  const id = idPrefix("neuron");
  root.classList.add("lesson", "lesson-neuron");
  root.innerHTML = `
  <div class="controls">
    ${FIELDS.map(([name, start]) => `
    <label for="${id}${name}">${name}</label>
    <span class="slider"><input id="${id}${name}" data-part="${name}" type="range" min="-2" max="2" step="0.01" value="${start}">
      <output data-part="${name}-out" for="${id}${name}">${plain(start, 2)}</output></span>`).join("")}
    <label for="${id}act">activation</label>
    <select id="${id}act" data-part="act"></select>
  </div>
  <div class="pair">
    <ul data-part="steps" class="steps" aria-live="polite"></ul>
    <div class="picture" data-part="picture" role="img" aria-label="The neuron: its inputs, weights, bias and output"></div>
  </div>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  part("act").replaceChildren(...host.choices.activations.map((a) => new Option(SHOWN_AS[a] || a, a)));
  const send = channel(host.transport, "neuron", part("error"));

  async function update() {
    const body = {activation: part("act").value};
    for (const [name] of FIELDS) {
      body[name] = Number(part(name).value);
      part(name + "-out").textContent = plain(body[name], 2);
    }
    const {answer} = await send(body);
    if (!answer) return;
    part("steps").replaceChildren(...answer.steps.map((line) => Object.assign(document.createElement("li"), {textContent: line})));
    showSvg(part("picture"), answer.svg, answer.numbers);
  }

  for (const [name] of FIELDS) part(name).addEventListener("input", update);
  part("act").addEventListener("change", update);
  return {refresh: update, destroy: () => { send.close(); root.replaceChildren(); root.classList.remove("lesson", "lesson-neuron"); }};
}
