"""Fermi–Dirac occupation, Fermi windows and Sommerfeld integrals.

Energies, chemical potentials and ``kT`` share one unit. ``kT = 0`` is allowed everywhere
it makes sense (a step with value 1/2 at E = mu) and every function stays differentiable
for kT > 0 (gradients at kT = 0 are those of the step: zero).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from ._checks import check_nonnegative, check_positive

__all__ = ["fermi", "fermi_derivative", "fermi_window", "sommerfeld_integral"]


def _occupation(x, kT):
    """f(x) = 1/(exp(x/kT) + 1) for x = E - mu, relative accuracy kept in the upper tail."""
    hot = kT > 0
    kT_safe = jnp.where(hot, kT, 1.0)
    step = jnp.where(x < 0, 1.0, jnp.where(x > 0, 0.0, 0.5))
    return jnp.where(hot, jax.nn.sigmoid(-x / kT_safe), step)


def fermi(E, mu, kT):
    """Fermi–Dirac occupation f = 1/(exp((E - mu)/kT) + 1).

    `kT = 0` gives the step θ(mu - E) with value 1/2 at E = mu. Inputs broadcast.
    """
    kT = check_nonnegative("kT", kT)
    return _occupation(jnp.asarray(E) - jnp.asarray(mu), kT)


def fermi_derivative(E, mu, kT):
    """∂f/∂E = -1/(4 kT cosh²((E - mu)/2kT)), in 1/[energy]; requires kT > 0."""
    kT = check_positive("kT", kT)
    x = (jnp.asarray(E) - jnp.asarray(mu)) / kT
    # -f(1 - f)/kT: both factors are accurate sigmoids, so the far tails keep full relative
    # precision (and underflow to 0 instead of saturating).
    return -jax.nn.sigmoid(-x) * jax.nn.sigmoid(x) / kT


def _warm_window(xl, xr, dmu, kl, kr):
    """f_L − f_R for kT_L = `kl` > 0 and kT_R = `kr` > 0, given xl = E − μ_L, xr = E − μ_R
    and dmu = μ_R − μ_L: the product form of `fermi_window`, full relative precision."""
    a = xl / kl
    c = xr / kr
    d = dmu / kl + xr * ((kr - kl) / (kl * kr))  # = a - c
    below = d <= 0  # f_L >= f_R
    d_neg = jnp.where(below, d, 0.0)
    d_pos = jnp.where(below, 0.0, d)
    return jnp.where(
        below,
        -jax.nn.sigmoid(-a) * jax.nn.sigmoid(c) * jnp.expm1(d_neg),
        jax.nn.sigmoid(-c) * jax.nn.sigmoid(a) * jnp.expm1(-d_pos),
    )


def fermi_window(E, mu_left, mu_right, kT_left, kT_right=None):
    """f_L(E) - f_R(E), accurate to full relative precision in both thermal tails.

    With both temperatures positive it uses the exact factorisation
    f(a) - f(c) = -f(a) f(-c) expm1(a - c) (a, c = (E - mu)/kT on each side; written with
    the roles of a and c swapped when a > c), with a - c formed from the differences
    mu_right - mu_left and kT_right - kT_left: no digits are lost to cancellation, neither
    in the tails nor at small bias or small temperature difference. With a zero temperature
    it is evaluated from the occupations above the chemical potentials and from the hole
    occupations 1 - f below them. `kT_right` defaults to `kT_left`; either may be zero
    (a box window when both are).
    """
    if kT_right is None:
        kT_right = kT_left
    kT_left = check_nonnegative("kT_left", kT_left)
    kT_right = check_nonnegative("kT_right", kT_right)
    E = jnp.asarray(E)
    mu_left = jnp.asarray(mu_left)
    mu_right = jnp.asarray(mu_right)
    xl = E - mu_left
    xr = E - mu_right

    # both temperatures positive: product form
    hot = (kT_left > 0) & (kT_right > 0)
    warm = _warm_window(xl, xr, mu_right - mu_left, jnp.where(hot, kT_left, 1.0),
                        jnp.where(hot, kT_right, 1.0))

    # a zero temperature on either side: occupations / hole occupations
    upper = _occupation(xl, kT_left) - _occupation(xr, kT_right)
    lower = _occupation(-xr, kT_right) - _occupation(-xl, kT_left)
    middle = 0.5 * (mu_left + mu_right)
    cold = jnp.where(E > middle, upper, lower)
    return jnp.where(hot, warm, cold)


@lru_cache(maxsize=None)
def _bernoulli(n: int) -> Fraction:
    """Bernoulli number B_n (B_1 = -1/2 convention), exact."""
    from math import comb

    b = [Fraction(1)]
    for m in range(1, n + 1):
        b.append(-sum(comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b[n]


def sommerfeld_integral(n: int, kT):
    """QPC Eq. (13): I_n = ∫ x^n Δf(x) dx with Δf(x) = f(x) - θ(-x).

    Zero for even `n` (Δf is odd); for odd `n`,
    I_n = (2π kT)^(n+1) (1 - 2^-n) |B_(n+1)| / (n + 1). `n` is a static non-negative
    integer; the result has units [energy]^(n+1).
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"`n` must be a non-negative int, got {n!r}")
    n = int(n)
    kT = check_nonnegative("kT", kT)
    if n % 2 == 0:
        return jnp.zeros_like(kT)
    coeff = (1 - Fraction(1, 2**n)) * abs(_bernoulli(n + 1)) / (n + 1)
    return float(coeff) * (2.0 * jnp.pi * kT) ** (n + 1)
