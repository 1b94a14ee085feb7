"""Thermal and bipolar thermoelectric diodes with a thermalization probe (DI paper).

A single-channel conductor L–[barrier 1]–region 2–[barrier 3]–R (DI Fig. 1c): resonant
barriers α = 1, 3 (Breit–Wigner, DI Eq. 4) around a ballistic region 2 in which a Büttiker
probe absorbs electrons with probability λ = `coupling` and re-injects them thermalised at
(μ_p, kT_p), fixed by zero particle and heat current into the probe, I_p = J_p = 0
(DI Fig. 1b). λ = 1: every electron in region 2 thermalises (sequential L–1–p–3–R); λ = 0:
fully coherent (Fabry–Perot in region 2). The scattering matrix and the probe splitter
are in `jaxdiss.scattering.smatrix` (the probe sits at the centre of region 2).

Units: energies absolute (lead band bottom 0) in one unit, e.g. k_B T = 1; h = 1, spin 2.
Currents are those of terminal L, positive when flowing out of L into the conductor.
Forward (F): kT_L = kT + ΔT, kT_R = kT; backward (B): kT_L = kT, kT_R = kT + ΔT; both
terminals at μ (DI Eq. 2).

The probe state is found by Newton (autodiff Jacobian, implicit differentiation) in the
variables (μ_p, ln kT_p), which keeps kT_p > 0 during the iteration. Without screening the
transmissions do not depend on the probe state, so they are tabulated once on the energy
grid and every Newton step only re-evaluates Fermi functions. At λ = 0 the probe is
decoupled: its state is then left at the initial guess and flagged converged.

Screening (U_α from the injectivities, DI Eqs. 5–7) is not part of this module yet: the
band-bottom potentials are fixed (`potentials`, default 0).
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from ._checks import check_finite, check_in_range, check_positive, is_concrete
from .multiterminal import device_grid, multiterminal_currents, transmission_matrix
from .quad import EnergyGrid
from .scattering.smatrix import DIODE_CHANNEL_TERMINALS, diode_smatrix
from .solve import newton

__all__ = ["ThermalDiode", "DiodeState", "Rectification", "diode_grid", "diode_currents",
           "rectification"]

_TAIL = 45.0  # the grid covers μ ± 45 kT_max
_TERMINALS = ("L", "R", "p")


class ThermalDiode(eqx.Module):
    """The DI two-barrier conductor with a thermalization probe in region 2.

    `eps1`, `eps3`: resonance energies ε_α of barriers 1 and 3 (gate shifts included);
    `gamma1`, `gamma3`: their widths Γ_α (> 0); `coupling`: probe λ ∈ [0, 1];
    `cavity_energy`: ħ²/(2 m d²), so that the phase across region 2 is
    k d = √((E − U₂)/cavity_energy) (DI Fig. 3: d = 2ħ/√(8 m kT) gives cavity_energy = kT);
    `capacitance`: only None for now (no screening); `potentials`: fixed band-bottom shifts
    (U₁, U₂, U₃). All float fields are differentiable.
    """

    eps1: Float[Array, ""]
    eps3: Float[Array, ""]
    gamma1: Float[Array, ""]
    gamma3: Float[Array, ""]
    coupling: Float[Array, ""]
    cavity_energy: Float[Array, ""]
    potentials: Float[Array, "3"]

    def __init__(self, eps1, eps3, gamma1, gamma3, coupling=1.0, cavity_energy=1.0,
                 capacitance=None, potentials=(0.0, 0.0, 0.0)):
        if capacitance is not None:
            raise NotImplementedError(
                "`capacitance`: screening (DI Eqs. 5-7) is not implemented yet; use "
                "capacitance=None (fixed band bottoms, set by `potentials`)"
            )
        self.eps1 = check_finite("eps1", eps1)
        self.eps3 = check_finite("eps3", eps3)
        self.gamma1 = check_positive("gamma1", gamma1)
        self.gamma3 = check_positive("gamma3", gamma3)
        self.coupling = check_in_range("coupling", coupling, 0.0, 1.0)
        self.cavity_energy = check_positive("cavity_energy", cavity_energy)
        self.potentials = check_finite("potentials", jnp.asarray(potentials, dtype=float))
        if self.potentials.shape != (3,):
            raise ValueError(f"`potentials` must be (U_1, U_2, U_3), got shape {self.potentials.shape}")

    def smatrix(self, E):
        """S(E) over the channels (L, R, p1, p2), shape E.shape + (4, 4)."""
        return diode_smatrix(E, self.eps1, self.eps3, self.gamma1, self.gamma3, self.coupling,
                             self.cavity_energy, self.potentials)

    def transmissions(self, E):
        """Terminal transmissions T_kj over (L, R, p), shape E.shape + (3, 3)."""
        return transmission_matrix(self.smatrix(E), DIODE_CHANNEL_TERMINALS, _TERMINALS)


class DiodeState(NamedTuple):
    """Self-consistent state of a diode and the currents of terminal L.

    `particle_current` [energy/h] and `heat_current` [energy²/h] out of L (spin 2),
    `mu_probe`, `kT_probe`, `potentials` (U₁, U₂, U₃), `converged`, `steps` (Newton),
    `residual` = max(|I_p|, |J_p|/kT_p) at the solution, and the currents of all terminals
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


