"""BW Fig. 7: left–right asymmetry of the phonon heating versus temperature, for a
Lorentzian transmission peaked above μ0 (ε0/μ0 = 1.44) that is (a) narrow, Γ/μ0 = 0.08,
and (b) wide, Γ/μ0 = 0.32, at eV/μ0 = 0.1 (orange) and 0.5 (blue).

Solid: P_asym of the full model (BW Eq. 34); dotted: the Landauer prediction (Eq. 35,
ideal leads); dashed: the wire-corrected approximation (Eq. 36); triangles: I V_tot, the
whole heating induced by the scatterer (Eq. 32). Powers in μ0²/h (no spin factor).

    python examples/bw_fig7.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.wire.asymmetry import approximate_asymmetry, landauer_asymmetry

NAME = "bw_fig7"
TITLE = "BW Fig. 7: left-right heating asymmetry vs temperature"
EPS0 = 1.44
WIDTHS = (0.08, 0.32)  # Γ/μ0, panels (a), (b)
BIASES = (0.1, 0.5)  # eV/μ0
COLORS = (plotting.OCHRE, plotting.BLUE)


def compute(quick: bool = False):
    """Arrays with axes (Γ, eV, kT): full, Landauer and approximate asymmetry, I V_tot."""
    n = 128 if quick else 256
    kT = np.linspace(0.05, 0.8, 8 if quick else 31)
    g, b, k = np.meshgrid(WIDTHS, BIASES, kT, indexing="ij")

    @jax.jit
    @jax.vmap
    def point(g, b, k):
        T = jd.Lorentzian(EPS0, g)
        w = jd.solve_wire(T, b, k, n_momentum=n)
        return (w.asymmetry, landauer_asymmetry(T, b, k), approximate_asymmetry(w, T),
                w.current * w.bias_total, w.converged)

    out = point(*(jnp.asarray(a.ravel()) for a in (g, b, k)))
    return kT, [np.asarray(a).reshape(g.shape) for a in out]


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    kT, (full, landauer, approx, joule, ok) = compute(quick)
    with plotting.styled():
        fig, axes = plotting.figure(1, 2, width=11.5, height=4.6)
        for i, (ax, g) in enumerate(zip(axes, WIDTHS)):
            for j, (b, c) in enumerate(zip(BIASES, COLORS)):
                ax.plot(kT, full[i, j], color=c, lw=1.6, label=f"eV/μ0 = {b:g}: $P_{{asym}}$")
                ax.plot(kT, landauer[i, j], color=c, ls=":", lw=1.4)
                ax.plot(kT, approx[i, j], color=c, ls="--", lw=1.2)
                step = max(1, len(kT) // 10)
                ax.plot(kT[::step], joule[i, j, ::step], ls="none", marker="^", ms=5, color=c)
            plotting.zero_line(ax)
            ax.set_xlabel(r"$k_BT/\mu_0$")
            ax.set_ylabel(r"power $[\mu_0^2/h]$")
            plotting.panel_label(ax, rf"({'ab'[i]})  $\Gamma/\mu_0$ = {g:g}")
        h = [axes[0].plot([], [], color="k", ls=ls, label=lab)[0] for ls, lab in (
            ("-", r"$P_{\rm asym}$ (Eq. 34)"), (":", r"Landauer (Eq. 35)"),
            ("--", r"approximation (Eq. 36)"))]
        h.append(axes[0].plot([], [], color="k", ls="none", marker="^",
                              label=r"$IV_{\rm tot}$ (Eq. 32)")[0])
        h += [axes[0].plot([], [], color=c, label=f"eV/μ0 = {b:g}")[0]
              for b, c in zip(BIASES, COLORS)]
        fig.legend(handles=h, loc="outside lower center", ncols=6, fontsize=9)
        fig.suptitle(rf"Left–right asymmetry of phonon heating ($\epsilon_0/\mu_0$ = {EPS0:g})")
        plotting.save(fig, out_dir, NAME)

    rows = []
    for i, g in enumerate(WIDTHS):
        for j, b in enumerate(BIASES):
            flips = np.sign(full[i, j, 0]) != np.sign(full[i, j, -1])
            rows.append((f"Gamma = {g:g}, eV = {b:g}: P_asym at kT = {kT[0]:g} / {kT[-1]:g}; "
                         "Landauer; sign change of P_asym (Landauer)",
                         f"{full[i, j, 0]:.4g} / {full[i, j, -1]:.4g};  "
                         f"{landauer[i, j, 0]:.4g} / {landauer[i, j, -1]:.4g};  "
                         f"{'yes' if flips else 'no'} "
                         f"({'yes' if np.sign(landauer[i, j, 0]) != np.sign(landauer[i, j, -1]) else 'no'})"))
    rows.append(("max |approx - full| / max |full|, Gamma = 0.08 / 0.32",
                 " / ".join(f"{np.max(np.abs(approx[i] - full[i])) / np.max(np.abs(full[i])):.3g}"
                            for i in range(len(WIDTHS)))))
    rows.append(("all points converged", plotting.format_value(bool(ok.all()))))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
