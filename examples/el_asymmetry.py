"""EL power asymmetry: P_A = P^s_R − P^s_L (Eq. 44) and its parts P^u_A (energy flow,
Eqs. 47, 49) and P^f_A (field, Eq. 50) versus temperature and versus bias, exact
constant-mean-free-path model (`solve_electrodes`) against the WELT closed forms of
Eqs. 57–59 (`welt_power`, constant ℓ) and, at strong Coulomb (k_s → ∞), against App. C
(C12–C15, `strong_coulomb`).

Lorentzian transmission ε0/μ0 = 1.5, Γ/μ0 = 0.5 (T0 = 0.5, μ0T0' = 1), ℓ = 4, L = 0.4,
k_s = 2 (k_sℓ = 8), ε_B = ε. Columns: (a, c) versus kT/μ0 at eV/μ0 = 0.02; (b, d) versus
eV/μ0 at kT = 0 (the exact model at kT = 0 exactly) and, in (d) for P_A only, at
kT/μ0 = 0.02. Top: solid the exact model, dashed the closed forms; black P_A, red P^u_A,
blue −P^f_A (< 0 throughout: the field part lowers the downstream excess), grey the
strong-Coulomb limit (``screening=inf``, exact) with App. C as circles; in (b) divided by
(eV/μ0)³, the order of the leading term at kT = 0. Bottom: relative deviation
|closed form − exact|/|exact| with guides ∝ (kT)², (eV)² (dips: the deviation changes
sign). The closed forms keep the asymmetries to O(λ³) (λ ~ kT/μ0 ~ eV/μ0), so their
relative deviation falls as λ² towards kT, eV → 0 (at fixed eV the kT sweep levels off at
the O((eV)²) floor) and they fail once kT approaches the transmission's energy scale
(|ε0 − μ0 ± iΓ| ≈ 0.7μ0: the Sommerfeld series stops at T0''). All points are one
jit(vmap) call over (eV, kT, k_s).

Units: natural Gaussian units e = m = ħ = A = ε = 1, μ0 = 1 (lengths in ħ/√(mμ0));
powers in μ0²/ħ.

    python examples/el_asymmetry.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting

NAME = "el_asymmetry"
TITLE = "EL power asymmetry vs temperature and bias: exact model vs WELT closed forms"
EPS0, GAMMA = 1.5, 0.5                  # Lorentzian, ε0/μ0 and Γ/μ0
GEOMETRY = dict(mean_free_path=4.0, scatterer_length=0.4, permittivity_scatterer=1.0)
KS = 2.0                                # k_s (k_sℓ = 8)
BIAS_T = 0.02                           # eV/μ0 of the temperature sweep
KT_RANGE = (1e-3, 0.3)                  # kT/μ0
BIAS_RANGE = (1e-3, 0.5)                # eV/μ0
KT_B = (0.0, 0.02)                      # kT/μ0 of the bias sweeps
PARTS = (("asymmetry", "k", r"$P_A$"), ("flow", plotting.RED, r"$P^u_A$"),
         ("field", plotting.BLUE, r"$-P^f_A$"))


@jax.jit
@jax.vmap
def _point(bias, kT, ks):
    """Exact and closed-form asymmetries at one (eV, kT, k_s); k_s = inf: App. C."""
    T = jd.Lorentzian(EPS0, GAMMA)
    ex = jd.solve_electrodes(T, bias, kT, screening=ks, **GEOMETRY)
    s = jd.welt_system(T, kT, screening=ks, **GEOMETRY)
    pw, sc = jd.welt_power(s, bias), jd.strong_coulomb(s, bias)
    strong = jnp.isinf(ks)
    pick = lambda a, b: jnp.where(strong, a, b)  # noqa: E731
    return dict(
        asymmetry=ex.power_asymmetry, flow=ex.power_flow_asymmetry,
        field=-ex.power_field_asymmetry, joule=ex.power_flow_total,
        w_asymmetry=pick(sc.asymmetry, pw.asymmetry),
        w_flow=pick(sc.flow_asymmetry, pw.flow_asymmetry),
        w_field=-pick(sc.field_asymmetry, pw.field_asymmetry),
    )


def compute(quick: bool = False):
    """Sweeps as dicts of arrays with leading axis (k_s = KS, inf): "kT" (axis 1: kT),
    "bias" (axes 1, 2: kT of `KT_B`, eV)."""
    n = 9 if quick else 41
    kT = np.geomspace(*KT_RANGE, n)
    bias = np.geomspace(*BIAS_RANGE, n)
    ks = np.array([KS, np.inf])
    # one batch: the temperature sweep, then the bias sweeps, for both k_s
    b1, k1, s1 = np.meshgrid(BIAS_T, kT, ks, indexing="ij")
    k2, b2, s2 = np.meshgrid(KT_B, bias, ks, indexing="ij")
    args = [np.concatenate([a.ravel(), c.ravel()]) for a, c in ((b1, b2), (k1, k2), (s1, s2))]
    out = {k: np.asarray(v) for k, v in _point(*(jnp.asarray(a) for a in args)).items()}
    m = b1.size
    t_sweep = {k: v[:m].reshape(n, 2).T for k, v in out.items()}
    b_sweep = {k: np.moveaxis(v[m:].reshape(len(KT_B), n, 2), 2, 0) for k, v in out.items()}
    return kT, bias, t_sweep, b_sweep


def _rel(d, key):
    return np.abs(d["w_" + key] - d[key]) / np.abs(d[key])


def _first_above(x, y, level):
    """Smallest x where y first exceeds `level` (log-interpolated), NaN if never."""
    above = np.nonzero(y > level)[0]
    if above.size == 0 or above[0] == 0:
        return np.nan
    i = above[0]
    f = (np.log(level) - np.log(y[i - 1])) / (np.log(y[i]) - np.log(y[i - 1]))
    return float(np.exp(np.log(x[i - 1]) + f * (np.log(x[i]) - np.log(x[i - 1]))))


def _guide(ax, x, y0, power, label):
    """Reference line ∝ x^power through (x[0], y0)."""
    ax.plot(x, y0 * (x / x[0]) ** power, color=plotting.GREEN, lw=1.0, ls="-.", label=label)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    kT, bias, ts, bs = compute(quick)
    with plotting.styled():
        fig, axes = plotting.figure(2, 2, width=12.5, height=9.5)
        (ax_t, ax_b), (ax_tr, ax_br) = axes
        # (a) versus temperature (P_A on top: at this bias it lies on P^u_A)
        for z, (key, col, lab) in zip((4, 3, 3), PARTS):
            ax_t.plot(kT, ts[key][0], color=col, label=lab + " exact", zorder=z)
            ax_t.plot(kT, ts["w_" + key][0], color=col, ls="--", label=lab + " Eqs. 57–59",
                      zorder=z)
        ax_t.plot(kT, ts["asymmetry"][1], color=plotting.GREY, lw=1.2,
                  label=r"$P_A$, $k_s=\infty$ exact")
        ax_t.plot(kT, ts["w_asymmetry"][1], color=plotting.GREY, ls="none", marker="o", ms=4,
                  mfc="none", label=r"$P_A$, App. C")
        ax_t.set_xscale("log")
        ax_t.set_yscale("log")
        ax_t.set_xlabel(r"$k_BT/\mu_0$")
        ax_t.set_ylabel(r"power asymmetry $[\mu_0^2/\hbar]$")
        plotting.panel_label(ax_t, f"(a)  eV/μ0 = {BIAS_T:g}")
        ax_t.legend(loc="lower right", fontsize=8.5, ncols=2)
        # (b) versus bias at kT = 0, divided by the (eV)³ of the leading order
        cube = bias**3
        for key, col, lab in PARTS:
            ax_b.plot(bias, bs[key][0, 0] / cube, color=col, label=lab + " exact")
            ax_b.plot(bias, bs["w_" + key][0, 0] / cube, color=col, ls="--",
                      label=lab + " Eqs. 57–59")
        ax_b.plot(bias, bs["asymmetry"][1, 0] / cube, color=plotting.GREY, lw=1.2,
                  label=r"$P_A$, $k_s=\infty$ exact")
        ax_b.plot(bias, bs["w_asymmetry"][1, 0] / cube, color=plotting.GREY, ls="none",
                  marker="o", ms=4, mfc="none", label=r"$P_A$, App. C")
        ax_b.set_xscale("log")
        ax_b.set_ylim(0.0, None)
        ax_b.set_xlabel(r"$eV/\mu_0$")
        ax_b.set_ylabel(r"power asymmetry / $(eV/\mu_0)^3$ $[\mu_0^2/\hbar]$")
        plotting.panel_label(ax_b, "(b)  kT = 0")
        ax_b.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93), fontsize=8.5, ncols=2)
        # (c), (d) relative deviations
        for key, col, lab in PARTS:
            ax_tr.plot(kT, _rel(ts, key)[0], color=col, label=lab)
            ax_br.plot(bias, _rel(bs, key)[0, 0], color=col, label=lab)
        ax_tr.plot(kT, _rel(ts, "asymmetry")[1], color=plotting.GREY, lw=1.2,
                   label=r"$P_A$: App. C vs $k_s=\infty$")
        ax_br.plot(bias, _rel(bs, "asymmetry")[0, 1], color=plotting.OCHRE,
                   label=rf"$P_A$ at $k_BT/\mu_0$ = {KT_B[1]:g}")
        ax_br.plot(bias, _rel(bs, "asymmetry")[1, 0], color=plotting.GREY, lw=1.2,
                   label=r"$P_A$: App. C vs $k_s=\infty$")
        # guides through the P_A deviation at kT/μ0 = 0.02 (above the eV floor) and at the
        # smallest bias, shifted up by 2× to stay readable
        y0 = 2.0 * np.interp(np.log(0.02), np.log(kT), _rel(ts, "asymmetry")[0])
        _guide(ax_tr, kT, y0 * (kT[0] / 0.02) ** 2, 2, r"$\propto (k_BT)^2$")
        _guide(ax_br, bias, 2.0 * _rel(bs, "asymmetry")[0, 0, 0], 2, r"$\propto (eV)^2$")
        for ax, x, lab, tag in ((ax_tr, kT, r"$k_BT/\mu_0$", "(c)"),
                                (ax_br, bias, r"$eV/\mu_0$", "(d)")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(lab)
            ax.set_ylabel("|closed form − exact| / |exact|")
            ax.axhline(0.1, color=plotting.GREY, lw=0.8, ls=":")
            plotting.panel_label(ax, tag)
            ax.legend(loc="lower right", fontsize=9)
        fig.suptitle(rf"EL power asymmetry, exact vs WELT ($\epsilon_0/\mu_0$ = {EPS0:g}, "
                     rf"$\Gamma/\mu_0$ = {GAMMA:g}, $k_s\ell$ = "
                     rf"{KS * GEOMETRY['mean_free_path']:g}, "
                     rf"$L/\ell$ = {GEOMETRY['scatterer_length'] / GEOMETRY['mean_free_path']:g})")
        plotting.save(fig, out_dir, NAME)

    rel_t = {key: _rel(ts, key) for key, _, _ in PARTS}
    rel_b = {key: _rel(bs, key) for key, _, _ in PARTS}
    rows = [
        (f"max rel. deviation of P_A, P^u_A, P^f_A (Eqs. 57-59) from exact at "
         f"kT = {kT[0]:g}, eV = {BIAS_T:g}",
         plotting.format_value(max(rel_t[k][0, 0] for k in rel_t), 3)),
        (f"rel. deviation of P_A at kT = {kT[0]:g} / 0.01 / 0.03 / 0.1 (eV = {BIAS_T:g})",
         " / ".join(plotting.format_value(np.interp(np.log(v), np.log(kT),
                                                    rel_t["asymmetry"][0]), 3)
                    for v in (kT[0], 0.01, 0.03, 0.1))),
        ("kT/mu0 where Eqs. 57-59 P_A deviate by 1 % / 10 % (eV = "
         f"{BIAS_T:g})",
         " / ".join(plotting.format_value(_first_above(kT, rel_t["asymmetry"][0], lv), 3)
                    for lv in (0.01, 0.1))),
        (f"max rel. deviation of P_A, P^u_A, P^f_A from exact at kT = 0, eV = {bias[0]:g}",
         plotting.format_value(max(rel_b[k][0, 0, 0] for k in rel_b), 3)),
        ("eV/mu0 where P^u_A / P^f_A (Eqs. 57-59) deviate by 1 % at kT = 0",
         " / ".join(plotting.format_value(_first_above(bias, rel_b[k][0, 0], 0.01), 3)
                    for k in ("flow", "field"))),
        (f"App. C vs exact k_s = inf: rel. deviation of P_A at kT = {kT[0]:g} (eV = "
         f"{BIAS_T:g}); at kT = 0, eV = {bias[0]:g}",
         f"{rel_t['asymmetry'][1, 0]:.3g}; {rel_b['asymmetry'][1, 0, 0]:.3g}"),
        (f"exact P_A, P^u_A, P^f_A at kT = 0, eV = {bias[-1]:g} [mu0^2/hbar]",
         f"{bs['asymmetry'][0, 0, -1]:.4g}, {bs['flow'][0, 0, -1]:.4g}, "
         f"{-bs['field'][0, 0, -1]:.4g}"),
        (f"P_A / (A j V) at eV = {BIAS_T:g}, kT = {kT[0]:g} / {kT[-1]:g}",
         f"{ts['asymmetry'][0, 0] / ts['joule'][0, 0]:.3g} / "
         f"{ts['asymmetry'][0, -1] / ts['joule'][0, -1]:.3g}"),
    ]
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
