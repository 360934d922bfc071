// Section 5, "Quiz": a quick check and gradients to predict, judged by the engine (POST quiz). mount(root, host)
// builds it inside root from host.questions (the first answer's quiz); see app.js for what host holds.

export function mount(root, host) {
  const {idPrefix, channel} = host.helpers;
  const q = host.questions, id = idPrefix("quiz");
  root.classList.add("lesson", "lesson-quiz");
  root.innerHTML = `
  <p data-part="score" aria-live="polite">Score: 0 of ${q.total}</p>
  <fieldset data-part="check"><legend></legend></fieldset>
  <button type="button" data-part="check-button">Check answer</button>
  <p data-part="check-verdict" aria-live="polite"></p>
  <h3>Predict the gradient</h3>
  <ol data-part="exercises"></ol>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const send = channel(host.transport, "quiz", part("error"));
  const showScore = (answer) => { part("score").textContent = `Score: ${answer.score} of ${answer.total} (${answer.answered} answered)`; };
  const ask = async (body, verdict) => {
    const {answer} = await send(body);
    if (answer) { verdict.textContent = answer.message; showScore(answer); }
  };

  part("check").querySelector("legend").textContent = q.check.prompt;
  part("check").append(...q.check.options.map(([letter, text]) => {
    const label = document.createElement("label");
    const radio = Object.assign(document.createElement("input"), {type: "radio", name: `${id}answer`, value: letter});
    label.append(radio, ` ${letter}. ${text}`);
    return label;
  }));
  part("exercises").replaceChildren(...q.exercises.map((question, i) => {
    const li = document.createElement("li");
    const label = Object.assign(document.createElement("label"), {htmlFor: `${id}e${i}`, textContent: question});
    const input = Object.assign(document.createElement("input"), {id: `${id}e${i}`, type: "text", inputMode: "decimal", autocomplete: "off"});
    const button = Object.assign(document.createElement("button"), {type: "button", textContent: `Check ${i + 1}`});
    const verdict = document.createElement("p");
    verdict.dataset.part = `e${i}-verdict`;
    verdict.setAttribute("aria-live", "polite");
    button.addEventListener("click", () => {
      const value = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(value)) { verdict.textContent = "Type a number, such as 6 or -0.5."; return; }
      ask({item: `e${i}`, answer: value}, verdict);
    });
    li.append(label, " ", input, " ", button, verdict);
    return li;
  }));
  part("check-button").addEventListener("click", () => {
    const chosen = root.querySelector(`input[name="${id}answer"]:checked`);
    if (!chosen) { part("check-verdict").textContent = "Choose one of the answers first."; return; }
    ask({item: "check", answer: chosen.value}, part("check-verdict"));
  });
  return {
    refresh: async () => {},  // the questions came with the session; the score comes with each answer
    destroy: () => { send.close(); root.replaceChildren(); root.classList.remove("lesson", "lesson-quiz"); },
  };
}
