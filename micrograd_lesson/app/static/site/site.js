// The static site's transport (`micrograd-lesson site`): no server, the page's requests go to a Web Worker that
// runs the lesson's own Python in Pyodide (worker.js). This side says how loading goes, keeps the site for use
// offline (sw.js) and, when the worker dies, says so with a Reload button.

const MB = 1e6;

// start(notice) -> post(path, body): the page's transport, as app.js's HTTP one: a promise of the answer, or an
// Error whose .status is the refusal's (0: the worker is gone).
export function start(notice) {
  const worker = new Worker(new URL("worker.js", import.meta.url), {type: "module"});
  const waiting = new Map();  // request id -> its promise's {resolve, reject}
  let next = 0;
  let dead = null;

  function die(message) {
    if (dead) return;
    dead = Object.assign(new Error(message), {status: 0, shown: true});
    worker.terminate();
    const reload = document.createElement("button");
    reload.type = "button";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => location.reload());
    notice.replaceChildren(`${message} `, reload);
    reload.focus();  // and so into view, wherever the learner was on the page
    document.body.dataset.worker = "dead";
    for (const {reject} of waiting.values()) reject(dead);
    waiting.clear();
  }

  worker.onmessage = ({data}) => {
    if (data.progress) {
      const [loaded, total] = [data.loaded, data.total].map((bytes) => Math.round(bytes / MB));
      notice.textContent = `loading Python in your browser: ${loaded} of ${total} MB`;
    } else if (data.ready) {
      notice.textContent = "";
    } else if (data.snapshot) {
      document.body.dataset.snapshot = data.snapshot;  // the next start skips starting Python
    } else if (data.dead) {
      die(data.dead);
    } else {
      waiting.get(data.id)?.resolve(data.text);
      waiting.delete(data.id);
    }
  };
  worker.onerror = (event) => {  // an uncaught error, or the browser stopped it (out of memory)
    event.preventDefault();
    die(`The lesson's Python stopped (${event.message || "the browser ended it"}): reload the page to start again.`);
  };
  keepForOffline();

  return async function post(path, body) {
    if (dead) throw dead;
    const text = await new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, {resolve, reject});
      worker.postMessage({id, path: "api/" + path, body: JSON.stringify(body)});  // as app.js's HTTP asks
    });
    const {status, answer} = JSON.parse(text);
    if (status !== 200) throw Object.assign(new Error(answer.error || "request refused"), {status});
    return answer;
  };
}

// After one visit the site works with the network off: the service worker keeps every file of it.
function keepForOffline() {
  if (!navigator.serviceWorker) return;  // not a secure context (http to another computer): online only
  navigator.serviceWorker.register(new URL("../../sw.js", import.meta.url)).catch(() => {});
  navigator.serviceWorker.ready.then(() => { document.body.dataset.offline = "ready"; });
}
