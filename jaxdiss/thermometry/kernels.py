"""Thermal kernels of a heat-conducting wire and of a Gaussian tip (DESIGN.md §4 Thermometry).

Along a wire whose phonons conduct heat (κA) and leak it to the substrate (g per length),
a heating power P(x) per length raises the temperature by ΔT = (K_λ ∗ P)/g with

    K_λ(x) = e^{−|x|/λ}/(2λ),    λ = √(κA/g) (healing length),

the Green's function of −κA ΔT'' + g ΔT = P; a tip thermometer of Gaussian resolution σ
records K_σ ∗ ΔT with K_σ(x) = e^{−x²/(2σ²)}/(σ√(2π)). Both kernels have unit area.

Heating profiles around a scatterer are sums of one-sided exponentials (the eigenmodes of
the BW solution, `jaxdiss.WireSolution.heating_modes`), and the uniform Joule heating is
the sum of two one-sided steps. The response of K_σ ∗ K_λ to a one-sided exponential
θ(y) e^{−y/L} has a closed form (`exponential_response`), so the recorded profile of such a
source is exact, with no quadrature across the step of P at the scatterer.

All lengths (x, L, λ, σ) are in one unit of the caller's choice (e.g. nm).
"""

from __future__ import annotations

import jax.numpy as jnp
from jax.scipy.special import erfcx, ndtr

__all__ = ["wire_kernel", "tip_kernel", "exponential_response"]

_MIDPOINT = 1e-5  # relative |1/λ − 1/L| below which the divided difference uses E'(midpoint)
_SQRT2 = 1.4142135623730951
_SQRT2PI = 2.5066282746310002


def wire_kernel(x, healing):
    """K_λ(x) = e^{−|x|/λ}/(2λ) (1/length): unit-area temperature response of a wire with
    healing length λ = `healing` to a point source."""
    return jnp.exp(-jnp.abs(x) / healing) / (2.0 * healing)


def tip_kernel(x, sigma):
    """K_σ(x) = e^{−x²/(2σ²)}/(σ√(2π)) (1/length): unit-area Gaussian tip resolution."""
    return jnp.exp(-0.5 * (x / sigma) ** 2) / (sigma * _SQRT2PI)


def _blurred_exponential(x, c, sigma):
    """E(x; c) = (K_σ ∗ θ(y)e^{−cy})(x) = e^{−cx + c²σ²/2} Φ((x − cσ²)/σ) for c ≥ 0.

    Overflow-free: for z = (cσ² − x)/(σ√2) > 0 it equals ½ e^{−x²/(2σ²)} erfcx(z); otherwise
    the exponent −cx + c²σ²/2 ≤ −c²σ²/2 ≤ 0. Both branches are evaluated at clamped,
    finite arguments so that `where` passes clean derivatives."""
    z = (c * sigma**2 - x) / (sigma * _SQRT2)
    tail = 0.5 * jnp.exp(-0.5 * (x / sigma) ** 2) * erfcx(jnp.maximum(z, 0.0))
    exponent = jnp.minimum(-c * x + 0.5 * (c * sigma) ** 2, 0.0)
    body = jnp.exp(exponent) * ndtr(-_SQRT2 * jnp.minimum(z, 0.0))
    return jnp.where(z > 0.0, tail, body)


def _blurred_exponential_dc(x, c, sigma):
    """∂E/∂c = (cσ² − x) E(x; c) − σ φ(x/σ)."""
    return ((c * sigma**2 - x) * _blurred_exponential(x, c, sigma)
            - sigma * jnp.exp(-0.5 * (x / sigma) ** 2) / _SQRT2PI)


def exponential_response(x, length, healing, sigma):
    """(K_σ ∗ K_λ ∗ s)(x) for the one-sided source s(y) = θ(y) e^{−y/L} (dimensionless
    per unit source amplitude; multiply by the source's amplitude, per length).

    `length` L > 0 (or `jnp.inf` for the step θ(y)), `healing` λ > 0, `sigma` σ > 0, all
    in one length unit; broadcasts. With a = 1/λ, b = 1/L and E(x; c) the Gaussian blur of
    θ(y)e^{−cy},

        R(x) = (a/2) [ (E(x; b) − E(x; a))/(a − b) + (E(x; b) + E(−x; a))/(a + b) ],

    from K_λ ∗ s = (a/2)[θ(x)(e^{−bx} − e^{−ax})/(a − b) + θ(x)e^{−bx}/(a + b)
    + θ(−x)e^{ax}/(a + b)]. For |a − b| < 1e-5 (a + b) the divided difference is taken at
    the midpoint, −∂E/∂c((a + b)/2) (error ≲ 1e-11 relative); the mirror image
    θ(−y)e^{y/L} responds as R(−x)."""
    a = 1.0 / healing
    b = 1.0 / length
    close = jnp.abs(a - b) < _MIDPOINT * (a + b)
    gap = jnp.where(close, 1.0, a - b)
    divided = jnp.where(
        close,
        -_blurred_exponential_dc(x, 0.5 * (a + b), sigma),
        (_blurred_exponential(x, b, sigma) - _blurred_exponential(x, a, sigma)) / gap)
    return 0.5 * a * (divided + (_blurred_exponential(x, b, sigma)
                                 + _blurred_exponential(-x, a, sigma)) / (a + b))
