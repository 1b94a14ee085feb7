"""QPC paper Fig. 4: P_R (blue), P_L (red) and P_A (ochre) versus temperature for μ̄ = E1
(on the first conductance step of the abrupt QPC, L = 2w), at eV = 0.2 E1 (solid) and
0.6 E1 (dashed). Powers in E1²/h (spin 2).

Summary rows: the temperature at which the upstream side starts to cool (P_L < 0), the
growth of P_A with temperature, and the low-temperature law ΔP_{L,R} ∝ kT² of Eqs. (14),
(16) at kT = 0.01 E1.

    python examples/qpc_fig4.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.sweep import sweep

NAME = "qpc_fig4"
TITLE = "P_R, P_L, P_A vs temperature at mean potential E1 (Fig. 4)"
MUBAR = 1.0
BIASES = (0.2, 0.6)  # eV/E1: solid, dashed
KT_MAX = 1.0
KT_CHECK = 0.01  # for the Sommerfeld (Eqs. 14, 16) check


def compute(quick: bool = False):
    T = jd.AbruptQPC(length=2.0, n_modes=10)
    kT = np.linspace(0.0, KT_MAX, 41 if quick else 201)
    kT_all = np.concatenate([kT, [KT_CHECK]])
    quad = dict(order=8, levels=4) if quick else {}
    b, k = np.meshgrid(np.asarray(BIASES), kT_all, indexing="ij")
    # per-point grids: kT spans 0 … KT_MAX, so no single fixed grid fits all points
    out = sweep(lambda bb, kk: jd.landauer_dissipation(T, MUBAR, bb, kk, **quad),
                jnp.asarray(b), jnp.asarray(k), progress="fig4 kT sweep")
    theory = jax.jit(jax.vmap(lambda bb: jd.low_temperature_correction(T, MUBAR, bb, KT_CHECK)))(
        jnp.asarray(BIASES))
    return kT, out, theory


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    kT, out, theory = compute(quick)
    n = kT.size
    pl_all, pr_all, pa_all = (np.asarray(out.power_left), np.asarray(out.power_right),
                              np.asarray(out.asymmetry))
    pl, pr, pa = pl_all[:, :n], pr_all[:, :n], pa_all[:, :n]

    with plotting.styled():
        fig, ax = plotting.figure(width=7.6, height=5.6)
        styles = ("-", "--")
        for i, (bias, ls) in enumerate(zip(BIASES, styles)):
            ax.plot(kT, pr[i], ls=ls, color=plotting.BLUE)
            ax.plot(kT, pl[i], ls=ls, color=plotting.RED)
            ax.plot(kT, pa[i], ls=ls, color=plotting.OCHRE)
        plotting.zero_line(ax)
        h_q = [ax.plot([], [], color=c, label=lab)[0] for c, lab in (
            (plotting.BLUE, r"$\mathcal{P}_R$ (right)"), (plotting.RED, r"$\mathcal{P}_L$ (left)"),
            (plotting.OCHRE, r"$\mathcal{P}_A = \mathcal{P}_R - \mathcal{P}_L$"))]
        h_b = [ax.plot([], [], color="k", ls=ls, label=f"eV = {b:g} $E_1$")[0]
               for b, ls in zip(BIASES, styles)]
        ax.legend(handles=h_q + h_b, loc="upper left", ncols=1)
        ax.set_xlabel(r"temperature $k_BT/E_1$")
        ax.set_ylabel(r"dissipated power  $[E_1^2/h]$")
        ax.set_xlim(0, KT_MAX)
        ax.set_title(rf"Abrupt QPC (L = 2w), $\bar\mu = {MUBAR:g}\,E_1$ (first step)")
        plotting.save(fig, out_dir, NAME)

    rows = []
    for i, bias in enumerate(BIASES):
        neg = np.nonzero(pl[i] < 0)[0]
        if neg.size and neg[0] > 0:  # linear interpolation between the bracketing points
            j = neg[0]
            x = kT[j - 1] - pl[i, j - 1] * (kT[j] - kT[j - 1]) / (pl[i, j] - pl[i, j - 1])
            onset = f"{x:.3g}"
        else:
            onset = f"none up to {KT_MAX:g}" if not neg.size else "0"
        rows.append((f"eV = {bias:g}: first kT with P_L < 0 (cooling) [E1]", onset))
        rows.append((f"eV = {bias:g}: P_A at kT = 0 / {KT_MAX:g} [E1^2/h]",
                     f"{pa[i, 0]:.4g} / {pa[i, -1]:.4g}"))
        # Sommerfeld check: (P(kT) - P(0)) / (Eq. 14, 16) -> 1 as kT -> 0
        d_l = (pl_all[i, n] - pl_all[i, 0]) / float(theory.delta_left[i])
        d_r = (pr_all[i, n] - pr_all[i, 0]) / float(theory.delta_right[i])
        rows.append((f"eV = {bias:g}: dP_L, dP_R at kT = {KT_CHECK:g} / Eqs. (14), (16)",
                     f"{d_l:.4f}, {d_r:.4f}"))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
