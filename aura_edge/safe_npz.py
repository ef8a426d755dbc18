""".npz files read safely: each member's header (dtype, shape, size) is checked before its data.

`np.load` trusts a file's headers: a 2 MB archive can claim a 1 TB array or a billion-character
string dtype, and an object array's error text advises `allow_pickle`. Files a user passes in
(`eval --data`, `replay://`) are read through `read_npz` instead, which refuses such members with
one message naming the key, and never unpickles.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from aura_edge.errors import DataError

MAX_ARRAY_BYTES = 2 << 30  # 2 GiB: far more than any labelled IMU set this reads; a claimed TB is refused
MAX_TEXT_CHARS = 1000      # per string element (labels, units)
NUMBERS, TEXT = "iuf", "U"  # numpy dtype kinds: integers and floats; unicode strings ("S" bytes also pass)


@dataclass(frozen=True)
class Member:
    """What one key may hold: dtype kinds and the allowed numbers of dimensions."""

    kinds: str
    ndims: tuple[int, ...]
    required: bool = True


def read_npz(path: Path | str, members: dict[str, Member], describe: str) -> dict[str, np.ndarray]:
    """The arrays of ``members`` found in ``path`` (required ones must be there), checked by header first.

    describe: what the file should hold, for the error messages (e.g. "imu (N, T, 6), rate_hz, label (N,)").
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} does not exist; pass an .npz with {describe}")
    if not zipfile.is_zipfile(path):
        raise DataError(f"{path} is not an .npz archive (a plain .npy or another format?); save it with "
                        f"numpy.savez holding {describe}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name[:-4]: name for name in archive.namelist() if name.endswith(".npy")}
            missing = [key for key, m in members.items() if m.required and key not in names]
            if missing:
                raise DataError(f"{path} lacks {', '.join(missing)}; it needs {describe}")
            return {key: _read_member(archive, names[key], key, spec, path)
                    for key, spec in members.items() if key in names}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(f"{path} is a damaged .npz archive ({type(exc).__name__}); save it again") from exc


def _read_member(archive: zipfile.ZipFile, name: str, key: str, spec: Member, path: Path) -> np.ndarray:
    with archive.open(name) as fh:
        shape, dtype = _header(fh, key, path)
    _check_header(shape, dtype, key, spec, path)
    with archive.open(name) as fh:
        try:
            return npy_format.read_array(fh, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise DataError(f"'{key}' in {path} is truncated or damaged; save the file again") from exc


def _header(fh, key: str, path: Path) -> tuple[tuple[int, ...], np.dtype]:
    try:
        version = npy_format.read_magic(fh)
        reader = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
        shape, _, dtype = reader(fh, max_header_size=10_000)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise DataError(f"'{key}' in {path} has a corrupt array header; save the file again") from exc
    return tuple(int(d) for d in shape), np.dtype(dtype)


def _check_header(shape: tuple[int, ...], dtype: np.dtype, key: str, spec: Member, path: Path) -> None:
    where = f"'{key}' in {path}"
    if dtype.hasobject or dtype.kind not in spec.kinds + ("S" if TEXT in spec.kinds else ""):
        wanted = " or ".join({"i": "integers", "u": "integers", "f": "floats", "U": "strings"}[k]
                             for k in dict.fromkeys(spec.kinds))
        raise DataError(f"{where} holds {dtype} values; it must hold {wanted} (object arrays are never loaded)")
    if len(shape) not in spec.ndims:
        raise DataError(f"{where} has shape {shape}; it must have {' or '.join(map(str, spec.ndims))} dimension(s)")
    if dtype.kind in "US" and dtype.itemsize // (4 if dtype.kind == "U" else 1) > MAX_TEXT_CHARS:
        raise DataError(f"{where} holds strings of up to {dtype.itemsize // 4} characters; "
                        f"at most {MAX_TEXT_CHARS} are accepted")
    size = int(np.prod(shape, dtype=np.float64) * dtype.itemsize)
    if size > MAX_ARRAY_BYTES:
        raise DataError(f"{where} claims {size / 2**30:.1f} GiB ({shape} of {dtype}); at most "
                        f"{MAX_ARRAY_BYTES / 2**30:.0f} GiB is read; split the file")
