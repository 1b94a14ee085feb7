"""Inverse design of a thermal diode (DI paper, Fig. 2 setting) by gradient ascent.

The thermalization diode of DI Fig. 2 (λ = 1, no screening, Γ = 3kT, μ = 40kT, ΔT/T = 1).
Starting from poor devices next to the symmetric diagonal ε1 = ε3, where nothing rectifies
(R_X = 0), `jd.design_multistart` (optax Adam, gradients by implicit differentiation through
both probe solves; learning rate decaying from 0.3 to 0.01, `optimizer`) trains the two
resonance energies (ε1, ε3), box-bounded to μ ± 14 kT:

(a) maximising the heat rectification R_J (`heat_rectification_objective`);
(b) maximising the bipolar current (`bipolar_current()`: the current common to F and B when
    both flow the same way, i.e. min(|I^F|, |I^B|) with a sign). It is positive only on a
    narrow ridge along the antisymmetric line ε1 − μ = μ − ε3; from the diagonal, a start
    either climbs onto that ridge or drifts along the diagonal towards the box corner, where
    both currents vanish (the objective tends to 0 from below): multistart matters here.

Each panel draws the optimisation trajectories (one per start, ○ start, ● best evaluation)
on the map of the corresponding objective (a vmapped `jd.sweep` of `jd.rectification`), so
that the design can be checked against a dense grid search.

    python examples/di_design.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib
import time

import jax.numpy as jnp
import numpy as np
import optax
from matplotlib.colors import TwoSlopeNorm

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.sweep import sweep

NAME = "di_design"
TITLE = "Inverse design of (eps1, eps3): trajectories on the R_J and bipolar-current maps"
MU, KT, DT, GAMMA = 40.0, 1.0, 1.0, 3.0
HALF = 14.0  # design box μ ± HALF (kT)
RANGE = (-15.0, 15.0)  # map range, (ε − μ)/kT
BOUNDS = {"eps1": (MU - HALF, MU + HALF), "eps3": (MU - HALF, MU + HALF)}
# poor starting devices: next to the diagonal ε1 = ε3 (R_X = 0 there), (ε1 − μ, ε3 − μ)
STARTS = np.array([[-7.0, -6.0], [-1.5, -0.5], [2.0, 3.0], [7.5, 8.5]])
SIZES = {True: dict(n_map=21, steps=12), False: dict(n_map=61, steps=40)}


def _device(e1=MU, e3=MU):
    return jd.ThermalDiode(e1, e3, GAMMA, GAMMA, coupling=1.0)


def _point(e1, e3):
    rc = jd.rectification(_device(e1, e3), MU, KT, DT)
    f, b = rc.forward.particle_current, rc.backward.particle_current
    return dict(R_J=rc.R_J, bipolar=jnp.maximum(jnp.minimum(f, b), jnp.minimum(-f, -b)),
                ok=rc.forward.converged & rc.backward.converged)


def optimizer(steps):
    """Adam (b1 = 0.5 as `jd.design`'s default) with a learning rate decaying exponentially
    from 0.3 to 0.01 over the run: a constant rate keeps zig-zagging across the (non-smooth)
    bipolar ridge instead of climbing along it."""
    return optax.adam(optax.exponential_decay(0.3, max(steps, 1), 1.0 / 30.0), b1=0.5)


OBJECTIVES = {
    "R_J": (jd.heat_rectification_objective(), r"$\mathcal{R}_J$"),
    "bipolar": (jd.bipolar_current(), r"bipolar current $[k_BT/h]$"),
}


def compute(quick: bool = False):
    size = SIZES[quick]
    t0 = time.perf_counter()
    g = np.linspace(*RANGE, size["n_map"])
    E1, E3 = np.meshgrid(g, g, indexing="ij")
    out = sweep(_point, jnp.asarray(MU + E1), jnp.asarray(MU + E3), chunk_size=1024,
                progress="DI design map")
    maps = {k: np.asarray(v) for k, v in out.items()}
    for k in OBJECTIVES:
        maps[k] = np.where(maps["ok"], maps[k], np.nan)
    t_map = time.perf_counter() - t0
    starts = {"eps1": jnp.asarray(MU + STARTS[:, 0]), "eps3": jnp.asarray(MU + STARTS[:, 1])}
    designs = {}
    for key, (objective, _) in OBJECTIVES.items():
        t1 = time.perf_counter()
        best, runs = jd.design_multistart(_device(), objective, starts, mu=MU, kT=KT,
                                          delta_kT=DT, bounds=BOUNDS, steps=size["steps"],
                                          optimizer=optimizer(size["steps"]),
                                          progress=f"design {key}")
        designs[key] = dict(best=best, runs=runs, seconds=time.perf_counter() - t1)
    return dict(grid=g, maps=maps, designs=designs, map_seconds=t_map,
                seconds=time.perf_counter() - t0)


def _trajectory(run):
    p = run.trajectory.params
    return np.asarray(p["eps1"]) - MU, np.asarray(p["eps3"]) - MU


def plot(d, out_dir: pathlib.Path) -> pathlib.Path:
    g, maps = d["grid"], d["maps"]
    colors = ["#222222", "#7b2cbf", "#e07a00", "#1b7f3b"]
    with plotting.styled():
        fig, axes = plotting.figure(1, 2, width=13.5, height=6.4)
        for ax, (key, (_, label)), tag in zip(axes, OBJECTIVES.items(), "ab"):
            z = maps[key]
            lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
            # two slopes about 0: the small positive (bipolar) values stay visible next to
            # the large negative ones of the reciprocal devices
            norm = TwoSlopeNorm(0.0, min(lo, -1e-12), max(hi, 1e-12))
            im = ax.pcolormesh(g, g, z.T, cmap="RdBu_r", norm=norm, shading="nearest")
            cb = fig.colorbar(im, ax=ax, label=label, shrink=0.9)
            cb.set_ticks(np.unique(np.round([norm.vmin, norm.vmin / 2, 0.0, norm.vmax / 2,
                                             norm.vmax], 3)))
            ax.plot(g, g, color="k", lw=0.6, ls=":", alpha=0.7)
            box = [-HALF, HALF, HALF, -HALF, -HALF]
            ax.plot(box, np.roll(box, 1), color="k", lw=0.6, ls="--", alpha=0.5)
            des = d["designs"][key]
            for k, run in enumerate(des["runs"]):
                x, y = _trajectory(run)
                c = colors[k % len(colors)]
                ax.plot(x, y, "-", color=c, lw=1.3, marker=".", ms=4)
                ax.plot(x[0], y[0], "o", mfc="white", mec=c, ms=8, mew=1.6)
                ax.plot(x[run.index], y[run.index], "o", color=c, mec="white", ms=9,
                        label=f"{float(run.value):.3g}")
            bad = ~maps["ok"]
            if bad.any():
                i, j = np.nonzero(bad)
                ax.plot(g[i], g[j], "x", color="k", ms=5)
            ax.legend(loc="lower right", fontsize=8, title="best of each start",
                      title_fontsize=8)
            ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
            ax.set_ylabel(r"$(\varepsilon_3-\mu)/k_BT$")
            what = "heat rectification" if key == "R_J" else "bipolar current"
            ax.set_title(f"({tag}) maximise {what}: {len(des['runs'])} starts, "
                         f"{len(des['runs'][0].trajectory.value)} evaluations each",
                         fontsize=11)
            ax.set_aspect("equal")
            ax.grid(False)
        fig.suptitle(r"Inverse design of $(\varepsilon_1, \varepsilon_3)$, thermalization "
                     r"diode ($\lambda = 1$, $\Gamma = 3k_BT$, $\mu = 40k_BT$, "
                     r"$\Delta T/T = 1$)")
        return plotting.save(fig, out_dir, NAME)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    d = compute(quick)
    plot(d, out_dir)
    g, maps = d["grid"], d["maps"]
    rows = [("map size, range (eps - mu)/kT; design box",
             f"{g.size} x {g.size}, [{RANGE[0]:g}, {RANGE[1]:g}]; mu +- {HALF:g}"),
            ("non-converged map points", str(int((~maps["ok"]).sum())))]
    inside = (np.abs(g) <= HALF)[:, None] & (np.abs(g) <= HALF)[None, :]
    for key in OBJECTIVES:
        des = d["designs"][key]
        best = des["best"]
        z = np.where(inside, maps[key], np.nan)
        i, j = np.unravel_index(np.nanargmax(z), z.shape)
        start_vals = [float(r.trajectory.value[0]) for r in des["runs"]]
        n_good = sum(float(r.value) > 0 for r in des["runs"])
        rows += [
            (f"{key}: start values (near diagonal)", ", ".join(f"{v:.3g}" for v in start_vals)),
            (f"{key}: designed best at (eps1-mu, eps3-mu)/kT",
             f"{float(best.value):.4g} at ({float(best.params['eps1']) - MU:.2f}, "
             f"{float(best.params['eps3']) - MU:.2f})"),
            (f"{key}: grid-search max in box at (eps1-mu, eps3-mu)/kT",
             f"{z[i, j]:.4g} at ({g[i]:.2f}, {g[j]:.2f})"),
            (f"{key}: starts reaching a positive value (a diode of that kind)",
             f"{n_good} of {len(des['runs'])}"),
            (f"{key}: evaluations (design vs grid in box)",
             f"{best.n_evaluations} vs {int(inside.sum())}"),
            (f"{key}: failed evaluations", str(int(sum((~np.asarray(r.trajectory.converged)).sum()
                                                        for r in des["runs"])))),
            (f"{key}: design time [s]", f"{des['seconds']:.1f}"),
        ]
    rows.append(("map time [s]", f"{d['map_seconds']:.1f}"))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
