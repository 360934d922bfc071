// The static site's Web Worker: Pyodide (CPython compiled to WebAssembly) running app/worker.py, the lesson's own
// Python, and viz-js (Graphviz compiled to WebAssembly), which viz/render.py calls for section 4's layouts.
// Messages in: {id, path, body} (body as JSON text). Out: {progress, loaded, total} while loading, {ready}, then
// {id, text} per request (text: JSON of {status, answer}), or {dead: message} when Python cannot go on; and
// {snapshot: "kept"} once the next start can begin from Python's memory as it is now.

const SITE = new URL("../../", import.meta.url);  // the site's folder
let loaded = 0;
let total = 0;

function counted(response) {  // the same response, each chunk counted as it arrives
  if (!response.body) return response;
  const counter = new TransformStream({
    transform(chunk, out) {
      loaded += chunk.byteLength;
      postMessage({progress: true, loaded, total});
      out.enqueue(chunk);
    },
  });
  const {status, statusText, headers} = response;
  return new Response(response.body.pipeThrough(counter), {status, statusText, headers});
}

async function boot() {
  const config = await (await fetch(new URL("site.json", SITE))).json();
  total = Object.values(config.sizes).reduce((a, b) => a + b, 0);
  const fetchAll = globalThis.fetch;
  // Count Pyodide's own downloads too, on a first visit only: once the service worker keeps the files, they come
  // at once, and an unwrapped response lets the browser reuse its compiled WebAssembly (it knows the URL).
  const kept = await globalThis.caches?.match(new URL("site.json", SITE)).catch(() => undefined);  // none: http
  if (!kept) globalThis.fetch = async (...args) => counted(await fetchAll(...args));
  const imported = (url, name) => import(url).then((module) => {
    loaded += config.sizes[name];
    postMessage({progress: true, loaded, total});
    return module;
  });
  const pyodideURL = new URL(config.pyodide, SITE);  // the site's pyodide/ folder, or where the teacher hosts it
  const [{loadPyodide}, {instance}] = await Promise.all([
    imported(new URL("pyodide.mjs", pyodideURL), "pyodide/pyodide.mjs"),
    imported(new URL(config.viz, SITE), config.viz),
  ]);
  const snapshots = await globalThis.caches?.open(SNAPSHOTS).catch(() => undefined);  // none: http
  const key = new URL(`python-${config.snapshot}.snapshot`, SITE).href;
  let snapshot = await snapshots?.match(key).then((response) => response?.arrayBuffer());
  const fresh = () => loadPyodide({indexURL: pyodideURL.href, _makeSnapshot: Boolean(snapshots)});
  const python = snapshot  // a snapshot that does not load (another browser build): start afresh
    ? loadPyodide({indexURL: pyodideURL.href, _loadSnapshot: snapshot}).catch(() => { snapshot = undefined; return fresh(); })
    : fresh();
  const [pyodide, viz, lesson] = await Promise.all([
    python,
    instance(),
    fetch(new URL(config.lesson, SITE)).then((response) => response.arrayBuffer()),
  ]);
  globalThis.fetch = fetchAll;
  self.viz = viz;  // Python reaches it as js.viz
  pyodide.unpackArchive(lesson, "zip", {extractDir: "/lesson"});  // a snapshot holds memory, not files
  if (!snapshot) pyodide.runPython(IMPORT);
  if (!snapshot && snapshots) {
    try {
      keepSnapshot(snapshots, key, pyodide.makeMemorySnapshot());
    } catch {}  // only a speed-up (no memory left to copy it): this start goes on
  }
  let handle;
  try {
    handle = pyodide.pyimport("micrograd_lesson.app.worker").handle;
  } catch (error) {
    if (!snapshot) throw error;
    await snapshots.delete(key).catch(() => {});  // kept memory that loads but does not run: forgotten, start afresh
    const again = await loadPyodide({indexURL: pyodideURL.href});
    again.unpackArchive(lesson, "zip", {extractDir: "/lesson"});
    again.runPython(IMPORT);
    handle = again.pyimport("micrograd_lesson.app.worker").handle;
  }
  postMessage({ready: true});
  return handle;
}

const IMPORT = "import sys; sys.path.insert(0, '/lesson'); import micrograd_lesson.app.worker";

// Python's memory with the lesson imported (tens of MB), kept for the next start (Pyodide's memory snapshot: it
// skips starting Python and importing the lesson); only the latest site's.
const SNAPSHOTS = "micrograd-python-memory";  // not "micrograd-lesson-...": sw.js clears those
async function keepSnapshot(snapshots, key, snapshot) {
  try {
    for (const old of await snapshots.keys()) if (old.url !== key) await snapshots.delete(old);
    await snapshots.put(key, new Response(snapshot));
    postMessage({snapshot: "kept"});
  } catch {}  // no room: the next start is a full one
}

const booting = boot();
booting.catch((error) => postMessage({dead: `Python could not start in this browser: ${error.message || error}`}));

onmessage = async ({data}) => {
  const handle = await booting;
  let text;
  try {
    text = handle(data.path, data.body);  // Python answers every refusal and bug itself: only a fatal error lands here
  } catch (error) {
    postMessage({dead: `The lesson's Python stopped (${error.message || error}): reload the page to start again.`});
    close();
    return;
  }
  postMessage({id: data.id, text});
};
