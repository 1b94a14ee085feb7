"""QPC paper Fig. 5: distance r* of maximum dissipation on the right of the QPC versus bias,
for several μ̄ (solid: on conductance steps, dashed: on plateaus), at kT = 0.04 E1, a = 0.04.

Lengths in n_e w³ as in the paper (b of Eq. 23 taken with the 2DEG Fermi energy;
`jaxdiss.hotspot`, ``unit="n_e w^3"``), energies in E1; the top axis converts the bias to
volts for the paper's example QPC (2w = 40 nm in GaAs, E1 ≈ 3.5 meV). The green line is the
large-bias law r* ∝ V⁻².

Points whose Newton polish reports no convergence are marked ×. With jaxdiss 0.1.0 this
happens on the steep third step (μ̄ = 9.3): the polish tolerance on the residual (1e-13) is
below curvature × ulp(ε*) ≈ 3e-13 there, so a one-ulp wobble of an already exact root
fails optimistix' f-space test. The roots are nonetheless exact: the same points solved one
at a time (some of which do report convergence) give bit-identical ε* and r*.

Summary rows: the paper's anchor r* for 2w = 40 nm, μ̄ = 4E1, V = 4 mV (b as printed, with
μ_R; expected ≈ 2 μm), and the local exponent d ln r*/d ln V at the largest bias, by
``jax.grad`` through the Newton-polished hot spot (implicit differentiation).

    python examples/qpc_fig5.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import hotspot, plotting
from jaxdiss.sweep import sweep

NAME = "qpc_fig5"
TITLE = "Hot-spot distance r* vs bias (Fig. 5)"
KT = 0.04
A = 0.04
STEPS = (1.2, 4.0, 9.3)  # μ̄/E1 on the 1st, 2nd, 3rd steps (T ≈ 0.6, 1.1, 2.5)
PLATEAUS = (2.5, 6.5)  # μ̄/E1 on the 1st and 2nd plateaus
BIAS_RANGE = (0.02, 3.0)  # eV/E1
WIDTH = 40e-9  # 2w of the paper's example QPC (m)
ANCHOR = dict(mubar=4.0, bias_voltage=4e-3, kT=0.04, a=0.04)


def compute(quick: bool = False):
    T = jd.AbruptQPC(length=2.0, n_modes=10)
    mus = np.asarray(STEPS + PLATEAUS)
    bias = np.geomspace(*BIAS_RANGE, 16 if quick else 60)
    m, b = np.meshgrid(mus, bias, indexing="ij")

    def point(mubar, log_bias):
        """Hot spot and its local exponent d ln r*/d ln V (grad through the Newton polish)."""
        def log_r(lb):
            spot = hotspot.hot_spot(T, mubar, jnp.exp(lb), KT, A, unit="n_e w^3")
            return jnp.log(spot.distance), spot

        (_, spot), exponent = jax.value_and_grad(log_r, has_aux=True)(log_bias)
        return spot, exponent

    spots, exponent = sweep(point, jnp.asarray(m), jnp.log(jnp.asarray(b)),
                            progress="fig5 hot spots")
    anchor = jax.jit(lambda: hotspot.hot_spot_distance_si(T, width=WIDTH, **ANCHOR))()
    return mus, bias, spots, np.asarray(exponent), float(anchor)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    mus, bias, spots, exponent, anchor = compute(quick)
    slope = exponent[:, -1]
    r = np.asarray(spots.distance)
    ok = np.asarray(spots.converged)
    e1_mev = float(jd.units.transverse_energy(WIDTH)) / jd.units.MEV

    with plotting.styled():
        fig, (ax, axs) = plotting.figure(2, 1, width=7.6, height=8.0, sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1.3]})
        colors = ["#1f5fae", "#7d3c98", "#c0392b", "#e67e22", "#8c564b"]  # green: guide
        for i, mu in enumerate(mus):
            on_step = mu in STEPS
            ax.loglog(bias, r[i], ls="-" if on_step else "--",
                      color=colors[i % len(colors)],
                      label=rf"$\bar\mu = {mu:g}\,E_1$ ({'step' if on_step else 'plateau'})")
            axs.semilogx(bias, exponent[i], ls="-" if on_step else "--",
                         color=colors[i % len(colors)])
            # Newton flag down: value is the last iterate (see module docstring)
            ax.loglog(bias[~ok[i]], r[i][~ok[i]], "x", color=colors[i % len(colors)], ms=6)
        # V^-2 guide through the largest-bias point of the top curve, shifted up
        top = np.nanmax(r[:, -1])
        guide = 2.5 * top * (bias / bias[-1]) ** -2.0
        sel = guide < 2.0 * np.nanmax(r)
        ax.loglog(bias[sel], guide[sel], color=plotting.GREEN, lw=2.2, alpha=0.8,
                  label=r"$\propto V^{-2}$")
        v4 = 4.0 / e1_mev
        ax.axvline(v4, color=plotting.GREY, lw=0.8, ls=":")
        ax.text(v4 * 1.05, np.nanmin(r) * 1.2, "4 mV\n(2w = 40 nm)", fontsize=9,
                color=plotting.GREY)
        axs.axhline(-2.0, color=plotting.GREEN, lw=2.2, alpha=0.8)
        axs.set_ylim(-2.2, 0.2)
        axs.set_ylabel(r"$d\ln r^*/d\ln V$")
        axs.set_xlabel(r"bias $eV/E_1$")
        ax.set_ylabel(r"hot-spot distance $r^*$  $[n_e w^3]$")
        ax.set_xlim(*BIAS_RANGE)
        sec = ax.secondary_xaxis("top", functions=(lambda x: x * e1_mev,
                                                   lambda v: v / e1_mev))
        sec.set_xlabel(rf"$|V|$ [mV] for 2w = 40 nm GaAs ($E_1$ = {e1_mev:.2f} meV)")
        if not ok.all():
            ax.plot([], [], "x", color="k", label="Newton flag not converged")
        ax.legend(loc="lower left", fontsize=10)
        ax.set_title(rf"Abrupt QPC (L = 2w): $k_BT = {KT:g}\,E_1$, a = {A:g}", pad=10)
        ax.grid(True, which="both", alpha=0.25)
        axs.grid(True, which="both", alpha=0.25)
        plotting.save(fig, out_dir, NAME)

    # finite-difference cross-check of the autodiff exponent from the last two sweep points
    fd = np.log(r[:, -1] / r[:, -2]) / np.log(bias[-1] / bias[-2])
    rows = [
        ("anchor r* (2w=40nm GaAs, mu_bar=4E1, V=4mV, a=0.04, kT=0.04E1) [um]",
         f"{anchor * 1e6:.3f}"),
        ("mu_bar values [E1] (steps; plateaus)",
         f"{', '.join(f'{m:g}' for m in STEPS)}; {', '.join(f'{m:g}' for m in PLATEAUS)}"),
        (f"d ln r*/d ln V at eV = {bias[-1]:g} E1 (jax.grad), per mu_bar",
         ", ".join(f"{s:.3f}" for s in slope)),
        ("same from last two sweep points (finite difference)",
         ", ".join(f"{s:.3f}" for s in fd)),
        (f"r* at eV = {bias[0]:g} / {bias[-1]:g} E1, mu_bar = 4 [n_e w^3]",
         f"{r[list(mus).index(4.0), 0]:.4g} / {r[list(mus).index(4.0), -1]:.4g}"),
        ("hot-spot Newton converged flag (points)", f"{int(ok.sum())}/{ok.size}"),
    ]
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
