"""Nanowire + scatterer in the linearized Boltzmann description (BW paper).

Two identical semi-infinite single-channel wires (parabolic band) meet at a point scatterer
with transmission T; electrons relax on phonons with a relaxation time τ, the Coulomb
interaction is taken in the strong limit (local neutrality, BW Sec. II B). The distribution
is expanded as in BW Eq. (11),

    f(±p, x) = f0(p) ± δf_D(p) − eφ(x) ∂f0/∂μ0 + δf(±p, x),

with the Drude term δf_D = F_ext l(p) ∂f0/∂μ0 (Eq. 12) and δf a sum of decaying eigenmodes
(Eqs. A9, A12) whose amplitudes, together with F_ext, follow from the matching conditions
(19) at the scatterer for a given band offset eV (Eq. 18). See DESIGN.md §4 and the module
docstrings of `_modes` (exact discrete eigenproblem) and `_grid` (momentum grids).

Units (BW's natural units): energies in μ0, lengths in v_F τ, h = e = 1 in the results:

* `current` I h/(e μ0) (single species: no spin factor, BW Eq. 9);
* `F_ext` in μ0/(v_F τ); eφ in μ0; heat currents J_el in μ0²/h;
* powers per length P_ph in μ0²/(h v_F τ) (P_ext = I F_ext/e is `current·F_ext`);
* integrated powers (P^s_{L,R}, P^(φ)_{L,R}, I V) in μ0²/h;
* densities n0 and ∂n0/∂μ0 in p_F/h and p_F/(h μ0).

Sign conventions: x < 0 is the left wire, x > 0 the right wire; eV > 0 lifts the left band
(kinetic energy p_L²/2m + eV = p_R²/2m = ε), so the current flows from left to right and is
positive. The transmission is a function of the left-wire kinetic energy p_L²/2m (BW
Eq. 21: T = γ²/((p_L²/2m − ε0)² + γ²) is ``jaxdiss.Lorentzian(eps0, gamma)``).

Relaxation: τ(p) = τ0 (p/p_F)^s with the relaxation exponent s ≥ −1 (BW App. D; s = 0,
the default, is the momentum-independent τ of the paper's numerics, App. A–B). Lengths are
then in v_F τ0. For s ≠ 0 the local equilibrium shifts by δμ(x) (Eq. D3a) and Eq. (33) no
longer holds; the grids converge more slowly (l ∝ p^{1+s} is not smooth at p = 0: Eq. 30
converges as Δ^{3+s}). s = −1 is the constant mean free path ℓ = v_F τ0 (the EL paper's
model): degenerate for the secular equation — every non-zero mode has the decay length ℓ —
and solved exactly as its own case (`_modes.constant_length_modes`: an orthonormal basis of
the modes with Σ w g = 0; there δμ = −eφ). That branch is static: it is taken when
`relaxation_exponent` is a concrete −1 (a Python or concrete array value), so s = −1 cannot
be traced, vmapped over or differentiated; s > −1 stays a traced, differentiable float. The
s > −1 solutions approach the s = −1 one linearly in 1 + s.

Two entry points: `solve_wire` at a given eV (the paper's procedure, App. B) and
`solve_wire_linear`, the limit I → 0 at a given current. At fixed eV a nearly transparent
scatterer can make the linear system singular (the potential build-up cancels the band
offset and the model needs an infinite current; e.g. T ≡ 0.997 at kT = 0.2 μ0,
eV = 0.1 μ0), and T ≡ 1 is still a potential step for the right movers below eV; the
no-scatterer limit T → 1 is the linear-response one (eV → 0).
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Float

from .._batching import sequential
from .._checks import (
    check_finite,
    check_in_range,
    check_positive,
    check_scalar,
    check_static_int,
    is_concrete,
)
from .._linear import refined_linear_solve
from ..thermal import fermi_window
from ._grid import Grid, wire_grids
from ._modes import Modes, constant_length_modes, discrete_modes

__all__ = ["HalfWire", "HeatingModes", "WireProfile", "WireSolution", "solve_wire",
           "solve_wire_linear"]

_RESIDUAL_TOL = 1e-9  # relative residual of the matching equations
_MEAN_FREE_PATH = -1.0  # relaxation exponent of a constant mean free path (static marker)


def _constant_length(s) -> bool:
    """True for the static marker of a constant mean free path: s is the Python float −1
    (what `_common_arguments` returns for a concrete s = −1); arrays are s > −1."""
    return isinstance(s, float) and s == _MEAN_FREE_PATH


class HalfWire(eqx.Module):
    """Distribution of one half-wire at the scatterer (x = 0⁻ on the left, 0⁺ on the right).

    `momentum` u = p/p_F at the grid nodes (right wire: the M totally reflected nodes first);
    `weight` w with ∫dp/h g(p) ≈ (p_F/h) Σ w g; `right_movers` f(+p, x), `left_movers`
    f(−p, x) (at 0± in `WireSolution.left/right`; with leading axes of positions from
    `WireSolution.distribution_left/right`); `equilibrium` f0(p). `energy_weight` 2u w gives
    ∫dε g ≈ μ0 Σ 2u w g.
    """

    momentum: Float[Array, " n"]
    weight: Float[Array, " n"]
    right_movers: Float[Array, "... n"]
    left_movers: Float[Array, "... n"]
    equilibrium: Float[Array, " n"]

    @property
    def energy_weight(self):
        return 2.0 * self.momentum * self.weight

    @property
    def current(self):
        """Σ 2u w (f(+p) − f(−p)): the particle current I h/(e μ0) (Eq. 9), per position."""
        return jnp.sum(self.energy_weight * (self.right_movers - self.left_movers), axis=-1)


class WireProfile(eqx.Module):
    """Profiles at positions `position` x (v_F τ; x < 0 left wire, x > 0 right wire,
    x = −0.0 is 0⁻ and +0.0 is 0⁺).

    `heating` P_ph (Eq. 23) = `heating_external` P_ext (Eq. 24, uniform) +
    `heating_potential` P^(φ)_ph (Eq. 25) + `heating_scatterer` P^s_ph (Eq. 26), in
    μ0²/(h v_F τ), positive when the phonons are heated; `potential` eφ (μ0);
    `heat_current` J_el (Eq. 10, μ0²/h, positive to the right); `chemical_shift` δμ (μ0),
    the shift of the local equilibrium f_T (Eq. D3a; identically 0 for constant τ).
    """

    position: Float[Array, "..."]
    heating: Float[Array, "..."]
    heating_scatterer: Float[Array, "..."]
    heating_potential: Float[Array, "..."]
    heating_external: Float[Array, ""]
    potential: Float[Array, "..."]
    heat_current: Float[Array, "..."]
    chemical_shift: Float[Array, "..."]


class HeatingModes(NamedTuple):
    """Phonon heating around the scatterer as decaying exponentials (`WireSolution.
    heating_modes`): P_ph(x) − P_ext = Σ_k `amplitude_left`_k e^{x/`length_left`_k} for
    x < 0 and Σ_k `amplitude_right`_k e^{−x/`length_right`_k} for x > 0. Lengths in v_F τ,
    amplitudes in μ0²/(h v_F τ) (the unit of P_ph)."""

    length_left: Float[Array, " m"]
    amplitude_left: Float[Array, " m"]
    length_right: Float[Array, " m"]
    amplitude_right: Float[Array, " m"]


class WireSolution(eqx.Module):
    """Solution of the wire + scatterer problem at one band offset eV (BW Secs. II–III).

    Scalars (units in the module docstring): `current` I = σF_ext/e (Eq. 13), `F_ext`,
    `bias` eV (μ0; = R·I in linear response), `kT` (μ0), `conductivity` σ h/(e² v_F τ0)
    (Eq. 14, = n0 h/p_F for constant τ), `density` n0 h/p_F (Eq. 8), `landauer_current`
    (left side of Eqs. 20), `potential_left`/`potential_right` eφ(0∓),
    `heat_current_left`/`_right` J_el(0∓), `heat_current_far`/`heat_current_far_right`
    J_el(∓∞) (Eq. 15, on each wire's grid), `power_scatterer_left`/`_right`
    P^s_{L,R} (Eq. 28), `power_potential_left`/`_right` P^(φ)_{L,R} (Eq. 31),
    `residual` (largest residual of the matching equations, with the mode amplitudes scaled
    as in `_solve_redundant`, relative to the largest source term), `converged` (finite,
    residual below 1e-9, every secular root found and T not identically zero on the grid).

    `left`, `right`: `HalfWire` distributions at the scatterer. Mode data for `at`:
    decay lengths and the amplitudes of eφ, J_el and δμ carried by each mode at 0±;
    `amplitude_left`/`_right` (the mode amplitudes A, B) and `relaxation_exponent` s for
    `distribution_left/right`, which rebuild the modes on the stored grids.
    Properties: `heating_external` P_ext, `power` IV, `bias_total` eV_tot, `asymmetry`
    P_asym.
    """

    current: Float[Array, ""]
    F_ext: Float[Array, ""]
    bias: Float[Array, ""]
    kT: Float[Array, ""]
    conductivity: Float[Array, ""]
    density: Float[Array, ""]
    landauer_current: Float[Array, ""]
    potential_left: Float[Array, ""]
    potential_right: Float[Array, ""]
    heat_current_left: Float[Array, ""]
    heat_current_right: Float[Array, ""]
    heat_current_far: Float[Array, ""]
    heat_current_far_right: Float[Array, ""]
    power_scatterer_left: Float[Array, ""]
    power_scatterer_right: Float[Array, ""]
    power_potential_left: Float[Array, ""]
    power_potential_right: Float[Array, ""]
    residual: Float[Array, ""]
    converged: Bool[Array, ""]
    left: HalfWire
    right: HalfWire
    length_left: Float[Array, " m"]
    length_right: Float[Array, " m"]
    potential_modes_left: Float[Array, " m"]
    potential_modes_right: Float[Array, " m"]
    heat_modes_left: Float[Array, " m"]
    heat_modes_right: Float[Array, " m"]
    chemical_modes_left: Float[Array, " m"]
    chemical_modes_right: Float[Array, " m"]
    amplitude_left: Float[Array, " m"]
    amplitude_right: Float[Array, " m"]
    relaxation_exponent: Float[Array, ""]
    constant_length: bool = eqx.field(static=True)

    @property
    def heating_external(self):
        """P_ext = I F_ext/e = I²/σ (Eq. 24), μ0²/(h v_F τ)."""
        return self.current * self.F_ext

    @property
    def power(self):
        """I V (μ0²/h): Joule power of the voltage drop at the scatterer (Eq. 30)."""
        return self.current * self.bias

    @property
    def bias_total(self):
        """eV_tot = eV + eφ(0⁺) − eφ(0⁻) (μ0): the whole drop induced by the scatterer
        (Fig. 2, Eq. 32)."""
        return self.bias + self.potential_right - self.potential_left

    @property
    def asymmetry(self):
        """P_asym = P^s_R − P^s_L + P^(φ)_R − P^(φ)_L (Eq. 34), μ0²/h."""
        return (self.power_scatterer_right - self.power_scatterer_left
                + self.power_potential_right - self.power_potential_left)

    def heating_modes(self) -> HeatingModes:
        """P_ph(x) − P_ext as sums of decaying exponentials, one per eigenmode (BW Eqs. 25,
        26 with the modes of Eq. A12): Σ_k a_k e^{−|x|/L_k} on each side (`HeatingModes`).
        Exact for the discretised problem, so a convolution of the profile can be done
        mode by mode in closed form (`jaxdiss.thermometry`)."""
        a_left = -(self.current * self.potential_modes_left + self.heat_modes_left)
        a_right = self.current * self.potential_modes_right + self.heat_modes_right
        return HeatingModes(self.length_left, a_left / self.length_left,
                            self.length_right, a_right / self.length_right)

    def distribution_left(self, x) -> HalfWire:
        """f(±p, x) in the left wire at positions `x` ≤ 0 (any shape, v_F τ; x = 0 is 0⁻):
        a `HalfWire` on the left grid with movers of shape x.shape + (N,), the Drude term
        plus every mode decaying as e^{x/L} (BW Eqs. 11, A9). The modes are rebuilt from
        the stored grid (one secular solve); compiled once per shape of `x`."""
        return _distribution(self, _positions(x, left=True), False)

    def distribution_right(self, x) -> HalfWire:
        """f(±p, x) in the right wire at positions `x` ≥ 0 (as `distribution_left`; right
        grid, reflected nodes first, modes decaying as e^{−x/L})."""
        return _distribution(self, _positions(x, left=False), True)

    def at(self, x) -> WireProfile:
        """Profiles at positions `x` (any shape, v_F τ); see `WireProfile`. Compiled
        (``filter_jit``) once per shape of `x`."""
        return _profile(self, jnp.asarray(x, dtype=float))


@eqx.filter_jit
def _profile(w: WireSolution, x) -> WireProfile:
    """`WireSolution.at` (compiled)."""
    left = jnp.signbit(x)
    d = jnp.abs(x)[..., None]

    def side(lengths, phi_k, heat_k, mu_k):
        e = jnp.exp(-d / lengths)
        return (e @ phi_k, e @ heat_k, e @ (phi_k / lengths), e @ (heat_k / lengths),
                e @ mu_k)

    phiL, JL, dphiL, dJL, muL = side(w.length_left, w.potential_modes_left,
                                     w.heat_modes_left, w.chemical_modes_left)
    phiR, JR, dphiR, dJR, muR = side(w.length_right, w.potential_modes_right,
                                     w.heat_modes_right, w.chemical_modes_right)
    # x < 0: modes ∝ e^{x/L}, ∂x → +1/L;  x > 0: e^{−x/L}, ∂x → −1/L
    potential = jnp.where(left, phiL, phiR)
    heat = jnp.where(left, w.heat_current_far + JL, w.heat_current_far_right + JR)
    scatterer = jnp.where(left, -dJL, dJR)            # −∂x J_el (Eq. 26)
    pot = w.current * jnp.where(left, -dphiL, dphiR)  # −I ∂x eφ (Eq. 25)
    ext = w.heating_external
    return WireProfile(
        position=x,
        heating=ext + pot + scatterer,
        heating_scatterer=scatterer,
        heating_potential=pot,
        heating_external=ext,
        potential=potential,
        heat_current=heat,
        chemical_shift=jnp.where(left, muL, muR),
    )


def _positions(x, left):
    """`x` as a float array on the requested side (x ≤ 0 left, x ≥ 0 right), finite."""
    return check_in_range("x", x, -np.inf, 0.0) if left else check_in_range("x", x, 0.0, np.inf)


@eqx.filter_jit
def _distribution(w: WireSolution, x, right: bool) -> HalfWire:
    """`WireSolution.distribution_left/right` (compiled)."""
    half = w.right if right else w.left
    s = _MEAN_FREE_PATH if w.constant_length else w.relaxation_exponent
    side = _side(Grid(half.momentum, half.weight), w.kT, s,
                 w.conductivity if right else None)
    amplitudes = w.amplitude_right if right else w.amplitude_left
    decay = jnp.exp(-jnp.abs(x)[..., None] / side.modes.length)
    plus, minus = _movers(side, w.F_ext, amplitudes * decay, right)
    return HalfWire(half.momentum, half.weight, plus, minus, half.equilibrium)


def _d_mu_fermi(energy, kT):
    """∂f0/∂μ0 = f0(1 − f0)/kT at kinetic energy `energy` (μ0 = 1), full tail precision."""
    x = (energy - 1.0) / kT
    return jax.nn.sigmoid(x) * jax.nn.sigmoid(-x) / kT


def _transmission(T, energy):
    values = jnp.asarray(T(energy), dtype=float)
    return jnp.broadcast_to(values, energy.shape)


class _Side(eqx.Module):
    """One half-wire on its grid: occupations, relaxation, modes and Drude profile."""

    grid: Grid
    f0: Array
    d: Array          # ∂f0/∂μ0
    tau: Array        # τ(p)/τ0 = (p/p_F)^s
    l: Array          # l(p) = p τ(p)/m in v_F τ0 (≡ 1 for s = −1)
    drude: Array      # ∂f0/∂μ0, normalised on the right grid to carry the left grid's σ
    modes: Modes


def _side(grid, kT, s, sigma=None):
    u, w = grid.momentum, grid.weight
    e = u**2
    d = _d_mu_fermi(e, kT)
    if _constant_length(s):      # τ ∝ 1/p: l ≡ v_F τ0 exactly, degenerate modes
        tau = 1.0 / u
        l = jnp.ones_like(u)
        modes = constant_length_modes(1.0, w, tau, d)
    else:
        tau = jnp.exp(s * jnp.log(u))
        l = u * tau
        modes = discrete_modes(l, w, tau, d)
    drude = d if sigma is None else d * (sigma / (4.0 * jnp.sum(w * u * l * d)))
    return _Side(grid, jax.nn.sigmoid(-(e - 1.0) / kT), d, tau, l, drude, modes)


def _conductivity(side):
    """σ h/(e² v_F τ0) = 4 Σ w u l ∂f0/∂μ0 (Eq. 14; = n0 h/p_F for constant τ)."""
    g = side.grid
    return 4.0 * jnp.sum(g.weight * g.momentum * side.l * side.d)


def _matching(L, R, Tn, n_reflected, last=None):
    """Matching equations (19) for the mode amplitudes (A, B) and F_ext.

    Rows: Eq. (19a) at the N transmitted energies, total reflection f(p_R) = f(−p_R) at the
    M energies below eV, Eq. (19b). Returns (matrix: the A and B columns followed by the
    `last` column, by default the F_ext column; the F_ext column; dependency weights y with
    Σ y·row ≡ 0: Eq. (20a) − Eq. (20b)). The matrix is assembled in one piece (no copies
    of partial blocks)."""
    M = n_reflected
    Rn = 1.0 - Tn
    inL, outL = L.modes.incoming, L.modes.outgoing
    inR, outR = R.modes.incoming, R.modes.outgoing
    nA = inL.shape[1]
    ldL, ldR = L.l * L.drude, R.l * R.drude              # l ∂f0/∂μ0 (Drude per unit F)
    f_col = jnp.concatenate([
        ldR[M:] * (1.0 + Rn) - Tn * ldL,
        2.0 * ldR[:M],
        Tn * ldR[M:] - ldL * (1.0 + Rn),
    ])
    last = f_col if last is None else last
    N = Tn.shape[0]
    matrix = jnp.block([
        [-Tn[:, None] * inL, outR[M:] - Rn[:, None] * inR[M:], last[:N, None]],
        [jnp.zeros((M, nA)), outR[:M] - inR[:M], last[N:N + M, None]],
        [outL - Rn[:, None] * inL, -Tn[:, None] * inR[M:], last[N + M:, None]],
    ])
    y = jnp.concatenate([L.grid.energy_weight, R.grid.energy_weight[:M], L.grid.energy_weight])
    return matrix, f_col, y


def _scale(L, R):
    """Column scales of the mode amplitudes (A, B) in the matching system."""
    return jnp.concatenate([L.modes.scale, R.modes.scale])


def _solve_redundant(matrix, rhs, y, scale):
    """Solve the compatible over-determined system (one row redundant, Σ y·row ≡ 0).

    `matrix`: the mode columns followed by one more (F_ext or eV), `scale` the mode columns'
    scales (`Modes.scale`); the last column is scaled by its largest entry. With these
    column scales the system is equilibrated (κ ≈ 20–500 on the BW grids, as after Ruiz
    scaling). It is made square by a border column ŷ ∝ y: ŷ is orthogonal to every
    column, so [M c, ŷ] is as well conditioned as M c and the compatible system has the
    border unknown λ = 0 (with zero derivatives too, since the dependency holds
    identically). Solved by float32 LU of the bordered matrix and float64 refinement
    (`jaxdiss._linear.refined_linear_solve`). Returns the solution and the largest residual
    of the equations, relative to max|rhs|."""
    last = jnp.max(jnp.abs(matrix[:, -1]))
    c = jax.lax.stop_gradient(
        jnp.concatenate([scale, (1.0 / jnp.where(last > 0.0, last, 1.0))[None]]))
    border = jax.lax.stop_gradient(y / jnp.max(jnp.abs(y)))
    bordered = jnp.concatenate([matrix * c[None, :], border[:, None]], axis=1)

    def apply(x):
        return matrix @ (c * x[:-1]) + border * x[-1]

    sol = refined_linear_solve(apply, bordered, rhs)
    x = sol[:-1] * c
    size = jnp.max(jnp.abs(rhs))
    # a homogeneous system (e.g. T ≡ 1 in linear response) has the exact solution 0
    residual = jnp.max(jnp.abs(matrix @ x - rhs)) / jnp.where(size > 0, size, 1.0)
    return x, residual


def _movers(side, F, weights, right):
    """f(+p), f(−p) of one half-wire: f0 ± the Drude term plus Σ_k `weights`_k × mode k
    (`weights` (..., m): amplitudes, times e^{−|x|/L_k} away from the scatterer). The
    incoming branch moves towards the scatterer: the right movers on the left wire, the
    left movers on the right wire."""
    drude = F * side.l * side.drude
    toward = weights @ side.modes.incoming.T
    away = weights @ side.modes.outgoing.T
    if right:
        return side.f0 + drude + away, side.f0 - drude + toward
    return side.f0 + drude + toward, side.f0 - drude + away


def _finish(L, R, Tn, A, B, F, bias, kT, sigma, offset, residual, n_reflected, s):
    """Distributions, currents, potentials and mode amplitudes of a solved system.

    `offset`: f0(p_L) − f0(p_R) at the matched energies (the Landauer window); `s`: the
    relaxation exponent (the Python float −1 for a constant mean free path)."""
    M = n_reflected
    uL, uR = L.grid.momentum, R.grid.momentum
    eL, eR = uL**2, uR**2
    WL, WR = L.grid.energy_weight, R.grid.energy_weight
    inL, outL = L.modes.incoming, L.modes.outgoing
    inR, outR = R.modes.incoming, R.modes.outgoing
    fpL, fmL = _movers(L, F, A, right=False)
    fpR, fmR = _movers(R, F, B, right=True)
    current = sigma * F
    # f(p_L, 0⁻) − f(−p_R, 0⁺) = offset + (deviations of both from their own f0)
    landauer = jnp.sum(WL * Tn * (offset + (fpL - L.f0) - (fmR[M:] - R.f0[M:])))

    # heat current (Eq. 10) per unit mode amplitude and far from the scatterer (Eq. 15)
    heat_kL = (WL * (eL - 1.0)) @ (inL - outL)
    heat_kR = (WR * (eR - 1.0)) @ (outR - inR)
    J_farL = jnp.sum(WL * (eL - 1.0) * 2.0 * F * L.l * L.drude)
    J_farR = jnp.sum(WR * (eR - 1.0) * 2.0 * F * R.l * R.drude)
    J0L = J_farL + heat_kL @ A
    J0R = J_farR + heat_kR @ B
    phiL = L.modes.potential @ A
    phiR = R.modes.potential @ B

    T_nonzero = jnp.any(Tn != 0.0)
    roots_found = jnp.all(jnp.asarray([m.roots.converged for m in (L.modes, R.modes)
                                       if m.roots is not None], dtype=bool))
    converged = jnp.isfinite(residual) & (residual < _RESIDUAL_TOL) & T_nonzero & roots_found
    return WireSolution(
        current=current,
        F_ext=F,
        bias=bias,
        kT=kT,
        conductivity=sigma,
        density=2.0 * jnp.sum(L.grid.weight * L.f0),
        landauer_current=landauer,
        potential_left=phiL,
        potential_right=phiR,
        heat_current_left=J0L,
        heat_current_right=J0R,
        heat_current_far=J_farL,
        heat_current_far_right=J_farR,
        power_scatterer_left=J_farL - J0L,
        power_scatterer_right=J0R - J_farR,
        power_potential_left=-current * phiL,
        power_potential_right=current * phiR,
        residual=residual,
        converged=converged,
        left=HalfWire(uL, L.grid.weight, fpL, fmL, L.f0),
        right=HalfWire(uR, R.grid.weight, fpR, fmR, R.f0),
        length_left=L.modes.length,
        length_right=R.modes.length,
        potential_modes_left=L.modes.potential * A,
        potential_modes_right=R.modes.potential * B,
        heat_modes_left=heat_kL * A,
        heat_modes_right=heat_kR * B,
        chemical_modes_left=(L.modes.chemical - L.modes.potential) * A,
        chemical_modes_right=(R.modes.chemical - R.modes.potential) * B,
        amplitude_left=A,
        amplitude_right=B,
        relaxation_exponent=jnp.asarray(s, dtype=float),
        constant_length=_constant_length(s),
    )


def _solve_point(T, bias, kT, mu0, s, n_momentum, n_reflected, tail):
    """The wire at one band offset (traced; batches the ordinary way under vmap)."""
    left, right = wire_grids(bias, kT, n_momentum, n_reflected, tail)
    L = _side(left, kT, s)
    sigma = _conductivity(L)                                   # Eq. (14) on the left grid
    R = _side(right, kT, s, sigma)                             # Drude normalised to σ
    Tn = _transmission(T, left.energy * mu0)
    # f0(p_L) − f0(p_R) at ε = p_L²/2m + eV, without cancellation
    offset = fermi_window(left.energy + bias, 1.0 + bias, 1.0, kT)
    matrix, _, y = _matching(L, R, Tn, n_reflected)
    source = Tn * offset
    rhs = jnp.concatenate([source, jnp.zeros(n_reflected), -source])
    x, residual = _solve_redundant(matrix, rhs, y, _scale(L, R))
    nA = n_momentum - 1
    A, B, F = x[:nA], x[nA:-1], x[-1]
    return _finish(L, R, Tn, A, B, F, bias, kT, sigma, offset, residual, n_reflected, s)


# compiled entry points; under vmap their points run one after another (`_batching`):
# the dense per-point arrays stay in cache and jaxlib's batched LU is avoided
_solve = eqx.filter_jit(sequential(_solve_point))


@eqx.filter_jit
@sequential
def _solve_linear(T, current, kT, mu0, s, n_momentum, tail):
    grid, _ = wire_grids(jnp.asarray(1.0), kT, n_momentum, 4, tail)
    L = _side(grid, kT, s)
    sigma = _conductivity(L)
    Tn = _transmission(T, grid.energy * mu0)
    F = current / sigma
    # unknown eV enters through the source T(f0(p_L) − f0(p_R)) → T eV ∂f0/∂μ0
    source = Tn * L.d
    matrix, f_col, y = _matching(L, L, Tn, 0, last=jnp.concatenate([-source, source]))
    x, residual = _solve_redundant(matrix, -F * f_col, y, _scale(L, L))
    nA = n_momentum - 1
    A, B, bias = x[:nA], x[nA:-1], x[-1]
    return _finish(L, L, Tn, A, B, F, bias, kT, sigma, bias * L.d, residual, 0, s)


def _thrown(solution, throw):
    """With ``throw=True`` and a concrete result, raise when the solve did not converge."""
    if throw and is_concrete(solution.converged) and not bool(solution.converged):
        raise RuntimeError(
            "wire solve did not converge: residual of the matching equations "
            f"{float(solution.residual):.3g} (or T vanishes on the grid)")
    return solution


def _common_arguments(T, kT, mu0, relaxation_exponent, n_momentum, tail):
    """Validation shared by `solve_wire` and `solve_wire_linear`."""
    n_momentum = check_static_int("n_momentum", n_momentum, 8)
    tail = float(tail)
    if not tail > 0.0:
        raise ValueError(f"`tail` must be positive, got {tail!r}")
    if (is_concrete(relaxation_exponent) and np.ndim(relaxation_exponent) == 0
            and float(relaxation_exponent) == _MEAN_FREE_PATH):
        # constant mean free path: its own exact (static) branch, see `_side`. Tested on
        # the raw value: under jit/vmap even a constant becomes a tracer once converted.
        s = _MEAN_FREE_PATH
    else:
        s = check_scalar("relaxation_exponent",
                    check_finite("relaxation_exponent", relaxation_exponent))
        if not is_concrete(s):
            s = eqx.error_if(s, s <= -1.0, "a traced `relaxation_exponent` must exceed -1 "
                             "(s = -1, the constant mean free path, must be concrete)")
        elif float(s) < -1.0:
            raise NotImplementedError(
                "`relaxation_exponent` < -1 is not implemented: it reverses the order of "
                f"l(p) ∝ p^(1+s); got {float(s)!r}")
    kT = check_scalar("kT", check_positive("kT", kT))
    mu0 = check_scalar("mu0", check_positive("mu0", mu0))
    return n_momentum, tail, kT, mu0, s


@eqx.filter_jit
def _grid_transmission(T, bias, kT, mu0, n_momentum, n_reflected, tail):
    """T on the left grid (one compiled call instead of eager grid construction)."""
    left, _ = wire_grids(bias, kT, n_momentum, n_reflected, tail)
    return _transmission(T, left.energy * mu0)


def _check_transmission(T, bias, kT, mu0, n_momentum, n_reflected, tail):
    """With concrete values: T must lie in [0, 1] and must not vanish on the whole left
    grid of (`bias`, `kT`) in μ0."""
    if not all(is_concrete(v) for v in (bias, kT, mu0)):
        return
    values = _grid_transmission(T, *(jnp.asarray(v, dtype=float) for v in (bias, kT, mu0)),
                                n_momentum, n_reflected, tail)
    if not is_concrete(values):
        return
    v = np.asarray(values)
    if not np.all(np.isfinite(v)) or np.any(v < 0.0) or np.any(v > 1.0):
        raise ValueError("`T` must return finite values in [0, 1] on the grid")
    if not np.any(v > 0.0):
        raise ValueError("`T` vanishes on the whole momentum grid: no current can flow "
                         "through the scatterer (BW Sec. II C)")


def solve_wire(T, bias, kT, mu0=1.0, relaxation_exponent=0.0, *, n_momentum: int = 256,
               n_reflected: int | None = None, tail: float = 36.0,
               throw: bool = False) -> WireSolution:
    """Solve the nanowire + scatterer problem of BW at a given band offset eV = `bias`.

    Arguments (energies in one unit, μ0 = `mu0`):

    * `T`: any jnp-traceable callable T(E) of the LEFT-wire kinetic energy E = p_L²/2m
      (BW Eq. 21 is ``jaxdiss.Lorentzian(eps0, gamma)``); values in [0, 1].
    * `bias` eV > 0: voltage drop at the scatterer (BW Eq. 18, Fig. 2).
    * `kT` > 0: temperature of the phonons (and of the equilibrium electrons).
    * `mu0` > 0: chemical potential far from the scatterer; it sets the unit of the results.
    * `relaxation_exponent` s ≥ −1 of τ(p) = τ0 (p/p_F)^s (App. D; default 0: constant τ).
      s = −1 (constant mean free path v_F τ0) is an exact static branch: it must be
      concrete (not traced, vmapped or differentiated); traced values must exceed −1.
    * `n_momentum` (static): nodes of the uniform left momentum grid on
      [0, √(2m(μ0 + tail·kT))]; `n_reflected` (static, default n_momentum // 4): nodes for
      the totally reflected right movers on [0, √(2m eV)]; `tail`: energy cut in kT;
      `throw`: raise `RuntimeError` when an unbatched solve did not converge.

    Returns a `WireSolution` in BW's natural units (module docstring); ``w.at(x)`` gives the
    heating and potential profiles. Method: exact discrete eigenmodes (`_modes`), matched
    energy grids (`_grid`), the matching equations (19) for the mode amplitudes and F_ext
    together, equilibrated, made square by a border column orthogonal to the exactly
    redundant combination of rows (BW App. B). Works under
    ``jit``, ``vmap`` and ``grad`` with respect to `bias`, `kT`, `mu0`,
    `relaxation_exponent` (s > −1) and the parameters of `T`. Raises `ValueError` for invalid
    arguments and, when the arguments are concrete, for a transmission that vanishes on the
    whole grid (no current can flow); under tracing that case is reported by
    ``converged = False``.

    Accuracy: the resonance of T must span a few momentum steps, Δ = √(1 + tail·kT)/N (in
    p_F); at the default N = 256, Γ = 0.08 μ0 and kT = 0.3 μ0 (0.7 μ0) the current and eφ(0±)
    change by ~1e-6 (~2e-4) when the step is halved. Near-transparent scatterers: at fixed
    eV the model can need an arbitrarily large current (the potential build-up then cancels
    the band offset, and the linear system becomes singular; e.g. T ≡ 0.997 at kT = 0.2,
    eV = 0.1): use `solve_wire_linear` for T → 1.
    """
    n_momentum, tail, kT, mu0, s = _common_arguments(T, kT, mu0, relaxation_exponent,
                                                     n_momentum, tail)
    n_reflected = n_momentum // 4 if n_reflected is None else n_reflected
    n_reflected = check_static_int("n_reflected", n_reflected, 4)
    bias = check_scalar("bias", check_positive("bias", bias))
    b, t = bias / mu0, kT / mu0
    _check_transmission(T, b, t, mu0, n_momentum, n_reflected, tail)
    return _thrown(_solve(T, b, t, mu0, s, n_momentum, n_reflected, tail), throw)


def solve_wire_linear(T, kT, mu0=1.0, relaxation_exponent=0.0, *, current=1.0,
                      n_momentum: int = 256, tail: float = 36.0,
                      throw: bool = False) -> WireSolution:
    """Linear response of the wire + scatterer: the limit I → 0 (eV → 0) of `solve_wire`.

    The matching equations are linearized in eV as well, f0(p_L) − f0(p_R) → eV ∂f0/∂μ0,
    and solved for the mode amplitudes and eV at a given `current` I (h/(e μ0) units; the
    default 1 gives everything per unit current). The result is exact to first order in I:
    `bias` = eV = R I (R the resistance the scatterer adds, in h/e²), F_ext, eφ, J_el and
    P^s_ph are O(I); P_ext and P^(φ)_ph are the O(I²) products of BW Eqs. (24)–(25), and
    P^s_L + P^s_R = IV holds only to O(I²) (it is 0 here). Both wires share one grid; the
    transmission is evaluated at the kinetic energy E = p²/2m. For T ≡ 1 (no scatterer)
    the exact answer eV = 0, eφ ≡ 0, P_ph ≡ P_ext follows (BW App. D). Arguments, units,
    transformations and errors as for `solve_wire`.
    """
    n_momentum, tail, kT, mu0, s = _common_arguments(T, kT, mu0, relaxation_exponent,
                                                     n_momentum, tail)
    current = check_scalar("current", check_finite("current", current))
    t = kT / mu0
    _check_transmission(T, 1.0, t, mu0, n_momentum, 4, tail)
    return _thrown(_solve_linear(T, current, t, mu0, s, n_momentum, tail), throw)
