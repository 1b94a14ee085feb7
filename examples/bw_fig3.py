"""BW Fig. 3: phonon heating profile P_ph(x)/P_ext around a scatterer with a Lorentzian
transmission peaked above the chemical potential (ε0/μ0 = 1.44, Γ/μ0 = 0.08).

Panels: (a) eV/μ0 = 0.1, (b) eV/μ0 = 0.4; colours kT/μ0 = 0.1, 0.3, 0.5, 0.7. Lines:
P_ph (BW Eq. 22) in units of its far-field value P_ext = F_ext I/e (Eq. 24); diamonds:
P_ph − P^(φ)_ph (Eq. 25), indistinguishable on this scale; dashed: the asymptote 1.
x in v_F τ (x < 0 left wire). The currents I h/(e μ0) go to the summary (the paper's
Table I). The eight solutions are one vmapped `solve_wire` call.

    python examples/bw_fig3.py --out DIR [--quick]
"""

from __future__ import annotations

import functools
import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting

NAME = "bw_fig3"
TITLE = "BW Fig. 3: phonon heating profiles, transmission peak above mu0"
EPS0, GAMMA = 1.44, 0.08
BIASES = (0.1, 0.4)  # eV/μ0, panels (a), (b)
TEMPERATURES = (0.1, 0.3, 0.5, 0.7)  # kT/μ0
COLORS = ("k", plotting.RED, plotting.BLUE, plotting.GREEN)
X_MAX = 10.0


@functools.partial(jax.jit, static_argnames=("n",))
def _solve(eps0, bias, kT, x, n):
    """Solutions and profiles over a batch of (eV, kT); one compilation serves Figs. 3, 4."""

    def one(b, k):
        w = jd.solve_wire(jd.Lorentzian(eps0, GAMMA), b, k, n_momentum=n)
        return w, w.at(x)

    return jax.vmap(one)(bias, kT)


def compute(eps0: float, quick: bool = False):
    """Solutions on the (eV, kT) grid and the profiles at positions x (v_F τ)."""
    m = 150 if quick else 400
    x = np.concatenate([-np.geomspace(X_MAX, 1e-3, m), np.geomspace(1e-3, X_MAX, m)])
    bias, kT = (jnp.asarray(a).ravel() for a in jnp.meshgrid(jnp.asarray(BIASES),
                                                          jnp.asarray(TEMPERATURES),
                                                          indexing="ij"))
    w, prof = _solve(jnp.asarray(eps0), bias, kT, jnp.asarray(x), n=128 if quick else 256)
    shape = (len(BIASES), len(TEMPERATURES))
    return x, jax.tree_util.tree_map(lambda a: np.asarray(a).reshape(shape + a.shape[1:]),
                                     (w, prof))


def plot(out_dir, name, title, eps0, quick):
    x, (w, prof) = compute(eps0, quick)
    p_ext = np.asarray(w.current * w.F_ext)[..., None]
    heating = np.asarray(prof.heating) / p_ext
    no_phi = (np.asarray(prof.heating) - np.asarray(prof.heating_potential)) / p_ext
    with plotting.styled():
        fig, axes = plotting.figure(1, 2, width=12.0, height=4.8)
        for i, (ax, bias) in enumerate(zip(axes, BIASES)):
            half = len(x) // 2  # no line across the scatterer between 0⁻ and 0⁺
            xs = np.insert(x, half, np.nan)
            for j, (kT, c) in enumerate(zip(TEMPERATURES, COLORS)):
                ax.plot(xs, np.insert(heating[i, j], half, np.nan), color=c, lw=1.4,
                        label=rf"$k_BT/\mu_0$ = {kT:g}")
                step = max(1, len(x) // 40)
                ax.plot(x[::step], no_phi[i, j, ::step], ls="none", marker="D", ms=3,
                        mfc="none", color=c)
            ax.axhline(1.0, color=plotting.GREY, ls="--", lw=0.9)
            plotting.zero_line(ax)
            lim = np.percentile(np.abs(heating[i]), 97)
            ax.set_ylim(-1.1 * lim, 1.1 * lim)
            ax.set_xlim(-X_MAX, X_MAX)
            ax.set_xlabel(r"$x/(v_F\tau)$")
            ax.set_ylabel(r"$\mathcal{P}_{\rm ph}(x)/\mathcal{P}^{\rm ext}_{\rm ph}$")
            plotting.panel_label(ax, f"({'ab'[i]})  eV/μ0 = {bias:g}")
        axes[0].legend(loc="lower left")
        fig.suptitle(title + rf"  ($\epsilon_0/\mu_0$ = {eps0:g}, $\Gamma/\mu_0$ = {GAMMA:g};"
                     " diamonds: $\\mathcal{P}_{\\rm ph} - \\mathcal{P}^{(\\varphi)}_{\\rm ph}$)")
        plotting.save(fig, out_dir, name)

    rows = []
    for i, bias in enumerate(BIASES):
        rows.append((f"I h/(e mu0) at eV = {bias:g}, kT = "
                     + "/".join(f"{k:g}" for k in TEMPERATURES),
                     " / ".join(plotting.format_value(v, 4) for v in w.current[i])))
    for i, bias in enumerate(BIASES):
        rows.append((f"P_ph(0-)/P_ext, P_ph(0+)/P_ext at eV = {bias:g}, kT = 0.1 .. 0.7",
                     "  ".join(f"{heating[i, j, len(x) // 2 - 1]:.3g}, {heating[i, j, len(x) // 2]:.3g}"
                               for j in range(len(TEMPERATURES)))))
    rows.append(("all solutions converged", plotting.format_value(bool(np.all(w.converged)))))
    rows.append(("max |P^(phi)|/P_ext at |x| > 1e-3",
                 plotting.format_value(float(np.max(np.abs(np.asarray(prof.heating_potential)
                                                           / p_ext))), 3)))
    return rows


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    return plot(out_dir, NAME, "Phonon heating around a scatterer", EPS0, quick)


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
