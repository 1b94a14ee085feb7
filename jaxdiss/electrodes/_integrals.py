"""Velocity integrals of the EL constant-mean-free-path model (EL Eqs. 12, 19, 25–28, 47, A13).

Every coefficient of the model is an integral over the carrier velocity on one side of the
scatterer. With the momentum p = m v on side k ∈ {L, R} (kinetic energy ε_k^c = p²/2m), the
total energy measured from the midpoint is ε = ε_k^c + o_k with o_L = +eV/2, o_R = −eV/2
(EL Sec. II: ε = ε^c_L + eV/2 = ε^c_R − eV/2), and the kinetic energy on the other side at
the same total energy is ε_k^c + 2 o_k. Writing f'_p = f'(ε_p^c) (energy derivative of the
Fermi function with chemical potential μ0) and W = f(ε^c_L) − f(ε^c_R):

* F0 = (1/πAħ) ∫dp f'(ε^c)                       (Eq. 12; negative)
* J0 = (e/πAħ) ∫dε f'(ε) = −(e/πAħ) f(0)           (Eq. 19; closed form, negative for e > 0)
* T_k^p = (1/πAħ) ∫dp_k T(ε) f'_p                  (Eq. 26; note T_L^R ≠ T_R^L)
* T_k = (1/J0)(e/πAħ m) ∫dp_k p T(ε) f'_k          (Eq. 28; ≈ T(μ0 ± eV/2))
* α^(V) = −(1/πAħ) ∫dp_L T W,  β^(V) = −(1/πAħ) ∫dp_R T W    (Eq. A13)
* I_V = (e/πAħ m) ∫dp_L p T W                      (the Landauer current of Eq. 27)
* α^(j) = F0 − (T_L^L + T_L^R)/2,  β^(j) = F0 − (T_R^R + T_R^L)/2   (A12 corrected, as in
  Eq. 25; A12a,b are printed identical — DESIGN §4)
* U_k^W = (1/m)∫dp_k p (ε_k^c − μ0) T W,  U_k^p = (1/m)∫dp_k p (ε_k^c − μ0) T f'_p,
  K = ∫_0^∞ dε (ε − μ0) f'(ε), in closed form
  K = −μ0 σ(−μ0/kT) − kT ln(1 + e^{−μ0/kT}): the energy-flow integrals of Eqs. 47, 49
  (energy², the prefactor 1/πħ is applied by the caller).

The prefactor (1/πAħ) includes the spin degeneracy 2 (EL Eq. 6).

Total reflection: a carrier on side k whose total energy lies below the other side's band
bottom (ε_k^c + 2 o_k ≤ 0) cannot be transmitted, so T is set to 0 there (T is never
evaluated at such energies). The integrand then jumps at p_th = √(2m max(0, −2 o_k));
that momentum is a panel edge.

Quadrature: composite Gauss–Legendre (`jaxdiss.quad`) in the momentum p — not in energy, so
there is no 1/√ε edge at the band bottom and μ0 − 40 kT < 0 is harmless — on
[0, √(2m(max(μ0, μ0 − 2 o_k) + tail·kT + 0.01 μ0))], with graded ladders at both Fermi
momenta of side k (ε_k^c = μ0 and ε_k^c + 2 o_k = μ0; momentum scale m kT/p) and at the
transmission's declared features (`quadrature_hints`, mapped to momenta), a uniform
subdivision of the bias window, and the threshold p_th as a breakpoint. f' is written as
−f(1 − f)/kT with both factors accurate sigmoids; W in the exact product form
f(a) − f(a + d) = −f(a)(1 − f(a + d)) expm1(−d) (d = eV/kT; the sides swapped for d < 0),
i.e. the difference of the two tanh's without cancellation at small bias or in the tails.
At kT = 0 the f' terms are evaluated exactly as point values (f' = −δ(ε − μ0)) and W is the
box window; derivatives with respect to kT at kT = 0 are those of the step (zero).
Accuracy against adaptive quadrature: ≲ 1e-14 relative with the defaults (tests).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from ..quad import graded_edges, panel_grid
from ..scattering.transmission import quadrature_hints
from ..thermal import _occupation_pair, _window

__all__ = ["ElectrodeIntegrals", "electrode_integrals"]


class ElectrodeIntegrals(eqx.Module):
    """The velocity integrals of one operating point (module docstring for definitions).

    Units (Gaussian, A the cross-section; "energy" the user's energy unit): `F0`, `T_LL`
    (T_L^L), `T_LR` (T_L^R), `T_RL` (T_R^L), `T_RR` (T_R^R) and the properties `alpha_j`,
    `beta_j` are densities per energy (1/(energy·volume)); `alpha_V`, `beta_V` densities
    (1/volume); `J0` a current density per energy (so j/J0 is an energy); `T_L`, `T_R`
    dimensionless; `current_V` (I_V) a current density; `flow_K`, `flow_W_left/right`,
    `flow_LL`, `flow_LR`, `flow_RL`, `flow_RR` (K, U^W_k, U_k^p) energy². Two copies on
    the other side's grid, `current_V_right` (I_V integrated over p_R) and `T_R_on_left`
    (T_R over p_L), equal their counterparts up to quadrature error (consistency checks).
    """

    F0: Float[Array, ""]
    J0: Float[Array, ""]
    T_LL: Float[Array, ""]
    T_LR: Float[Array, ""]
    T_RL: Float[Array, ""]
    T_RR: Float[Array, ""]
    T_L: Float[Array, ""]
    T_R: Float[Array, ""]
    alpha_V: Float[Array, ""]
    beta_V: Float[Array, ""]
    current_V: Float[Array, ""]
    current_V_right: Float[Array, ""]
    T_R_on_left: Float[Array, ""]
    flow_K: Float[Array, ""]
    flow_W_left: Float[Array, ""]
    flow_LL: Float[Array, ""]
    flow_LR: Float[Array, ""]
    flow_W_right: Float[Array, ""]
    flow_RL: Float[Array, ""]
    flow_RR: Float[Array, ""]

    @property
    def alpha_j(self):
        """α^(j) = F0 − (T_L^L + T_L^R)/2 (Eq. A12a, as in Eq. 25a)."""
        return self.F0 - 0.5 * (self.T_LL + self.T_LR)

    @property
    def beta_j(self):
        """β^(j) = F0 − (T_R^R + T_R^L)/2 (Eq. A12b corrected, as in Eq. 25b)."""
        return self.F0 - 0.5 * (self.T_RR + self.T_RL)


def _sqrt(x):
    """√max(x, 0) with a zero (not NaN) derivative where x ≤ 0."""
    pos = x > 0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


def _edge_scale(p, width, mass):
    """Momentum width of a feature of energy width `width` at momentum p: m·w/√(p² + 2mw)
    (→ m w/p away from p = 0, √(m w/2)… at p = 0); 0 for a kink (w = 0)."""
    s = p**2 + 2.0 * mass * width
    return jnp.where(width > 0, mass * width / jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def _grid(T, offset, mu0, kT, mass, order, levels, tail, subdivisions):
    """Graded panels in the momentum of one side (module docstring)."""
    hints = quadrature_hints(T)
    two_m = 2.0 * mass
    e_other_edge = mu0 - 2.0 * offset      # ε_k^c at which the other side sits at μ0
    # the margin 0.01 μ0 keeps the top edge off the Fermi edges at kT = 0: tied edges may
    # swap their tangents in the sort, and a jump of the box window sits there
    e_top = jnp.where(e_other_edge > mu0, e_other_edge, mu0) + tail * kT + 0.01 * mu0
    p_top = _sqrt(two_m * e_top)
    p_th = _sqrt(two_m * (-2.0 * offset))
    p_own = _sqrt(two_m * mu0)
    p_other = _sqrt(two_m * e_other_edge)
    hint_p = _sqrt(two_m * (hints.centers - offset))
    breaks = [p_th[None], _sqrt(two_m * (jnp.atleast_1d(hints.breakpoints) - offset))]
    lower = jnp.where(jnp.isfinite(hints.lower), hints.lower, mu0)
    breaks.append(_sqrt(two_m * (lower - offset))[None])
    centers = jnp.concatenate([p_own[None], p_other[None], hint_p])
    scales = jnp.concatenate([_edge_scale(p_own, kT, mass)[None],
                              _edge_scale(p_other, kT, mass)[None],
                              _edge_scale(hint_p, hints.scales, mass)])
    lo_w = jnp.where(p_own <= p_other, p_own, p_other)
    hi_w = jnp.where(p_own <= p_other, p_other, p_own)
    edges = graded_edges(0.0, p_top, breakpoints=jnp.concatenate(breaks), centers=centers,
                         scales=scales, subdivide=(lo_w, hi_w, subdivisions), levels=levels)
    return panel_grid(edges, order)


def _side(T, offset, left, bias, mu0, kT, mass, order, levels, tail, subdivisions):
    """Raw integrals of one side: (∫ f'_k, ∫T f'_k, ∫T f'_o, ∫T W, ∫pT f'_k, ∫pT f'_o,
    ∫pT W, ∫p x T W, ∫p x T f'_k, ∫p x T f'_o) with x = ε_k^c − μ0 (module docstring;
    no prefactors; the p-weighted ones divided by m, i.e. energy integrals).

    Each integrand is a product g·h of g ∈ {1, T, pT/m, p x T/m} and h ∈ {f'_k, f'_o, W}.
    The g's are evaluated on the quadrature nodes and, for kT = 0, at the two momenta p*
    where ε_k^c = μ0 and ε_k^c + 2 o_k = μ0: there ∫dp g f' = −g(p*) m/p* (f' = −δ)."""
    grid = _grid(T, offset, mu0, kT, mass, order, levels, tail, subdivisions)
    p_own = _sqrt(2.0 * mass * mu0)
    p_oth = _sqrt(2.0 * mass * (mu0 - 2.0 * offset))
    p_oth_ok = p_oth > 0
    p_oth = jnp.where(p_oth_ok, p_oth, p_own)
    p = jnp.concatenate([grid.nodes, jnp.stack([p_own, p_oth])])
    e_k = p**2 / (2.0 * mass)
    e_o = e_k + 2.0 * offset
    allowed = e_o > 0
    Tv = jnp.where(allowed, jnp.broadcast_to(
        jnp.asarray(T(jnp.where(allowed, e_k + offset, mu0)), dtype=float), p.shape), 0.0)
    x_k = e_k - mu0
    pm = p / mass
    g = jnp.stack([jnp.ones_like(p), Tv, pm * Tv, pm * x_k * Tv])          # (4, n + 2)

    # occupations (f, 1 − f) of both sides (thermal.py), f' = −f(1 − f)/kT, and
    # W = f(ε_L) − f(ε_R) in the library's cancellation-free window: with the left kinetic
    # energy E (e_k on side L, e_o on side R), f_L at E − μ0 and f_R at E + eV − μ0, i.e.
    # a window between μ0 and μ0 − eV at equal temperatures (step difference at kT = 0)
    warm = kT > 0
    kT_safe = jnp.where(warm, kT, 1.0)
    occ_k = _occupation_pair(x_k, kT)
    occ_o = _occupation_pair(e_o - mu0, kT)
    fk = -occ_k[0] * occ_k[1] / kT_safe
    fo = -occ_o[0] * occ_o[1] / kT_safe
    occ_L = jax.tree_util.tree_map(lambda a, b: jnp.where(left, a, b), occ_k, occ_o)
    occ_R = jax.tree_util.tree_map(lambda a, b: jnp.where(left, a, b), occ_o, occ_k)
    xL = jnp.where(left, x_k, e_o - mu0)
    W = _window(xL + mu0, mu0, mu0 - bias, kT, kT, occ_L, occ_R)
    h = jnp.stack([fk, fo, W])                                               # (3, n + 2)
    n = grid.nodes.shape[0]
    sums = grid.integrate(g[:, None, :n] * h[None, :, :n])                   # (4, 3)
    # kT = 0: −g(p*) m/p* at p_own (f'_k) and p_oth (f'_o; absent when μ0 − 2 o_k ≤ 0)
    cold_k = -g[:, n] * mass / p_own
    cold_o = jnp.where(p_oth_ok, -g[:, n + 1] * mass / p_oth, 0.0)
    fk_sums = jnp.where(warm, sums[:, 0], cold_k)
    fo_sums = jnp.where(warm, sums[:, 1], cold_o)
    W_sums = sums[:, 2]
    return jnp.stack([fk_sums[0], fk_sums[1], fo_sums[1], W_sums[1], fk_sums[2], fo_sums[2],
                      W_sums[2], W_sums[3], fk_sums[3], fo_sums[3]])


def electrode_integrals(T, bias, kT, mu0=1.0, *, charge=1.0, mass=1.0, hbar=1.0, area=1.0,
                        order: int = 16, levels: int = 10, tail: float = 40.0,
                        subdivisions: int = 8) -> ElectrodeIntegrals:
    """All velocity integrals of the EL model at one operating point (module docstring).

    `T`: jnp-traceable T(ε) of the total energy ε from the midpoint; `bias` = eV (energy,
    any sign); `kT` ≥ 0; `mu0` > 0; `charge` e ≠ 0, `mass` m, `hbar` ħ, `area` A > 0
    (Gaussian natural units, defaults 1). `order`, `levels`, `subdivisions` (static ints)
    and `tail` (static float: Fermi tails cut at tail·kT) set the quadrature. Scalars only
    (map with ``jax.vmap``); raises `ValueError` naming an invalid argument.
    """
    from .exact import _arguments  # the shared validation (exact imports this module)

    args = _arguments(T, bias, kT, mu0, 1.0, 0.0, 1.0, 1.0, charge, mass, hbar, area, None,
                      order, levels, tail, subdivisions)
    bias, kT, mu0, e, m, hbar, A, quad = (args[0], args[1], args[2], args[7], args[8],
                                          args[9], args[10], args[12])
    return _integrals_jit(T, bias, kT, mu0, e, m, hbar, A, *quad)


def _electrode_integrals(T, bias, kT, mu0, charge, mass, hbar, area, order, levels, tail,
                         subdivisions) -> ElectrodeIntegrals:
    """`electrode_integrals` without validation (traceable; static quadrature options)."""
    bias = jnp.asarray(bias, dtype=float)
    kT = jnp.asarray(kT, dtype=float)
    mu0 = jnp.asarray(mu0, dtype=float)
    # both sides in one vectorised pass (one program to compile instead of two)
    sides = jax.vmap(_side, in_axes=(None, 0, 0) + (None,) * 8)(
        T, jnp.stack([0.5 * bias, -0.5 * bias]), jnp.array([True, False]), bias, mu0, kT,
        mass, order, levels, tail, subdivisions)
    Ls, Rs = sides[0], sides[1]
    pref = 1.0 / (jnp.pi * area * hbar)
    warm = kT > 0
    kT_safe = jnp.where(warm, kT, 1.0)
    y = mu0 / kT_safe
    f_bottom = jnp.where(warm, jax.nn.sigmoid(y), 1.0)           # f(ε = 0)
    J0 = -charge * pref * f_bottom
    # K = ∫_0^∞ (ε − μ0) f' dε = μ0 f(0) − kT ln(1 + e^{μ0/kT})
    K = jnp.where(warm, -mu0 * jax.nn.sigmoid(-y) - kT_safe * jax.nn.softplus(-y), 0.0)
    # Eq. 28: T_k = (1/J0)(e/πAħ) ∫dε T f'_k = −∫dε T f'_k / f(0)
    return ElectrodeIntegrals(
        F0=pref * Ls[0],
        J0=J0,
        T_LL=pref * Ls[1],
        T_LR=pref * Ls[2],
        T_RL=pref * Rs[2],
        T_RR=pref * Rs[1],
        T_L=-Ls[4] / f_bottom,
        T_R=-Rs[4] / f_bottom,
        alpha_V=-pref * Ls[3],
        beta_V=-pref * Rs[3],
        current_V=charge * pref * Ls[6],
        current_V_right=charge * pref * Rs[6],
        T_R_on_left=-Ls[5] / f_bottom,
        flow_K=K,
        flow_W_left=Ls[7],
        flow_LL=Ls[8],
        flow_LR=Ls[9],
        flow_W_right=Rs[7],
        flow_RL=Rs[9],
        flow_RR=Rs[8],
    )


_integrals_jit = eqx.filter_jit(_electrode_integrals)
