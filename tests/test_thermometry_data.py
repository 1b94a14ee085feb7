"""Tests of the thermometry line-profile loader and writer (jaxdiss.thermometry.data)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from jaxdiss.thermometry.data import (
    CANONICAL_UNITS,
    UNITS,
    ThermometryProfile,
    load_profile,
    make_profile,
    save_profile,
)

SHIPPED = Path(__file__).resolve().parents[1] / "fits" / "data" / "thermometry-nanowire-A.csv"
HEADER = "x_nm,dT_mK,sigma_mK\n"
ROWS = "-10.0,1.0,0.1\n0.0,2.0,0.1\n10.0,1.5,0.2\n"


def _write(tmp_path: Path, text: str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _arrays(n: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.uniform(0.1, 3.0, n)) - 1.0 / 3.0
    return x, rng.normal(size=n) / 7.0, rng.uniform(0.01, 1.0, n)


# --- reading ---------------------------------------------------------------------------

def test_shipped_profile_loads():
    p = load_profile(SHIPPED)
    assert isinstance(p, ThermometryProfile)
    assert p.x_nm.shape == p.dT_mK.shape == p.sigma_mK.shape == (241,)
    assert p.x_nm.dtype == np.float64
    assert p.x_nm[0] == -1500.0 and p.x_nm[-1] == 1500.0
    assert np.all(p.sigma_mK > 0)
    m = p.metadata
    assert m["current"] == pytest.approx(58.6, abs=0.01)
    assert m["mu0"] == 20.0
    assert m["bath_temperature"] == pytest.approx(81.23, abs=0.01)
    assert m["tip_sigma"] == 40.0
    assert m["transmission"].startswith("Lorentzian")
    assert dict(p.units) == {"current": "nA", "mu0": "meV", "bath_temperature": "K",
                             "tip_sigma": "nm"}
    assert p.source == str(SHIPPED)


@pytest.mark.parametrize("key, value, name, expected", [
    ("current_uA", "0.0586", "current", 58.6),
    ("current_µA", "2", "current", 2000.0),
    ("current_μA", "2", "current", 2000.0),
    ("current_pA", "500", "current", 0.5),
    ("current_mA", "1.5", "current", 1.5e6),
    ("current_A", "2e-9", "current", 2.0),
    ("bath_temperature_mK", "500", "bath_temperature", 0.5),
    ("bath_temperature_K", "4.2", "bath_temperature", 4.2),
    ("tip_sigma_um", "0.04", "tip_sigma", 40.0),
    ("tip_sigma_mm", "2", "tip_sigma", 2e6),
    ("tip_sigma_m", "1e-7", "tip_sigma", 100.0),
    ("mu0_eV", "0.02", "mu0", 20.0),
    ("mu0_ueV", "250", "mu0", 0.25),
])
def test_unit_conversion(tmp_path, key, value, name, expected):
    p = load_profile(_write(tmp_path, f"# {key}: {value}\n" + HEADER + ROWS))
    assert p.metadata[name] == pytest.approx(expected, rel=1e-15)
    assert p.units[name] == CANONICAL_UNITS[UNITS[key.rpartition("_")[2]][0]]


def test_lenient_layout(tmp_path):
    """CRLF, BOM, plain comments, blank lines, columns in any order, extra columns."""
    text = ("\ufeff# a plain comment\r\n# spin: 0.5\r\n\r\n# note: x: y\r\n"
            "sigma_mK, label ,x_nm,dT_mK\r\n0.1,a,-1,3\r\n0.2,b,0,4\r\n0.3,c,2.5,5\r\n\r\n\r\n")
    p = load_profile(_write(tmp_path, text))
    np.testing.assert_array_equal(p.x_nm, [-1.0, 0.0, 2.5])
    np.testing.assert_array_equal(p.dT_mK, [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(p.sigma_mK, [0.1, 0.2, 0.3])
    assert p.metadata == {"spin": 0.5, "note": "x: y"}
    assert dict(p.units) == {"spin": ""}


# --- writing ---------------------------------------------------------------------------

def test_round_trip_arrays_exact(tmp_path):
    x, dT, sigma = _arrays()
    meta = {"current_uA": 0.1 / 3.0, "bath_temperature_mK": 123.456789, "spin": 0.5,
            "n_electrons_per_dot_nm": 7, "transmission": "Lorentzian, BW Eq. 21: yes"}
    path = save_profile(tmp_path / "out.csv", x, dT, sigma, meta)
    assert path.read_text().startswith("# current_uA: 0.03333333333333333\n")
    p = load_profile(path)
    for got, want in zip(p[:3], (x, dT, sigma)):
        np.testing.assert_array_equal(got, want)
    assert p.metadata == make_profile(x, dT, sigma, meta).metadata
    assert p.metadata["bath_temperature"] == 123.456789 / 1000
    assert p.metadata["n_electrons_per_dot"] == 7.0
    assert p.metadata["transmission"] == meta["transmission"]


def test_round_trip_profile_exact(tmp_path):
    for p in (load_profile(SHIPPED), make_profile(*_arrays(), {"current_mA": 1e-6 / 3})):
        q = load_profile(save_profile(tmp_path / "again.csv", p))
        for got, want in zip(q[:4], p[:4]):
            if isinstance(want, dict):
                assert got == want
            else:
                np.testing.assert_array_equal(got, want)
        assert dict(q.units) == dict(p.units)
        assert not list(tmp_path.glob(".*tmp"))


def test_make_profile_is_in_memory():
    p = make_profile(*_arrays(), {"current_nA": 1.0})
    assert p.source == "<memory>" and p.metadata == {"current": 1.0}


# --- load errors -----------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_profile(tmp_path / "nope.csv")


@pytest.mark.parametrize("text, match", [
    ("", r"p\.csv: empty file"),
    ("\n  \n", r"p\.csv: empty file"),
    ("# current_nA: 1\n", r"p\.csv: no column header line"),
    ("# current_nA: 1\n" + HEADER + "\n", r"p\.csv: no data rows"),
    (HEADER + "-10.0,1.0,0.1\n0.0,2.0,0.1\n", r"p\.csv: 2 data rows; at least 3"),
])
def test_empty_or_too_short(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_profile(_write(tmp_path, text))


@pytest.mark.parametrize("missing", ["x_nm", "dT_mK", "sigma_mK"])
def test_missing_column(tmp_path, missing):
    header = ",".join(c if c != missing else "other" for c in ("x_nm", "dT_mK", "sigma_mK"))
    with pytest.raises(ValueError, match=rf"missing required column '{missing}'.*line 1 of "):
        load_profile(_write(tmp_path, header + "\n" + ROWS))


def test_duplicated_column(tmp_path):
    with pytest.raises(ValueError, match=r"duplicated column 'x_nm'.*line 2 of .*p\.csv"):
        load_profile(_write(tmp_path, "# a: b\nx_nm,dT_mK,sigma_mK,x_nm\n1,2,3,4\n"))


@pytest.mark.parametrize("row, match", [
    ("20.0,1.0", r"line 5 of .*p\.csv: expected 3 fields .* got 2"),
    ("20.0,1.0,0.1,7", r"line 5 of .*p\.csv: expected 3 fields .* got 4"),
    ("20.0,abc,0.1", r"line 5 of .*p\.csv: non-numeric dT_mK value 'abc'"),
    ("20.0,1.0,", r"line 5 of .*p\.csv: non-numeric sigma_mK value ''"),
    ("20.0,nan,0.1", r"line 5 of .*p\.csv: non-finite dT_mK value nan"),
    ("inf,1.0,0.1", r"line 5 of .*p\.csv: non-finite x_nm value inf"),
    ("20.0,1.0,-inf", r"line 5 of .*p\.csv: non-finite sigma_mK value -inf"),
    ("20.0,1.0,0.0", r"line 5 of .*p\.csv: sigma_mK must be > 0, got 0\.0"),
    ("20.0,1.0,-0.5", r"line 5 of .*p\.csv: sigma_mK must be > 0, got -0\.5"),
    ("5.0,1.0,0.1", r"line 5 of .*p\.csv: unsorted x_nm=5\.0 after 10\.0"),
    ("10.0,1.0,0.1", r"line 5 of .*p\.csv: duplicated position x_nm=10\.0 \(also at line 4"),
])
def test_bad_row(tmp_path, row, match):
    with pytest.raises(ValueError, match=match):
        load_profile(_write(tmp_path, HEADER + ROWS + row + "\n"))


def test_comment_after_header(tmp_path):
    with pytest.raises(ValueError, match=r"line 3 of .*p\.csv: '#' line after the column"):
        load_profile(_write(tmp_path, HEADER + "-10.0,1.0,0.1\n# current_nA: 1\n" + ROWS))


@pytest.mark.parametrize("line, match", [
    ("# current_nA:", r"malformed metadata line \(line 2 of .*p\.csv\).*'current_nA'"),
    ("#: 5", r"malformed metadata line \(line 2 of .*p\.csv\)"),
    ("# bath temperature_K: 5", r"malformed metadata line \(line 2 of .*p\.csv\)"),
    ("# foo_xyz: 3.5", r"unknown unit 'xyz' in metadata key 'foo_xyz' \(line 2 of "
                       r".*p\.csv\); known units: pA, nA"),
    ("# n_points: 3", r"unknown unit 'points' in metadata key 'n_points' \(line 2 of "),
    ("# count: 3", r"numeric metadata key 'count' has no unit suffix \(line 2 of "),
    ("# current_nA: lots", r"non-numeric value 'lots' for metadata key 'current_nA' with "
                           r"unit 'nA' \(line 2 of "),
    ("# current_nA: nan", r"non-finite value 'nan' for metadata key 'current_nA' \(line 2"),
    ("# current_nA: 1", r"duplicate metadata key 'current_nA' \(line 2 of .*p\.csv\)"),
    ("# current_uA: 1", r"duplicate metadata key 'current_uA' \(line 2 of .*\): 'current' "
                        r"already given by 'current_nA'"),
])
def test_bad_metadata(tmp_path, line, match):
    with pytest.raises(ValueError, match=match):
        load_profile(_write(tmp_path, "# current_nA: 1\n" + line + "\n" + HEADER + ROWS))


# --- save errors: validated before writing, nothing left behind ---------------------------

def _bad_save_inputs():
    x, dT, sigma = _arrays(5)
    yield (x, dT, sigma[:4], None), r"save_profile: sigma_mK has 4 values but x_nm has 5"
    yield (x[:2], dT[:2], sigma[:2], None), r"save_profile: 2 data rows; at least 3"
    yield (x.reshape(1, 5), dT, sigma, None), r"save_profile: x_nm must be 1-D"
    yield (x, ["a"] * 5, sigma, None), r"save_profile: dT_mK is not numeric"
    yield (x, np.where(np.arange(5) == 3, np.nan, dT), sigma, None), \
        r"save_profile, index 3: non-finite dT_mK value nan"
    yield (x, dT, -sigma, None), r"save_profile, index 0: sigma_mK must be > 0"
    yield (x[::-1], dT, sigma, None), r"save_profile, index 1: unsorted x_nm="
    yield (np.r_[x[:2], x[1], x[3:]], dT, sigma, None), \
        r"save_profile, index 2: duplicated position x_nm="
    yield (x, dT, sigma, {"foo_xyz": 1.0}), \
        r"unknown unit 'xyz' in metadata key 'foo_xyz' \(metadata of save_profile\)"
    yield (x, dT, sigma, {"current_nA": 1.0, "current_A": 1e-9}), \
        r"duplicate metadata key 'current_A'"
    yield (x, dT, sigma, {"note": "two\nlines"}), r"'note' contains a line break"
    yield (x, dT, sigma, {"flag": True}), r"'flag' must be a number or a string, got a bool"
    yield (x, dT, sigma, {"bad key": "v"}), r"malformed metadata line \(metadata of save"
    yield (x, dT, sigma, {"current_nA": float("inf")}), r"non-finite value 'inf'"


@pytest.mark.parametrize("args, match", list(_bad_save_inputs()))
def test_save_rejects_before_writing(tmp_path, args, match):
    new, good = tmp_path / "new.csv", tmp_path / "good.csv"
    save_profile(good, *_arrays(), {"current_nA": 1.0})
    before = good.read_bytes()
    for target in (new, good):
        with pytest.raises(ValueError, match=match):
            save_profile(target, *args)
    assert not new.exists()
    assert good.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["good.csv"]


def test_save_profile_needs_units(tmp_path):
    p = ThermometryProfile(*_arrays(), {"current": 1.0})
    with pytest.raises(ValueError, match=r"numeric metadata 'current' needs a canonical unit"):
        save_profile(tmp_path / "p.csv", p)
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match=r"either a ThermometryProfile or the three arrays"):
        save_profile(tmp_path / "p.csv", load_profile(SHIPPED), np.ones(241))
