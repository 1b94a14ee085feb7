"""Temperature of a heat-conducting sheet around a QPC (DESIGN.md §4 Thermometry).

In a 2DEG whose phonons conduct heat and leak it to the substrate (conductance g per
area), an areal heating density q raises the temperature by ΔT = (K ∗ q)/g with the
unit-area sheet kernel

    K(r) = K_0(r/λ)/(2πλ²)     (λ: healing length, K_0: modified Bessel function).

A scanning thermometer's radial profile is the azimuthal average of its map at distance ρ
from the QPC. The kernel is rotation invariant, so this is the temperature of the
azimuthally averaged source q(r) = p(r)/(2πr), where p(r) is the power per unit distance
from the QPC (QPC Eq. 25, `jaxdiss.radial_power_density`). Graf's addition theorem,
∫_0^{2π} K_0(|X − Y|/λ) dθ = 2π I_0(r_</λ) K_0(r_>/λ), reduces the 2D convolution to

    g ΔT(ρ) = (1/(2πλ²)) ∫_0^∞ I_0(r_</λ) K_0(r_>/λ) p(r) dr,   r_≶ = min/max(r, ρ),

and a Gaussian tip (std σ per axis) records the radial blur

    F_σ(ρ) = ∫_0^∞ (r/σ²) e^{−(ρ − r)²/(2σ²)} I0e(ρr/σ²) F(r) dr,   I0e(x) = e^{−x} I_0(x).

Bessel products are evaluated exp-scaled, I_0(a)K_0(b) = I0e(a) K0e(b) e^{a − b} (a ≤ b),
so nothing overflows. All lengths (r, ρ, λ, σ) are in one unit of the caller's choice.
"""

from __future__ import annotations

import math
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import i0e, i1e
from jaxtyping import Array

from .._checks import check_nonnegative, check_positive, check_static_int, is_concrete
from ..quad import gauss_legendre, graded_edges, pairwise_sum

__all__ = ["sheet_kernel", "sheet_temperature"]

# K_0e, K_1e (jax.scipy.special has i0e and i1e but no K_ν). For x ≤ 2 the
# ascending series (A&S 9.6.13, 9.6.11) in y = x²/4 with 16 terms; for x > 2 a Chebyshev
# expansion of √x K_νe(x) in s = 4/x − 1 ∈ (−1, 1] (coefficients interpolated with mpmath
# at 40 digits; they decay geometrically, the 24th is 2e-17). Relative error ≤ 5e-15 on
# 1e-14 ≤ x ≤ 1e10 against scipy.special.k0e/k1e (tested).
_SPLIT = 2.0
_EULER = 0.5772156649015329
_SERIES_TERMS = 16
_FACT = [math.factorial(k) for k in range(_SERIES_TERMS + 2)]
_HARMONIC = [math.fsum(1.0 / j for j in range(1, k + 1)) for k in range(_SERIES_TERMS + 2)]
_I0_SERIES = tuple(1.0 / _FACT[k] ** 2 for k in range(_SERIES_TERMS))  # I_0(x) = Σ a_k y^k
_K0_SERIES = tuple(_HARMONIC[k] / _FACT[k] ** 2 for k in range(1, _SERIES_TERMS))
_I1_SERIES = tuple(1.0 / (_FACT[k] * _FACT[k + 1]) for k in range(_SERIES_TERMS))  # I_1/(x/2)
# ψ(k + 1) + ψ(k + 2) = H_k + H_{k+1} − 2γ
_K1_SERIES = tuple((_HARMONIC[k] + _HARMONIC[k + 1] - 2.0 * _EULER)
                   / (_FACT[k] * _FACT[k + 1]) for k in range(_SERIES_TERMS))
