"""Composite Gauss–Legendre quadrature on graded panels, with static sizes.

An integral over an energy window is split into panels whose edges are

* the window ends,
* plain breakpoints (kinks of the integrand, knots of a table),
* *ladders* around features: a centre ``c`` with a scale ``s`` gets edges at
  ``c ± d_j`` with ``d_j`` geometric from ``max(s/2, min_fraction·reach)`` up to the reach
  (the window width). A smooth peak of width ``s`` (a Fermi edge with s = kT, a
  Lorentzian with s = Γ) is then resolved at every distance, and a kink (``s = 0``) gets
  panels shrinking geometrically towards it (hp-refinement).
* uniform subdivisions of a core interval.

Every panel carries the same fixed Gauss–Legendre rule, so the number of nodes depends only
on static counts and the whole construction works under ``jit``, ``vmap`` and ``grad``.
Edges that fall outside the window are clipped onto its ends and give empty panels of
zero weight.
"""

from __future__ import annotations

from functools import lru_cache

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

__all__ = ["EnergyGrid", "gauss_legendre", "panel_grid", "graded_edges", "integrate"]


@lru_cache(maxsize=None)
def gauss_legendre(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [-1, 1] (float64 NumPy arrays)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"`order` must be a positive int, got {order!r}")
    x, w = np.polynomial.legendre.leggauss(order)
    return x, w


class EnergyGrid(eqx.Module):
    """Quadrature nodes and weights: ∫ g(E) dE ≈ Σ weights · g(nodes)."""

    nodes: Float[Array, " n"]
    weights: Float[Array, " n"]

    def integrate(self, values, axis: int = -1):
        """Weighted sum of `values` (sampled at `nodes` along `axis`)."""
        values = jnp.moveaxis(jnp.asarray(values), axis, -1)
        return jnp.sum(values * self.weights, axis=-1)

    @property
    def size(self) -> int:
        return self.nodes.shape[-1]


def panel_grid(edges, order: int = 16) -> EnergyGrid:
    """Composite Gauss–Legendre rule on the panels between consecutive sorted `edges`."""
    x, w = gauss_legendre(order)
    edges = jnp.asarray(edges, dtype=float)
    a, b = edges[:-1], edges[1:]
    half = 0.5 * (b - a)
    mid = 0.5 * (a + b)
    nodes = mid[:, None] + half[:, None] * x[None, :]
    weights = half[:, None] * w[None, :]
    return EnergyGrid(nodes.reshape(-1), weights.reshape(-1))


def _ladder(centers, scales, reach, levels: int, min_fraction: float):
    centers = jnp.atleast_1d(jnp.asarray(centers, dtype=float))
    scales = jnp.broadcast_to(jnp.asarray(scales, dtype=float), centers.shape)
    if centers.size == 0 or levels == 0:
        return centers
    reach = jnp.maximum(reach, jnp.finfo(float).tiny)
    inner = jnp.clip(0.5 * scales, min_fraction * reach, reach)
    frac = jnp.linspace(0.0, 1.0, levels)
    # geometric interpolation between `inner` and `reach` (equal when scale >= 2 reach)
    offsets = inner[:, None] * (reach / inner[:, None]) ** frac[None, :]
    return jnp.concatenate(
        [centers, (centers[:, None] - offsets).ravel(), (centers[:, None] + offsets).ravel()]
    )


def graded_edges(
    lo,
    hi,
    *,
    breakpoints=None,
    centers=None,
    scales=None,
    subdivide=None,
    levels: int = 8,
    min_fraction: float = 1e-6,
):
    """Sorted panel edges on [lo, hi] (static length; see the module docstring).

    `breakpoints`: plain edges. `centers`, `scales`: ladders (scale 0 marks a kink).
    `subdivide`: optional ``(a, b, n)`` adding the n - 1 interior points of a uniform
    split of [a, b]. Everything is clipped to [lo, hi].
    """
    lo = jnp.asarray(lo, dtype=float)
    hi = jnp.maximum(jnp.asarray(hi, dtype=float), lo)
    parts = [lo[None], hi[None]]
    if breakpoints is not None:
        parts.append(jnp.atleast_1d(jnp.asarray(breakpoints, dtype=float)))
    if centers is not None:
        parts.append(_ladder(centers, scales, hi - lo, levels, min_fraction))
    if subdivide is not None:
        a, b, n = subdivide
        t = jnp.linspace(0.0, 1.0, n + 1)[1:-1]
        parts.append(jnp.asarray(a, dtype=float) + t * (jnp.asarray(b, dtype=float) - a))
    edges = jnp.concatenate([jnp.ravel(p) for p in parts])
    return jnp.sort(jnp.clip(edges, lo, hi))


def integrate(fn, lo, hi, *, order: int = 16, **edge_options):
    """∫_lo^hi fn(E) dE on graded panels; `fn` is vectorised over E (trailing axis).

    Keyword arguments are those of `graded_edges`.
    """
    grid = panel_grid(graded_edges(lo, hi, **edge_options), order)
    return grid.integrate(fn(grid.nodes))
