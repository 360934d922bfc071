"""The live page's section modules as any host would use them: each loaded as one module text (a blob URL, as a
notebook widget loads it), mounted twice in one page, with no id shared and nothing built outside its root."""

from __future__ import annotations

import pkgutil

from micrograd_lesson.app import sections

SECTIONS = sorted(info.name for info in pkgutil.iter_modules(sections.__path__))  # every section the api answers

# A page of the server's origin with no app.js: the host below mounts every section twice, each module loaded from
# a blob URL (where a relative import would fail), with a transport to the real server and no URL state.
HOST = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="static/sections.css"></head>
<body><p id="outside">the host's own element</p><main></main>
<script type="module">
const helpers = await import("./static/shared.js");
const post = async (path, body) => {
  const response = await fetch("api/" + path, {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body)});
  const answer = await response.json();
  if (!response.ok) throw Object.assign(new Error(answer.error), {status: response.status});
  return answer;
};
const first = await post("session", {});
let seq = 0;
const transport = (path, body) => post(path, {...body, session: first.session, seq: ++seq});
const mounted = [];
for (const name of SECTIONS) {
  const text = await (await fetch(`static/sections/${name}.js`)).text();
  const url = URL.createObjectURL(new Blob([text], {type: "text/javascript"}));
  const {mount} = await import(url);
  for (const copy of [1, 2]) {
    const root = document.createElement("div");
    root.dataset.copy = `${name} ${copy}`;
    document.querySelector("main").append(root);
    const host = {transport, choices: first.choices[name], helpers, questions: first.quiz};
    mounted.push({name, root, section: mount(root, host)});
  }
}
await Promise.all(mounted.map((m) => m.section.refresh()));
window.mounted = mounted;
document.body.dataset.ready = "true";
</script></body></html>
""".replace("SECTIONS", repr(SECTIONS))

# Every element the mounts built is inside a root; ids are unique, and each label, output and <use> points into
# its own root; the address is untouched (no urlState was offered).
CHECK = """() => {
  const roots = window.mounted.map((m) => m.root), own = new Set([document.documentElement, document.head,
    document.body, document.querySelector("main"), document.getElementById("outside"),
    ...document.head.querySelectorAll("*"), ...document.querySelectorAll("body > script")]);
  const outside = [...document.querySelectorAll("*")].filter((e) => !own.has(e) && !roots.some((r) => r.contains(e)))
    .map((e) => e.outerHTML.slice(0, 80));
  const seen = {}, repeated = [];
  for (const e of document.querySelectorAll("[id]")) (seen[e.id] = (seen[e.id] || 0) + 1) === 2 && repeated.push(e.id);
  const rootOf = (e) => roots.find((r) => r.contains(e));
  const strays = [];
  for (const e of document.querySelectorAll("label[for], output[for]")) {
    for (const id of e.getAttribute(e.tagName === "LABEL" ? "for" : "for").split(" ")) {
      const target = document.getElementById(id);
      if (!target || rootOf(target) !== rootOf(e)) strays.push(`${e.tagName} for=${id}`);
    }
  }
  for (const e of document.querySelectorAll("use")) {
    const target = document.getElementById(e.getAttribute("href").slice(1));
    if (!target || rootOf(target) !== rootOf(e)) strays.push(`use ${e.getAttribute("href")}`);
  }
  return {outside, repeated, strays, search: location.search, ids: document.querySelectorAll("[id]").length};
}"""


def test_every_section_mounts_twice_from_one_module_text_with_no_shared_id_and_nothing_outside_its_root(
    browser, address
):
    """And the sections' CSS reaches nothing outside a mounted section (checked in the same page)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.route(address + "two-of-each.html", lambda route: route.fulfill(content_type="text/html", body=HOST))
    tab.goto(address + "two-of-each.html")
    tab.wait_for_selector("body[data-ready=true]")
    for copy in (1, 2):  # each mount shows its own answer, its pictures drawn
        root = tab.locator(f'[data-copy="forward_pass {copy}"]')
        expect(root.locator("[data-part=output]")).to_have_text("0.5125")
        expect(tab.locator(f'[data-copy="live_training {copy}"] [data-part=picture] svg')).to_be_attached()
        expect(tab.locator(f'[data-copy="stepper {copy}"] [data-part=picture] svg')).to_be_attached()
    # a key pressed in one mount steps its loop; a button of the second mount works
    tab.locator('[data-copy="five_steps 1"]').get_by_role("button", name="Reset").focus()
    tab.keyboard.press("ArrowRight")
    expect(tab.locator('[data-copy="five_steps 1"] [data-part=status]')).to_contain_text("step 2 of 5")
    tab.locator('[data-copy="live_training 2"]').get_by_role("button", name="Step (one training step)").click()
    expect(tab.locator('[data-copy="live_training 2"]').get_by_label("step", exact=True)).to_have_text("1")
    seen = tab.evaluate(CHECK)
    assert seen["outside"] == [] and seen["repeated"] == [] and seen["strays"] == [], seen
    assert seen["search"] == "" and seen["ids"] > 100  # (the pictures' ids are in: the check saw them)

    # the sections' stylesheet (this page's, as the lesson's) reaches nothing outside a mounted section
    selectors = tab.evaluate(
        """() => {
          const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith("/sections.css"));
          const rules = (list) => [...list].flatMap((r) => (r.selectorText ? [r.selectorText] : rules(r.cssRules)));
          return rules(sheet.cssRules).flatMap((s) => s.split(","));
        }"""
    )
    assert len(selectors) > 50
    assert [s for s in selectors if not s.strip().startswith(".lesson")] == []

    # destroy() leaves an empty root, its section's classes gone, and an answer still on its way is dropped
    left = tab.evaluate(
        """window.mounted.map((m) => {
             m.section.refresh();
             m.section.destroy();
             return m.root.children.length + m.root.className + (m.root.getAttribute("tabindex") || "");
           })"""
    )
    tab.wait_for_load_state("networkidle")
    context.close()
    assert left == ["0"] * len(left)
    assert errors == [], errors


def test_the_page_names_every_file_relatively_and_a_section_module_imports_nothing():
    """The page works under any path (a static host's folder, a widget's blob URL): no URL starts with /."""
    import re

    from micrograd_lesson.app.server import STATIC

    page = (STATIC / "index.html").read_text()
    urls = re.findall(r'\b(?:src|href)="([^"#]*)"', page)
    assert urls and [url for url in urls if url.startswith("/") or "//" in url] == []
    assert {f"static/{path.name}" for path in STATIC.glob("*.css")} <= set(urls)
    scripts = {path.name: path.read_text() for path in STATIC.rglob("*.js")}
    assert [name for name, text in scripts.items() if re.search(r"""["'`]/(api|static)/""", text)] == []
    modules = sorted(path.stem for path in (STATIC / "sections").glob("*.js"))
    assert modules == sorted(SECTIONS)
    for name in modules:
        text = scripts[f"{name}.js"]
        assert re.search(r"^\s*import\b|\bimport\(", text, re.M) is None, name
        assert "export function mount(root, host)" in text, name
        assert f'data-mount="{name}"' in page, name
