"""`micrograd-lesson site DIR`: the live lesson as a folder that any static web host serves, the engine in Pyodide.

The folder holds serve's own page (its transport switched to a Web Worker: data-transport="worker"), the installed
package's files as one zip, the worker that runs app/worker.py in Pyodide (CPython compiled to WebAssembly), viz-js
(Graphviz compiled to WebAssembly: section 4's layouts), a service worker that keeps it all for use offline, and the
licences. Pyodide and viz-js come from the teacher's `npm pack`, checked against the pins below; the project ships
neither and names no host.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import micrograd_lesson

PACKAGE = Path(micrograd_lesson.__file__).parent
STATIC = PACKAGE / "app" / "static"


@dataclass(frozen=True)
class Pin:
    """An npm package the site carries: its version, npm's integrity hash of its .tgz, and the files it needs."""

    name: str
    version: str
    integrity: str
    files: dict[str, int]  # path inside the package -> size in bytes

    @property
    def fetch(self) -> str:
        """The command that fetches it."""
        return f"npm pack {self.name}@{self.version}"


PYODIDE = Pin(
    "pyodide",
    "314.0.8",
    "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ==",
    {
        "pyodide.mjs": 17758,
        "pyodide.asm.mjs": 1250259,
        "pyodide.asm.wasm": 9597892,
        "python_stdlib.zip": 2545550,
        "pyodide-lock.json": 119077,
    },
)
VIZ = Pin(
    "@viz-js/viz",
    "3.31.0",
    "sha512-r7zlQdRvcwvIpjHGgs+KNWHeE/P5/Dq7k8ZAKaMCbZqomxCBJV78gVuQYaHzFVca+kB0mX0fMW9UFevCOBG50A==",
    {"dist/viz.js": 1188719},
)
PINS = (PYODIDE, VIZ)
# What a browser's lesson does not use: the notebooks, the command line, the tour, the web server, this writer, and
# the page itself (its files are the site's own).
LEFT_OUT = (
    "notebooks/",
    "app/static/",
    "__main__.py",
    "app/cli.py",
    "app/tour.py",
    "app/terminal.py",
    "app/server.py",
    "app/static_site.py",
)


class SiteError(Exception):
    """The site cannot be written as asked: the message says why and what to do."""


def read_pin(pin: Pin, path: Path) -> dict[str, bytes]:
    """pin's files from path (the .tgz `npm pack` wrote, or its unpacked folder), checked to be pin's version."""
    path = Path(path)
    found = _from_folder(pin, path) if path.is_dir() else _from_tgz(pin, path)
    for name, size in pin.files.items():
        if len(found[name]) != size:
            raise SiteError(f"{path}: {name} is {len(found[name])} bytes, not {pin.name} {pin.version}'s {size}")
    return {name: found[name] for name in pin.files}


def _from_folder(pin: Pin, path: Path) -> dict[str, bytes]:
    root = path / "package" if (path / "package" / "package.json").is_file() else path
    try:
        _check_version(pin, path, (root / "package.json").read_bytes())
        return {name: (root / name).read_bytes() for name in pin.files}
    except OSError as error:
        lacking = f"{error.strerror}: {error.filename}"
        raise SiteError(f"{path} is not {pin.name} {pin.version} unpacked ({lacking}): {pin.fetch}") from None


def _check_version(pin: Pin, path: Path, manifest: bytes) -> None:
    try:
        found = json.loads(manifest)
    except ValueError:
        raise SiteError(f"{path}: its package.json is not JSON") from None
    if (found.get("name"), found.get("version")) != (pin.name, pin.version):
        raise SiteError(
            f"{path} is {found.get('name')} {found.get('version')}; this site needs {pin.name} {pin.version} "
            f"(the version its numbers were checked with): {pin.fetch}"
        )


