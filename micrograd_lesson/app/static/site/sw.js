// The static site's service worker: after one visit every file of the site is kept in the browser's cache, so the
// lesson opens and works with the network off. `micrograd-lesson site` writes the first line: BUILD (changes with
// any file, so a new site replaces the old cache) and FILES (every file, relative to this one, or the teacher's
// Pyodide URL).
const CACHE = `micrograd-lesson-${BUILD}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (key) => key.startsWith("micrograd-lesson-") && key !== CACHE;
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter(old).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(event.request, {ignoreSearch: true}))  // section 6's settings ride in ?...
      .then((kept) => kept || fetch(event.request)),
  );
});
