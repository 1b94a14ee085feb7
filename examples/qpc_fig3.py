"""QPC paper Fig. 3: colour maps of the power dissipated on the right, P_R (a), and of the
asymmetry P_A = P_R − P_L (b) versus bias eV and mean electrochemical potential μ̄, at
zero temperature, for the abrupt QPC (L = 2w). Powers in E1²/h (spin 2).

At kT = 0 every (μ̄, eV) point integrates over its own window [μ_R, μ_L] (grid=None):
this is the expensive figure (≈ 4–6 ms per point on 2 cores). Summary rows check the
low-bias laws P_R ≈ T(μ̄)(eV)² (Eq. 7) and P_A ≈ T'(μ̄)(eV)³/3 (Eq. 8) at the smallest bias.

    python examples/qpc_fig3.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.colors import AsinhNorm, PowerNorm

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.sweep import sweep

NAME = "qpc_fig3"
TITLE = "P_R and P_A maps vs (eV, mean potential) at kT = 0 (Fig. 3)"
MU_RANGE = (0.0, 10.0)
BIAS_RANGE = (0.0, 2.0)
STEP_MU = 4.0  # second conductance step (paper's anchor value), for the Eq. 8 check
PLATEAU_MU = 3.0  # first plateau, for the Eq. 7 check


def compute(quick: bool = False):
    T = jd.AbruptQPC(length=2.0, n_modes=10)
    n_mu, n_bias = (41, 21) if quick else (201, 81)
    quad = dict(order=8, levels=4) if quick else {}
    mubar = np.linspace(*MU_RANGE, n_mu)
    bias = np.linspace(*BIAS_RANGE, n_bias)
    # the two check points ride along in the same sweep (one compilation)
    mu_all = np.concatenate([mubar, [PLATEAU_MU, STEP_MU]])
    m, b = np.meshgrid(mu_all, bias, indexing="ij")
    out = sweep(lambda mm, bb: jd.landauer_dissipation(T, mm, bb, 0.0, **quad),
                jnp.asarray(m), jnp.asarray(b), chunk_size=512, progress="fig3 map")
    return T, mubar, bias, out


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    T, mubar, bias, out = compute(quick)
    n = mubar.size
    pr_all, pa_all = np.asarray(out.power_right), np.asarray(out.asymmetry)
    pr, pa = pr_all[:n], pa_all[:n]

    with plotting.styled():
        fig, axes = plotting.figure(1, 2, width=12.0, height=5.4, sharey=True)
        extent = (bias[0], bias[-1], mubar[0], mubar[-1])
        ax = axes[0]
        # square-root colour scale: P_R grows like (eV)², which would hide the low-bias part
        im = ax.imshow(pr, origin="lower", extent=extent, aspect="auto", cmap="viridis",
                       norm=PowerNorm(0.5, vmin=0.0, vmax=pr.max()), interpolation="nearest")
        ax.contour(bias, mubar, pr, levels=[0.01, 0.1, 0.3, 1, 2, 4, 8], colors="w",
                   linewidths=0.6, alpha=0.7)
        fig.colorbar(im, ax=ax, label=r"$\mathcal{P}_R$  $[E_1^2/h]$ (square-root scale)")
        ax.set_title(r"(a) power dissipated on the right, $\mathcal{P}_R$")
        ax.set_ylabel(r"mean electrochemical potential $\bar\mu/E_1$")

        ax = axes[1]
        # symmetric asinh scale: linear within ±0.02 E1²/h, logarithmic beyond, so the
        # small negative asymmetries on the plateaus stay visible next to the (eV)³ growth
        top = float(np.abs(pa).max())
        norm = AsinhNorm(linear_width=0.02, vmin=-top, vmax=top)
        im = ax.imshow(pa, origin="lower", extent=extent, aspect="auto", cmap="PuOr_r",
                       norm=norm, interpolation="nearest")
        ax.contour(bias, mubar, pa, levels=[0.0], colors="k", linewidths=0.6, alpha=0.6)
        fig.colorbar(im, ax=ax, label=r"$\mathcal{P}_A = \mathcal{P}_R - \mathcal{P}_L$  "
                                      r"$[E_1^2/h]$ (asinh scale)")
        ax.set_title(r"(b) asymmetry $\mathcal{P}_A$ (black: $\mathcal{P}_A = 0$)")
        for ax in axes:
            ax.set_xlabel(r"bias $eV/E_1$")
            ax.grid(False)
        fig.suptitle(r"Abrupt QPC (L = 2w), $k_BT = 0$")
        plotting.save(fig, out_dir, NAME)

    # low-bias laws at the smallest non-zero bias (Eqs. 7, 8)
    k = 1
    # (jit: run eagerly, every primitive would be compiled separately — ~20 s)
    low = jax.jit(lambda m, b: jd.low_bias_dissipation(T, m, b))(
        jnp.asarray([PLATEAU_MU, STEP_MU]), bias[k])
    ratio7 = pr_all[n, k] / float(low.power[0])
    ratio8 = pa_all[n + 1, k] / float(low.asymmetry[1])
    i, j = np.unravel_index(np.argmax(pa), pa.shape)
    return [
        ("map size (mu_bar x eV points)", f"{mubar.size} x {bias.size}"),
        ("max P_R on map [E1^2/h]", plotting.format_value(pr.max(), 4)),
        ("max P_A on map [E1^2/h] at (mu_bar, eV) [E1]",
         f"{pa.max():.4g} at ({mubar[i]:.2f}, {bias[j]:.2f})"),
        ("min P_A on map [E1^2/h]", plotting.format_value(pa.min(), 4)),
        (f"P_R / (T eV^2), mu_bar = {PLATEAU_MU:g}, eV = {bias[k]:.3g} (Eq. 7 -> 1)",
         plotting.format_value(ratio7, 5)),
        (f"P_A / (T' eV^3/3), mu_bar = {STEP_MU:g}, eV = {bias[k]:.3g} (Eq. 8 -> 1)",
         plotting.format_value(ratio8, 5)),
    ]


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
