"""The committed fits/ results have the documented format and agree with their data."""

import json
import pathlib

import numpy as np
import pytest

from jaxdiss.thermometry import load_profile

FITS = pathlib.Path(__file__).resolve().parents[1] / "fits"
KEYS = ("eps0", "gamma", "vF_tau_nm", "healing_nm", "background_mK", "bias")


def test_blind_nanowire_json_format():
    # the format: {"eps0": {"value", "stderr"}, ..., "bias": {...}, "chi2_per_dof"}
    result = json.loads((FITS / "results" / "thermometry-nanowire-A.json").read_text())
    assert set(result) == set(KEYS) | {"chi2_per_dof"}
    for key in KEYS:
        assert set(result[key]) == {"value", "stderr"}
        assert np.isfinite(result[key]["value"]) and result[key]["stderr"] > 0
    details = json.loads((FITS / "results" / "thermometry-nanowire-A.details.json").read_text())
    profile = load_profile(FITS / "data" / "thermometry-nanowire-A.csv")
    assert details["dof"] == profile.x_nm.size - 5
    assert result["chi2_per_dof"] == pytest.approx(details["chi2"] / details["dof"], rel=1e-12)
    assert details["converged"]


def test_recovery_and_qpc_results_are_consistent():
    recovery = json.loads((FITS / "results" / "recovery.json").read_text())
    assert 0.55 <= recovery["coverage_1sigma"] <= 0.80
    assert recovery["random_starts"]["reached_best"] == recovery["random_starts"]["tried"]
    qpc = json.loads((FITS / "results" / "qpc-hotspot.json").read_text())
    for name in ("bias", "a"):
        fit, truth = qpc["fit"][name], qpc["truth"][name]
        assert abs(fit["value"] - truth) < 3 * fit["stderr"]
