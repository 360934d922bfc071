// Section 5, "Quiz": the terminal quiz's questions, two tries each (a hint after a wrong first try), judged and
// scored by the engine (POST quiz). mount(root, host) builds it inside root from host.questions (the first
// answer's quiz); see app.js for what host holds.

export function mount(root, host) {
  const {idPrefix, channel} = host.helpers;
  const q = host.questions, id = idPrefix("quiz");
  root.classList.add("lesson", "lesson-quiz");
  root.innerHTML = `
  <p data-part="rule" class="note"></p>
  <p data-part="score" aria-live="polite">Score: 0 of 0 right (0 at the first try); ${q.total} questions</p>
  <ol data-part="items" class="quiz-items"></ol>
  <p class="error" role="alert" data-part="error"></p>`;
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  part("rule").textContent = q.scoring;
  const send = channel(host.transport, "quiz", part("error"));

  function item(question) {
    const li = document.createElement("li");
    li.dataset.item = question.id;
    const verdict = Object.assign(document.createElement("p"), {className: "verdict"});
    verdict.setAttribute("aria-live", "polite");
    let read;  // the learner's answer, or null with a message saying what is missing
    if (question.options) {
      const box = document.createElement("fieldset");
      box.append(Object.assign(document.createElement("legend"), {textContent: question.prompt}));
      for (const [letter, text] of question.options) {
        const label = document.createElement("label");
        label.append(Object.assign(document.createElement("input"), {type: "radio", name: `${id}${question.id}`, value: letter}), ` ${letter}. ${text}`);
        box.append(label);
      }
      li.append(box);
      read = () => li.querySelector("input:checked")?.value ?? null;
    } else {
      const label = Object.assign(document.createElement("label"), {htmlFor: `${id}${question.id}`, textContent: question.prompt});
      const input = Object.assign(document.createElement("input"), {id: `${id}${question.id}`, type: "text", inputMode: "decimal", autocomplete: "off"});
      li.append(label, " ", input);
      read = () => (input.value.trim() !== "" && Number.isFinite(Number(input.value)) ? Number(input.value) : null);
    }
    const button = Object.assign(document.createElement("button"), {type: "button", textContent: "Check"});
    button.setAttribute("aria-label", `Check question ${question.id.slice(1)}`);
    button.addEventListener("click", async () => {
      const answer = read();
      if (answer === null) { verdict.textContent = question.options ? "Choose one of the answers first." : "Type a number, such as 6 or -0.5."; return; }
      const {answer: judged} = await send({item: question.id, answer});
      if (!judged) return;
      verdict.textContent = `${judged.outcome[0].toUpperCase()}${judged.outcome.slice(1)}. ${judged.message}`;
      verdict.dataset.outcome = judged.outcome;
      part("score").textContent = `${judged.score}; ${judged.total} questions`;
      if (judged.over) for (const control of li.querySelectorAll("input, button")) control.disabled = true;
    });
    li.append(" ", button, verdict);
    return li;
  }

  part("items").replaceChildren(...q.items.map(item));
  return {
    refresh: async () => {},  // the questions came with the session; the score comes with each answer
    destroy: () => { send.close(); root.replaceChildren(); root.classList.remove("lesson", "lesson-quiz"); },
  };
}