_K0E_CHEB = (
    1.2201515410329777, -0.0314481013119645, 0.0015698838857300533,
    -0.00012849549581627802, 1.39498137188765e-05, -1.8317555227191195e-06,
    2.766813639445015e-07, -4.660489897687948e-08, 8.574034017414225e-09,
    -1.6975345093890614e-09, 3.5773972814003283e-10, -7.957489244477396e-11,
    1.8559491149549264e-11, -4.514597883374519e-12, 1.1403405882073441e-12,
    -2.9800969231481784e-13, 8.032890775068375e-14, -2.2275133267462965e-14,
    6.340076476276646e-15, -1.848593377920907e-15, 5.5120559994043335e-16,
    -1.6782311257549006e-16, 5.2103917776435543e-17, -1.6475805939842632e-17,
)
_K1E_CHEB = (
    1.3603130952422213, 0.10392373657681724, -0.002857816859622779,
    0.00019521551847135162, -1.936197974166083e-05, 2.406484947837217e-06,
    -3.5019606030878126e-07, 5.7410841254500495e-08, -1.0345762465678097e-08,
    2.0150497551970347e-09, -4.1903547593419254e-10, 9.218315187605315e-11,
    -2.129967838427791e-11, 5.139639673482343e-12, -1.2891739609498229e-12,
    3.348419666052243e-13, -8.976705182010146e-14, 2.4771544242195988e-14,
    -7.0198370892147685e-15, 2.038703166239861e-15, -6.057047270643018e-16,
    1.8380935752430455e-16, -5.689462849193648e-17, 1.7940510478863572e-17,
)

_LOG_FLOOR = 1e-6  # the log-uniform panels start at max(r_min, _LOG_FLOOR · r_max)
_MIN_FRACTION = 1e-9  # innermost ladder offset around ρ = 0, relative to r_max − r_min
_BLUR_REACH = 9.0  # the blur integral covers |r − ρ| ≤ 9σ (Gaussian tail e^{−40.5})


def _horner(coefficients, y):
    out = jnp.full_like(y, coefficients[-1])
    for c in coefficients[-2::-1]:
        out = out * y + c
    return out


def _clenshaw(coefficients, s):
    """Σ c_j T_j(s)."""
    b1 = jnp.zeros_like(s)
    b2 = jnp.zeros_like(s)
    for c in coefficients[:0:-1]:
        b1, b2 = 2.0 * s * b1 - b2 + c, b1
    return s * b1 - b2 + coefficients[0]


def _bessel_ke(nu: int, x):
    """K_νe(x) = e^x K_ν(x), ν ∈ {0, 1}, x > 0: series below _SPLIT, Chebyshev above (both
    branches evaluated at clamped arguments so that `where` stays NaN-free)."""
    x = jnp.asarray(x, dtype=float)
    small = jnp.minimum(x, _SPLIT)
    large = jnp.maximum(x, _SPLIT)
    y = 0.25 * small * small
    log_half = jnp.log(0.5 * small)
    if nu == 0:
        series = (-(log_half + _EULER) * _horner(_I0_SERIES, y)
                  + y * _horner(_K0_SERIES, y))
        cheb = _K0E_CHEB
    else:
        series = (1.0 / small + log_half * 0.5 * small * _horner(_I1_SERIES, y)
                  - 0.25 * small * _horner(_K1_SERIES, y))
        cheb = _K1E_CHEB
    asymptotic = _clenshaw(cheb, 4.0 / large - 1.0) * jax.lax.rsqrt(large)
    return jnp.where(x <= _SPLIT, series * jnp.exp(small), asymptotic)


@jax.custom_jvp
def _k0e(x):
    """e^x K_0(x) for x > 0 (relative error ≤ 5e-15 for 1e-14 ≤ x ≤ 1e10)."""
    return _bessel_ke(0, x)


@jax.custom_jvp
def _k1e(x):
    """e^x K_1(x) for x > 0 (relative error ≤ 5e-15 for 1e-14 ≤ x ≤ 1e10)."""
    return _bessel_ke(1, x)


@_k0e.defjvp
def _k0e_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    k0, k1 = _k0e(x), _k1e(x)
    return k0, (k0 - k1) * dx  # K_0' = −K_1


@_k1e.defjvp
def _k1e_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    k0, k1 = _k0e(x), _k1e(x)
    return k1, (k1 - k0 - k1 / x) * dx  # K_1' = −K_0 − K_1/x


@jax.custom_jvp
def _i0e(x):
    """e^{−x} I_0(x) for x ≥ 0 with the right derivative I1e − I0e at x = 0 (jax's i0e is
    even in x and gives 0 there, which would make d/dρ of I0e(ρ/λ) e^{ρ/λ} wrong at ρ = 0)."""
    return i0e(x)


