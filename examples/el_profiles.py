"""EL profiles: electrostatic potential, carrier density and excess power densities around a
scatterer between dissipative electrodes with a constant mean free path ℓ (EL paper,
exact model: Secs. II A, III A, App. A; `solve_electrodes`).

Lorentzian transmission T(ε) = Γ²/((ε − ε0)² + Γ²), ε0/μ0 = 1.5, Γ/μ0 = 0.5 (T0 = 0.5,
μ0T0' = 1: transmission rising through μ0), at eV/μ0 = 0.1, kT/μ0 = 0.1, scatterer length
L = 0.2ℓ, ε_B = ε. Columns: (a) good screening, k_sℓ = 5 (a cooling spot upstream);
(b) poor screening, k_sℓ = 0.3 (the spot upstream becomes a heating spot). Both columns
are one vmapped solve.

Rows: (1) potential energy eφ(z) (Eq. A3; linear inside the neutral scatterer, shaded) and
electrochemical potential δμ(z) (Eq. 20: slope s = j/(2J0ℓ) in both wires, a jump of −eV at
the scatterer), both less the wires' Drude drop s·z, in μ0;
(2) excess density Aℓ δn(z) (Eq. 22): the residual-resistivity (Landauer) dipole,
accumulation upstream, depletion downstream, with A𝒩_L = −A𝒩_R (Eq. 13, global
neutrality) written in the panel; (3) excess power densities Aℓ p(z) in μ0²/ħ: p^s = p^u
+ p^f (Eq. 42), p^u (Eq. 46), p^f = −jφ' − p^D (Eq. 41), the excess over the Drude
density p^D, so that ∫ Aℓp d(z/ℓ) = P (Eq. 45). The thermal spot of Eq. 53
(`spot_left/right`; ▼ cooling, ▲ heating) is marked on p^s; the inset magnifies the
upstream wire, where both spots lie.

Units: natural Gaussian units e = m = ħ = A = ε = 1 with μ0 = 1 and ℓ = 1 (lengths in
ħ/√(mμ0) = √2/k_F); the current density j in eμ0/(ħA), powers P in μ0²/ħ.

    python examples/el_profiles.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting

NAME = "el_profiles"
TITLE = "EL profiles: potential, Landauer dipole, power densities and thermal spots"
EPS0, GAMMA = 1.5, 0.5          # Lorentzian, ε0/μ0 and Γ/μ0
BIAS, KT = 0.1, 0.1             # eV/μ0, kT/μ0
ELL, LENGTH = 1.0, 0.2          # ℓ, L (natural units)
SCREENING = (5.0, 0.3)          # k_s ℓ, columns (a), (b)
Z_MAX = 5.0                     # plotted range |z|/ℓ
Z_TAIL = 60.0                   # computed range |z|/ℓ (for the dipole's grid integral)
KIND = {1: "heating", -1: "cooling", 0: "none"}


@jax.jit
def _solve(ks, z):
    """Solutions at the k_s of `SCREENING` and their profiles at the positions z."""

    def one(k):
        sol = jd.solve_electrodes(jd.Lorentzian(EPS0, GAMMA), BIAS, KT, mean_free_path=ELL,
                                  scatterer_length=LENGTH, screening=k / ELL)
        return sol, sol.at(z)

    return jax.vmap(one)(ks)


def compute(quick: bool = False):
    """Positions z (both wires and the scatterer), solutions and profiles (numpy)."""
    m = 400 if quick else 2000
    half = 0.5 * LENGTH
    # dense where plotted; a geometric tail to Z_TAIL so that the grid integral of δn
    # captures the slowly screened dipole of k_sℓ < 1 (e^{-k_s Z_TAIL} ≈ 1e-8 for k_sℓ = 0.3)
    tail = np.geomspace(Z_MAX, Z_TAIL, 60 if quick else 200)[1:] * ELL
    wire = np.concatenate([np.linspace(half, Z_MAX * ELL, m), tail])
    z = np.concatenate([-wire[::-1], np.linspace(-half, half, 21)[1:-1], wire])
    sol, prof = _solve(jnp.asarray(SCREENING), jnp.asarray(z))
    to_np = lambda a: np.asarray(a) if isinstance(a, jax.Array) else a  # noqa: E731
    return z, jax.tree_util.tree_map(to_np, sol), jax.tree_util.tree_map(to_np, prof)


def _wire(z, values):
    """Values with NaN inside the scatterer (no line drawn across it)."""
    inside = np.abs(z) < 0.5 * LENGTH
    return np.where(inside, np.nan, values)


def _extremum(z, p, zbar):
    """Position of the extremum of p on the grid nearest the spot `zbar` (a grid check that
    Eq. 53 sits at a stationary point of p^s): the local max/min within ±0.5ℓ."""
    window = np.abs(z - zbar) < 0.5 * ELL
    zz, pp = z[window], p[window]
    k = np.argmin(np.abs(zz - zbar))
    # interior extremum: sign change of the discrete slope nearest the spot
    d = np.diff(pp)
    idx = np.nonzero(np.sign(d[1:]) != np.sign(d[:-1]))[0] + 1
    if idx.size == 0:
        return np.nan
    return float(zz[idx[np.argmin(np.abs(idx - k))]])


def _zoom(ax, x, ps, pu, pf, sol, c):
    """Inset: the upstream wire magnified, where the spots of these parameters lie."""
    ins = ax.inset_axes([0.16, 0.42, 0.34, 0.48])
    left = x < -0.5 * LENGTH / ELL
    for p, col, ls in ((ps, "k", "-"), (pu, plotting.RED, "--"), (pf, plotting.BLUE, ":")):
        ins.plot(x[left], p[left], color=col, ls=ls, lw=1.3)
    zbar = sol.spot_left[c]
    if np.isfinite(zbar):
        ins.plot(zbar / ELL, np.interp(zbar / ELL, x, ps), ls="none", ms=6, mec="k",
                 mfc=plotting.OCHRE, marker="o", zorder=5)
        ins.axvline(zbar / ELL, color=plotting.OCHRE, lw=0.9, ls="-.")
    # y range from the part of the wire beyond the spot's neighbourhood of the scatterer
    # (the edge value at z_- would hide a shallow extremum)
    edge = 0.5 * zbar / ELL if np.isfinite(zbar) else -1.0
    window = (x > -Z_MAX) & (x < edge)
    lo, hi = min(np.min(ps[window]), 0.0), np.max(ps[window])
    pad = 0.3 * (hi - lo)
    ins.set_xlim(-Z_MAX, -0.5 * LENGTH / ELL)
    ins.set_ylim(lo - pad, hi + pad)
    ins.tick_params(labelsize=8)
    ins.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    ins.yaxis.get_offset_text().set_fontsize(8)
    ins.axhline(0.0, color="k", lw=0.6, alpha=0.6)
    ins.set_title(r"upstream wire (zoom)", fontsize=9)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    z, sol, prof = compute(quick)
    x = z / ELL
    half = 0.5 * LENGTH / ELL
    scale = sol.area[:, None] * ELL
    dn = scale * prof.density
    ps, pu, pf = (scale * p for p in (prof.power, prof.power_flow, prof.power_field))
    rows = []
    with plotting.styled():
        fig, axes = plotting.figure(3, 2, width=12.0, height=11.0, sharex=True)
        for c, ks in enumerate(SCREENING):
            ax_phi, ax_n, ax_p = axes[:, c]
            for ax in axes[:, c]:
                ax.axvspan(-half, half, color=plotting.GREY, alpha=0.18, lw=0)
                ax.set_xlim(-Z_MAX, Z_MAX)
            # (1) potentials, less the Drude drop s z of the wires
            slope = float(sol.potential_gradient[c])
            ax_phi.plot(x, prof.potential_energy[c] - slope * z, color=plotting.BLUE,
                        label=r"$e\varphi(z) - sz$")
            ax_phi.plot(x, _wire(z, prof.electrochemical[c] - slope * z), color=plotting.OCHRE,
                        ls="--", label=r"$\delta\mu(z) - sz$")
            plotting.zero_line(ax_phi)
            ax_phi.set_ylabel(r"energy $[\mu_0]$")
            plotting.panel_label(ax_phi, f"({'ab'[c]})  $k_s\\ell$ = {ks:g}", loc="lower left")
            # (2) density: the Landauer dipole
            nL = float(sol.area[c] * sol.dipole_left[c])
            dnw = _wire(z, dn[c])
            ax_n.plot(x, dnw, color=plotting.GREEN)
            ax_n.fill_between(x, 0.0, dnw, where=x < 0, color=plotting.RED, alpha=0.25, lw=0)
            ax_n.fill_between(x, 0.0, dnw, where=x > 0, color=plotting.BLUE, alpha=0.25, lw=0)
            plotting.zero_line(ax_n)
            ax_n.text(0.03, 0.08, rf"$A\mathcal{{N}}_L$ = {nL:+.3g}", transform=ax_n.transAxes,
                      color=plotting.RED)
            ax_n.text(0.97, 0.85, rf"$A\mathcal{{N}}_R$ = {-nL:+.3g}", transform=ax_n.transAxes,
                      color=plotting.BLUE, ha="right")
            ax_n.set_ylabel(r"$A\ell\,\delta n(z)$")
            # (3) power densities and the spots of Eq. 53
            ax_p.plot(x, _wire(z, ps[c]), color="k", label=r"$p^s$")
            ax_p.plot(x, _wire(z, pu[c]), color=plotting.RED, ls="--", label=r"$p^u$")
            ax_p.plot(x, _wire(z, pf[c]), color=plotting.BLUE, ls=":", label=r"$p^f$")
            plotting.zero_line(ax_p)
            spots = []
            for side, zbar, kind in (("left", sol.spot_left[c], sol.spot_kind_left[c]),
                                     ("right", sol.spot_right[c], sol.spot_kind_right[c])):
                if not np.isfinite(zbar):
                    spots.append((side, "none", np.nan, np.nan))
                    continue
                value = np.interp(zbar, z, ps[c])
                ax_p.plot(zbar / ELL, value, ls="none", ms=11, mec="k", mfc=plotting.OCHRE,
                          marker="v" if kind < 0 else "^", zorder=5,
                          label=f"{KIND[int(kind)]} spot, Eq. 53")
                # (below the inset, which would otherwise show it at the wrong abscissa)
                ax_p.axvline(zbar / ELL, color=plotting.OCHRE, lw=0.9, ls="-.", ymax=0.4)
                spots.append((side, KIND[int(kind)], float(zbar), _extremum(z, ps[c], zbar)))
            _zoom(ax_p, x, ps[c], pu[c], pf[c], sol, c)
            ax_p.set_xlabel(r"$z/\ell$")
            ax_p.set_ylabel(r"$A\ell\,p(z)$ $[\mu_0^2/\hbar]$")
            ax_p.legend(loc="upper right", fontsize=9)
            ax_phi.legend(loc="upper right")

            tag = f"k_s l = {ks:g}"
            rows.append((f"{tag}: current density j [e mu0/(hbar A)]",
                         plotting.format_value(sol.current_density[c], 5)))
            lw, rw = z <= -half * ELL, z >= half * ELL
            rows.append((f"{tag}: dipole A N_L = -A N_R; grid integral of A dn, left / right",
                         f"{nL:.5g}; {np.trapezoid(dn[c][lw], x[lw]):.5g}"
                         f" / {np.trapezoid(dn[c][rw], x[rw]):.5g}"))
            for side, kind, zbar, zgrid in spots:
                rows.append((f"{tag}: spot {side} (Eq. 53): kind, z/l; extremum of p^s on grid",
                             "none" if kind == "none" else
                             f"{kind}, {zbar / ELL:.4f}; {zgrid / ELL:.4f}"))
            rows.append((f"{tag}: P_A = P^u_A + P^f_A [mu0^2/hbar]",
                         f"{sol.power_asymmetry[c]:.4g} = {sol.power_flow_asymmetry[c]:.4g}"
                         f" + {sol.power_field_asymmetry[c]:.4g}"))
        fig.suptitle(rf"EL constant-$\ell$ model: $\epsilon_0/\mu_0$ = {EPS0:g}, "
                     rf"$\Gamma/\mu_0$ = {GAMMA:g}, $eV/\mu_0$ = {BIAS:g}, "
                     rf"$k_BT/\mu_0$ = {KT:g}, $L/\ell$ = {LENGTH / ELL:g}")
        plotting.save(fig, out_dir, NAME)
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