class Rectification(NamedTuple):
    """DI Eq. (2): R_X = (X^F + X^B)/(|X^F| + |X^B|) for X = I (`R_I`) and J (`R_J`)."""

    R_I: Array
    R_J: Array
    forward: DiodeState
    backward: DiodeState


def diode_grid(dev: ThermalDiode, mu, kT_min, kT_max, *, n_panels: int = 64, order: int = 16,
               levels: int = 8) -> EnergyGrid:
    """Energy grid for every evaluation of `dev` at reservoirs μ, kT ∈ [kT_min, kT_max].

    [max(0, μ − 45 kT_max), μ + 45 kT_max] in `n_panels` uniform panels (static; accurate
    while each is ≲ 4 kT_min wide, e.g. kT_max/kT_min ≤ 2.8 with the default), graded
    ladders at the two resonances (scale Γ_α) and at μ (scale kT_min), and breakpoints at
    the lead band bottom 0 and at region 2's band bottom U₂. Works with traced inputs.
    """
    lo = jnp.maximum(0.0, mu - _TAIL * kT_max)
    hi = mu + _TAIL * kT_max
    U1, U2, U3 = dev.potentials
    centers = jnp.stack([dev.eps1 + U1, dev.eps3 + U3, jnp.asarray(mu, dtype=float)])
    scales = jnp.stack([dev.gamma1, dev.gamma3, jnp.asarray(kT_min, dtype=float)])
    return device_grid(lo, hi, centers=centers, scales=scales,
                       breakpoints=jnp.stack([jnp.zeros(()), U2]), n_panels=n_panels,
                       order=order, levels=levels)


def _probe_residual(y, args):
    Tkj, grid, mu, kT_left, kT_right, active, y0 = args
    mu_p, kT_p = y[0], jnp.exp(y[1])
    cur = multiterminal_currents(Tkj, jnp.stack([mu, mu, mu_p]),
                                 jnp.stack([kT_left, kT_right, kT_p]), grid)
    r = jnp.stack([cur.particle[2], cur.heat[2] / kT_p])
    return jnp.where(active, r, y - y0)


