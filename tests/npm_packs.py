"""The npm packages the static site carries (app/static_site.py's PINS: Pyodide, viz-js), fetched once with
`npm pack` into FOLDER, where the site's tests find them. .ci/run runs this file; on a learner's machine the tests
that need them skip, saying this command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere: the package beside it

from micrograd_lesson.app.static_site import PINS, Pin

FOLDER = Path(__file__).resolve().parents[1] / ".npm-packs"  # git-ignored
FETCH = "python tests/npm_packs.py"


def tgz(pin: Pin) -> Path:
    """Where pin's .tgz is kept: the name npm pack gives it (@viz-js/viz 3.31.0 -> viz-js-viz-3.31.0.tgz)."""
    return FOLDER / f"{pin.name.removeprefix('@').replace('/', '-')}-{pin.version}.tgz"


def missing() -> str | None:
    """What is not in FOLDER, and the command that fetches it; None when every pinned package is there."""
    lacking = [pin.name for pin in PINS if not tgz(pin).is_file()]
    return f"{' and '.join(lacking)} not fetched: run {FETCH} (it needs Node's npm)" if lacking else None


def main() -> None:
    """Fetch each pinned package that FOLDER lacks, with npm pack."""
    FOLDER.mkdir(exist_ok=True)
    for pin in PINS:
        if not tgz(pin).is_file():
            subprocess.run(["npm", "pack", f"{pin.name}@{pin.version}", "--pack-destination", str(FOLDER)], check=True)


if __name__ == "__main__":
    main()
