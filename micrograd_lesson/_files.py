"""The one way the package writes a file: whole or not at all, through symlinks, keeping permissions."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def write_file(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write data (a str as UTF-8) to path and return path; on any failure the old file stays as it was."""
    path = Path(path)
    content = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        try:
            mode = os.stat(path).st_mode  # through any symlink: the file that will be replaced
        except FileNotFoundError:
            mode = None  # a new file: os.open gives it 0o666 & ~umask, as any new file gets
        if mode is not None and not stat.S_ISREG(mode):  # /dev/null, a pipe, a directory: nothing to replace
            with open(path, "wb") as f:
                f.write(content)
            return path
        _replace(Path(os.path.realpath(path)), content, mode)  # a symlink stays: its target gets the content
    except OSError as error:  # name the user's path, never the temporary one
        raise type(error)(error.errno, error.strerror, os.fspath(path)) from None
    return path


def _replace(target: Path, content: memoryview, mode: int | None) -> None:
    """Write content beside target under a temporary name, sync it, then rename it over target."""
    # A short random name in the same directory: on the same disk, so the rename is atomic, and
    # short, so whatever name the target has (up to 255 bytes), the temporary one fits too.
    temp = target.with_name(f".{os.urandom(6).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o666 if mode is None else 0o600)
    try:
        try:
            while content:  # os.write may write only part: go on from where it stopped
                content = content[os.write(fd, content) :]
            os.fsync(fd)  # on the disk before the rename: after a crash, the old file or the whole new one
        finally:
            os.close(fd)
        if mode is not None:
            os.chmod(temp, stat.S_IMODE(mode))  # an existing file keeps its permissions
        os.replace(temp, target)
    except BaseException:  # a full disk, Ctrl-C, anything: no temporary file is left behind
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
