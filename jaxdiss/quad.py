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

__all__ = ["EnergyGrid", "pairwise_sum", "gauss_legendre", "panel_grid", "graded_edges", "integrate"]


@lru_cache(maxsize=None)
def gauss_legendre(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [-1, 1] (float64 NumPy arrays)."""
    if not isinstance(order, (int, np.integer)) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`order` must be a positive int, got {order!r}")
    x, w = np.polynomial.legendre.leggauss(int(order))
    return x, w


def pairwise_sum(values):
    """Sum over the last axis in a fixed binary tree (zero-padded to a power of two).

    Each level adds two contiguous halves elementwise. Floating-point addition of two
    numbers is commutative, so — unlike a reduction, whose order XLA chooses differently
    for a single row and for a batch of rows — the result is bitwise independent of
    vmap/batching, and the rounding error grows only like log2(n).
    """
    values = jnp.asarray(values)
    n = values.shape[-1]
    if n == 0:
        return jnp.zeros(values.shape[:-1], values.dtype)
    m = 1 << (n - 1).bit_length()
    if m != n:
        values = jnp.concatenate([values, jnp.zeros(values.shape[:-1] + (m - n,), values.dtype)], axis=-1)
    while values.shape[-1] > 1:
        half = values.shape[-1] // 2
        values = values[..., :half] + values[..., half:]
    return values[..., 0]


class EnergyGrid(eqx.Module):
    """Quadrature nodes and weights: ∫ g(E) dE ≈ Σ weights · g(nodes)."""

    nodes: Float[Array, " n"]
    weights: Float[Array, " n"]

    def integrate(self, values, axis: int = -1):
        """Weighted sum of `values` (sampled at `nodes` along `axis`).

        Summed by `pairwise_sum`, so the result does not depend on how a computation is
        batched: a vmapped sweep equals the point-by-point loop bit for bit.
        """
        values = jnp.moveaxis(jnp.asarray(values), axis, -1)
        return pairwise_sum(values * self.weights)

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
    # Offsets reach·r^(1-j/(levels-1)), j = 0..levels-1, with r = inner/reach clipped to
    # [min_fraction, 1]: geometric from `inner` up to `reach` (all equal to reach when the
    # scale is >= 2 reach). Written with the ratio so that a zero-width window (reach = 0,
    # e.g. a box window at zero bias) gives zero offsets instead of 0·inf = NaN.
    positive = reach > 0
    reach_safe = jnp.where(positive, reach, 1.0)
    ratio = jnp.clip(0.5 * scales / reach_safe, min_fraction, 1.0)
    frac = jnp.linspace(0.0, 1.0, levels)
    offsets = jnp.where(positive, reach, 0.0) * ratio[:, None] ** (1.0 - frac[None, :])
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
    split of [a, b]. Everything is clipped to [lo, hi]; ``hi < lo`` gives an empty
    window (all edges at `lo`). `levels` (>= 0) and `min_fraction` (in (0, 1]) are static.
    """
    if not isinstance(levels, (int, np.integer)) or isinstance(levels, bool) or levels < 0:
        raise ValueError(f"`levels` must be a non-negative int, got {levels!r}")
    if not 0.0 < float(min_fraction) <= 1.0:
        raise ValueError(f"`min_fraction` must lie in (0, 1], got {min_fraction!r}")
    if centers is not None and scales is None:
        raise ValueError("`scales` must be given with `centers` (0 marks a kink)")
    lo = jnp.asarray(lo, dtype=float)
    hi = jnp.asarray(hi, dtype=float)
    # `where`, not max/clip: those split the gradient 1/2 : 1/2 at ties (e.g. hi == lo).
    hi = jnp.where(hi >= lo, hi, lo)
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
    edges = jnp.where(edges < lo, lo, jnp.where(edges > hi, hi, edges))
    edges = jnp.sort(edges)
    # The outermost edges equal lo and hi in value; set them explicitly so that their
    # tangents are those of lo and hi even when other edges tie with them.
    return edges.at[0].set(lo).at[-1].set(hi)


def integrate(fn, lo, hi, *, order: int = 16, **edge_options):
    """∫_lo^hi fn(E) dE on graded panels; `fn` is vectorised over E (trailing axis).

    Keyword arguments are those of `graded_edges`. Reversed limits (hi < lo) give minus
    the integral over [hi, lo].
    """
    lo = jnp.asarray(lo, dtype=float)
    hi = jnp.asarray(hi, dtype=float)
    forward = hi >= lo
    sign = jnp.where(forward, 1.0, -1.0)
    a, b = jnp.where(forward, lo, hi), jnp.where(forward, hi, lo)
    grid = panel_grid(graded_edges(a, b, **edge_options), order)
    return sign * grid.integrate(fn(grid.nodes))
