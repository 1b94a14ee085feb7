"""Thermal spots of the constant-mean-free-path model (EL Eqs. 52–56, with DESIGN §4's
corrections), and the smooth special functions that keep k_s ℓ = 1 regular.

On each side the excess power density is a sum of two exponentials in the distance from the
scatterer. With t = (z − z_−)/ℓ ≤ 0 on the left and t = (z_+ − z)/ℓ ≤ 0 on the right,
y = 1/(k_s ℓ) and D(t) = (e^t − e^{t/y})/(1 − y²) (`screened_difference`):

    p^s(t) = Ĉ_s e^{t/y} + Ĉ_ℓ e^t − K D(t),
    Ĉ_s = (j/e) Ĝ,   Ĉ_ℓ = P^u/(Aℓ),   K = (j/e)(c q/ℓ),

(c = 1/(2|F0|), Ĝ = k_s G, G the screening-cloud amplitude: `exact` module docstring). In
the paper's notation p^s = C_s e^{k_s(z−z_∓)…} + C_ℓ e^{…/ℓ} with C_s = −j k_s A_{L,R} =
Ĉ_s + K/(1 − y²) and C_ℓ = Ĉ_ℓ − K/(1 − y²): each diverges at k_s ℓ = 1 (y = 1) while p^s
does not. Multiplying by (1 − y²), C̃_s = (1 − y²)Ĉ_s + K and C̃_ℓ = (1 − y²)Ĉ_ℓ − K are
regular, and dp^s/dt = 0 at

    t* = y ln(ρ)/(1 − y),   ρ = −y C̃_ℓ/C̃_s   (EL Eq. 53: ρ = 1/[argument of its log]).

ρ → 1 as y → 1, so t* is evaluated as t* = −y [(1 + y)(y Ĉ_ℓ + Ĉ_s) + K] ψ(δ)/C̃_s with
δ = ρ − 1 = −(1 − y)[(1 + y)(y Ĉ_ℓ + Ĉ_s) + K]/C̃_s and ψ(δ) = log1p(δ)/δ (a series near
δ = 0): no division by 1 − y, finite and differentiable through y = 1, where
t* = −1 − 2(Ĉ_ℓ + Ĉ_s)/K.

A spot exists when ρ > 0 (the logarithm exists), t* < 0 strictly (it lies in the wire, not
in the scatterer nor on its surface) and k_s is finite (k_s → ∞ pushes t* → 0⁻: the limit
has no spot, EL App. C). For k_s ℓ > 1 this is EL's condition "argument of the logarithm
> 1"; Eq. 55 as printed misjudges it (DESIGN §4). Its kind follows from
d²p^s/dt² = C̃_s e^{t*/y}/(y²(1 + y)) (cf. Eq. 56): C̃_s < 0 is a maximum of the
dissipated power (heating spot, kind +1), C̃_s > 0 a minimum (cooling spot, kind −1).
"""

from __future__ import annotations

import jax.numpy as jnp

__all__ = ["expm1_ratio", "log1p_ratio", "screened_exp", "screened_difference",
           "spot_offset"]

_SERIES = 1e-3      # |z| below which the ratios use their Taylor series (error < 1e-21)


def expm1_ratio(z):
    """φ1(z) = expm1(z)/z, with φ1(0) = 1; smooth and differentiable everywhere."""
    z = jnp.asarray(z, dtype=float)
    small = jnp.abs(z) < _SERIES
    zs = jnp.where(small, 1.0, z)
    series = 1.0 + z * (1 / 2 + z * (1 / 6 + z * (1 / 24 + z * (1 / 120 + z / 720))))
    return jnp.where(small, series, jnp.expm1(zs) / zs)


def log1p_ratio(z):
    """ψ(z) = log1p(z)/z (z > −1), with ψ(0) = 1; smooth and differentiable."""
    z = jnp.asarray(z, dtype=float)
    small = jnp.abs(z) < _SERIES
    zs = jnp.where(small, 1.0, z)
    series = 1.0 - z * (1 / 2 - z * (1 / 3 - z * (1 / 4 - z * (1 / 5 - z / 6))))
    return jnp.where(small, series, jnp.log1p(zs) / zs)


def screened_exp(t, y):
    """e^{t/y} for t ≤ 0 and y ≥ 0 (y = 0: the limit, 0 for t < 0 and 1 at t = 0)."""
    pos = y > 0
    arg = jnp.where(pos, t / jnp.where(pos, y, 1.0), jnp.where(t < 0, -jnp.inf, 0.0))
    return jnp.exp(arg)


def screened_difference(t, y):
    """D(t) = (e^t − e^{t/y})/(1 − y²) for t ≤ 0, y = 1/(k_s ℓ) ≥ 0 (finite).

    Regular at y = 1 (k_s ℓ = 1), where D = −t e^t/2: for |1 − y| < 1/2 it is evaluated
    as D = −e^t t φ1(h t)/(y(1 + y)) with h = (1 − y)/y = k_s ℓ − 1 (`expm1_ratio`), free of
    cancellation for t ≤ 0; elsewhere directly. D(0) = 0, and ∂_t of
    R(t) = e^t/(1 + y) + y D(t) is D(t).
    """
    t = jnp.asarray(t, dtype=float)
    y = jnp.asarray(y, dtype=float)
    near = jnp.abs(1.0 - y) < 0.5
    yn = jnp.where(near, y, 1.0)
    h = (1.0 - yn) / yn
    tc = jnp.maximum(t, -600.0)          # e^t underflows long before; keeps h·t finite
    near_value = -jnp.exp(tc) * tc * expm1_ratio(h * tc) / (yn * (1.0 + yn))
    den = jnp.where(near, 1.0, 1.0 - y * y)
    far_value = (jnp.exp(t) - screened_exp(t, y)) / den
    return jnp.where(near, near_value, far_value)


def spot_offset(C_s, C_l, K, y):
    """Reduced position t* ≤ 0 of the stationary point of p^s, whether it is a spot, and
    its kind (module docstring). Returns ``(t_star, exists, kind)``; `t_star` is 0 where no
    spot exists (finite, with finite derivatives), `kind` is +1 (heating), −1 (cooling)
    or 0.
    """
    one_m_y2 = (1.0 - y) * (1.0 + y)
    Ct_s = one_m_y2 * C_s + K
    nonzero = Ct_s != 0.0
    Ct_s_safe = jnp.where(nonzero, Ct_s, 1.0)
    bracket = (1.0 + y) * (y * C_l + C_s) + K
    delta = -(1.0 - y) * bracket / Ct_s_safe
    rho_positive = nonzero & (delta > -1.0)          # ρ = 1 + δ > 0
    delta_safe = jnp.where(rho_positive, delta, 0.0)
    t_star = -y * bracket * log1p_ratio(delta_safe) / Ct_s_safe
    exists = rho_positive & (t_star < 0.0) & (y > 0.0) & jnp.isfinite(t_star)
    kind = jnp.where(exists, jnp.where(Ct_s < 0.0, 1, -1), 0)
    return jnp.where(exists, t_star, 0.0), exists, kind
