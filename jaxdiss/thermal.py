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


def _warm_pair(x, kT):
    """(f, 1 − f) at x = E − μ for kT > 0, both to full relative precision, from one exp.

    Either branch of the `where` is the exact function on its side (the one taken at
    x = 0 included), so derivatives are exact everywhere.
    """
    a = x / kT
    pos = a > 0
    t = jnp.exp(jnp.where(pos, -a, a))  # e^{−|a|}
    inv = 1.0 / (1.0 + t)
    small = t * inv
    return jnp.where(pos, small, inv), jnp.where(pos, inv, small)


def _occupation_pair(x, kT):
    """`_warm_pair` for any kT ≥ 0: kT = 0 gives the step (1/2 at x = 0) and 1 − step."""
    hot = kT > 0
    f, h = _warm_pair(x, jnp.where(hot, kT, 1.0))
    step = jnp.where(x < 0, 1.0, jnp.where(x > 0, 0.0, 0.5))
    return jnp.where(hot, f, step), jnp.where(hot, h, 1.0 - step)


def _pair_window(occ_l, occ_r, d):
    """f_L − f_R from the pairs (f, 1 − f) of both sides and d = a_L − a_R (reduced
    energies (E − μ)/kT, both kT > 0): the product form f_L − f_R = −f_L (1 − f_R) expm1(d),
    written with the sides swapped when d > 0, so no digits are lost."""
    fl, hl = occ_l
    fr, hr = occ_r
    below = d <= 0  # f_L >= f_R
    d_neg = jnp.where(below, d, 0.0)
    d_pos = jnp.where(below, 0.0, d)
    return jnp.where(below, -fl * hr * jnp.expm1(d_neg), fr * hl * jnp.expm1(-d_pos))


def _reduced_gap(xr, dmu, kl, kr):
    """a_L − a_R = (E − μ_L)/kT_L − (E − μ_R)/kT_R from xr = E − μ_R and dmu = μ_R − μ_L,
    formed from the differences (no cancellation at small bias or temperature difference)."""
    return dmu / kl + xr * ((kr - kl) / (kl * kr))


def _window(E, mu_l, mu_r, kT_l, kT_r, occ_l, occ_r):
    """f_L − f_R from the sides' occupation pairs (`_occupation_pair`), any kT ≥ 0: the
    product form when both are warm; otherwise occupations above the middle of the two
    chemical potentials and hole occupations below it."""
    hot = (kT_l > 0) & (kT_r > 0)
    warm = _pair_window(occ_l, occ_r, _reduced_gap(E - mu_r, mu_r - mu_l,
                                                   jnp.where(hot, kT_l, 1.0),
                                                   jnp.where(hot, kT_r, 1.0)))
    cold = jnp.where(E > 0.5 * (mu_l + mu_r), occ_l[0] - occ_r[0], occ_r[1] - occ_l[1])
    return jnp.where(hot, warm, cold)


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
    return _window(E, mu_left, mu_right, kT_left, kT_right,
                   _occupation_pair(E - mu_left, kT_left), _occupation_pair(E - mu_right, kT_right))


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
