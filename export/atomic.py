"""Write a directory all at once: build it beside the target, then rename it into place.

A failed or interrupted export leaves no target directory, and an existing bundle stays
byte-identical until its replacement is complete. On Linux the final swap is one atomic
renameat2(RENAME_EXCHANGE); elsewhere it is two renames with a rollback between them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from aura_edge.errors import BundleError
from aura_edge.runtime.bundle import BUNDLE_FORMAT, LABELS_FILE, MANIFEST_FILE, load_bundle, sha256_file


@contextlib.contextmanager
def staged_directory(target: Path, replace: bool = False):
    """Yield an empty directory beside `target`; on a clean exit it becomes `target`.

    replace=False refuses an existing target; replace=True swaps out an existing bundle (never a
    directory that is not one). On any exception, KeyboardInterrupt included, the staging
    directory is removed and `target` is untouched.
    """
    target = Path(target)
    check_target(target, replace)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise BundleError(f"cannot write to {target.parent} ({exc.strerror or exc}); pass a writable --out") from exc
    try:
        yield staging
        _fsync_tree(staging)
        check_target(target, replace)  # it may have appeared while we worked
        _move_into_place(staging, target)
    except OSError as exc:  # disk full, permissions changed underneath us ...
        raise BundleError(f"writing {target} failed ({exc}); it was left as it was. Free space or pass a "
                          "writable --out") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful move


def remove_abandoned(target: Path, legacy_age_s: float = 3600.0) -> list[Path]:
    """Remove staging directories of exports that were killed (their process is gone); returns them.

    Staging names carry the exporting process id, so a concurrent export's directory is kept.
    Names from before that (no id) are removed once an hour old.
    """
    removed, pattern = [], re.compile(rf"\.{re.escape(target.name)}\.partial-(\d+)-\w+")
    for path in target.parent.glob(f".{target.name}.partial-*"):
        owner = pattern.fullmatch(path.name)
        abandoned = (not _process_alive(int(owner.group(1))) if owner
                     else time.time() - path.stat().st_mtime > legacy_age_s)
        if path.is_dir() and abandoned:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (alive), or not a pid we can ask about
    return True


def check_target(target: Path, replace: bool) -> None:
    if not (target.exists() or target.is_symlink()):
        return
    if not replace:
        raise BundleError(f"{target} already exists; pass --force to replace it, or another --out")
    if not target.is_dir() or target.is_symlink() or not (is_bundle(target) or not any(target.iterdir())):
        raise BundleError(f"{target} exists and is not an aura-edge bundle; refusing to replace it even with "
                          "--force. Pass another --out")


def is_bundle(path: Path) -> bool:
    try:
        return json.loads((path / MANIFEST_FILE).read_text()).get("format") == BUNDLE_FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):  # staging now holds the old bundle; the finally clause removes it
        pass
    else:
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(old, target)  # put the old bundle back
            raise
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # old kernel or a filesystem without exchange: use the two-rename path
    raise OSError(err, os.strerror(err), str(b))


def _fsync_tree(root: Path) -> None:
    """Flush the staged files to disk before the rename publishes them."""
    for path in root.rglob("*"):
        if path.is_file():
            _fsync(path)
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        _fsync(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_entry(path: Path) -> dict:
    """A file's manifest entry: its sha256 and size."""
    return {"sha256": sha256_file(path), "bytes": path.stat().st_size}


@contextlib.contextmanager
def edited_label_bank(source: Path, manifest: dict, target: Path, replace: bool):
    """Yield a staged copy of the bundle at ``source`` (hard links) without its labels.npz: the
    caller writes the new one there and may edit ``manifest``. On a clean exit labels.npz is hashed
    into the manifest, which is written, and the copy must load through the runtime's own verifier
    before it becomes ``target`` (the bundle itself with ``replace``, or a new directory)."""
    with staged_directory(target, replace=replace) as staging:
        for name in manifest["files"]:
            if name != LABELS_FILE:
                link_or_copy(source / name, staging / name)
        yield staging
        manifest["files"][LABELS_FILE] = file_entry(staging / LABELS_FILE)
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        load_bundle(staging)


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link an unchanged file into a staged copy (same filesystem), else copy it."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
