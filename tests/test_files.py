"""write_file: every file the package writes is written whole or not at all, where the user meant, as they meant."""

import errno
import os
import stat

import pytest

from micrograd_lesson import MLP, Value, data
from micrograd_lesson._files import write_file
from micrograd_lesson.app.cli import _save_figure
from micrograd_lesson.serialize import save
from micrograd_lesson.viz import draw_dot, draw_network, save_animation

FULL_DISK = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def listing(directory):
    return sorted(p.name for p in directory.iterdir())


def test_writes_text_as_utf8_and_bytes_as_they_are(tmp_path):
    assert write_file(tmp_path / "a.txt", "∂L/∂w") == tmp_path / "a.txt"
    assert (tmp_path / "a.txt").read_bytes() == "∂L/∂w".encode()
    write_file(str(tmp_path / "b.png"), b"\x89PNG\r\n\x00")
    assert (tmp_path / "b.png").read_bytes() == b"\x89PNG\r\n\x00"
    assert listing(tmp_path) == ["a.txt", "b.png"]


def test_replaces_an_old_file_whole(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old and longer than the new one")
    write_file(path, "new")
    assert path.read_text() == "new" and listing(tmp_path) == ["model.json"]


def fail_half_way(monkeypatch, error):
    """os.write writes a few bytes, then raises error: a disk that fills up in the middle of a file."""
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, data[:3])
        raise error

    monkeypatch.setattr(os, "write", write)
    return calls


def test_a_full_disk_leaves_the_old_file_intact_and_names_the_users_path(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("the old model")
    calls = fail_half_way(monkeypatch, FULL_DISK)
    with pytest.raises(OSError) as caught:
        write_file(path, "a new model, too big for the disk")
    assert len(calls) == 2  # the failure came in the middle of the file
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert str(path) in str(caught.value) and "No space left on device" in str(caught.value)
    assert ".tmp" not in str(caught.value)
    assert path.read_text() == "the old model" and listing(tmp_path) == ["model.json"]


def test_a_failed_sync_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "drawing.svg"
    path.write_text("<svg>old</svg>")

    def fsync(fd):
        raise FULL_DISK

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match=r"No space left on device.*drawing\.svg"):
        write_file(path, "<svg>new</svg>")
    assert path.read_text() == "<svg>old</svg>" and listing(tmp_path) == ["drawing.svg"]


def test_the_file_is_synced_before_it_takes_the_old_ones_place(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: events.append("replace") or real_replace(a, b))
    write_file(tmp_path / "x.json", "{}")
    assert events == ["fsync", "replace"]


def test_an_interrupt_mid_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "flipbook.html"
    path.write_text("old")
    fail_half_way(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_file(path, "new page")
    assert path.read_text() == "old" and listing(tmp_path) == ["flipbook.html"]


def test_an_interrupt_at_the_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    def replace(a, b):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "new.json", "{}")
    assert listing(tmp_path) == []


def test_a_255_byte_name_works_and_a_longer_one_is_refused_by_its_name(tmp_path):
    longest = tmp_path / ("m" * 250 + ".json")  # 255 bytes: the longest name most file systems allow
    write_file(longest, "{}")
    write_file(longest, "{ }")  # replacing it needs a temporary name beside it, too
    assert longest.read_text() == "{ }" and listing(tmp_path) == [longest.name]
    too_long = tmp_path / ("m" * 251 + ".json")
    with pytest.raises(OSError) as caught:
        write_file(too_long, "{}")
    assert caught.value.errno == errno.ENAMETOOLONG and caught.value.filename == str(too_long)
    assert listing(tmp_path) == [longest.name]


def test_a_symlink_stays_a_symlink_and_its_target_gets_the_content(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    write_file(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    assert listing(tmp_path) == ["latest.json", "real"] and listing(tmp_path / "real") == ["model.json"]


def test_a_dangling_symlink_makes_its_target(tmp_path):
    link = tmp_path / "out.svg"
    link.symlink_to("made-later.svg")
    write_file(link, "<svg/>")
    assert link.is_symlink() and (tmp_path / "made-later.svg").read_text() == "<svg/>"


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_an_existing_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "secret.json"
    path.write_text("old")
    path.chmod(mode)
    write_file(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_text() == "new"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_any_new_file_gets(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_file(tmp_path / "new.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == mode


def test_a_missing_folder_or_a_folder_in_the_way_names_the_users_path(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "model.json"
    with pytest.raises(FileNotFoundError) as caught:
        write_file(missing, "{}")
    assert caught.value.filename == str(missing) and ".tmp" not in str(caught.value)
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        write_file(tmp_path / "a-folder", "{}")
    assert caught.value.filename == str(tmp_path / "a-folder")
    assert listing(tmp_path) == ["a-folder"] and listing(tmp_path / "a-folder") == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_written_into_not_replaced(tmp_path):
    pipe = tmp_path / "pipe"  # as /dev/null or /dev/stdout would be: never swap a special file for a plain one
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting, so writing does not block
    try:
        write_file(pipe, "through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and listing(tmp_path) == ["pipe"]


# --- every file the package writes goes through write_file ------------------------------------------


def small_expression():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    return (a * b + 1.0).tanh()


def write_plots(path):
    from micrograd_lesson.viz import plot_decision_boundary

    _save_figure(plot_decision_boundary(MLP(2, [2, 1], seed=0), *data.xor()), path)  # as train --plot writes


WRITERS = {
    "model.json": lambda path: save(MLP(2, [2, 1], seed=0), path),
    "graph.svg": lambda path: draw_dot(small_expression()).save(path),
    "graph.png": lambda path: draw_dot(small_expression()).save(path),
    "graph.dot": lambda path: draw_dot(small_expression()).save(path),
    "steps.html": lambda path: save_animation(small_expression(), path),
    "steps.gif": lambda path: save_animation(small_expression(), path),
    "plot.png": write_plots,
    "network.svg": lambda path: draw_network(MLP(2, [2, 1], seed=0), [0.5, 0.5]).save(path),
    "network.png": lambda path: draw_network(MLP(2, [2, 1], seed=0), [0.5, 0.5]).save(path),
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_leaves_the_old_file_whole_when_the_disk_is_full(tmp_path, monkeypatch, name):
    path = tmp_path / name
    WRITERS[name](path)  # a first, good write
    written = listing(tmp_path)
    old = {p: (tmp_path / p).read_bytes() for p in written}

    def fsync(fd):
        raise FULL_DISK

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as caught:
        WRITERS[name](path)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert listing(tmp_path) == written and {p: (tmp_path / p).read_bytes() for p in written} == old