def _solve(dev, mu, kT_left, kT_right, grid):
    Tkj = dev.transmissions(grid.nodes)
    active = dev.coupling > 0
    y0 = jnp.stack([jnp.asarray(mu, dtype=float), jnp.log(0.5 * (kT_left + kT_right))])
    sol = newton(_probe_residual, y0, (Tkj, grid, mu, kT_left, kT_right, active, y0),
                 rtol=1e-13, atol=1e-13)
    mu_p, kT_p = sol.root[0], jnp.exp(sol.root[1])
    cur = multiterminal_currents(Tkj, jnp.stack([mu, mu, mu_p]),
                                 jnp.stack([kT_left, kT_right, kT_p]), grid)
    residual = jnp.where(active, jnp.maximum(jnp.abs(cur.particle[2]),
                                             jnp.abs(cur.heat[2]) / kT_p), 0.0)
    return DiodeState(cur.particle[0], cur.heat[0], mu_p, kT_p, dev.potentials,
                      sol.converged & jnp.all(jnp.isfinite(sol.root)), sol.steps, residual,
                      cur.particle, cur.heat)


def _validate(mu, kT_left, kT_right):
    mu = check_finite("mu", mu)
    kT_left = check_positive("kT_left", kT_left)
    kT_right = check_positive("kT_right", kT_right)
    if is_concrete(mu) and float(mu) <= 0:
        raise ValueError(f"`mu` must lie above the lead band bottom 0, got {float(mu)}")
    return mu, kT_left, kT_right


def diode_currents(dev: ThermalDiode, mu, kT_left, kT_right, *, grid: EnergyGrid | None = None,
                   throw: bool = False) -> DiodeState:
    """Self-consistent probe state and the currents of terminal L (DI Eq. 1, spin 2).

    Both leads at chemical potential `mu`; temperatures `kT_left`, `kT_right` (> 0).
    `grid` defaults to `diode_grid(dev, mu, min kT, max kT)`. Non-convergence is reported
    in `converged` (``throw=True`` raises instead; scalar use only).
    """
    mu, kT_left, kT_right = _validate(mu, kT_left, kT_right)
    state = _diode_currents(dev, mu, kT_left, kT_right, grid)
    if throw and is_concrete(state.converged) and not bool(state.converged):
        raise RuntimeError("the probe state (mu_p, kT_p) did not converge")
    return state


@eqx.filter_jit
def _diode_currents(dev, mu, kT_left, kT_right, grid):
    if grid is None:
        grid = diode_grid(dev, mu, jnp.minimum(kT_left, kT_right), jnp.maximum(kT_left, kT_right))
    return _solve(dev, mu, kT_left, kT_right, grid)


def rectification(dev: ThermalDiode, mu, kT, delta_kT, *, grid: EnergyGrid | None = None) -> Rectification:
    """Rectification coefficients R_I, R_J of DI Eq. (2) and both configurations.

    Forward: kT_L = kT + ΔT, kT_R = kT; backward: kT_L = kT, kT_R = kT + ΔT (ΔT = `delta_kT`,
    may be negative as long as kT + ΔT > 0). One energy grid serves both configurations.
    R_X is ill-conditioned where both currents vanish; compare currents there instead.
    """
    mu = check_finite("mu", mu)
    kT = check_positive("kT", kT)
    delta_kT = check_finite("delta_kT", delta_kT)
    _validate(mu, kT, kT + delta_kT)
    return _rectification(dev, mu, kT, delta_kT, grid)


@eqx.filter_jit
def _rectification(dev, mu, kT, delta_kT, grid):
    hot = kT + delta_kT
    if grid is None:
        grid = diode_grid(dev, mu, jnp.minimum(kT, hot), jnp.maximum(kT, hot))
    # forward and backward as one batch of two: a single Newton loop (two separate
    # loops in one executable were seen to stall the CPU runtime)
    both = jax.vmap(lambda kl, kr: _solve(dev, mu, kl, kr, grid))(
        jnp.stack([hot, kT]), jnp.stack([kT, hot]))
    fwd = jax.tree_util.tree_map(lambda x: x[0], both)
    bwd = jax.tree_util.tree_map(lambda x: x[1], both)

    def coefficient(xf, xb):
        return (xf + xb) / (jnp.abs(xf) + jnp.abs(xb))

    return Rectification(coefficient(fwd.particle_current, bwd.particle_current),
                         coefficient(fwd.heat_current, bwd.heat_current), fwd, bwd)
