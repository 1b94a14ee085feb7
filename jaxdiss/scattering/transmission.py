"""Transmission functions T(E): equinox Modules, vectorised over E, differentiable in E
and in every float field.

Each transmission may tell the quadrature where it is not smooth
(`quadrature_hints`): plain breakpoints, and features (centre, scale) around which panels
are graded — scale 0 for a kink, the width for a peak. Any jnp-traceable callable works as
a transmission in every model; one without hints is integrated on the Fermi-window panels
alone.
"""

from __future__ import annotations

import abc
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from .._checks import check_finite, check_positive, is_concrete

__all__ = [
    "AbstractTransmission",
    "QuadratureHints",
    "quadrature_hints",
    "derivative",
    "Lorentzian",
    "BreitWigner",
    "Tabulated",
]


class QuadratureHints(NamedTuple):
    """Where a transmission is not smooth. Arrays of static length.

    `breakpoints`: plain panel edges; `centers`, `scales`: graded ladders (scale 0 = kink);
    `lower`: T vanishes identically below this energy (-inf if not).
    """

    breakpoints: Array
    centers: Array
    scales: Array
    lower: Array


def _empty():
    return jnp.zeros((0,))


class AbstractTransmission(eqx.Module):
    """Base class: ``T(E)`` returns the (total) transmission, broadcasting over `E`."""

    @abc.abstractmethod
    def __call__(self, E):
        raise NotImplementedError

    def quadrature_hints(self) -> QuadratureHints:
        return QuadratureHints(_empty(), _empty(), _empty(), jnp.asarray(-jnp.inf))


def quadrature_hints(T) -> QuadratureHints:
    """The hints of `T` if it declares them, otherwise empty hints."""
    if isinstance(T, AbstractTransmission):
        return T.quadrature_hints()
    return AbstractTransmission.quadrature_hints(None)  # type: ignore[arg-type]