def _from_tgz(pin: Pin, path: Path) -> dict[str, bytes]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SiteError(f"cannot read {path}: {error.strerror}; fetch it with: {pin.fetch}") from None
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if integrity != pin.integrity:
        what = f"{pin.name} {pin.version}"
        raise SiteError(f"{path} is not {what} as published (its integrity hash differs): fetch it with: {pin.fetch}")
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and name in ("package.json", *pin.files):
                found[name] = archive.extractfile(member).read()
    _check_version(pin, path, found.get("package.json", b"{}"))
    return found


def package_zip() -> bytes:
    """The installed package's Python files as one zip archive (micrograd_lesson/...), without what LEFT_OUT names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PACKAGE.rglob("*.py")):
            inside = path.relative_to(PACKAGE).as_posix()
            if "__pycache__" in inside or any(inside.startswith(out) for out in LEFT_OUT):
                continue
            info = zipfile.ZipInfo(f"micrograd_lesson/{inside}", date_time=(2020, 1, 1, 0, 0, 0))  # the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def site_files(viz: Path, pyodide: Path | None = None, pyodide_url: str | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path in the folder: from Pyodide's package at pyodide, or with Pyodide's
    files left at pyodide_url (a folder URL the teacher hosts, that sends CORS headers)."""
    if (pyodide is None) == (pyodide_url is None):
        raise SiteError(f"give either Pyodide's package (--pyodide PATH, from: {PYODIDE.fetch}) or --pyodide-url URL")
    files = {f"viz/{Path(name).name}": data for name, data in read_pin(VIZ, viz).items()}
    if pyodide is not None:
        files |= {f"pyodide/{name}": data for name, data in read_pin(PYODIDE, pyodide).items()}
        where = "pyodide/"
    else:
        where = pyodide_url if pyodide_url.endswith("/") else pyodide_url + "/"
    page = (STATIC / "index.html").read_text("utf-8")
    files["index.html"] = page.replace('data-transport="http"', 'data-transport="worker"', 1).encode()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and path.name != "index.html" and path.name != "sw.js":
            files[f"static/{path.relative_to(STATIC).as_posix()}"] = path.read_bytes()
    files["lesson.zip"] = package_zip()
    files["LICENSES.md"] = (PACKAGE / "app" / "site_licenses.md").read_bytes()
    sizes = {f"pyodide/{name}": size for name, size in PYODIDE.files.items()}  # for the progress line
    sizes |= {"viz/viz.js": VIZ.files["dist/viz.js"], "lesson.zip": len(files["lesson.zip"])}
    config = {"version": micrograd_lesson.__version__, "pyodide": where, "viz": "viz/viz.js", "lesson": "lesson.zip"}
    # the worker keeps Python's memory once the lesson is imported, and starts from it next time: for this package only
    config["snapshot"] = hashlib.sha256(files["lesson.zip"] + PYODIDE.integrity.encode()).hexdigest()[:16]
    files["site.json"] = json.dumps({**config, "pins": {p.name: p.version for p in PINS}, "sizes": sizes}).encode()
    kept = ["./", *sorted(files)] + ([] if pyodide else [where + name for name in PYODIDE.files])
    build = hashlib.sha256(b"".join(hashlib.sha256(files[name]).digest() for name in sorted(files))).hexdigest()[:16]
    first = f"const BUILD = {json.dumps(build)}, FILES = {json.dumps(kept)};\n"
    files["sw.js"] = first.encode() + (STATIC / "site" / "sw.js").read_bytes()
    return files


def write_site(folder: Path, files: dict[str, bytes], force: bool = False) -> dict[str, str]:
    """Write files into folder (created if missing; one that holds anything is kept unless force): the files that
    could not be written, each with why (empty when all were)."""
    from micrograd_lesson._files import write_file

    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise SiteError(f"{folder} is not empty: choose a new folder, or add --force to write over what is there")
    failed = {}
    for name, data in files.items():
        try:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            write_file(folder / name, data)
        except OSError as error:
            failed[name] = error.strerror or str(error)
    return failed
