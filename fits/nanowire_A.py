"""Blind fit of the scanning-thermometry profile of nanowire A (fits/README.md).

    python fits/nanowire_A.py            # writes fits/results/thermometry-nanowire-A.{json,png}

Model: BW nanowire with a Lorentzian scatterer (ε0, Γ in μ0), v_F τ (nm), phonon healing
length λ (nm) and far-field rise ΔT_∞ (mK); the bias eV at the scatterer follows from the
measured current by Newton at every evaluation, and its error is propagated from the
parameter covariance. Current, μ0, bath temperature and tip resolution come from the
file's metadata.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

from jaxdiss.thermometry import NANOWIRE_STAGES, NanowireThermometry, fit_figure, fit_profile
from jaxdiss.thermometry import load_profile, nanowire_parameters

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _output import write_results  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data" / "thermometry-nanowire-A.csv"
OUT = HERE / "results"
NAME = "thermometry-nanowire-A"


def lab_model(profile, n_momentum: int = 256) -> NanowireThermometry:
    """The forward model fixed by a profile's metadata (current, μ0, bath T, tip σ)."""
    md = profile.metadata
    return NanowireThermometry.from_lab(
        current_nA=md["current"], mu0_meV=md["mu0"],
        bath_temperature_K=md["bath_temperature"], tip_sigma_nm=md["tip_sigma"],
        spin=int(md.get("spin", 1)), n_momentum=n_momentum)


def run(data=DATA, out=OUT, *, n_random: int = 5, seed: int = 0, n_momentum: int = 256,
        log=print) -> dict:
    """Fit the profile in `data`; write `out/NAME.json` (the issue's format),
    `out/NAME.details.json` (correlations, starts, settings) and `out/NAME.png`."""
    start = time.perf_counter()
    profile = load_profile(data)
    model = lab_model(profile, n_momentum)
    log(f"{profile.source}: {profile.x_nm.size} points; I h/(e mu0) = {model.current:.6g}, "
        f"kT/mu0 = {model.kT:.6g}, tip sigma = {model.tip_sigma_nm} nm")
    far = float(np.median(np.concatenate([profile.dT_mK[:20], profile.dT_mK[-20:]])))
    parameters = nanowire_parameters(background_mK=far)
    result = fit_profile(model, profile.x_nm, profile.dT_mK, profile.sigma_mK, parameters,
                         n_random=n_random, seed=seed, max_steps=150,
                         stages=NANOWIRE_STAGES, progress=log)
    bias, bias_err = result.propagate(lambda t: model.bias(t).bias)
    summary = result.as_dict()
    summary["bias"] = {"value": bias, "stderr": bias_err}
    summary["chi2_per_dof"] = result.chi2_per_dof
    details = {
        "data": pathlib.Path(profile.source).name,
        "parameters": list(result.names),
        "units": {"eps0": "mu0", "gamma": "mu0", "vF_tau_nm": "nm", "healing_nm": "nm",
                  "background_mK": "mK", "bias": "mu0 (eV at the scatterer)"},
        "correlation": np.round(result.correlation, 6).tolist(),
        "chi2": result.chi2, "dof": result.dof, "converged": result.converged,
        "starts": [{"initial": s.initial.tolist(), "final": s.final.tolist(),
                    "chi2_per_dof": s.chi2 / result.dof, "steps": s.steps, "ok": s.success}
                   for s in result.starts],
        "model": {"current_h_over_e_mu0": model.current, "kT_over_mu0": model.kT,
                  "tip_sigma_nm": model.tip_sigma_nm, "n_momentum": model.n_momentum},
        "seconds": round(time.perf_counter() - start, 1),
    }
    fine = np.linspace(profile.x_nm[0], profile.x_nm[-1], 1201)
    curve = np.asarray(model(result.values, fine)[0])
    fig = fit_figure(profile.x_nm, profile.dT_mK, profile.sigma_mK, result,
                     title="nanowire A: tip thermometry and BW model fit",
                     model_x=fine, model_y=curve)
    write_results(out, NAME, fig, summary, log, details=details)
    log(f"[{details['seconds']} s; results in {out}]")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=DATA)
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument("--random-starts", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    run(args.data, args.out, n_random=args.random_starts, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
