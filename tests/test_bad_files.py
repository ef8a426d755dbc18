"""A catalogue of malformed `eval --data` files: each is one clear message and exit code 2, never a
traceback, never numpy's allow_pickle advice, and never a huge allocation from a lying header."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner
from numpy.lib import format as npy_format

from aura_edge.cli import main
from aura_edge.data.labelled import load_labelled
from aura_edge.errors import DataError

RATE, T = 100.0, 500  # 5 s windows


def good(**change) -> dict:
    arrays = {"imu": np.zeros((2, T, 6), np.float32), "rate_hz": np.float64(RATE),
              "label": np.array(["walking", "running"])}
    arrays.update(change)
    return {k: v for k, v in arrays.items() if v is not None}


def npz(path, **arrays):
    np.savez(path, **arrays)  # allow_pickle is numpy's default when saving: object arrays are written
    return path


def raw_member(path, name: str, header: dict | None = None, body: bytes = b"", garbage: bytes | None = None,
               **others):
    """An .npz whose member `name` has a hand-written header (or garbage bytes) and the given body."""
    member = io.BytesIO()
    if garbage is not None:
        member.write(garbage)
    else:
        npy_format.write_array_header_1_0(member, header)
        member.write(body)
    buffer = io.BytesIO()
    np.savez(buffer, **others)
    with zipfile.ZipFile(path, "w") as out, zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as rest:
        for item in rest.namelist():
            out.writestr(item, rest.read(item))
        out.writestr(f"{name}.npy", member.getvalue())
    return path


def header(descr: str, shape) -> dict:
    return {"descr": descr, "fortran_order": False, "shape": tuple(shape)}


CASES = {
    "object (pickled) imu": (lambda p: npz(p, **good(imu=np.array([None, 1], dtype=object))), "holds object values"),
    "object labels": (lambda p: npz(p, **good(label=np.array(["a", None], dtype=object))), "'label' .* object"),
    "object units": (lambda p: npz(p, **good(units=np.array(["g", None], dtype=object))), "'units' .* object"),
    "rate_hz 0": (lambda p: npz(p, **good(rate_hz=0.0)), "'rate_hz' .* is 0.0; .* from 10 to 1000"),
    "negative rate_hz": (lambda p: npz(p, **good(rate_hz=-100.0)), "is -100.0"),
    "rate_hz as a string": (lambda p: npz(p, **good(rate_hz=np.array("fast"))), "'rate_hz' .* holds <U4 values"),
    "rate_hz as an array": (lambda p: npz(p, **good(rate_hz=np.array([100.0, 50.0]))), "an array of 2"),
    "rate_hz nan": (lambda p: npz(p, **good(rate_hz=np.nan)), "'rate_hz' .* is nan"),
    "string imu": (lambda p: npz(p, **good(imu=np.full((2, T, 6), "x"))), "'imu' .* holds <U1 values"),
    "2-D labels": (lambda p: npz(p, **good(label=np.array([["walking"], ["running"]]))), "shape \\(2, 1\\)"),
    "a plain .npy": (lambda p: (np.save(p.with_suffix(".npy"), np.zeros(3)), p.with_suffix(".npy"))[1],
                     "not an .npz archive"),
    "not a file at all": (lambda p: p.parent / "missing.npz", "does not exist"),
    "a corrupt member header": (lambda p: raw_member(p, "imu", garbage=b"\x93NUMPY\x01\x00\xff\xffnonsense",
                                                     rate_hz=RATE, label=np.array(["a", "b"])),
                                "'imu' .* corrupt array header"),
    "a header claiming 11 GiB": (lambda p: raw_member(p, "imu", header("<f4", (500_000, 1000, 6)),
                                                      rate_hz=RATE, label=np.array(["a", "b"])), "claims 11.2 GiB"),
    "a header claiming 1 TiB": (lambda p: raw_member(p, "imu", header("<f8", (1 << 27, 1024, 1)),
                                                     rate_hz=RATE, label=np.array(["a", "b"])), "claims 1024.0 GiB"),
    "a 100-million-character label dtype": (lambda p: raw_member(p, "label", header("<U100000000", (2,)),
                                                                 imu=np.zeros((2, T, 6)), rate_hz=RATE),
                                            "strings of up to 100000000 characters"),
    "a billion-character label dtype": (lambda p: raw_member(p, "label", header("<U1000000000", (2,)),
                                                             imu=np.zeros((2, T, 6)), rate_hz=RATE),
                                        "'label' .* corrupt array header"),
    "truncated imu data": (lambda p: raw_member(p, "imu", header("<f4", (2, T, 6)), body=b"\0" * 100,
                                                rate_hz=RATE, label=np.array(["a", "b"])), "truncated or damaged"),
    "values of 1e308": (lambda p: npz(p, **good(imu=np.full((2, T, 6), 1e308))), "more than any wearable IMU"),
    "values of 1e30": (lambda p: npz(p, **good(imu=np.full((2, T, 6), 1e30, np.float32))), "reaches 1e\\+30"),
    "raw counts passed as m/s2": (lambda p: npz(p, **good(imu=np.full((2, T, 6), 16384.0))), "check the 'units'"),
    "nan values": (lambda p: npz(p, **good(imu=np.full((2, T, 6), np.nan))), "NaN/inf values"),
    "a missing key": (lambda p: npz(p, **good(label=None)), "lacks label"),
    "unknown units": (lambda p: npz(p, **good(units=np.array(["furlongs", "rad/s"]))), "'units' names"),
    "unknown gravity": (lambda p: npz(p, **good(gravity=np.array("sideways"))), "'gravity' is 'sideways'"),
    "too short windows": (lambda p: npz(p, **good(imu=np.zeros((2, 100, 6)))), "windows are 1.00 s long"),
    "labels that do not match windows": (lambda p: npz(p, **good(label=np.array(["a"]))), "'label' has 1 entries"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_malformed_file_is_one_clear_data_error(tmp_path, case):
    make, message = CASES[case]
    path = make(tmp_path / "bad.npz")
    with pytest.raises(DataError, match=message) as error:
        load_labelled(path)
    text = str(error.value)
    assert "\n" not in text and "allow_pickle" not in text and "pickle" not in text.replace("never", "")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from test_export import make_tiny_run

    return make_tiny_run(tmp_path_factory.mktemp("bad-files"))


@pytest.mark.parametrize("case", ["object (pickled) imu", "rate_hz 0", "a plain .npy", "a header claiming 1 TiB",
                                  "values of 1e308", "a corrupt member header"])
def test_eval_data_exits_2_with_one_line_for_malformed_files(tmp_path, run_dir, case):
    path = CASES[case][0](tmp_path / "bad.npz")
    result = CliRunner().invoke(main, ["eval", "--run", str(run_dir), "--data", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.strip().startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1
