"""Screening in the DI diode: injectivities (DI Eq. 6), region charges (Eq. 7) and the
capacitance relation (Eq. 5).

**Injectivities.** For the conductor of `jaxdiss.scattering.smatrix.diode_smatrix`
(parameters from a `ThermalDiode` or any object with eps1, eps3, gamma1, gamma3, coupling,
cavity_energy):

    ν_jα(E, U) = (i/4π) Σ_k [S*_kj ∂S_kj/∂U_α − ∂S*_kj/∂U_α S_kj]
               = −(1/2π) Σ_k Im(S*_kj ∂S_kj/∂U_α),

summed over the channels of terminal j ∈ (L, R, p) (the probe's channels p1, p2 add), for
the regions α = 1, 2, 3 whose band bottoms are U = (U₁, U₂, U₃). ∂S/∂U is taken by forward
mode (`jax.jvp`, exact). Per spin, in 1/[energy] of the user's unit (h = 1). Sign: ν ≥ 0 as a
density of states; for a Breit–Wigner barrier Σ_j ν_j1 = Γ/(π((E − ε − U₁)² + Γ²)), one state
per spin. Since S depends on E − U everywhere, Σ_α ∂S/∂U_α = −∂S/∂E (tested sum rule).

**Charges.** Q_α = s ∫ dE Σ_j ν_jα(E, U) f_j(E), in electrons (s = 2 for spin). The excess
charge of DI Eq. (7) is δn_α = Q_α(U, {f_j}) − Q_α(U^eq, f_eq). DI Eq. (7) gives no
limits, and the literal integral over the whole band is ill-posed here: the scattering
states exist only above the lead band bottom, so when region 2's band bottom U₂ moves
below it, states of region 2 drop out of the count and δn_2 acquires a √(−U₂) kink at
U₂ = 0 (Newton then cycles). Modelling choice (`jaxdiss.diode`): the deep Fermi sea is
full and shifts rigidly with its region, so it carries no δq. Region α's charge is counted
above a cut that moves with it, from E_c + U_α^neq up: the grid integral from E_c (a
breakpoint) minus a small Gauss–Legendre integral over [E_c, E_c + U_α^neq]. E_c lies deep
in the Fermi sea (≥ 15 kT below μ, clear of region 2's band bottom) midway between two
Fabry–Perot levels of region 2. Tested: at λ = 1 moving the cut changes the currents by
≤ 1e-8 (relative); at λ = 0 by ~3e-5 within one gap between Fabry–Perot levels (the deep
sea of a coherent conductor is not exactly rigid: its weight moves between regions
through the interference phases).

**Capacitance relation.** With electron number δn_α (charge −e δn_α) and band-bottom
energies U_α = −e φ_α, electrostatics gives

    δn_α = Σ_{β≠α} C_αβ (U_α − U_β) + C^g_α U_α     (C in e²/[energy]),

i.e. δn = K U^neq with the Maxwell matrix K = diag(Σ_β C_αβ + C^g_α) − C
(`capacitance_matrix`). This is DI Eq. (5) with the electron charge e < 0 on its right-hand
side; the sign only matters for finite C. C → 0 (the paper's figures) is local charge
neutrality δn_α = 0 in every region.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._checks import check_finite, check_nonnegative, check_spin, is_concrete
from .quad import EnergyGrid
from .scattering.smatrix import _coherent_entries, _diode_entries
from .thermal import _occupation

__all__ = ["smatrix_injectivities", "injectivities", "region_dos", "region_charges",
           "capacitance_matrix"]

_TERMINALS = ("L", "R", "p")
_CHANNEL_TERMINAL = (0, 1, 2, 2)  # terminal index (L, R, p) of the channels (L, R, p1, p2)


def _params(dev):
    return tuple(jnp.asarray(getattr(dev, n), dtype=float)
                 for n in ("eps1", "eps3", "gamma1", "gamma3", "coupling", "cavity_energy"))


def _probe_position(dev, probe_position):
    if probe_position is not None:
        return jnp.asarray(probe_position, dtype=float)
    return jnp.asarray(getattr(dev, "probe_position", 0.5), dtype=float)


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


def _kernels(p, E, U, x, coherent: bool = False):
    """S entries and per-channel injectivities of the DI conductor at energies E.

    `p` = (eps1, eps3, gamma1, gamma3, coupling, cavity_energy), U = (U₁, U₂, U₃), x the
    probe position. Returns (S, nu): ``S[k][j]`` a nested list of arrays shaped like E over
    the channels (L, R, p1, p2) — or (L, R) when `coherent` (static; only valid at
    coupling 0, where the probe channels decouple) — and ``nu[j]`` a list over channels j
    of arrays shaped (3,) + E.shape with ``nu[j][α]`` = −(1/2π) Σ_k Im(S*_kj ∂S_kj/∂U_α).
    """
    if coherent:
        eps1, eps3, gamma1, gamma3, _, cavity_energy = p

        def entries(u):
            return _coherent_entries(E, eps1, eps3, gamma1, gamma3, cavity_energy,
                                     u[0], u[1], u[2])
    else:
        def entries(u):
            return _diode_entries(E, *p, u[0], u[1], u[2], x)

    # one traced copy of S for all three directions (vmap over the tangents): ``dS[k][j]``
    # has a leading axis α, and so has ``nu[j]``
    S, dS = jax.vmap(lambda t: jax.jvp(entries, (U,), (t,)), out_axes=(None, 0))(
        jnp.eye(3, dtype=U.dtype))
    m = len(S)
    nu = [-sum(jnp.imag(jnp.conj(S[k][j]) * dS[k][j]) for k in range(m)) / (2 * jnp.pi)
          for j in range(m)]
    return S, nu


def _terminal_injectivities(nu):
    """Group the per-channel list ``nu[j][α]`` into terminals (L, R, p): array (..., 3, 3)."""
    rows = [nu[0], nu[1], [a + b for a, b in zip(nu[2], nu[3])]]
    return jnp.stack([jnp.stack(row, -1) for row in rows], -2)


def _channel_charges(nu, occupations, grid, s):
    """Q_α = s ∫ Σ_j ν_jα f_j dE for α = 1, 2, 3 (array of 3), with `occupations` the Fermi
    functions of the terminals (L, R, p) at the grid nodes (channels p1, p2 both at f_p)."""
    terminal = _CHANNEL_TERMINAL[: len(nu)]
    return jnp.stack([
        s * grid.integrate(sum(nu[j][a] * occupations[terminal[j]] for j in range(len(nu))))
        for a in range(3)])


def injectivities(dev, E, potentials=None, *, probe_position=None):
    """ν_jα(E, U) of the DI diode, shape E.shape + (3, 3): terminals (L, R, p) × regions (1, 2, 3).

    `dev`: a `ThermalDiode` or any object with eps1, eps3, gamma1, gamma3, coupling,
    cavity_energy. `potentials` U = (U₁, U₂, U₃), default ``dev.potentials`` (or 0).
    `probe_position` defaults to the device's (or ½). Per spin, in 1/[energy]; ν_p sums the
    probe's channels p1, p2.
    """
    if potentials is None:
        potentials = getattr(dev, "potentials", jnp.zeros(3))
    U = check_finite("potentials", potentials)
    if U.shape != (3,):
        raise ValueError(f"`potentials` must be (U_1, U_2, U_3), got shape {U.shape}")
    E = check_finite("E", E)
    return _injectivities(_params(dev), E, U, _probe_position(dev, probe_position))


@jax.jit
def _injectivities(p, E, U, x):
    return _terminal_injectivities(_kernels(p, E, U, x)[1])


def region_dos(dev, E, potentials=None, *, probe_position=None):
    """D_α = Σ_j ν_jα: local density of states of region α, shape E.shape + (3,), per spin."""
    return jnp.sum(injectivities(dev, E, potentials, probe_position=probe_position), axis=-2)


def region_charges(dev, mus, kTs, grid: EnergyGrid, potentials=None, *, spin=2,
                   probe_position=None):
    """Electrons in each region, Q_α = s ∫ Σ_j ν_jα(E, U) f_j(E) dE (DI Eq. 7 before the
    equilibrium part is subtracted), array of 3.

    `mus`, `kTs`: (μ_j, kT_j) of the terminals (L, R, p), kT > 0. `grid`: energy grid from
    the lead band bottom up (`jaxdiss.diode.diode_grid`). `potentials` U (default the
    device's). The excess charge δn_α of Eq. 7 is the difference of two such values.
    """
    s = check_spin(spin)
    if potentials is None:
        potentials = getattr(dev, "potentials", jnp.zeros(3))
    U = check_finite("potentials", potentials)
    mus = check_finite("mus", mus)
    kTs = check_nonnegative("kTs", kTs)
    if mus.shape != (3,) or kTs.shape != (3,):
        raise ValueError("`mus` and `kTs` must hold (L, R, p) values, shape (3,)")
    return _region_charges(_params(dev), U, mus, kTs, grid, s,
                           _probe_position(dev, probe_position))


@jax.jit
def _region_charges(p, U, mus, kTs, grid, s, x):
    E = grid.nodes
    _, nu = _kernels(p, E, U, x)
    occ = [_occupation(E - mus[j], kTs[j]) for j in range(3)]
    return _channel_charges(nu, occ, grid, s)


def capacitance_matrix(capacitance, gate_capacitance=None):
    """Maxwell matrix K with δn = K U^neq (module docstring), shape (3, 3).

    `capacitance`: a scalar c ≥ 0 (nearest-neighbour chain: C₁₂ = C₂₃ = c, C₁₃ = 0) or a
    symmetric (3, 3) matrix of geometric capacitances C_αβ ≥ 0 with zero diagonal;
    `gate_capacitance`: None (no gates) or C^g_α ≥ 0, shape (3,) or a scalar. Units
    e²/[energy]: δn (electrons) per unit of U. ``capacitance = 0`` gives K = 0 (local
    neutrality).
    """
    C = _mutual(capacitance)
    g = jnp.zeros(3) if gate_capacitance is None else _gates(gate_capacitance)
    return jnp.diag(jnp.sum(C, axis=1) + g) - C


def _mutual(capacitance):
    C = check_nonnegative("capacitance", capacitance)
    if C.ndim == 0:
        z = jnp.zeros_like(C)
        return jnp.stack([jnp.stack([z, C, z]), jnp.stack([C, z, C]), jnp.stack([z, C, z])])
    if C.shape != (3, 3):
        raise ValueError(f"`capacitance` must be a scalar or a (3, 3) matrix, got shape {C.shape}")
    if is_concrete(C):
        value = np.asarray(C)
        if np.any(np.diag(value) != 0):
            raise ValueError("`capacitance` must have a zero diagonal (C_αβ couples α ≠ β; "
                             "use `gate_capacitance` for each region's coupling to its gate)")
        if not np.allclose(value, value.T, rtol=1e-12, atol=0.0):
            raise ValueError("`capacitance` must be symmetric (C_αβ = C_βα)")
    return C


def _gates(gate_capacitance):
    g = check_nonnegative("gate_capacitance", gate_capacitance)
    if g.ndim == 0:
        g = jnp.full(3, g)
    if g.shape != (3,):
        raise ValueError(f"`gate_capacitance` must be a scalar or have shape (3,), got {g.shape}")
    return g
