"""Injectivities of the DI diode: partial local densities of states (DI Eq. 6).

For the conductor of `jaxdiss.scattering.smatrix.diode_smatrix` (parameters from a
`ThermalDiode` or any object with eps1, eps3, gamma1, gamma3, coupling, cavity_energy):

    ν_jα(E, U) = (i/4π) Σ_k [S*_kj ∂S_kj/∂U_α − ∂S*_kj/∂U_α S_kj]
               = −(1/2π) Σ_k Im(S*_kj ∂S_kj/∂U_α),

summed over the channels of terminal j ∈ (L, R, p) (the probe's channels p1, p2 add), for
the regions α = 1, 2, 3 whose band bottoms are U = (U₁, U₂, U₃). ∂S/∂U comes from
`jax.jacfwd` (exact). Per spin, in 1/[energy] of the user's unit (h = 1; no further 2π).
Sign: ν ≥ 0 as a density of states; for a Breit–Wigner barrier Σ_j ν_j1 =
Γ/(π((E − ε − U₁)² + Γ²)), one state per spin. Since S depends on E − U everywhere,
Σ_α ∂S/∂U_α = −∂S/∂E (tested sum rule).

These are the inputs of the screening self-consistency (DI Eqs. 5 and 7: charges from
injectivities, potentials from the capacitance relation), which is not implemented yet.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ._checks import check_finite
from .scattering.smatrix import DIODE_CHANNEL_TERMINALS, diode_smatrix

__all__ = ["smatrix_injectivities", "injectivities", "region_dos"]

_TERMINALS = ("L", "R", "p")


def _params(dev):
    return tuple(jnp.asarray(getattr(dev, n), dtype=float)
                 for n in ("eps1", "eps3", "gamma1", "gamma3", "coupling", "cavity_energy"))


def smatrix_injectivities(smatrix_fn, E, potentials, channel_terminals, terminals=None):
    """Injectivities ν_jα (DI Eq. 6) of any S(E, U): shape E.shape + (terminals, regions).

    `smatrix_fn(E, U)` returns (..., M, M) complex (S_kj: j → k); `potentials` U has shape
    (n_regions,); `channel_terminals` names each channel's terminal (static tuple);
    `terminals` the order of the result (default: order of appearance). Per spin, 1/[energy].
    """
    E = jnp.asarray(E, dtype=float)
    U = jnp.asarray(potentials, dtype=float)
    if terminals is None:
        terminals = tuple(dict.fromkeys(channel_terminals))
    S = smatrix_fn(E, U)
    dS = jax.jacfwd(lambda u: smatrix_fn(E, u))(U)  # (..., M, M, n_regions)
    per_channel = -jnp.sum(jnp.imag(jnp.conj(S)[..., None] * dS), axis=-3) / (2 * jnp.pi)
    groups = [[a for a, c in enumerate(channel_terminals) if c == t] for t in terminals]
    return jnp.stack([sum(per_channel[..., a, :] for a in g) for g in groups], axis=-2)


def injectivities(dev, E, potentials=None, *, probe_position=0.5):
    """ν_jα(E, U) of the DI diode, shape E.shape + (3, 3): terminals (L, R, p) × regions (1, 2, 3).

    `dev`: a `ThermalDiode` or any object with eps1, eps3, gamma1, gamma3, coupling,
    cavity_energy. `potentials` U = (U₁, U₂, U₃), default ``dev.potentials`` (or 0).
    Per spin, in 1/[energy]; ν_p sums the probe's channels p1, p2.
    """
    if potentials is None:
        potentials = getattr(dev, "potentials", jnp.zeros(3))
    U = check_finite("potentials", potentials)
    if U.shape != (3,):
        raise ValueError(f"`potentials` must be (U_1, U_2, U_3), got shape {U.shape}")
    E = check_finite("E", E)
    p = _params(dev)
    return _injectivities(p, E, U, probe_position)


def _smatrix(p, probe_position):
    def fn(E, U):
        return diode_smatrix(E, *p, U, probe_position=probe_position)
    return fn


def _injectivities(p, E, U, probe_position=0.5):
    return smatrix_injectivities(_smatrix(p, probe_position), E, U, DIODE_CHANNEL_TERMINALS,
                                 _TERMINALS)


def region_dos(dev, E, potentials=None, *, probe_position=0.5):
    """D_α = Σ_j ν_jα: local density of states of region α, shape E.shape + (3,), per spin."""
    return jnp.sum(injectivities(dev, E, potentials, probe_position=probe_position), axis=-2)
