"""DI paper Fig. 2: the thermalization diode (λ = 1, no screening).

Γ1 = Γ3 = Γ = 3kT, μ = 40kT, kT = 1, ΔT/T = 1. (a) forward/backward particle currents I^F,
I^B versus ε1 along (ε3 − μ)/kT = 4.8, with the linear-response current
I_lin^F = L^(1)F ΔT (L^(1)F = dI^F/dΔT at ΔT = 0, by jax.grad through the probe solver) and,
inset, the window between the zeros of I^F and I^B in which both currents flow the same
way (bipolar diode); (b) heat currents J^F, −J^B versus ε1 along (ε3 − μ)/kT = 8.7;
(c), (d) rectification coefficients R_I, R_J (DI Eq. 2) over
(ε1 − μ, ε3 − μ)/kT ∈ [−15, 15]², with the two cuts. Currents of terminal L, spin 2, h = 1:
particle currents in kT/h, heat currents in (kT)²/h.

Every point is one `jd.rectification` (forward and backward probe solves batched in one
Newton loop); cuts and map are one vmapped `jd.sweep` (one compilation). Points whose probe
solve did not converge are masked (NaN, crossed on the maps) and counted in the summary.

    python examples/di_fig2.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib
import time

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.diode import diode_grid
from jaxdiss.sweep import sweep

NAME = "di_fig2"
TITLE = "Thermalization diode: currents and rectification maps (Fig. 2)"
MU, KT, DT, GAMMA = 40.0, 1.0, 1.0, 3.0
CUT_I, CUT_J = 4.8, 8.7  # (ε3 − μ)/kT of the cuts (a), (b)
RANGE = (-15.0, 15.0)  # (ε − μ)/kT on the maps and cuts


def _device(e1, e3):
    return jd.ThermalDiode(e1, e3, GAMMA, GAMMA, coupling=1.0)


def _point(e1, e3):
    """Forward and backward currents at absolute resonance energies (e1, e3)."""
    rc = jd.rectification(_device(e1, e3), MU, KT, DT)
    f, b = rc.forward, rc.backward
    return dict(IF=f.particle_current, IB=b.particle_current, JF=f.heat_current,
                JB=b.heat_current, R_I=rc.R_I, R_J=rc.R_J, ok=f.converged & b.converged,
                steps=jnp.maximum(f.steps, b.steps))


def _linear_coefficient(e1, e3):
    """L^(1)F = dI^F/dΔT at ΔT = 0 (implicit gradient through the probe Newton solve), on
    the grid `rectification` uses at ΔT."""
    dev = _device(e1, e3)
    grid = diode_grid(dev, MU, KT, KT + DT)
    return jax.grad(lambda d: jd.diode_currents(dev, MU, KT + d, KT, grid=grid)
                    .particle_current)(0.0)


def _masked(d):
    """Currents and coefficients with unconverged points set to NaN."""
    bad = ~d["ok"]
    return {k: (np.where(bad, np.nan, v) if k not in ("ok", "steps") else v)
            for k, v in d.items()}


def zero_crossings(x, y):
    """Linearly interpolated zeros of y(x) (NaN samples break the brackets)."""
    s = np.sign(y)
    k = np.nonzero(s[:-1] * s[1:] < 0)[0]
    return x[k] - y[k] * (x[k + 1] - x[k]) / (y[k + 1] - y[k])


def compute(quick: bool = False):
    n_map, n_cut = (15, 61) if quick else (61, 241)
    t0 = time.perf_counter()
    x = np.linspace(*RANGE, n_cut)
    g = np.linspace(*RANGE, n_map)
    E1, E3 = np.meshgrid(g, g, indexing="ij")
    # cuts, map and the antisymmetric point of cut (a) in one batch: one compilation
    e1 = np.concatenate([x, x, E1.ravel(), [-CUT_I]])
    e3 = np.concatenate([np.full(n_cut, CUT_I), np.full(n_cut, CUT_J), E3.ravel(), [CUT_I]])
    out = sweep(_point, jnp.asarray(MU + e1), jnp.asarray(MU + e3), chunk_size=1024,
                progress="DI fig2")
    out = {k: np.asarray(v) for k, v in out.items()}
    conv = out["ok"]
    out = _masked(out)
    cut_i = {k: v[:n_cut] for k, v in out.items()}
    cut_j = {k: v[n_cut:2 * n_cut] for k, v in out.items()}
    maps = {k: v[2 * n_cut:-1].reshape(E1.shape) for k, v in out.items()}
    anti = {k: v[-1] for k, v in out.items()}
    lin = np.asarray(sweep(_linear_coefficient, jnp.asarray(MU + x),
                           jnp.full(n_cut, MU + CUT_I), chunk_size=1024)) * DT
    return dict(x=x, cut_i=cut_i, cut_j=cut_j, anti=anti, lin=lin, grid=g, maps=maps,
                n_bad=int((~conv).sum()), n_points=conv.size,
                seconds=time.perf_counter() - t0)


def _map_panel(fig, ax, g, z, ok, title, label, cuts):
    top = float(np.nanmax(np.abs(z)))
    im = ax.pcolormesh(g, g, z.T, cmap="RdBu_r", vmin=-top, vmax=top, shading="nearest")
    fig.colorbar(im, ax=ax, label=label)
    for y, ls in cuts:
        ax.axhline(y, color="k", lw=1.2, ls=ls)
    ax.plot(g, g, color="k", lw=0.6, ls=":", alpha=0.7)
    bad = ~ok
    if bad.any():
        i, j = np.nonzero(bad)
        ax.plot(g[i], g[j], "x", color="k", ms=5, label=f"not converged ({bad.sum()})")
        ax.legend(loc="lower right")
    ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
    ax.set_ylabel(r"$(\varepsilon_3-\mu)/k_BT$")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.grid(False)


def plot(d, out_dir: pathlib.Path) -> pathlib.Path:
    x, g, maps = d["x"], d["grid"], d["maps"]
    ci, cj = d["cut_i"], d["cut_j"]
    zF, zB = zero_crossings(x, ci["IF"]), zero_crossings(x, ci["IB"])
    with plotting.styled():
        fig, axes = plotting.figure(2, 2, width=12.0, height=9.6)
        ax = axes[0, 0]
        ax.plot(x, 1e3 * ci["IF"], color=plotting.RED, label=r"$I^F$ (L hot)")
        ax.plot(x, 1e3 * ci["IB"], color=plotting.BLUE, label=r"$I^B$ (R hot)")
        ax.plot(x, 1e3 * d["lin"], color=plotting.GREY, ls="--",
                label=r"$I^F_{\rm lin} = L^{(1)F}\Delta T$")
        ax.axvline(-CUT_I, color=plotting.GREEN, lw=0.8, ls=":",
                   label=r"$\varepsilon_1-\mu = \mu-\varepsilon_3$")
        plotting.zero_line(ax)
        ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
        ax.set_ylabel(r"particle current  $[10^{-3}\,k_BT/h]$")
        ax.set_title(rf"(a) $(\varepsilon_3-\mu)/k_BT = {CUT_I}$")
        ax.legend(loc="lower right", fontsize=9)
        # inset: the bipolar window between the zeros of I^F and I^B
        if zF.size and zB.size:
            a, b = min(zF.min(), zB.min()), max(zF.max(), zB.max())
            pad = 0.6 * (b - a) + 0.5
            inset = ax.inset_axes([0.13, 0.6, 0.27, 0.33])
            sel = (x > a - pad) & (x < b + pad)
            inset.plot(x[sel], 1e3 * ci["IF"][sel], color=plotting.RED, lw=1.2)
            inset.plot(x[sel], 1e3 * ci["IB"][sel], color=plotting.BLUE, lw=1.2)
            inset.axvspan(a, b, color=plotting.OCHRE, alpha=0.25, lw=0)
            plotting.zero_line(inset)
            inset.set_xlim(a - pad, b + pad)
            top = np.nanmax(np.abs(1e3 * np.concatenate([ci["IF"][sel], ci["IB"][sel]])))
            inset.set_ylim(-0.5 * top, 0.5 * top)
            inset.tick_params(labelsize=8)
            inset.set_title("bipolar window", fontsize=9, pad=2)
        ax = axes[0, 1]
        ax.plot(x, cj["JF"], color=plotting.RED, label=r"$J^F$ (L hot)")
        ax.plot(x, -cj["JB"], color=plotting.BLUE, label=r"$-J^B$ (R hot)")
        plotting.zero_line(ax)
        ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
        ax.set_ylabel(r"heat current  $[(k_BT)^2/h]$")
        ax.set_title(rf"(b) $(\varepsilon_3-\mu)/k_BT = {CUT_J}$")
        ax.legend(loc="upper right")
        ok = maps["ok"]
        cuts = [(CUT_I, "-"), (CUT_J, "--")]
        _map_panel(fig, axes[1, 0], g, maps["R_I"], ok,
                   r"(c) $\mathcal{R}_I$  (solid: cut (a), dashed: cut (b))", r"$\mathcal{R}_I$",
                   cuts)
        _map_panel(fig, axes[1, 1], g, maps["R_J"], ok,
                   r"(d) $\mathcal{R}_J$  (solid: cut (a), dashed: cut (b))", r"$\mathcal{R}_J$",
                   cuts)
        fig.suptitle(r"Thermalization diode, $\lambda = 1$: $\Gamma = 3k_BT$, "
                     r"$\mu = 40k_BT$, $\Delta T/T = 1$ (spin 2)")
        return plotting.save(fig, out_dir, NAME)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    d = compute(quick)
    plot(d, out_dir)
    x, g, maps, ci = d["x"], d["grid"], d["maps"], d["cut_i"]
    zF, zB = zero_crossings(x, ci["IF"]), zero_crossings(x, ci["IB"])
    rj = np.abs(maps["R_J"])
    i, j = np.unravel_index(np.nanargmax(rj), rj.shape)
    anti = d["anti"]
    window = (f"[{min(zF.min(), zB.min()):.3f}, {max(zF.max(), zB.max()):.3f}]"
              if zF.size and zB.size else "none")
    return [
        ("map size (eps1 x eps3), range (eps - mu)/kT",
         f"{g.size} x {g.size}, [{RANGE[0]:g}, {RANGE[1]:g}]"),
        ("max |R_J| on map (paper: ~15 %) at (eps1-mu, eps3-mu)/kT",
         f"{100 * rj[i, j]:.3g} % at ({g[i]:.1f}, {g[j]:.1f})"),
        ("R_I range on map", f"[{np.nanmin(maps['R_I']):.3g}, {np.nanmax(maps['R_I']):.3g}]"),
        ("zeros of I^F on cut (a), (eps1-mu)/kT", ", ".join(f"{z:.3f}" for z in zF) or "none"),
        ("zeros of I^B on cut (a), (eps1-mu)/kT", ", ".join(f"{z:.3f}" for z in zB) or "none"),
        ("bipolar window on cut (a) (I^F, I^B same sign), (eps1-mu)/kT", window),
        (f"I^F, I^B at (eps1-mu, eps3-mu)/kT = ({-CUT_I:g}, {CUT_I:g}) "
         "(antisymmetric: equal) [kT/h]",
         f"{anti['IF']:.6g}, {anti['IB']:.6g}"),
        ("non-converged points (masked)", f"{d['n_bad']} of {d['n_points']}"),
        ("Newton steps, max", str(int(np.max(maps["steps"])))),
        ("compute time [s]", f"{d['seconds']:.1f}"),
    ]


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