@_i0e.defjvp
def _i0e_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    value = i0e(x)
    return value, (i1e(x) - value) * dx


def sheet_kernel(r, healing):
    """K(r) = K_0(r/λ)/(2πλ²) (1/length²) for r > 0, λ = `healing`: the unit-area
    temperature response (× g) of a heat-conducting sheet to a point source."""
    x = r / healing
    return _k0e(x) * jnp.exp(-x) / (2.0 * jnp.pi * healing**2)


def _graf_kernel(r, rho, healing):
    """I_0(r_</λ) K_0(r_>/λ), exp-scaled (r ≠ ρ, r > 0)."""
    a = jnp.minimum(r, rho) / healing
    b = jnp.maximum(r, rho) / healing
    return _i0e(a) * _k0e(b) * jnp.exp(a - b)


def _log_edges(r_min, r_max, panels: int):
    """Edges uniform in log r from max(r_min, _LOG_FLOOR · r_max) to r_max."""
    lo = jnp.maximum(r_min, _LOG_FLOOR * r_max)
    return lo * (r_max / lo) ** jnp.linspace(0.0, 1.0, panels + 1)


def _profile(power, rho, healing, r_min, r_max, log_edges, order: int, levels: int):
    """g ΔT at radii `rho` (any shape): per point, Gauss–Legendre panels on [r_min, r_max]
    with edges at `log_edges` and a geometric ladder around ρ (ρ is an edge: the kink of
    I_0(r_<)K_0(r_>) lies between panels, and the kernel's decay on the scale min(λ, ρ)
    away from it is resolved)."""
    x, w = gauss_legendre(order)

    def grid(p):
        scale = jnp.minimum(healing, p)
        edges = graded_edges(r_min, r_max, breakpoints=log_edges, centers=p[None],
                             scales=scale[None], levels=levels, min_fraction=_MIN_FRACTION)
        half = 0.5 * (edges[1:] - edges[:-1])
        mid = 0.5 * (edges[1:] + edges[:-1])
        return (mid[:, None] + half[:, None] * x).ravel(), (half[:, None] * w).ravel()

    flat = jnp.ravel(rho)
    nodes, weights = jax.vmap(grid)(flat)
    # Empty panels (clipped or coinciding edges) keep their nodes: their weights are zero
    # but not their derivatives, which carry the motion of the edge between tied panels.
    # Only nodes at r = 0 (empty panels at r_min = 0, where p = 2πr q vanishes) are dropped,
    # evaluated at a safe point so that K_0(0) = ∞ cannot turn into a NaN.
    origin = nodes <= 0.0
    nodes = jnp.where(origin, 0.5 * (r_min + r_max), nodes)
    p = jnp.reshape(power(nodes.ravel()), nodes.shape)
    values = jnp.where(origin, 0.0, weights * _graf_kernel(nodes, flat[:, None], healing) * p)
    return jnp.reshape(pairwise_sum(values), jnp.shape(rho)) / (2.0 * jnp.pi * healing**2)


def _blur(profile, rho, sigma, order: int, panels: int):
    """Radial Gaussian blur of `profile` (a function of radii) at `rho`, by Gauss–Legendre
    panels on [max(0, ρ − 9σ), ρ + 9σ]."""
    x, w = gauss_legendre(order)
    flat = jnp.ravel(rho)
    lo = jnp.where(flat > _BLUR_REACH * sigma, flat - _BLUR_REACH * sigma, 0.0)
    hi = flat + _BLUR_REACH * sigma
    t = jnp.linspace(0.0, 1.0, panels + 1)
    edges = lo[:, None] + (hi - lo)[:, None] * t
    half = 0.5 * (edges[:, 1:] - edges[:, :-1])
    mid = 0.5 * (edges[:, 1:] + edges[:, :-1])
    nodes = (mid[..., None] + half[..., None] * x).reshape(flat.shape[0], -1)
    weights = (half[..., None] * w).reshape(flat.shape[0], -1)
    z = flat[:, None] / sigma
    u = nodes / sigma
    kernel = u * jnp.exp(-0.5 * (z - u) ** 2) * _i0e(z * u) / sigma
    values = weights * kernel * profile(nodes)
    return jnp.reshape(pairwise_sum(values), jnp.shape(rho))


