"""BW Fig. 9: current–voltage characteristics I(V) of the wire + scatterer for a Lorentzian
transmission (Γ/μ0 = 0.08) peaked (a) below, ε0/μ0 = 0.64, and (b) above, ε0/μ0 = 1.44,
the chemical potential, at kT/μ0 = 0.1, 0.3, 0.5, 0.7.

V is the voltage drop at the scatterer itself (BW Eq. 18), not V_tot; the current is in
units of e μ0/h (BW App. C). Each curve is one vmapped `solve_wire` over eV.

    python examples/bw_fig9.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting

NAME = "bw_fig9"
TITLE = "BW Fig. 9: current-voltage characteristics"
PEAKS = (0.64, 1.44)  # ε0/μ0, panels (a), (b)
GAMMA = 0.08
TEMPERATURES = (0.1, 0.3, 0.5, 0.7)
COLORS = ("k", plotting.RED, plotting.BLUE, plotting.GREEN)
BIAS_MAX = 1.0


def compute(quick: bool = False):
    """Currents with axes (peak, kT, eV) and convergence flags."""
    n = 128 if quick else 256
    bias = np.linspace(0.01, BIAS_MAX, 12 if quick else 50)
    e0, kT, b = np.meshgrid(PEAKS, TEMPERATURES, bias, indexing="ij")

    @jax.jit
    @jax.vmap
    def current(e0, kT, b):
        w = jd.solve_wire(jd.Lorentzian(e0, GAMMA), b, kT, n_momentum=n)
        return w.current, w.converged

    I, ok = current(*(jnp.asarray(a.ravel()) for a in (e0, kT, b)))
    return bias, np.asarray(I).reshape(e0.shape), np.asarray(ok).reshape(e0.shape)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    bias, I, ok = compute(quick)
    with plotting.styled():
        fig, axes = plotting.figure(1, 2, width=11.0, height=4.4)
        for i, (ax, e0) in enumerate(zip(axes, PEAKS)):
            for j, (kT, c) in enumerate(zip(TEMPERATURES, COLORS)):
                ax.plot(bias, I[i, j], color=c, label=rf"$k_BT/\mu_0$ = {kT:g}")
            ax.set_xlim(0, BIAS_MAX)
            ax.set_ylim(0, None)
            ax.set_xlabel(r"$eV/\mu_0$")
            ax.set_ylabel(r"$I\,h/(e\mu_0)$")
            plotting.panel_label(ax, rf"({'ab'[i]})  $\epsilon_0/\mu_0$ = {e0:g}")
        axes[1].legend(loc="lower right")
        fig.suptitle(rf"Current–voltage characteristics ($\Gamma/\mu_0$ = {GAMMA:g})")
        plotting.save(fig, out_dir, NAME)
    k = int(np.argmin(np.abs(bias - 0.1)))
    rows = [(f"I h/(e mu0) at eV = {bias[k]:.3g}, eps0 = {e0:g}, kT = 0.1/0.3/0.5/0.7",
             " / ".join(plotting.format_value(v, 4) for v in I[i, :, k]))
            for i, e0 in enumerate(PEAKS)]
    rows.append((f"I at eV = {bias[-1]:g} (saturating), eps0 = 0.64 / 1.44, kT = 0.1",
                 " / ".join(plotting.format_value(v, 4) for v in I[:, 0, -1])))
    rows.append(("all points converged", plotting.format_value(bool(ok.all()))))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
