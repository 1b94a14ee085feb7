"""Momentum grids of the two half-wires at the scatterer (BW App. B).

Dimensionless units: momenta u = p/p_F, kinetic energies u² (in μ0). Both grids are built
from one uniform midpoint grid in the left momentum, so that every transmitted energy has
one node on each side:

* left: u_i = (i + ½)Δ, i < N, weights Δ, up to the kinetic energy u_max² = μ0 + `tail`·kT;
* right, transmitted branch: u_R = √(u_i² + eV), weights Δ u_i/u_R, so that matched nodes
  carry the same energy weight (w_L p_L = w_R p_R, i.e. dε is the same on both sides);
* right, totally reflected movers with kinetic energy below eV: their own uniform midpoint
  grid of M nodes on [0, √eV]. The cell edge at the threshold √eV is exact on both sides.

Threshold correction: the midpoint rule in the left momentum integrates right-wire functions
g(p_R) with the Jacobian u_L/u_R, which is odd in u_L, so it has the error
(Δ²/24) g(√eV)/√eV at the threshold; the reflected midpoint grid adds −(Δ0²/24) g'(√eV⁻).
Both are O(Δ²) and spoil quantities that compare the two grids (e.g. J_el(−∞) = J_el(+∞),
hence P^s_L + P^s_R = IV, BW Eq. 30). The weights of the last three reflected nodes are
corrected by extrapolating g and g' to the threshold, which cancels both terms; the error
left is O(Δ⁴). (The cancellation is capped when √eV ≲ 2Δ, where the threshold is not
resolved anyway, to keep every weight positive, as the secular equation requires.)

The right grid lists the reflected nodes first, so both grids are sorted. Sizes (N, M) are
static; the nodes move smoothly with kT and eV, so everything is differentiable.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

__all__ = ["Grid", "wire_grids"]

# three-point extrapolation to the threshold from the last reflected nodes, at distances
# (5/2, 3/2, 1/2)·Δ0 below it: g(√eV) ≈ Σ _VALUE·g, Δ0·g'(√eV) ≈ Σ _SLOPE·g
_VALUE = np.array([0.375, -1.25, 1.875])
_SLOPE = np.array([1.0, -3.0, 2.0])


class Grid(eqx.Module):
    """Nodes of one half-wire: `momentum` u = p/p_F and `weight` w (∫dp/h ≈ (p_F/h) Σ w)."""

    momentum: Float[Array, " n"]
    weight: Float[Array, " n"]

    @property
    def energy(self):
        """Kinetic energy u² in μ0."""
        return self.momentum**2

    @property
    def energy_weight(self):
        """dε-weights 2u w (∫dε ≈ μ0 Σ 2u w)."""
        return 2.0 * self.momentum * self.weight


def wire_grids(bias, kT, n_momentum: int, n_reflected: int, tail: float):
    """(left, right) grids for eV = `bias` > 0 and `kT` > 0, both in μ0 (module docstring)."""
    u_max = jnp.sqrt(1.0 + tail * kT)
    step = u_max / n_momentum
    u = (jnp.arange(n_momentum) + 0.5) * step
    left = Grid(u, jnp.full(n_momentum, 1.0) * step)
    u_t = jnp.sqrt(u**2 + bias)
    threshold = jnp.sqrt(bias)
    step0 = threshold / n_reflected
    u0 = (jnp.arange(n_reflected) + 0.5) * step0
    # threshold correction (module docstring); capped so that every weight stays positive
    kink = jnp.minimum(step**2 / (24.0 * threshold), 0.25 * step0)
    w0 = jnp.full(n_reflected, 1.0) * step0
    w0 = w0.at[-3:].add(-kink * _VALUE + (step0 / 24.0) * _SLOPE)
    right = Grid(
        jnp.concatenate([u0, u_t]),
        jnp.concatenate([w0, step * u / u_t]),
    )
    return left, right
