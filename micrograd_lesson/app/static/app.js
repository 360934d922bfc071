// The live lesson's page, as a host of its six sections: it talks to the server over HTTP, keeps this tab's
// session, and mounts each section (sections/<name>.js) in its element of index.html. The sections compute no
// numbers themselves: they send what the learner did and show what the engine answers.
//
// What a host gives mount(root, host), here and in any other host (a notebook widget, a static site's worker):
//   transport(path, body)  one request ("neuron", "train", ...), a promise of the answer; a refusal rejects with
//                          an Error whose .status is the HTTP status (0: not reached, 503: busy)
//   choices                the section's limits and choices, from the session's answer ("choices"[name])
//   helpers                shared.js: numbers as text, pictures, channels, unique ids
//   urlState               optional: read() -> URLSearchParams, write({key: value}) (a null value drops its key);
//                          without it a section leaves the address alone
//   questions              the quiz section only: the session's quiz, without its answers
import * as helpers from "./shared.js";
import {mount as neuron} from "./sections/neuron.js";
import {mount as forwardPass} from "./sections/forward_pass.js";
import {mount as fiveSteps} from "./sections/five_steps.js";
import {mount as stepper} from "./sections/stepper.js";
import {mount as quiz} from "./sections/quiz.js";
import {mount as liveTraining} from "./sections/live_training.js";

const SECTIONS = {neuron, forward_pass: forwardPass, five_steps: fiveSteps, stepper, quiz, live_training: liveTraining};
const notice = document.getElementById("notice");
// The one thing chosen at start: HTTP to `micrograd-lesson serve`, or, in the folder `micrograd-lesson site` writes
// (its index.html says data-transport="worker"), messages to a Web Worker running the same Python in Pyodide.
const post = document.documentElement.dataset.transport === "worker"
  ? (await import("./site/site.js")).start(notice)
  : postHttp;
let session = null;
let seq = 0;  // every request's own number, echoed by its answer

// A stopped server: every section says so in a line, the notice says how to start it again, and the page asks the
// server every few seconds until it answers, then shows every section afresh.
const GONE = "the lesson's server is not answering (see the notice at the top)";
const GONE_NOTICE = "The lesson's server has stopped answering. Start it again with `micrograd-lesson serve` in a "
  + "terminal: this page picks up again by itself once it answers.";
const RETRY_MS = 2000;
let waiting = null, mounted = {};

function serverGone() {
  notice.textContent = GONE_NOTICE;
  if (waiting) return;
  waiting = setInterval(async () => {
    try {
      if (!(await fetch(location.pathname, {method: "HEAD", cache: "no-store"})).ok) return;
    } catch { return; }
    clearInterval(waiting);
    waiting = null;
    notice.textContent = "The lesson's server answers again.";
    await Promise.all(Object.values(mounted).map((s) => s.refresh()));
  }, RETRY_MS);
}

async function postHttp(path, body) {
  let response;
  try {
    response = await fetch("api/" + path, {  // relative: the page works under any path
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
  } catch {
    serverGone();
    throw Object.assign(new Error(GONE), {status: 0});
  }
  const data = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
  if (!response.ok) throw Object.assign(new Error(data.error || "request refused"), {status: response.status});
  return data;
}

async function startSession(message) {
  const answer = await post("session", {});
  session = answer.session;
  if (message) notice.textContent = message;
  return answer;
}

// Requests in flight together (section 6 sends a step and a picture at once) all learn of a dropped session:
// they share one new session rather than each starting its own.
let recovering = null;
function recover(message) {
  if (!recovering) recovering = startSession(message).finally(() => { recovering = null; });
  return recovering;
}

// The sections' transport: one request in this tab's session, answered with {...answer, session} (the session
// that answered); a dropped session (410) is replaced by a new one, said so in the notice, and the request sent
// again. A refusal rejects with an Error whose .status is the HTTP status (0: the server could not be reached).
async function transport(path, body) {
  const mine = ++seq;
  let used = session, answer;
  try {
    answer = await post(path, {...body, session: used, seq: mine});
  } catch (error) {
    if (error.status !== 410) throw error;
    if (session === used) await recover(error.message);  // the server dropped this page's session: start afresh, say so
    used = session;  // (a request that overlapped the recovery uses the new one)
    answer = await post(path, {...body, session: used, seq: mine});
  }
  return {...answer, session: used};
}

// Section 6 keeps its settings in the page's address, so that a link gives the same run.
const urlState = {
  read: () => new URLSearchParams(location.search),
  write(entries) {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(entries)) value === null ? params.delete(key) : params.set(key, value);
    const search = "?" + params.toString().replaceAll("%2C", ",").replaceAll("%3A", ":");  // hidden=4,4, not 4%2C4
    if (search !== location.search) history.replaceState(history.state, "", search + location.hash);
  },
};

// Following a link to a section (the contents' #train) gives that section's keys the focus, so Space plays at once:
// a section binds its keys on its mount root, inside the element the link names, which the browser leaves unfocused.
function focusLinkedSection() {
  const target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  const root = target && target.querySelector("[data-mount][tabindex]");
  if (root) root.focus({preventScroll: true});
}
addEventListener("hashchange", focusLinkedSection);

async function main() {
  const first = await startSession("");
  for (const [name, mount] of Object.entries(SECTIONS)) {
    const root = document.querySelector(`[data-mount="${name}"]`);
    const host = {transport, choices: first.choices[name], helpers, urlState};
    if (name === "quiz") host.questions = first.quiz;
    mounted[name] = mount(root, host);
  }
  // for the browser tests and the curious, in the console: the sections and this tab's session
  globalThis.lesson = {
    sections: mounted,
    transport,
    choices: first.choices,
    get session() { return session; },
    set session(id) { session = id; },
  };
  await Promise.all(Object.values(mounted).map((s) => s.refresh()));
  focusLinkedSection();  // a page opened at #train
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  if (!error.shown) notice.textContent = "The page could not reach the server: " + error.message;
});