def derivative(T, E, n: int = 1):
    """n-th energy derivative T^(n)(E) by nested forward-mode autodiff, vectorised over `E`.

    `n` is a static non-negative int (0 returns T itself). Forward mode (``jax.jvp``) is
    the natural choice for a scalar function of one variable and compiles faster than
    nested ``jax.grad``."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"`n` must be a non-negative int, got {n!r}")

    def scalar(e):
        return jnp.asarray(T(e)).reshape(())

    def d(f):
        return lambda e: jax.jvp(f, (e,), (jnp.ones_like(e),))[1]

    f = scalar
    for _ in range(n):
        f = d(f)
    E = jnp.asarray(E, dtype=float)
    return jnp.vectorize(f)(E)


class _Resonance(AbstractTransmission):
    """A single resonance at ε0 with half width γ > 0 (shared fields and hints)."""

    eps0: Float[Array, ""]
    gamma: Float[Array, ""]

    def __init__(self, eps0, gamma):
        self.eps0 = check_finite("eps0", eps0)
        self.gamma = check_positive("gamma", gamma)

    def quadrature_hints(self) -> QuadratureHints:
        return QuadratureHints(
            _empty(), self.eps0[None], self.gamma[None], jnp.asarray(-jnp.inf)
        )


class Lorentzian(_Resonance):
    """T(E) = γ²/((E - ε0)² + γ²): a single resonance of half width γ (> 0)."""

    def __call__(self, E):
        return self.gamma**2 / ((jnp.asarray(E) - self.eps0) ** 2 + self.gamma**2)


class BreitWigner(_Resonance):
    """Breit–Wigner resonance: amplitude t(E) = -iγ/(E - ε0 + iγ), T = |t|² (a Lorentzian)."""

    def amplitude(self, E):
        """Complex transmission amplitude t(E)."""
        return -1j * self.gamma / (jnp.asarray(E) - self.eps0 + 1j * self.gamma)

    def __call__(self, E):
        return jnp.abs(self.amplitude(E)) ** 2


class Tabulated(AbstractTransmission):
    """Transmission interpolated from a table: shape-preserving piecewise cubic (PCHIP).

    PCHIP (Fritsch–Carlson slopes, with scipy's end conditions) is C¹, never overshoots
    the data between knots, so values in [0, n_channels] stay in that range, and it is
    differentiable in E and in `values`. Outside the table T is held at its end values.
    `energies` must be strictly increasing; `values` in [0, n_channels] (the total
    transmission of n_channels channels, e.g. a Kwant result).
    """

    energies: Float[Array, " n"]
    values: Float[Array, " n"]
    n_channels: int = eqx.field(static=True)

    def __init__(self, energies, values, n_channels: int = 1):
        if (
            not isinstance(n_channels, (int, np.integer))
            or isinstance(n_channels, bool)
            or n_channels < 1
        ):
            raise ValueError(f"`n_channels` must be a positive int, got {n_channels!r}")
        energies = check_finite("energies", energies)
        values = check_finite("values", values)
        if energies.ndim != 1 or energies.shape != values.shape:
            raise ValueError(
                "`energies` and `values` must be 1-D arrays of equal length, got shapes "
                f"{energies.shape} and {values.shape}"
            )
        if energies.shape[0] < 2:
            raise ValueError("`energies` must hold at least two points")
        if is_concrete(energies):
            if np.any(np.diff(np.asarray(energies)) <= 0):
                raise ValueError("`energies` must be strictly increasing")
        else:
            energies = eqx.error_if(
                energies, jnp.any(jnp.diff(energies) <= 0), "`energies` must be strictly increasing"
            )
        if is_concrete(values):
            v = np.asarray(values)
            if np.any((v < 0) | (v > n_channels)):
                raise ValueError(
                    f"`values` must lie in [0, n_channels={n_channels}], got range "
                    f"[{v.min()}, {v.max()}]"
                )
        else:
            values = eqx.error_if(
                values,
                jnp.any((values < 0) | (values > n_channels)),
                f"`values` must lie in [0, n_channels={n_channels}]",
            )
        self.energies = energies
        self.values = values
        self.n_channels = int(n_channels)

    def _slopes(self):
        x, y = self.energies, self.values
        h = jnp.diff(x)
        delta = jnp.diff(y) / h
        d0, d1 = delta[:-1], delta[1:]
        w1 = 2.0 * h[1:] + h[:-1]
        w2 = h[1:] + 2.0 * h[:-1]
        # same strict sign (scipy's test; a product d0·d1 could underflow to 0)
        same = (jnp.sign(d0) == jnp.sign(d1)) & (d0 != 0)
        d0s = jnp.where(same, d0, 1.0)
        d1s = jnp.where(same, d1, 1.0)
        inner = jnp.where(same, (w1 + w2) / (w1 / d0s + w2 / d1s), 0.0)
        if x.shape[0] == 2:
            return jnp.stack([delta[0], delta[0]])
        first = _edge_slope(h[0], h[1], delta[0], delta[1])
        last = _edge_slope(h[-1], h[-2], delta[-1], delta[-2])
        return jnp.concatenate([first[None], inner, last[None]])

    def __call__(self, E):
        x, y = self.energies, self.values
        d = self._slopes()
        E = jnp.asarray(E, dtype=float)
        # constant extrapolation; `where` (not clip) keeps the full one-sided slope as the
        # derivative at the end knots
        E = jnp.where(E < x[0], x[0], jnp.where(E > x[-1], x[-1], E))
        i = jnp.clip(jnp.searchsorted(x, E, side="right") - 1, 0, x.shape[0] - 2)
        y0, y1 = y[i], y[i + 1]
        h = x[i + 1] - x[i]
        t = (E - x[i]) / h
        t2, t3 = t * t, t * t * t
        h10 = t3 - 2 * t2 + t
        h01 = -2 * t3 + 3 * t2
        h11 = t3 - t2
        # cubic Hermite, written so that a flat interval (y0 = y1, zero slopes) is exact
        value = y0 + (y1 - y0) * h01 + h * (h10 * d[i] + h11 * d[i + 1])
        # PCHIP is monotone on each interval: clamp rounding excursions (≈1 ulp) to
        # [min(y0, y1), max(y0, y1)] in value only, keeping the polynomial's gradient
        clamped = jnp.clip(value, jnp.minimum(y0, y1), jnp.maximum(y0, y1))
        return value + jax.lax.stop_gradient(clamped - value)

    def quadrature_hints(self) -> QuadratureHints:
        return QuadratureHints(self.energies, _empty(), _empty(), jnp.asarray(-jnp.inf))


def _edge_slope(h0, h1, m0, m1):
    """Three-point end slope with the shape-preserving limits of scipy's PCHIP."""
    d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    d = jnp.where(jnp.sign(d) != jnp.sign(m0), 0.0, d)
    clip = (jnp.sign(m0) != jnp.sign(m1)) & (jnp.abs(d) > jnp.abs(3.0 * m0))
    return jnp.where(clip, 3.0 * m0, d)
