"""QPC paper Fig. 2: power dissipated left (P_L, red) and right (P_R, blue) of an abrupt QPC
and the asymmetry P_A = P_R − P_L (ochre) versus the mean electrochemical potential μ̄.

Panels: (a) eV = 0.1 E1 (close to linear response), (b) eV = 0.5 E1. Line styles:
kT/E1 = 0 (solid), 0.04 (dashed), 0.08 (dotted). Inset of (a): the constriction
(width 2w, length L = 2w); inset of (b): the transmission T(μ̄). Powers in E1²/h with the
spin factor 2 (QPC Eqs. 2–5); bias = eV = μ_L − μ_R > 0.

kT = 0 uses the per-point energy grid (grid=None); kT > 0 shares one `fixed_grid`, so the
transmission is evaluated once for the whole sweep.

    python examples/qpc_fig2.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.patches import Polygon

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.sweep import sweep

NAME = "qpc_fig2"
TITLE = "P_L, P_R, P_A vs mean electrochemical potential (Fig. 2)"
BIASES = (0.1, 0.5)  # eV/E1, panels (a) and (b)
TEMPERATURES = (0.0, 0.04, 0.08)  # kT/E1
MU_RANGE = (0.25, 10.0)


def compute(quick: bool = False):
    """Dissipation record with leading axes (bias, kT, mubar) and the μ̄ grid."""
    T = jd.AbruptQPC(length=2.0, n_modes=10)
    mubar = np.linspace(*MU_RANGE, 120 if quick else 480)
    quad = dict(order=8, levels=4) if quick else {}
    bias = jnp.asarray(BIASES)[:, None]
    mu = jnp.asarray(mubar)[None, :]

    # kT = 0: each point needs its own grid (Fermi steps at μ_L, μ_R)
    cold = sweep(lambda m, b: jd.landauer_dissipation(T, m, b, 0.0, **quad), mu, bias,
                 progress="fig2 kT=0")
    # kT > 0: one shared grid, valid for kT ≥ min(kT) and windows inside [e_min, e_max]
    warm_kT = jnp.asarray(TEMPERATURES[1:])
    e_max = MU_RANGE[1] + max(BIASES) / 2 + 40 * max(TEMPERATURES) + 1.0
    grid = jd.fixed_grid(T, -1.0, e_max, float(min(warm_kT)), **quad)
    warm = sweep(lambda m, b, k: jd.landauer_dissipation(T, m, b, k, grid=grid),
                 mu[:, None, :], bias[:, :, None], warm_kT[None, :, None],
                 progress="fig2 kT>0")
    out = jax.tree_util.tree_map(
        lambda c, w: np.concatenate([np.asarray(c)[:, None, :], np.asarray(w)], axis=1),
        cold, warm)
    t_mu = np.asarray(jax.jit(lambda m: T(m))(jnp.asarray(mubar)))
    return mubar, out, t_mu


def _sketch(ax):
    """Inset: two wide leads joined by a narrow channel (width 2w, length L = 2w)."""
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#9aa5b1")
    gas = [(0, 0.6), (4, 0.6), (4, 2.4), (6, 2.4), (6, 0.6), (10, 0.6), (10, 5.4), (6, 5.4),
           (6, 3.6), (4, 3.6), (4, 5.4), (0, 5.4)]
    ax.add_patch(Polygon(gas, closed=True, facecolor="white", edgecolor="k", lw=0.8))
    ax.annotate("", xy=(4.6, 3.6), xytext=(4.6, 2.4),
                arrowprops=dict(arrowstyle="<->", lw=0.8, shrinkA=0, shrinkB=0))
    ax.text(5.45, 3.0, "2w", ha="center", va="center", fontsize=9)
    ax.annotate("", xy=(6.0, 1.6), xytext=(4.0, 1.6),
                arrowprops=dict(arrowstyle="<->", lw=0.8, shrinkA=0, shrinkB=0))
    ax.text(5.0, 0.95, "L", ha="center", va="center", fontsize=9)
    for x, side, color in ((2.0, "L", plotting.RED), (8.0, "R", plotting.BLUE)):
        ax.text(x, 4.2, rf"$\mu_{side}$", ha="center", va="center", fontsize=10)
        ax.text(x, 1.9, rf"$\mathcal{{P}}_{side}$", ha="center", va="center", fontsize=11,
                color=color)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    mubar, r, t_mu = compute(quick)
    pl, pr, pa = (np.asarray(r.power_left), np.asarray(r.power_right),
                  np.asarray(r.asymmetry))

    with plotting.styled():
        fig, axes = plotting.figure(2, 1, width=8.0, height=10.0, sharex=True)
        for i, (ax, bias) in enumerate(zip(axes, BIASES)):
            for j, (kT, ls) in enumerate(zip(TEMPERATURES, plotting.TEMPERATURE_STYLES)):
                ax.plot(mubar, pl[i, j], ls=ls, color=plotting.RED)
                ax.plot(mubar, pr[i, j], ls=ls, color=plotting.BLUE)
                ax.plot(mubar, pa[i, j], ls=ls, color=plotting.OCHRE)
            plotting.zero_line(ax)
            ax.set_ylabel(r"dissipated power  $[E_1^2/h]$")
            ax.text(0.98, 0.03, f"({'ab'[i]})  eV = {bias:g} $E_1$", transform=ax.transAxes,
                    ha="right", va="bottom", fontweight="bold", fontsize=13)
            ymax = max(pr[i].max(), pl[i].max())
            ax.set_ylim(min(pa[i].min(), pl[i].min(), 0) - 0.05 * ymax, 1.05 * ymax)
        axes[-1].set_xlabel(r"mean electrochemical potential $\bar\mu/E_1$")
        axes[0].set_xlim(0, MU_RANGE[1])
        # one legend for both panels: colours = quantities, line styles = temperatures
        ax = axes[0]
        h_q = [ax.plot([], [], color=c, label=lab)[0] for c, lab in (
            (plotting.BLUE, r"$\mathcal{P}_R$ (right)"), (plotting.RED, r"$\mathcal{P}_L$ (left)"),
            (plotting.OCHRE, r"$\mathcal{P}_A = \mathcal{P}_R - \mathcal{P}_L$"))]
        h_t = [ax.plot([], [], color="k", ls=ls, label=f"$k_BT/E_1$ = {kT:g}")[0]
               for kT, ls in zip(TEMPERATURES, plotting.TEMPERATURE_STYLES)]
        fig.legend(handles=[h for pair in zip(h_q, h_t) for h in pair],
                   loc="outside lower center", ncols=3)
        fig.suptitle("Abrupt QPC (L = 2w): power dissipated left and right")

        sketch = axes[0].inset_axes([0.03, 0.52, 0.36, 0.45])
        _sketch(sketch)
        inset = axes[1].inset_axes([0.09, 0.56, 0.3, 0.38])
        inset.plot(mubar, t_mu, color="k", lw=1.2)
        inset.set_xlabel(r"$\bar\mu/E_1$", fontsize=10, labelpad=1)
        inset.set_ylabel(r"$\mathcal{T}(\bar\mu)$", fontsize=10, labelpad=1)
        inset.tick_params(labelsize=9)
        inset.set_xlim(0, MU_RANGE[1])
        plotting.save(fig, out_dir, NAME)

    rows = [("biases eV/E1 (panels a, b)", ", ".join(f"{b:g}" for b in BIASES))]
    first = (mubar > 0.5) & (mubar < 2.0)
    for i, bias in enumerate(BIASES):
        peaks = [pa[i, j][first].max() for j in range(len(TEMPERATURES))]
        at = mubar[first][np.argmax(pa[i, 0][first])]
        rows.append((f"max P_A on 1st step, eV = {bias:g}, kT = 0/0.04/0.08 [E1^2/h]",
                     " / ".join(plotting.format_value(p, 4) for p in peaks)))
        rows.append((f"mu_bar of max P_A at kT = 0, eV = {bias:g} [E1]",
                     plotting.format_value(at, 4)))
    for i, bias in enumerate(BIASES):
        k = int(np.argmin(pl[i, -1]))
        rows.append((f"min P_L (upstream cooling if < 0), eV = {bias:g}, "
                     f"kT = {TEMPERATURES[-1]:g} [E1^2/h] at mu_bar [E1]",
                     f"{pl[i, -1, k]:.4g} at {mubar[k]:.3g}"))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
