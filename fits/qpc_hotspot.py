"""QPC hot spot in a 2DEG: recover the bias and the damping constant a from a synthetic
radial tip profile (fits/README.md).

    python fits/qpc_hotspot.py           # writes fits/results/qpc-hotspot.{json,png}

The profile is drawn from `QPCThermometry` (QPC Eq. 25 heating around an abrupt QPC of
width 2w = 40 nm in GaAs, μ̄ = 4 E1 on the second plateau, kT = 0.04 E1, the sheet's K_0
kernel with healing length λ, a Gaussian tip of σ = 100 nm) at known parameters with
Gaussian noise, saved to `fits/data/qpc-hotspot-synthetic.csv`, and fitted for
θ = (eV/E1, a, λ, g) from a start away from the truth plus random starts. The hot-spot
distance r* of the fitted (eV, a) comes with its propagated error.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import jax.numpy as jnp
import numpy as np

from jaxdiss import hot_spot_distance
from jaxdiss.thermometry import Parameter, QPCThermometry, fit_figure, fit_profile
from jaxdiss.thermometry import load_profile, save_profile
from jaxdiss.units import energy_to_kelvin, kelvin_to_energy

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _output import write_results  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data" / "qpc-hotspot-synthetic.csv"
OUT = HERE / "results"
NAME = "qpc-hotspot"
WIDTH_NM, MUBAR, KT, TIP_NM = 40.0, 4.0, 0.04, 100.0
TRUTH = {"bias": 1.14, "a": 0.04, "healing_nm": 400.0, "conductance": 5.0}
NOISE_MK = 0.1
QUADRATURE = (8, 10, 3, 3)   # 6e-5 relative to the default quadrature, far below the noise


def lab_model(profile=None) -> QPCThermometry:
    """The forward model; from a data file's metadata when `profile` is given."""
    width, sigma, mubar, kT = WIDTH_NM, TIP_NM, MUBAR, KT
    if profile is not None:
        md = profile.metadata
        width, sigma = md["qpc_width"], md["tip_sigma"]
        model = QPCThermometry.from_lab(width_nm=width, mubar=1.0, kT=1.0, tip_sigma_nm=sigma)
        mubar = md["mubar"] / model.e1_meV
        kT = float(kelvin_to_energy(md["bath_temperature"])) / model.e1_meV
    return QPCThermometry.from_lab(width_nm=width, mubar=mubar, kT=kT, tip_sigma_nm=sigma,
                                   quadrature=QUADRATURE)


def make_data(seed: int = 7) -> None:
    """Draw the synthetic profile and save it (with the lab metadata) to `DATA`."""
    model = lab_model()
    rho = np.arange(0.0, 8000.1, 200.0)
    clean = np.asarray(model(jnp.asarray(list(TRUTH.values())), rho)[0])
    noisy = clean + NOISE_MK * np.random.default_rng(seed).standard_normal(rho.size)
    e1 = model.e1_meV
    save_profile(DATA, rho, noisy, np.full_like(rho, NOISE_MK), {
        "qpc_width_nm": WIDTH_NM, "mubar_meV": MUBAR * e1,
        "bath_temperature_K": float(energy_to_kelvin(KT * e1)), "tip_sigma_nm": TIP_NM,
        "origin": "synthetic, fits/qpc_hotspot.py; x_nm is the distance from the QPC; "
                  "truth in results/qpc-hotspot.json"})


def run(out=OUT, *, n_random: int = 3, seed: int = 0, log=print) -> dict:
    start = time.perf_counter()
    make_data()
    profile = load_profile(DATA)
    model = lab_model(profile)
    parameters = [Parameter("bias", 0.8, 0.05, 3.0, (0.5, 2.0)),
                  Parameter("a", 0.06, 0.002, 1.0, (0.02, 0.1)),
                  Parameter("healing_nm", 250.0, 10.0, 1e4, (100.0, 1000.0)),
                  Parameter("conductance", 3.0, 0.0, float("inf"), (1.0, 20.0))]
    result = fit_profile(model, profile.x_nm, profile.dT_mK, profile.sigma_mK, parameters,
                         n_random=n_random, seed=seed, rtol=1e-6, atol=1e-8,
                         max_steps=200, progress=log)
    r_star, r_star_err = result.propagate(
        lambda t: hot_spot_distance(model.transmission, model.mubar, t[0], model.kT, t[1])
        * model.half_width_nm)
    truth = np.array(list(TRUTH.values()))
    true_r = float(hot_spot_distance(model.transmission, model.mubar, TRUTH["bias"],
                                     model.kT, TRUTH["a"])) * model.half_width_nm
    summary = {
        "fit": result.as_dict(),
        "truth": TRUTH,
        "pulls": dict(zip(result.names, ((result.values - truth) / result.stderr).tolist())),
        "hot_spot_nm": {"value": r_star, "stderr": r_star_err, "truth": true_r},
        "correlation": np.round(result.correlation, 6).tolist(),
        "chi2_per_dof": result.chi2_per_dof, "converged": result.converged,
        "starts_chi2_per_dof": [s.chi2 / result.dof for s in result.starts],
        "units": {"bias": "E1", "a": "1", "healing_nm": "nm", "conductance": "pW/(mK um^2)",
                  "E1_meV": model.e1_meV},
        "seconds": round(time.perf_counter() - start, 1),
    }
    fine = np.linspace(0.0, profile.x_nm[-1], 321)
    curve = np.asarray(model(jnp.asarray(result.values), fine)[0])
    fig = fit_figure(profile.x_nm, profile.dT_mK, profile.sigma_mK, result,
                     xlabel="distance from the QPC ρ (nm)",
                     title="QPC hot spot: radial tip profile and fit", model_x=fine,
                     model_y=curve)
    write_results(out, NAME, fig, summary, log)
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument("--random-starts", type=int, default=3)
    args = parser.parse_args(argv)
    run(args.out, n_random=args.random_starts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