def sheet_temperature(
    power: Callable[[Array], Array],
    rho,
    healing,
    sigma=None,
    *,
    r_min,
    r_max,
    order: int = 12,
    panels: int = 20,
    levels: int = 6,
    blur_panels: int = 6,
) -> Array:
    """Azimuthally averaged temperature rise times g, g ΔT(ρ) = (K ∗ q)(ρ), of a sheet.

    Units: power per length² (the units of `power` per length); divide by g, or fit an
    amplitude. Equations: module docstring (DESIGN.md §4 Thermometry; QPC Eq. 25 for p).

    Args:
        power: p(r), power per unit distance from the source (integrated over angle),
            a vectorised JAX callable called with a 1-D array of radii in [r_min, r_max];
            e.g. ``lambda r: jaxdiss.radial_power_density(T, r, mubar, bias, kT, a)``.
            Parameters it closes over (bias, a, ...) can be differentiated.
        rho: observation radii ρ ≥ 0 (any shape; the result has the same shape).
        healing: healing length λ > 0.
        sigma: tip resolution σ (std per axis); None or 0 for no blur. A traced σ must be
            positive.
        r_min, r_max: support of p (0 ≤ r_min < r_max; p is taken as zero outside).
            Choose them to enclose where p is non-negligible, and r_max ≥ max(ρ) + 9σ +
            ~35λ for sources with slowly decaying tails (the kernel falls as e^{−r/λ};
            the QPC's p(r) ∝ r^{−2} at large r). For the QPC p(r) vanishes exponentially
            below the distance l(μ_L + ~40 kT) (``jaxdiss.inelastic_length``), a fraction of
            the hot-spot distance r* (``jaxdiss.hot_spot_distance``).
        order: Gauss–Legendre nodes per panel.
        panels: panels uniform in log r between max(r_min, 1e-6 r_max) and r_max; they
            must resolve p's structure (ratio (r_max/r_min)^{1/panels} per panel).
        levels: geometric ladder edges on each side of ρ, from min(λ, ρ)/2 out to
            r_max − r_min (resolve the kernel's decay and its logarithm near r = ρ).
        blur_panels: uniform panels across the 18σ blur window; each should span no more
            than a few λ or a few widths of p's features.

    The defaults give ≈ 1e-12 relative accuracy for the QPC source (λ = 5–50 w, σ = 2–20 w)
    and ≤ 1e-14 for smooth sources (tests). Cost: p is evaluated at len(rho) · (panels +
    2 levels + 3) · order radii, times blur_panels · order with a blur. Wrap calls in
    ``jax.jit``; everything is jit-, vmap- and grad-able (with respect to rho, healing,
    sigma and parameters closed over by p).
    """
    order = check_static_int("order", order, 1)
    panels = check_static_int("panels", panels, 1)
    levels = check_static_int("levels", levels, 1)
    blur_panels = check_static_int("blur_panels", blur_panels, 1)
    if not callable(power):
        raise ValueError(f"`power` must be a callable p(r), got {power!r}")
    for name, value in (("healing", healing), ("r_min", r_min), ("r_max", r_max)):
        if jnp.ndim(value):
            raise ValueError(f"`{name}` must be a scalar, got shape {jnp.shape(value)}; "
                             "map with jax.vmap")
    # on the raw arguments: inside jit even Python floats come back from the checks traced
    if is_concrete(r_min) and is_concrete(r_max) and not float(r_min) < float(r_max):
        raise ValueError(f"`r_max` must exceed `r_min`, got r_min={float(r_min)!r}, "
                         f"r_max={float(r_max)!r}")
    rho = check_nonnegative("rho", rho)
    healing = check_positive("healing", healing)
    r_min = check_nonnegative("r_min", r_min)
    r_max = check_positive("r_max", r_max)
    log_edges = _log_edges(r_min, r_max, panels)

    def profile(radii):
        return _profile(power, radii, healing, r_min, r_max, log_edges, order, levels)

    if sigma is None or (is_concrete(sigma) and np.all(np.asarray(sigma) == 0.0)):
        return profile(rho)
    if jnp.ndim(sigma):
        raise ValueError(f"`sigma` must be a scalar, got shape {jnp.shape(sigma)}")
    sigma = check_positive("sigma", sigma)
    return _blur(profile, rho, sigma, order, blur_panels)
