"""micrograd-lesson notebooks DIR: the notebooks reach a learner who installed the wheel, and their edits are safe."""

import errno
import os
import subprocess
import sys
import zipfile

import pytest
from test_notebooks import EXPECTED, NOTEBOOKS

from micrograd_lesson import _files
from micrograd_lesson.app.cli import main

FILES = [f"{name}.ipynb" for name in EXPECTED]


def run(capsys, *args) -> tuple[int, str, str]:
    """main(["notebooks", *args]): the exit code, stdout and stderr."""
    code = main(["notebooks", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_copies_every_notebook_into_a_new_folder(tmp_path, capsys):
    folder = tmp_path / "my" / "notebooks"
    code, out, _ = run(capsys, folder)
    assert code == 0
    assert sorted(path.name for path in folder.iterdir()) == FILES  # and no temporary file left behind
    assert all((folder / name).read_bytes() == (NOTEBOOKS / name).read_bytes() for name in FILES)
    assert f"Copied {len(FILES)} notebooks into {folder}" in out and "skipped" not in out


def test_a_second_run_keeps_the_learners_edits_and_says_how_to_overwrite(tmp_path, capsys):
    run(capsys, tmp_path)
    edited = tmp_path / FILES[2]
    edited.write_text("my own work")
    (tmp_path / FILES[4]).unlink()
    code, out, _ = run(capsys, tmp_path)
    assert code == 0
    assert edited.read_text() == "my own work"
    assert (tmp_path / FILES[4]).read_bytes() == (NOTEBOOKS / FILES[4]).read_bytes()  # a missing one comes back
    assert f"skipped {FILES[2]}" in out and f"copied  {FILES[4]}" in out
    assert "Copied 1 notebook into" in out and f"Skipped {len(FILES) - 1} already there" in out and "--force" in out


def test_force_overwrites(tmp_path, capsys):
    run(capsys, tmp_path)
    (tmp_path / FILES[0]).write_text("my own work")
    code, out, _ = run(capsys, tmp_path, "--force")
    assert code == 0
    assert (tmp_path / FILES[0]).read_bytes() == (NOTEBOOKS / FILES[0]).read_bytes()
    assert f"Copied {len(FILES)} notebooks" in out and "Skipped" not in out


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda tmp: tmp / "a-file", "is a file, not a folder"),
        (lambda tmp: tmp / "a-file" / "inside", "cannot create the folder"),
    ],
    ids=["a file", "inside a file"],
)
def test_a_folder_that_cannot_be_made_is_a_one_line_error(tmp_path, capsys, where, message):
    (tmp_path / "a-file").write_text("not a folder")
    code, out, err = run(capsys, where(tmp_path))
    assert code == 1 and out == ""
    assert err.startswith("micrograd-lesson notebooks: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (tmp_path / "a-file").read_text() == "not a folder"


def test_a_notebook_that_cannot_be_written_stops_none_of_the_others_and_each_is_named(tmp_path, capsys):
    """It stopped at the first one, without saying that the rest were not copied."""
    for name in (FILES[0], FILES[3]):
        (tmp_path / name).mkdir()  # a folder where the notebook goes: renaming over it fails, even for root
    code, out, err = run(capsys, tmp_path, "--force")
    assert code == 1
    assert err == (
        f"micrograd-lesson notebooks: cannot write 2 of the {len(FILES)} notebooks into {tmp_path}, not copied: "
        f"{FILES[0]} ({tmp_path / FILES[0]} is a folder), {FILES[3]} ({tmp_path / FILES[3]} is a folder)\n"
    )
    assert f"  failed  {FILES[0]}: " in out and f"  failed  {FILES[3]}: " in out
    assert f"Copied {len(FILES) - 2} notebooks into {tmp_path}." in out
    for name in FILES:
        assert (tmp_path / name).is_dir() if name in (FILES[0], FILES[3]) else (tmp_path / name).is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == FILES  # no temporary file left behind


def test_one_reason_for_every_notebook_is_said_once(tmp_path, capsys, monkeypatch):
    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(_files, "write_file", full_disk)
    code, out, err = run(capsys, tmp_path)
    assert code == 1
    assert err == (
        f"micrograd-lesson notebooks: cannot write {len(FILES)} of the {len(FILES)} notebooks into {tmp_path} "
        f"(the disk is full), not copied: {', '.join(FILES)}\n"
    )
    assert "Copied 0 notebooks" in out and "jupyter lab" not in out  # nothing to open


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file permissions stop")
def test_an_unwritable_folder_is_a_one_line_error(tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    code, _, err = run(capsys, folder)
    assert code == 1 and "cannot write" in err and err.count("\n") == 1


def test_the_wheel_ships_the_notebooks_and_the_command_finds_them_there(wheel, tmp_path):
    """Look in the wheel, then run the command from it."""
    with zipfile.ZipFile(wheel) as archive:
        inside = "micrograd_lesson/notebooks/"
        assert sorted(name for name in archive.namelist() if name.startswith(inside)) == [inside + f for f in FILES]
        assert all(archive.read(inside + name) == (NOTEBOOKS / name).read_bytes() for name in FILES)
        archive.extractall(tmp_path / "site")
    # the installed package, not this clone: there is no notebooks/ folder beside tmp_path/site/micrograd_lesson
    script = "import sys, micrograd_lesson.app.cli as cli; print(cli.__file__); sys.exit(cli.main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", script, "notebooks", "copies"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "site"))
    assert sorted(path.name for path in (tmp_path / "copies").iterdir()) == FILES
