// The live page's invariants, checked inside the page after each kind of action (tests/test_page_invariants.py):
// no id used twice; every number drawn on a picture, as the reader sees it (through a <use> too), equals the number
// its section's answer holds for the id its label (or the label's <tspan>) names in data-for, and no label shows a
// number without naming it (a picture's caption, legend and column titles are words, not labels); every picture's
// visible text at least 11 CSS px (an SVG's, and the HTML laid over a canvas or beside it in its figure), and none
// drawn on a canvas, where neither this check nor a screen reader can read it; no sideways scroll of the page.
// Evaluated as one expression: it returns what is wrong (empty when all hold).
(() => {
  const READABLE = 11;  // CSS px
  const problems = [];

  // Text drawn on a canvas, from the first check on (every later redraw is seen): what was drawn, and where.
  const canvas = CanvasRenderingContext2D.prototype;
  if (!canvas.fillText.seen) {
    window.canvasTexts = [];
    for (const name of ["fillText", "strokeText"]) {
      const draw = canvas[name];
      canvas[name] = function (text, ...rest) {
        window.canvasTexts.push(`${this.canvas.closest("section")?.id || "?"}'s canvas: ${JSON.stringify(String(text).slice(0, 30))}`);
        return draw.call(this, text, ...rest);
      };
      canvas[name].seen = true;
    }
  }
  for (const text of new Set(window.canvasTexts.splice(0))) problems.push(`${text} is text drawn on a canvas`);

  const counts = new Map();
  for (const element of document.querySelectorAll("[id]")) counts.set(element.id, (counts.get(element.id) || 0) + 1);
  for (const [id, n] of counts) if (n > 1) problems.push(`the id ${id} is used ${n} times`);

  // A drawn number ("+0.82", "b −0.5", "grad 1.5e-05", "0") and how far from it the true number may be.
  const NUMBER = /([+\-−]?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;
  function drawn(text) {
    const m = NUMBER.exec(text.trim());
    if (!m) return null;
    const [, sign, whole, decimals = "", power = "0"] = m;
    const value = Number(`${sign === "−" ? "-" : sign}${whole}.${decimals || "0"}e${power}`);
    return {value, within: 0.5 * 10 ** (Number(power) - decimals.length)};
  }

  // A number standing on its own in a label's text ("local 2", "grad 0", "2 × 1"), not part of a name ("h1", "**2").
  const LOOSE_NUMBER = /(?:^|[\s=(×:,])[+\-−]?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?=$|[\s)=×:,])/;
  const WORDS = "title, .caption, .legend, .column-titles";

  const pictures = document.querySelectorAll(".lesson .picture");
  for (const box of pictures) {
    const where = `${box.closest("section")?.id || "?"}'s picture`;
    const numbers = box.pictureNumbers;
    const shown = [...box.querySelectorAll("[data-for]")];
    for (const use of box.querySelectorAll("use")) {  // the browser shows what the href finds in the whole document
      const href = use.getAttribute("href") || use.getAttribute("xlink:href") || "";
      const target = document.getElementById(href.slice(1));
      if (!target) { problems.push(`${where}: a <use> of ${href} shows nothing`); continue; }
      shown.push(...(target.matches("[data-for]") ? [target] : target.querySelectorAll("[data-for]")));
    }
    for (const text of box.querySelectorAll("svg text:not([data-for])")) {
      if (text.closest(WORDS)) continue;
      const unnamed = [...text.childNodes].filter((n) => !(n.matches && n.matches("[data-for]"))).map((n) => n.textContent).join("");
      const loose = LOOSE_NUMBER.exec(unnamed);
      if (loose) problems.push(`${where}: the label ${JSON.stringify(text.textContent)} shows ${loose[0].trim()} without naming it (data-for)`);
    }
    for (const text of shown) {
      const key = text.dataset.for, number = drawn(text.textContent);
      if (!number) { problems.push(`${where}: ${key}'s label ${JSON.stringify(text.textContent)} is no number`); continue; }
      const truth = numbers ? numbers[key] : undefined;
      if (typeof truth !== "number") { problems.push(`${where}: shows ${key} = ${text.textContent}, a number its answer does not hold`); continue; }
      if (!(Math.abs(number.value - truth) <= number.within * (1 + 1e-9) + 1e-12)) {
        problems.push(`${where}: shows ${key} = ${text.textContent} where its answer holds ${truth}`);
      }
    }
  }

  for (const svg of document.querySelectorAll(".lesson svg")) {
    const where = `${svg.closest("section")?.id || "?"}'s ${svg.closest("[data-part]")?.dataset.part || "svg"}`;
    const small = [];
    for (const text of svg.querySelectorAll("text")) {
      if (!text.textContent.trim() || !text.getClientRects().length) continue;  // not shown
      const m = text.getScreenCTM();
      if (!m) continue;
      const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
      if (size < READABLE - 0.01) small.push(`${JSON.stringify(text.textContent.trim().slice(0, 20))} ${size.toFixed(1)} px`);
    }
    if (small.length) problems.push(`${where}: ${small.length} texts under ${READABLE} px, e.g. ${small.slice(0, 3).join(", ")}`);
  }

  for (const figure of document.querySelectorAll(".lesson figure, .lesson .picture")) {  // HTML text of a picture
    const small = [];
    for (const element of figure.querySelectorAll("*:not(svg *)")) {
      const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!own || !element.getClientRects().length) continue;  // no text of its own, or not shown
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < READABLE - 0.01) small.push(`${JSON.stringify(element.textContent.trim().slice(0, 20))} ${size.toFixed(1)} px`);
    }
    const where = `${figure.closest("section")?.id || "?"}'s ${figure.dataset.part || figure.className || "figure"}`;
    if (small.length) problems.push(`${where}: ${small.length} texts under ${READABLE} px, e.g. ${small.slice(0, 3).join(", ")}`);
  }

  const wide = document.documentElement.scrollWidth - window.innerWidth;
  if (wide > 0) problems.push(`the page scrolls sideways by ${wide} px at ${window.innerWidth} px wide`);
  return problems;
})()
