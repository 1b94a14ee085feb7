"""Recovery study: do the nanowire fits find known parameters, with honest error bars?

    python fits/recovery.py              # writes fits/results/recovery.{json,png}

50 synthetic profiles are drawn from the nanowire forward model at known parameters (the
laboratory conditions and x grid of nanowire A, Gaussian noise of σ = 0.3 mK) and each is
fitted from the same default starting point as the blind fit. Reported: the coverage of the
1σ intervals (fraction of |θ̂ − θ*| < σ̂ over all replicas and parameters; 68 % expected),
the pulls (θ̂ − θ*)/σ̂, and whether five random starts on the first replica reach the same
minimum. Replica 0 is kept as `fits/data/recovery-synthetic.csv`.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import jax.numpy as jnp
import numpy as np

from jaxdiss import plotting
from jaxdiss.thermometry import (
    NANOWIRE_STAGES,
    fit_profile,
    load_profile,
    nanowire_parameters,
    save_profile,
)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from nanowire_A import DATA as LAB_DATA  # noqa: E402
from _output import write_results  # noqa: E402
from nanowire_A import lab_model  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "results"
NAME = "recovery"
TRUTH = {"eps0": 1.2, "gamma": 0.15, "vF_tau_nm": 120.0, "healing_nm": 60.0,
         "background_mK": 5.0}
NOISE_MK = 0.3


def run(out=OUT, *, replicas: int = 50, seed: int = 2026, n_momentum: int = 128,
        random_starts: int = 5, log=print) -> dict:
    start = time.perf_counter()
    lab = load_profile(LAB_DATA)
    model = lab_model(lab, n_momentum)
    x = lab.x_nm
    truth = np.array(list(TRUTH.values()))
    clean, ok = model(jnp.asarray(truth), x)
    if not bool(ok):
        raise RuntimeError("the forward model did not converge at the true parameters")
    clean = np.asarray(clean)
    sigma = np.full_like(x, NOISE_MK)
    rng = np.random.default_rng(seed)
    data = [clean + NOISE_MK * rng.standard_normal(x.size) for _ in range(replicas)]
    meta = {key: value for key, value in zip(
        ("current_nA", "mu0_meV", "bath_temperature_K", "tip_sigma_nm"),
        (lab.metadata["current"], lab.metadata["mu0"], lab.metadata["bath_temperature"],
         lab.metadata["tip_sigma"]))}
    meta["origin"] = "synthetic replica 0 of fits/recovery.py (truth in results/recovery.json)"
    save_profile(HERE / "data" / "recovery-synthetic.csv", x, data[0], sigma, meta)

    parameters = nanowire_parameters(background_mK=float(np.median(data[0][:20])))
    values, errors, chi2 = [], [], []
    for k, y in enumerate(data):
        result = fit_profile(model, x, y, sigma, parameters, max_steps=150,
                             stages=NANOWIRE_STAGES, throw=False)
        if not result.converged:
            log(f"replica {k}: fit did not converge (chi2/dof {result.chi2_per_dof:.3g})")
        values.append(result.values)
        errors.append(result.stderr)
        chi2.append(result.chi2_per_dof if result.converged else np.nan)
        log(f"replica {k + 1}/{replicas}: chi2/dof = {result.chi2_per_dof:.4f}, pulls "
            + " ".join(f"{p:+.2f}" for p in (result.values - truth) / result.stderr))
    values, errors = np.array(values), np.array(errors)
    pulls = (values - truth) / errors
    converged = np.isfinite(chi2)
    covered = np.abs(pulls[converged]) < 1.0

    multi = fit_profile(model, x, data[0], sigma, parameters, n_random=random_starts,
                        seed=seed, max_steps=150, stages=NANOWIRE_STAGES, throw=False)
    finals = np.array([s.final for s in multi.starts[1:] if s.success])
    spread = (np.max(np.abs(finals - multi.values) / multi.stderr) if finals.size
              else float("nan"))

    names = list(TRUTH)
    summary = {
        "truth": TRUTH, "noise_mK": NOISE_MK, "replicas": replicas, "seed": seed,
        "n_momentum": n_momentum, "converged": int(converged.sum()),
        "coverage_1sigma": float(covered.mean()),
        "coverage_by_parameter": dict(zip(names, covered.mean(axis=0).tolist())),
        "pull_mean": dict(zip(names, np.nanmean(pulls, axis=0).tolist())),
        "pull_std": dict(zip(names, np.nanstd(pulls, axis=0).tolist())),
        "mean_chi2_per_dof": float(np.nanmean(chi2)),
        "random_starts": {
            "tried": random_starts, "reached_best": int(finals.shape[0]),
            "max_distance_in_stderr": float(spread),
            "chi2_per_dof": [s.chi2 / multi.dof for s in multi.starts[1:]]},
        "seconds": round(time.perf_counter() - start, 1),
    }
    with plotting.styled():
        fig, axes = plotting.figure(1, len(names), width=3.0 * len(names), height=3.2)
        bins = np.linspace(-4, 4, 17)
        grid = np.linspace(-4, 4, 200)
        for ax, name, column in zip(axes, names, pulls.T):
            ax.hist(column[np.isfinite(column)], bins=bins, density=True, alpha=0.6)
            ax.plot(grid, np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi), "k", lw=1)
            cov = summary["coverage_by_parameter"][name]
            ax.set_title(f"{name}\n1σ coverage {cov:.0%}", fontsize=10)
            ax.set_xlabel("pull (θ̂ − θ*)/σ̂")
        axes[0].set_ylabel("density")
        fig.suptitle(f"{replicas} replicas: overall 1σ coverage "
                     f"{summary['coverage_1sigma']:.1%} (68 % expected)")
    write_results(out, NAME, fig, summary, log)
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument("--replicas", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    run(args.out, replicas=args.replicas, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
