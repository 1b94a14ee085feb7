"""Thermal and bipolar thermoelectric diodes (DI paper): thermalization probe and screening.

A single-channel conductor L–[barrier 1]–region 2–[barrier 3]–R (DI Fig. 1c): resonant
barriers α = 1, 3 (Breit–Wigner, DI Eq. 4) around a ballistic region 2 in which a Büttiker
probe absorbs electrons with probability λ = `coupling` and re-injects them thermalised at
(μ_p, kT_p). λ = 1: every electron in region 2 thermalises (sequential L–1–p–3–R); λ = 0:
fully coherent (Fabry–Perot in region 2). The scattering matrix and the probe splitter are
in `jaxdiss.scattering.smatrix` (the probe sits at `probe_position`, default the centre).

Units: energies absolute (lead band bottom 0) in one unit, e.g. k_B T = 1; h = 1, spin 2.
Currents are those of terminal L, positive when flowing out of L into the conductor.
Forward (F): kT_L = kT + ΔT, kT_R = kT; backward (B): kT_L = kT, kT_R = kT + ΔT; both
terminals at μ (DI Eq. 2).

Self-consistency (all by Newton with autodiff Jacobians, differentiated implicitly):

- **probe** (μ_p, kT_p) from I_p = J_p = 0, solved in (μ_p, ln kT_p) so that kT_p > 0;
- **screening** (``capacitance`` not None): the non-equilibrium band-bottom shifts U^neq of
  the three regions from DI Eqs. (5)–(7), δn(U) = K U^neq (`jaxdiss.screening`), with
  U = `potentials` + U^neq and the equilibrium reference (μ, kT_eq) for all terminals;
  charges are counted above a cut deep in the Fermi sea that moves with each region
  (`jaxdiss.screening`, "Charges");
- **both** (mixed, DI Fig. 4) as one Newton system in (μ_p, ln kT_p, U^neq).

Without screening the transmissions do not depend on the unknowns: they are tabulated once
on the energy grid and every Newton step re-evaluates only the probe's Fermi windows. With
screening every step re-evaluates S and ∂S/∂U on a grid that follows the shifted resonances.
At λ = 0 the probe is decoupled: its state is left at the initial guess.

Convergence is reported per point (`converged`), never as a silent NaN: Newton must stop on
its step criterion and the residuals must be small (probe currents ≤ 1e-9 kT_max, charges ≤
1e-9 electrons). Local neutrality (C → 0) has no solution where a region's charge hardly
depends on its potential (a level far below μ, DESIGN notes): such points are flagged.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from ._checks import check_finite, check_in_range, check_positive, is_concrete
from .multiterminal import _currents
from .quad import EnergyGrid, gauss_legendre, graded_edges, pairwise_sum, panel_grid
from .scattering.smatrix import (
    _abs2,
    _barrier_amplitudes,
    _cavity_resonances,
    _diode_entries,
    _transmission_list,
    diode_smatrix,
)
from .screening import (
    _CHANNEL_TERMINAL,
    _channel_charges,
    _gates,
    _kernels,
    _mutual,
    _params,
)
from .solve import newton
from .thermal import _occupation, _pair_window, _reduced_gap, _warm_pair

__all__ = ["ThermalDiode", "DiodeState", "Rectification", "diode_grid", "diode_currents",
           "rectification"]

_TAIL = 45.0  # the grid covers μ ± 45 kT_max
_CAVITY_LEVELS = 4  # Fabry–Perot levels of region 2 that get their own quadrature ladder
_PROBE_TOL = 1e-9  # probe residual, relative to kT_max
_CHARGE_TOL = 1e-9  # charge residual, electrons
_U_STEP = 0.5  # largest Newton step of a screening potential, in units of kT_min
_SCREENED_STEPS = 24
_SHIFT_ORDER = 8  # Gauss–Legendre nodes for the states a region's shift carries across E_c
_SCREENED_TOL = 1e-11  # the grid follows U, so the residual is smooth only to ~1e-13


class ThermalDiode(eqx.Module):
    """The DI two-barrier conductor with a thermalization probe and optional screening.

    `eps1`, `eps3`: resonance energies ε_α of barriers 1 and 3 (gate shifts included, DI
    Eq. 4); `gamma1`, `gamma3`: their widths Γ_α (> 0); `coupling`: probe λ ∈ [0, 1];
    `cavity_energy`: ħ²/(2 m d²), so that the phase across region 2 is
    k d = √((E − U₂)/cavity_energy) (DI Fig. 3: d = 2ħ/√(8 m kT) gives cavity_energy = kT);
    `capacitance`: None (no screening: U = `potentials`), or the geometric capacitances
    C_αβ of DI Eq. (5) in e²/[energy] — a scalar c (nearest neighbours C₁₂ = C₂₃ = c) or a
    symmetric (3, 3) matrix with zero diagonal; 0.0 is the C → 0 limit of local neutrality
    used in the paper's figures; `gate_capacitance`: optional C^g_α (scalar or (3,)), only
    with screening; `potentials`: equilibrium band bottoms U^eq = (U₁, U₂, U₃);
    `probe_position` ∈ [0, 1]: where the probe sits in region 2 (fraction of d). All float
    fields are differentiable.

    `structure` (static) lets the solvers skip work that a known coupling makes useless:
    "coherent" (λ = 0: no probe unknowns, 2×2 Fabry–Perot S), "sequential" (λ = 1: no
    interference, no quadrature ladders on cavity levels) or "general". By default it
    follows the *Python value* passed as `coupling` (0 or 1 exactly → the special cases;
    an array, traced or not, → "general"), so it does not depend on whether the
    constructor runs inside `jit`. Derivatives with respect to `coupling` need
    "general" (`as_general`).
    """

    eps1: Float[Array, ""]
    eps3: Float[Array, ""]
    gamma1: Float[Array, ""]
    gamma3: Float[Array, ""]
    coupling: Float[Array, ""]
    cavity_energy: Float[Array, ""]
    capacitance: Float[Array, "3 3"] | None
    gate_capacitance: Float[Array, "3"] | None
    potentials: Float[Array, "3"]
    probe_position: Float[Array, ""]
    structure: str = eqx.field(static=True)

    def __init__(self, eps1, eps3, gamma1, gamma3, coupling=1.0, cavity_energy=1.0,
                 capacitance=None, *, gate_capacitance=None, potentials=(0.0, 0.0, 0.0),
                 probe_position=0.5, structure=None):
        if structure is None:
            structure = _structure(coupling)
        if structure not in _STRUCTURES:
            raise ValueError(f"`structure` must be one of {_STRUCTURES}, got {structure!r}")
        self.structure = structure
        self.eps1 = check_finite("eps1", eps1)
        self.eps3 = check_finite("eps3", eps3)
        self.gamma1 = check_positive("gamma1", gamma1)
        self.gamma3 = check_positive("gamma3", gamma3)
        self.coupling = check_in_range("coupling", coupling, 0.0, 1.0)
        if structure != "general" and is_concrete(self.coupling) and float(self.coupling) != (
                0.0 if structure == "coherent" else 1.0):
            raise ValueError(f"`structure` {structure!r} needs coupling "
                             f"{0.0 if structure == 'coherent' else 1.0}, got {float(self.coupling)}")
        self.cavity_energy = check_positive("cavity_energy", cavity_energy)
        if capacitance is None:
            if gate_capacitance is not None:
                raise ValueError("`gate_capacitance` needs `capacitance` (screening); "
                                 "use capacitance=0.0 for gates alone")
            self.capacitance = None
            self.gate_capacitance = None
        else:
            self.capacitance = _mutual(capacitance)
            self.gate_capacitance = (jnp.zeros(3) if gate_capacitance is None
                                     else _gates(gate_capacitance))
        self.potentials = check_finite("potentials", jnp.asarray(potentials, dtype=float))
        if self.potentials.shape != (3,):
            raise ValueError(f"`potentials` must be (U_1, U_2, U_3), got shape {self.potentials.shape}")
        self.probe_position = check_in_range("probe_position", probe_position, 0.0, 1.0)

    def as_general(self) -> "ThermalDiode":
        """The same device with ``structure="general"`` (e.g. to differentiate in λ)."""
        return _replace_structure(self, "general")

    @property
    def screened(self) -> bool:
        """True when the band bottoms are found self-consistently (``capacitance`` given)."""
        return self.capacitance is not None

    def maxwell_matrix(self):
        """K with δn = K U^neq (`jaxdiss.screening.capacitance_matrix`); None unscreened."""
        if not self.screened:
            return None
        return jnp.diag(jnp.sum(self.capacitance, axis=1) + self.gate_capacitance) - self.capacitance

    def _args(self, E, potentials=None):
        U = self.potentials if potentials is None else potentials
        return (E, self.eps1, self.eps3, self.gamma1, self.gamma3, self.coupling,
                self.cavity_energy, U[0], U[1], U[2], self.probe_position)

    def smatrix(self, E, potentials=None):
        """S(E) over the channels (L, R, p1, p2), shape E.shape + (4, 4), at band bottoms
        `potentials` (default the equilibrium ones)."""
        U = self.potentials if potentials is None else potentials
        return diode_smatrix(E, self.eps1, self.eps3, self.gamma1, self.gamma3, self.coupling,
                             self.cavity_energy, U, probe_position=self.probe_position)

    def transmissions(self, E, potentials=None):
        """Terminal transmissions T_kj over (L, R, p), shape E.shape + (3, 3).

        For the "sequential" structure (λ = 1) every electron entering region 2 is absorbed
        by the probe, so T_Lp = |τ₁|², T_Rp = |τ₃|², T_LR = 0 and the rest follows from
        unitarity (rows and columns sum to the channel counts 1, 1, 2): the closed form,
        without the 4×4 S (equal to it to rounding above U₂, tested). Below region 2's band
        bottom U₂ the probe absorbs nothing (T_Lp = T_Rp = 0); the diode grids start at
        the lead band bottom 0 = U₂ of an unscreened device, so those energies matter only
        for devices built with U₂ > 0.
        """
        E = jnp.asarray(E, dtype=float)
        if self.structure == "sequential":
            return _sequential_transmissions(self, E, potentials)
        return _stack(_transmission_list(_diode_entries(*self._args(E, potentials))))


_STRUCTURES = ("general", "coherent", "sequential")


def _sequential_transmissions(dev, E, potentials):
    """T_kj over (L, R, p) at λ = 1 from the two barriers alone (see `transmissions`)."""
    U = dev.potentials if potentials is None else potentials
    t1, _ = _barrier_amplitudes(E, dev.eps1 + U[0], dev.gamma1)
    t3, _ = _barrier_amplitudes(E, dev.eps3 + U[2], dev.gamma3)
    open_ = E >= U[1]  # below region 2's band bottom there is nothing to absorb into
    a, b = jnp.where(open_, _abs2(t1), 0.0), jnp.where(open_, _abs2(t3), 0.0)
    zero = jnp.zeros_like(a)
    return _stack([[1.0 - a, zero, a], [zero, 1.0 - b, b], [a, b, 2.0 - a - b]])


def _structure(coupling):
    """Static structure from the Python value of `coupling` (see `ThermalDiode`)."""
    if isinstance(coupling, (bool, np.bool_)) or not isinstance(coupling, (int, float, np.integer,
                                                                           np.floating)):
        return "general"
    return {0.0: "coherent", 1.0: "sequential"}.get(float(coupling), "general")


def _replace_structure(dev, structure):
    new = object.__new__(ThermalDiode)
    for f in dataclasses.fields(ThermalDiode):
        object.__setattr__(new, f.name, getattr(dev, f.name))
    object.__setattr__(new, "structure", structure)
    return new


def _stack(rows):
    return jnp.stack([jnp.stack(row, -1) for row in rows], -2)


class DiodeState(NamedTuple):
    """Self-consistent state of a diode and the currents of terminal L.

    `particle_current` [energy/h] and `heat_current` [energy²/h] out of L (spin 2),
    `mu_probe`, `kT_probe`, `potentials` (total U₁, U₂, U₃ = U^eq + U^neq), `converged`,
    `steps` (Newton), `residual` = max(|I_p|, |J_p|/kT_p) at the solution (0 when the probe
    is decoupled), `excess_charge` δn_α (DI Eq. 7, electrons; 0 without screening),
    `charge_residual` = max_α |δn_α − (K U^neq)_α|, and the currents of all terminals
    (L, R, p) in `particle_currents`, `heat_currents`.
    """

    particle_current: Array
    heat_current: Array
    mu_probe: Array
    kT_probe: Array
    potentials: Array
    converged: Array
    steps: Array
    residual: Array
    particle_currents: Array
    heat_currents: Array
    excess_charge: Array
    charge_residual: Array


class Rectification(NamedTuple):
    """DI Eq. (2): R_X = (X^F + X^B)/(|X^F| + |X^B|) for X = I (`R_I`) and J (`R_J`)."""

    R_I: Array
    R_J: Array
    forward: DiodeState
    backward: DiodeState


# --------------------------------------------------------------------------------------
# energy grid


def diode_grid(dev: ThermalDiode, mu, kT_min, kT_max, *, potentials=None,
               band_bottom: bool = False, n_panels: int = 64, order: int = 16,
               levels: int = 8, cavity_levels: int = _CAVITY_LEVELS,
               charge_cut=None) -> EnergyGrid:
    """Energy grid for every evaluation of `dev` at reservoirs μ, kT ∈ [kT_min, kT_max].

    [lo, μ + 45 kT_max] with lo = max(0, μ − 45 kT_max), or lo = 0 (the lead band bottom)
    when `band_bottom` is true, in `n_panels` uniform panels (static; accurate while each
    is ≲ 4 kT_min wide), graded ladders at the two resonances ε_α + U_α (scale Γ_α), at μ
    (scale kT_min) and at the first `cavity_levels` Fabry–Perot levels of region 2 (their
    own widths, which are ≪ kT when the barriers are opaque), and breakpoints at the lead
    band bottom 0, at region 2's band bottom U₂ and at `charge_cut` (the lower end of the
    screening charge integrals, `charge_cut`; default for screened devices). `potentials`:
    the band bottoms U at which to place them (default the device's). Works with traced
    inputs; with concrete ones it checks that no further cavity level lies in the window
    (raise `cavity_levels` otherwise).
    """
    if not isinstance(cavity_levels, int) or isinstance(cavity_levels, bool) or cavity_levels < 0:
        raise ValueError(f"`cavity_levels` must be a non-negative int, got {cavity_levels!r}")
    if charge_cut is None and dev.screened:
        charge_cut = _charge_cut(dev, mu, kT_max)
    U = dev.potentials if potentials is None else jnp.asarray(potentials, dtype=float)
    hi = mu + _TAIL * kT_max
    lo = jnp.zeros(()) if band_bottom else jnp.maximum(0.0, mu - _TAIL * kT_max)
    if charge_cut is not None:
        lo = jnp.minimum(lo, charge_cut)
    _check_cavity_levels(dev, U, hi, cavity_levels)
    centers = [dev.eps1 + U[0], dev.eps3 + U[2], jnp.asarray(mu, dtype=float)]
    scales = [dev.gamma1, dev.gamma3, jnp.asarray(kT_min, dtype=float)]
    if cavity_levels:
        E_n, w_n = _cavity_resonances(dev.eps1, dev.eps3, dev.gamma1, dev.gamma3, dev.coupling,
                                      dev.cavity_energy, U[0], U[1], U[2], cavity_levels)
        centers = jnp.concatenate([jnp.stack(centers), E_n])
        scales = jnp.concatenate([jnp.stack(scales), w_n])
    else:
        centers, scales = jnp.stack(centers), jnp.stack(scales)
    # graded_edges directly (device_grid's argument checks would turn a NaN iterate of a
    # failing Newton solve into an exception instead of a flagged point)
    breaks = [jnp.zeros(()), U[1]]
    if charge_cut is not None:
        breaks.append(jnp.asarray(charge_cut, dtype=float))
    edges = graded_edges(lo, hi, breakpoints=jnp.stack(breaks), centers=centers,
                         scales=scales, subdivide=(lo, hi, n_panels), levels=levels)
    return panel_grid(edges, order)


def _charge_cut(dev, mu, kT_max):
    """Lower end E_c of the screening charge integrals (`jaxdiss.screening`, "Charges").

    Aimed at t = max(μ − 30 kT_max, U₂ + (μ − U₂)/20) (deep in the Fermi sea, clear of
    region 2's band bottom), then moved to the nearest point midway between two
    Fabry–Perot levels of region 2 at equilibrium, U₂ + cavity_energy·π²(n + ½)², so that
    no narrow level sits at the cut — unless that point lies shallower than μ − 15 kT_max
    (no level is that deep then, and t is used). The result is rounded down to a multiple
    of kT_max/8 and carries no derivative: results depend on the cut only at the 1e-5
    level, and a cut that moved with the parameters would put that dependence into every
    gradient.
    """
    mu = jnp.asarray(mu, dtype=float)
    U2, ce = dev.potentials[1], dev.cavity_energy
    target = jnp.maximum(mu - 30.0 * kT_max, U2 + 0.05 * (mu - U2))
    n = jnp.maximum(jnp.round(jnp.sqrt(jnp.maximum(target - U2, 0.0) / ce) / jnp.pi - 0.5), 0.0)
    mid = U2 + ce * (jnp.pi * (n + 0.5)) ** 2
    cut = jnp.where(mid <= mu - 15.0 * kT_max, mid, target)
    step = 0.125 * kT_max
    return jax.lax.stop_gradient(jnp.floor(cut / step) * step)


def _check_cavity_levels(dev, U, hi, n):
    values = (dev.coupling, dev.cavity_energy, U, hi)
    if not all(is_concrete(v) for v in values) or float(dev.coupling) >= 1.0:
        return
    nxt = float(U[1]) + float(dev.cavity_energy) * (np.pi * (n + 1)) ** 2
    if nxt < float(hi):
        need = int(np.floor(np.sqrt((float(hi) - float(U[1])) / float(dev.cavity_energy)) / np.pi))
        raise ValueError(
            f"`cavity_levels` = {n} leaves Fabry-Perot level {n + 1} of region 2 (E ≈ {nxt:.4g}) "
            f"inside the energy window (up to {float(hi):.4g}) without a quadrature ladder; "
            f"pass cavity_levels={need}")


# --------------------------------------------------------------------------------------
# residuals


def _probe_rows(TLp, TRp, grid, mu, kT_left, kT_right, mu_p, kT_p, leads=None):
    """(I_p, J_p/kT_p) from the probe's columns of T (spin 2): only its two Fermi windows.

    `leads`: the pairs (f, 1 − f) of L and R on the grid (`_lead_occupations`), which do
    not change while the probe is solved for; the probe's own pair costs one exp a node.
    """
    E = grid.nodes
    x = E - mu
    if leads is None:
        leads = _lead_occupations(E, mu, kT_left, kT_right)
    probe = _warm_pair(E - mu_p, kT_p)
    g = (TLp * _pair_window(probe, leads[0], _reduced_gap(x, mu - mu_p, kT_p, kT_left))
         + TRp * _pair_window(probe, leads[1], _reduced_gap(x, mu - mu_p, kT_p, kT_right)))
    return jnp.stack([2.0 * grid.integrate(g), 2.0 * grid.integrate((E - mu_p) * g) / kT_p])


def _lead_occupations(nodes, mu, kT_left, kT_right):
    """(f, 1 − f) of the leads L and R at the nodes."""
    x = nodes - mu
    return _warm_pair(x, kT_left), _warm_pair(x, kT_right)


class _Problem(eqx.Module):
    """Everything a solve needs besides the unknowns (a pytree: traced leaves).

    `coherent` (static): the device is known to have λ = 0, so the probe is left out of
    the unknowns and S is the 2×2 Fabry–Perot matrix over (L, R).
    """

    dev: ThermalDiode
    mu: Array
    kT_left: Array
    kT_right: Array
    kT_min: Array
    kT_max: Array
    y0: Array
    cut: Array
    grid_options: tuple = eqx.field(static=True)
    coherent: bool = eqx.field(static=True)

    def grid(self, U):
        return diode_grid(self.dev, self.mu, self.kT_min, self.kT_max, potentials=U,
                          charge_cut=self.cut if self.dev.screened else None,
                          **dict(self.grid_options))

    def active(self):
        return self.dev.coupling > 0

    def probe_state(self, y):
        return y[0], jnp.exp(y[1])

    def split(self, y):
        """(μ_p, kT_p, U^neq) from the unknowns."""
        if self.coherent:
            return self.y0[0], jnp.exp(self.y0[1]), y
        return y[0], jnp.exp(y[1]), y[2:]


def _unscreened_residual(y, args):
    prob, grid, TLp, TRp, leads = args
    mu_p, kT_p = prob.probe_state(y)
    r = _probe_rows(TLp, TRp, grid, prob.mu, prob.kT_left, prob.kT_right, mu_p, kT_p, leads)
    return jnp.where(prob.active(), r, y - prob.y0)


def _occupations(prob, E, mu_p, kT_p):
    """Fermi functions of the terminals (L, R, p) at energies E."""
    return [_occupation(E - prob.mu, prob.kT_left), _occupation(E - prob.mu, prob.kT_right),
            _occupation(E - mu_p, kT_p)]


def _shift_nodes(prob, u):
    """Gauss–Legendre nodes and weights on [E_c, E_c + u_α] for each region α: (3, m) each."""
    t, w = gauss_legendre(_SHIFT_ORDER)
    return prob.cut + 0.5 * u[:, None] * (t + 1.0), 0.5 * u[:, None] * w


def _kernels_with_shift(prob, grid, U, u):
    """S and injectivities on the grid nodes and on the shift nodes, in one evaluation.

    Returns (S, nu) on the grid (as `_kernels`) and the injectivities on the shift nodes,
    ``nus[j]`` of shape (3, 3, m) (direction α, region row, node)."""
    Es, _ = _shift_nodes(prob, u)
    n = grid.nodes.shape[0]
    E = jnp.concatenate([grid.nodes, Es.ravel()])
    S, nu = _kernels(_params(prob.dev), E, U, prob.dev.probe_position, prob.coherent)
    S = [[v[:n] for v in row] for row in S]
    nus = [v[:, n:].reshape((3,) + Es.shape) for v in nu]
    return S, [v[:, :n] for v in nu], nus


def _region_charges(prob, grid, nu, nus, u, occupations):
    """Q_α = 2 ∫_{E_c + u_α} Σ_j ν_jα f_j dE (`jaxdiss.screening`, "Charges"), array of 3.

    The grid part counts everything above the cut E_c (a grid breakpoint); the states of
    region α between E_c and E_c + u_α, which a rigid shift of that region carries across
    the cut, are removed with a small Gauss–Legendre rule (`nus`: injectivities on its
    nodes). `occupations(E)` gives the terminals' Fermi functions.
    """
    E = grid.nodes
    above = EnergyGrid(E, jnp.where(E >= prob.cut, grid.weights, 0.0))
    Q = _channel_charges(nu, occupations(E), above, 2.0)
    Es, ws = _shift_nodes(prob, u)
    occ = occupations(Es)
    terminal = _CHANNEL_TERMINAL[: len(nus)]
    shift = jnp.stack([2.0 * pairwise_sum(ws[a] * sum(nus[j][a][a] * occ[terminal[j]][a]
                                                       for j in range(len(nus))))
                       for a in range(3)])
    return Q - shift


def _screened_parts(y, prob, Q_eq):
    """Pieces of the screened residual at unknowns y: probe rows (None when coherent), the
    excess charges δn, U^neq, the grid and the terminal transmissions (3×3 list)."""
    dev = prob.dev
    mu_p, kT_p, u = prob.split(y)
    U = dev.potentials + u
    # the nodes follow U and the resonances only to stay resolving them; moving them
    # changes the integrals at the quadrature-error level, so derivatives hold them fixed
    # (that keeps the sort and ladder construction out of every Jacobian)
    grid = jax.lax.stop_gradient(prob.grid(U))
    E = grid.nodes
    S, nu, nus = _kernels_with_shift(prob, grid, U, u)
    dn = _region_charges(prob, grid, nu, nus, u,
                         lambda e: _occupations(prob, e, mu_p, kT_p)) - Q_eq
    T = _transmission_list(S)
    if prob.coherent:
        zero = jnp.zeros_like(E)
        T = [[T[0][0], T[0][1], zero], [T[1][0], T[1][1], zero], [zero, zero, zero]]
        return None, dn, u, grid, T
    rows = _probe_rows(T[0][2], T[1][2], grid, prob.mu, prob.kT_left, prob.kT_right, mu_p, kT_p)
    return jnp.where(prob.active(), rows, y[:2] - prob.y0[:2]), dn, u, grid, T


def _screened_residual(y, args):
    prob, Q_eq, K = args
    rows, dn, u, _, _ = _screened_parts(y, prob, Q_eq)
    charge = dn - K @ u
    return charge if rows is None else jnp.concatenate([rows, charge])


def _equilibrium_charges(prob, kT_eq):
    """Q_α of the equilibrium reference: U = U^eq, every terminal at (μ, kT_eq)."""
    dev = prob.dev
    grid = prob.grid(dev.potentials)
    _, nu = _kernels(_params(dev), grid.nodes, dev.potentials, dev.probe_position,
                     prob.coherent)
    zero = [jnp.zeros((3, 3, _SHIFT_ORDER))] * len(nu)  # no shift at equilibrium
    f = lambda e: [_occupation(e - prob.mu, kT_eq)] * 3  # noqa: E731
    return _region_charges(prob, grid, nu, zero, jnp.zeros(3), f)


def _state(prob, mu_p, kT_p, U, sol, grid, Tkj, dn, charge_residual):
    # the private kernel: a NaN iterate must come back flagged, not raise in a check
    cur = _currents(Tkj, jnp.stack([prob.mu, prob.mu, mu_p]),
                    jnp.stack([prob.kT_left, prob.kT_right, kT_p]), grid, jnp.asarray(2.0))
    residual = jnp.where(prob.active(), jnp.maximum(jnp.abs(cur.particle[2]),
                                                    jnp.abs(cur.heat[2]) / kT_p), 0.0)
    ok = (sol.converged & jnp.all(jnp.isfinite(sol.root)) & (residual <= _PROBE_TOL * prob.kT_max)
          & (charge_residual <= _CHARGE_TOL))
    return DiodeState(cur.particle[0], cur.heat[0], mu_p, kT_p, U, ok, sol.steps, residual,
                      cur.particle, cur.heat, dn, charge_residual)


def _solve(prob: _Problem, kT_eq, grid: EnergyGrid | None):
    dev = prob.dev
    if not dev.screened:
        if grid is None:
            grid = prob.grid(dev.potentials)
        Tkj = dev.transmissions(grid.nodes)
        leads = _lead_occupations(grid.nodes, prob.mu, prob.kT_left, prob.kT_right)
        sol = newton(_unscreened_residual, prob.y0,
                     (prob, grid, Tkj[:, 0, 2], Tkj[:, 1, 2], leads), rtol=1e-13, atol=1e-13)
        mu_p, kT_p = prob.probe_state(sol.root)
        return _state(prob, mu_p, kT_p, dev.potentials, sol, grid, Tkj, jnp.zeros(3),
                      jnp.zeros(()))
    if grid is not None:
        raise ValueError("`grid` cannot be given for a screened device: its grid follows the "
                         "self-consistent potentials (pass `grid_options` instead)")
    Q_eq = _equilibrium_charges(prob, kT_eq)
    K = dev.maxwell_matrix()
    u_bound = jnp.full(3, _U_STEP) * prob.kT_min
    if prob.coherent:
        y0, bound = jnp.zeros(3), u_bound
    else:
        y0 = jnp.concatenate([prob.y0, jnp.zeros(3)])
        bound = jnp.concatenate([jnp.stack([4.0 * prob.kT_max, jnp.asarray(0.5)]), u_bound])
    sol = newton(_screened_residual, y0, (prob, Q_eq, K), rtol=_SCREENED_TOL,
                 atol=_SCREENED_TOL, max_steps=_SCREENED_STEPS, max_step=bound)
    _, dn, u, grid, T = _screened_parts(sol.root, prob, Q_eq)
    mu_p, kT_p, _ = prob.split(sol.root)
    return _state(prob, mu_p, kT_p, dev.potentials + u, sol, grid, _stack(T), dn,
                  jnp.max(jnp.abs(dn - K @ u)))


# --------------------------------------------------------------------------------------
# public entry points


def _validate(mu, kT_left, kT_right):
    mu = check_finite("mu", mu)
    kT_left = check_positive("kT_left", kT_left)
    kT_right = check_positive("kT_right", kT_right)
    if is_concrete(mu) and float(mu) <= 0:
        raise ValueError(f"`mu` must lie above the lead band bottom 0, got {float(mu)}")
    return mu, kT_left, kT_right


def _grid_options(dev, mu, kT_max, grid_options):
    """Validated grid options (a hashable tuple). Without interference (concrete λ = 1) the
    cavity levels get no ladders; with concrete inputs their number is checked."""
    options = dict(grid_options or {})
    allowed = ("n_panels", "order", "levels", "cavity_levels", "band_bottom")
    unknown = set(options) - set(allowed)
    if unknown:
        raise ValueError(f"`grid_options`: unknown option(s) {sorted(unknown)}; allowed: "
                         f"{', '.join(allowed)}")
    if "cavity_levels" not in options:
        options["cavity_levels"] = 0 if dev.structure == "sequential" else _CAVITY_LEVELS
    n = options["cavity_levels"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"`cavity_levels` must be a non-negative int, got {n!r}")
    _check_cavity_levels(dev, dev.potentials, mu + _TAIL * kT_max, n)
    # a screened device known to be coherent (λ = 0) needs no probe unknowns
    options["coherent"] = dev.screened and dev.structure == "coherent"
    return tuple(sorted(options.items()))


def _split_options(options):
    """(grid options as a dict, coherent flag) from the validated options tuple."""
    options = dict(options)
    return options, options.pop("coherent", False)


def _check_cut(dev, charge_cut):
    if charge_cut is None:
        return None
    if not dev.screened:
        raise ValueError("`charge_cut` applies to screened devices (capacitance given) only")
    return check_finite("charge_cut", charge_cut)


def _problem(dev, mu, kT_left, kT_right, kT_min, kT_max, options, cut=None):
    options, coherent = _split_options(options)
    y0 = jnp.stack([jnp.asarray(mu, dtype=float), jnp.log(0.5 * (kT_left + kT_right))])
    cut = _charge_cut(dev, mu, kT_max) if cut is None else cut
    return _Problem(dev, mu, kT_left, kT_right, kT_min, kT_max, y0, cut,
                    tuple(sorted(options.items())), coherent)


def diode_currents(dev: ThermalDiode, mu, kT_left, kT_right, *, grid: EnergyGrid | None = None,
                   kT_equilibrium=None, grid_options: dict | None = None,
                   charge_cut=None, throw: bool = False) -> DiodeState:
    """Self-consistent state and the currents of terminal L (DI Eq. 1, spin 2).

    Both leads at chemical potential `mu`; temperatures `kT_left`, `kT_right` (> 0).
    `kT_equilibrium`: temperature of the equilibrium reference of the screening charges
    (DI Eq. 7; default the colder lead). `grid` (unscreened devices only) defaults to
    `diode_grid(dev, mu, min kT, max kT, **grid_options)`. `charge_cut`: lower end E_c of
    the screening charge integrals (`jaxdiss.screening`, "Charges"; default: deep in the
    Fermi sea between two Fabry–Perot levels). Non-convergence is reported in `converged`
    (``throw=True`` raises instead; scalar use only).
    """
    mu, kT_left, kT_right = _validate(mu, kT_left, kT_right)
    cut = _check_cut(dev, charge_cut)
    kT_eq = (jnp.minimum(kT_left, kT_right) if kT_equilibrium is None
             else check_positive("kT_equilibrium", kT_equilibrium))
    options = _grid_options(dev, mu, jnp.maximum(kT_left, kT_right), grid_options)
    state = _diode_currents(dev, mu, kT_left, kT_right, kT_eq, grid, options, cut)
    if throw and is_concrete(state.converged) and not bool(state.converged):
        raise RuntimeError("the self-consistent state (probe and/or screening potentials) "
                           "did not converge")
    return state


@eqx.filter_jit
def _diode_currents(dev, mu, kT_left, kT_right, kT_eq, grid, options, cut):
    prob = _problem(dev, mu, kT_left, kT_right, jnp.minimum(kT_left, kT_right),
                    jnp.maximum(kT_left, kT_right), options, cut)
    return _solve(prob, kT_eq, grid)


def rectification(dev: ThermalDiode, mu, kT, delta_kT, *, grid: EnergyGrid | None = None,
                  grid_options: dict | None = None, charge_cut=None) -> Rectification:
    """Rectification coefficients R_I, R_J of DI Eq. (2) and both configurations.

    Forward: kT_L = kT + ΔT, kT_R = kT; backward: kT_L = kT, kT_R = kT + ΔT (ΔT = `delta_kT`,
    may be negative as long as kT + ΔT > 0). One energy grid serves both configurations
    (unscreened), and the screening charges refer to equilibrium at (μ, kT). R_X is
    ill-conditioned where both currents vanish; compare currents there instead.
    `charge_cut` as in `diode_currents`.
    """
    cut = _check_cut(dev, charge_cut)
    mu = check_finite("mu", mu)
    kT = check_positive("kT", kT)
    delta_kT = check_finite("delta_kT", delta_kT)
    _validate(mu, kT, kT + delta_kT)
    options = _grid_options(dev, mu, jnp.maximum(kT, kT + delta_kT), grid_options)
    return _rectification(dev, mu, kT, delta_kT, grid, options, cut)


def rectification_coefficient(x_forward, x_backward):
    """DI Eq. (2): (X^F + X^B)/(|X^F| + |X^B|)."""
    return (x_forward + x_backward) / (jnp.abs(x_forward) + jnp.abs(x_backward))


@eqx.filter_jit
def _rectification(dev, mu, kT, delta_kT, grid, options, cut):
    hot = kT + delta_kT
    lo, hi = jnp.minimum(kT, hot), jnp.maximum(kT, hot)
    if grid is None and not dev.screened:
        grid = diode_grid(dev, mu, lo, hi, **_split_options(options)[0])

    # forward and backward as one batch of two: a single Newton loop (two separate
    # loops in one executable were seen to stall the CPU runtime)
    def one(kl, kr):
        return _solve(_problem(dev, mu, kl, kr, lo, hi, options, cut), kT, grid)

    both = jax.vmap(one)(jnp.stack([hot, kT]), jnp.stack([kT, hot]))
    fwd = jax.tree_util.tree_map(lambda x: x[0], both)
    bwd = jax.tree_util.tree_map(lambda x: x[1], both)
    return Rectification(rectification_coefficient(fwd.particle_current, bwd.particle_current),
                         rectification_coefficient(fwd.heat_current, bwd.heat_current), fwd, bwd)
