// What every section of the live lesson uses to show the engine's answers: numbers as text, the engine's pictures,
// requests where only the latest counts, and ids unique in the document. A host hands these to each section in
// host.helpers (a section module imports nothing, so that a notebook widget can load it as one module text).

// --- numbers as text ---------------------------------------------------------------------------------------
export const fmt = (x, digits = 4) => (x < 0 ? "−" : x > 0 ? "+" : "") + Math.abs(x).toFixed(digits);
export const plain = (x, digits = 4) => x.toFixed(digits);

// --- pictures: the one place that finds a neuron or an edge in an engine drawing --------------------------------
// The engine names each element of a picture by a stable id (draw_network's neuron h2.4 is the group neuron-h2_4;
// its weight from x1 the edge edge-x1-h2_4, whose label a <use href="#label-x1-h2_4"> repeats). Shown in a page,
// every id (and every reference to one) gets the container's own prefix: two pictures, or two mounts of a section,
// never share an id, and a <use> shows its own picture's label. numbers: each number the picture shows, by the
// stable id its label names (data-for), as the section's answer holds it; kept on the container for checking.
export function showSvg(container, svg, numbers = null) {
  container.pictureNumbers = numbers;
  const prefix = container.dataset.idPrefix || (container.dataset.idPrefix = idPrefix("svg", container.ownerDocument));
  svg = svg.slice(svg.indexOf("<svg"))
    .replace(/(\s(?:xlink:)?href=")#/g, `$1#${prefix}`).replace(/(\s)id="/g, `$1id="${prefix}`);
  container.innerHTML = svg;
}

// The element of the container's picture that the engine named id ("edge-x1-h1"), or null.
export function pictureElement(container, id) {
  return container.querySelector(`[id="${container.dataset.idPrefix || ""}${id}"]`);
}

// A neuron's group in the container's picture, by the engine's neuron name ("h2.4" is drawn as neuron-h2_4).
export function pictureNode(container, id) {
  return pictureElement(container, "neuron-" + id.replaceAll(".", "_"));
}

// --- requests ------------------------------------------------------------------------------------------------
// One kind of request of a section (its "channel"), where only the latest one counts: send(body, quiet) resolves
// {answer, from} (from: the session that answered, where the host has sessions), {status} when it was refused
// (its message shown in errorBox unless quiet(error) says otherwise), or {} when a later request of the channel
// has made it stale, or the section was taken down (send.close(), from its destroy()) while it was on its way.
export function channel(transport, path, errorBox) {
  let latest = 0, closed = false;
  const send = async (body, quiet = () => false) => {
    const mine = ++latest;
    try {
      const answer = await transport(path, body);
      if (mine !== latest || closed) return {};
      if (errorBox) errorBox.textContent = "";
      return {answer, from: answer.session};
    } catch (error) {
      if (closed) return {};
      if (mine === latest && errorBox && !quiet(error)) errorBox.textContent = error.message;
      return {status: error.status || 0};
    }
  };
  send.close = () => { closed = true; };
  return send;
}

// --- ids ------------------------------------------------------------------------------------------------------
// A prefix for the ids of one mount of a section ("neuron1-", then "neuron2-", ...), taken by no element of the
// document yet: labels can point at their controls, and two mounts (or two copies of a module) never collide.
const taken = new Set();  // prefixes handed out: a section may build its elements after asking
export function idPrefix(name, doc = document) {
  for (let n = 1; ; n++) {
    const prefix = `${name}${n}-`;
    if (!doc.querySelector(`[id^="${prefix}"]`) && !taken.has(prefix)) {
      taken.add(prefix);
      return prefix;
    }
  }
}
