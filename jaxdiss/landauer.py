"""Two-terminal Landauer–Büttiker currents and the power dissipated on each side
(QPC paper, Sec. 2).

Units: energies (E, μ, kT, bias) in one unit ε_u, h = 1. A particle current comes out in
ε_u/h, energy and heat currents and powers in ε_u²/h. `spin` (default 2) multiplies every
current. Sign convention: `bias = mu_left − mu_right` (the paper's eV with e < 0, V < 0,
so bias > 0 drives electrons from left to right); mu_{L,R} = mubar ± bias/2.

Energy integrals use the graded panels of `jaxdiss.quad` around the Fermi edges
(scale kT), inside the bias window, and at the transmission's own features. For sweeps at a
fixed transmission pass ``grid=fixed_grid(T, e_min, e_max, kT_min)``: the nodes then do
not depend on (mubar, bias, kT), so under ``vmap`` T(E) is evaluated once for the whole
sweep and each point costs only its Fermi window.
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array

from ._checks import check_finite, check_nonnegative, check_positive, check_spin
from .quad import EnergyGrid, graded_edges, panel_grid
from .scattering.transmission import derivative, quadrature_hints
from .thermal import fermi_window

__all__ = [
    "TwoTerminalCurrents",
    "Dissipation",
    "LowBiasDissipation",
    "TemperatureCorrection",
    "fixed_grid",
    "window_grid",
    "two_terminal_currents",
    "landauer_dissipation",
    "low_bias_dissipation",
    "low_temperature_correction",
    "step_temperature_correction",
]

_TAIL = 40.0  # Fermi tails are cut at 40 kT beyond the chemical potentials (e^-40 ≈ 4e-18)


class TwoTerminalCurrents(NamedTuple):
    """Currents between two reservoirs (flowing from left to right).

    `particle_current` I = s∫T(f_L − f_R)dE [ε_u/h]; `energy_current` J = s∫E T(f_L − f_R)dE;
    `heat_left` = J − μ_L I, heat drawn from the left reservoir; `heat_right` = J − μ_R I,
    heat delivered to the right reservoir [ε_u²/h].
    """

    particle_current: Array
    energy_current: Array
    heat_left: Array
    heat_right: Array


class Dissipation(NamedTuple):
    """Powers dissipated on both sides of the scatterer (QPC Eqs. 1–5) [ε_u²/h].

    `current` I (Eq. 1, particle current, ε_u/h), `energy_current` J (Eq. 4),
    `power_left` P_L = μ_L I − J, `power_right` P_R = J − μ_R I (Eqs. 2–3),
    `asymmetry` P_A = P_R − P_L from its own integrand (Eq. 5), `power_total` = bias·I.
    """

    current: Array
    energy_current: Array
    power_left: Array
    power_right: Array
    asymmetry: Array
    power_total: Array


def window_grid(T, mu_left, mu_right, kT_left, kT_right, *, order=16, levels=8,
                subdivisions=8) -> EnergyGrid:
    """Graded quadrature panels for ∫ T(E)(f_L − f_R) g(E) dE at one operating point."""
    hints = quadrature_hints(T)
    # `where`, not maximum/minimum: at a tie (zero bias) those split the tangent 1/2 : 1/2
    # and the window width would not move with the bias. Ties resolve to the left edge on
    # top and the right one at the bottom, so d(width)/d(bias) = 1 at bias = 0.
    upper_l, upper_r = mu_left + _TAIL * kT_left, mu_right + _TAIL * kT_right
    lower_l, lower_r = mu_left - _TAIL * kT_left, mu_right - _TAIL * kT_right
    top = jnp.where(upper_l >= upper_r, upper_l, upper_r)
    bottom = jnp.where(lower_r <= lower_l, lower_r, lower_l)
    lo = jnp.where(bottom > hints.lower, bottom, hints.lower)
    lo = jnp.where(lo <= top, lo, top)
    mus = jnp.stack([mu_left, mu_right])
    edges = graded_edges(
        lo,
        top,
        breakpoints=hints.breakpoints,
        centers=jnp.concatenate([mus, hints.centers]),
        scales=jnp.concatenate([jnp.stack([kT_left, kT_right]), hints.scales]),
        subdivide=(jnp.min(mus), jnp.max(mus), subdivisions),
        levels=levels,
    )
    return panel_grid(edges, order)


def fixed_grid(T, e_min, e_max, kT_min, *, panel_width=4.0, order=16, levels=8) -> EnergyGrid:
    """One energy grid for a whole sweep over operating points at a fixed transmission.

    Uniform panels no wider than ``panel_width·kT_min`` on [e_min, e_max], graded at the
    transmission's features. Accurate (≈1e-10 relative with the defaults) for every point
    with kT ≥ kT_min whose window [μ − 40kT, μ + 40kT] lies inside [e_min, e_max]
    (T's lower support edge may cut it). Python-level construction: call it outside jit.
    """
    kT_min = float(check_positive("kT_min", kT_min))
    e_min, e_max = float(e_min), float(e_max)
    if not e_max > e_min:
        raise ValueError(f"`e_max` must exceed `e_min`, got {e_min} and {e_max}")
    hints = quadrature_hints(T)
    lo = max(e_min, float(hints.lower))
    n = max(1, int(jnp.ceil((e_max - lo) / (panel_width * kT_min))))
    edges = graded_edges(
        lo,
        e_max,
        breakpoints=hints.breakpoints,
        centers=hints.centers,
        scales=hints.scales,
        subdivide=(lo, e_max, n),
        levels=levels,
    )
    # clipped ladder edges coincide: drop the empty panels (they carry zero weight)
    return panel_grid(jnp.asarray(np.unique(np.asarray(edges))), order)


def _moments(T, grid, window, mubar):
    """∫T w dE and ∫(E − μ̄) T w dE with w = window(E) = f_L − f_R on `grid`."""
    E = grid.nodes
    tw = T(E) * window(E)
    return grid.integrate(tw), grid.integrate((E - mubar) * tw)


def _symmetric_window(E, mubar, bias, kT):
    """f(E − μ_L) − f(E − μ_R) at one temperature from (μ̄, bias): two exponentials a node.

    With u = |E − μ̄|/kT, b = |bias|/2kT, p = e^{−|u−b|}, q = e^{−(u+b)}:
    w = tanh(bias/2kT)(1 + e^{−2b}) · (p if u ≥ b else 1)/((1 + p)(1 + q)), exact, with full
    relative precision in both tails and at small bias (bias is never rounded into μ_L − μ_R).
    kT = 0 gives the box.
    """
    hot = kT > 0
    k = jnp.where(hot, kT, 1.0)
    x = E - mubar
    half = 0.5 * bias
    b = jnp.abs(half) / k
    u = jnp.abs(x) / k
    p = jnp.exp(-jnp.abs(u - b))
    q = jnp.exp(-(u + b))
    amplitude = jnp.tanh(half / k) * (1.0 + jnp.exp(-2.0 * b))
    warm = amplitude * jnp.where(u >= b, p, 1.0) / ((1.0 + p) * (1.0 + q))
    inside = jnp.abs(x) < jnp.abs(half)
    edge = jnp.abs(x) == jnp.abs(half)
    step = jnp.sign(bias) * jnp.where(inside, 1.0, jnp.where(edge, 0.5, 0.0))
    return jnp.where(hot, warm, step)


def _on_own_grid(window, mu_left, mu_right, kT_left, kT_right):
    """The window at the nodes of `window_grid`.

    At kT_L = kT_R = 0 that grid spans exactly the box between μ_R and μ_L, so every node
    gets the box value ±1. Evaluating the step there instead would give 0 at nodes that
    coincide with μ (zero bias, or panels narrower than the rounding of μ) and lose the
    derivative with respect to the bias, which lives on those nodes (dI/dbias = sT(μ̄)).
    """
    box = jnp.where(jnp.asarray(mu_left) >= mu_right, 1.0, -1.0)
    cold = (jnp.asarray(kT_left) == 0) & (jnp.asarray(kT_right) == 0)
    return lambda E: jnp.where(cold, box, window(E))


def _scalar(name, x, grid):
    """On the per-point grid, operating points are scalars (per element under vmap)."""
    if grid is None and jnp.ndim(x) != 0:
        raise ValueError(
            f"`{name}` must be a scalar, got shape {jnp.shape(x)}; map over operating points "
            "with jax.vmap (or jaxdiss.sweep)"
        )
    return x



def two_terminal_currents(T, mu_left, mu_right, kT_left, kT_right=None, *, spin=2,
                          grid: EnergyGrid | None = None, order=16, levels=8) -> TwoTerminalCurrents:
    """Particle, energy and heat currents from the left to the right reservoir.

    Reservoirs at (mu_left, kT_left) and (mu_right, kT_right) (default kT_right = kT_left);
    `T` any vectorised callable T(E). See `TwoTerminalCurrents` for units and signs.
    """
    s = check_spin(spin)
    mu_left = _scalar("mu_left", check_finite("mu_left", mu_left), grid)
    mu_right = _scalar("mu_right", check_finite("mu_right", mu_right), grid)
    kT_left = _scalar("kT_left", check_nonnegative("kT_left", kT_left), grid)
    kT_right = kT_left if kT_right is None else _scalar(
        "kT_right", check_nonnegative("kT_right", kT_right), grid)
    return _two_terminal(T, mu_left, mu_right, kT_left, kT_right, s, grid, order, levels)


@eqx.filter_jit
def _two_terminal(T, mu_left, mu_right, kT_left, kT_right, s, grid, order, levels):
    def window(E):
        return fermi_window(E, mu_left, mu_right, kT_left, kT_right)

    if grid is None:
        grid = window_grid(T, mu_left, mu_right, kT_left, kT_right, order=order, levels=levels)
        window = _on_own_grid(window, mu_left, mu_right, kT_left, kT_right)
    mubar = 0.5 * (mu_left + mu_right)
    m0, m1 = _moments(T, grid, window, mubar)
    half = 0.5 * (mu_left - mu_right)
    return TwoTerminalCurrents(
        particle_current=s * m0,
        energy_current=s * (m1 + mubar * m0),
        heat_left=s * (m1 - half * m0),
        heat_right=s * (m1 + half * m0),
    )


def landauer_dissipation(T, mubar, bias, kT, spin=2, *, grid: EnergyGrid | None = None,
                         order=16, levels=8) -> Dissipation:
    """Power dissipated left and right of a scatterer, QPC Eqs. (1)–(5).

    mu_L = mubar + bias/2, mu_R = mubar − bias/2, both reservoirs at `kT` (≥ 0; 0 is the
    zero-temperature limit). On the default per-point grid `mubar`, `bias` and `kT` are
    scalars: map over operating points with ``jax.vmap``. Returns a `Dissipation` record;
    P_L + P_R = bias·I holds to rounding, and P_A is integrated from 2s∫(E − μ̄)T(f_L − f_R)dE
    so that it keeps its digits at small bias.
    """
    s = check_spin(spin)
    mubar = _scalar("mubar", check_finite("mubar", mubar), grid)
    bias = _scalar("bias", check_finite("bias", bias), grid)
    kT = _scalar("kT", check_nonnegative("kT", kT), grid)
    return _dissipation(T, mubar, bias, kT, s, grid, order, levels)


@eqx.filter_jit
def _dissipation(T, mubar, bias, kT, s, grid, order, levels):
    def window(E):
        return _symmetric_window(E, mubar, bias, kT)

    if grid is None:
        mu_left, mu_right = mubar + 0.5 * bias, mubar - 0.5 * bias
        grid = window_grid(T, mu_left, mu_right, kT, kT, order=order, levels=levels)
        window = _on_own_grid(window, mu_left, mu_right, kT, kT)
    m0, m1 = _moments(T, grid, window, mubar)
    half = 0.5 * bias
    return Dissipation(
        current=s * m0,
        energy_current=s * (m1 + mubar * m0),
        power_left=s * (half * m0 - m1),
        power_right=s * (m1 + half * m0),
        asymmetry=2.0 * s * m1,
        power_total=s * bias * m0,
    )


class LowBiasDissipation(NamedTuple):
    """Leading orders at small bias and kT = 0: `power` P_L ≈ P_R (Eq. 7), `asymmetry` P_A (Eq. 8)."""

    power: Array
    asymmetry: Array


def low_bias_dissipation(T, mubar, bias, spin=2) -> LowBiasDissipation:
    """QPC Eqs. (7)–(8): P_{L/R} ≈ (s/2) T(μ̄) bias², P_A ≈ (s/2) T'(μ̄) bias³/3.

    T' by autodiff. Valid at zero temperature for bias small on the scale of T's variation.
    """
    s = check_spin(spin)
    mubar = check_finite("mubar", mubar)
    bias = check_finite("bias", bias)
    return _low_bias(T, mubar, bias, s)


@eqx.filter_jit
def _low_bias(T, mubar, bias, s):
    return LowBiasDissipation(
        power=0.5 * s * T(mubar) * bias**2,
        asymmetry=0.5 * s * derivative(T, mubar) * bias**3 / 3.0,
    )


class TemperatureCorrection(NamedTuple):
    """Lowest-order thermal corrections ΔP_{L,R}(T) = P_{L,R}(T) − P_{L,R}(0) (Eqs. 14, 16)."""

    delta_left: Array
    delta_right: Array


def low_temperature_correction(T, mubar, bias, kT, spin=2) -> TemperatureCorrection:
    """QPC Eqs. (14) and (16), error O(kT⁴):

    ΔP_L = −(s/2)(π²/3)[T(μ_L) − T(μ_R) + bias·T'(μ_R)] kT²,
    ΔP_R = +(s/2)(π²/3)[T(μ_L) − T(μ_R) + bias·T'(μ_L)] kT².
    """
    s = check_spin(spin)
    mubar = check_finite("mubar", mubar)
    bias = check_finite("bias", bias)
    kT = check_nonnegative("kT", kT)
    return _low_temperature(T, mubar, bias, kT, s)


@eqx.filter_jit
def _low_temperature(T, mubar, bias, kT, s):
    mu_left, mu_right = mubar + 0.5 * bias, mubar - 0.5 * bias
    dT = T(mu_left) - T(mu_right)
    pref = 0.5 * s * jnp.pi**2 / 3.0 * kT**2
    return TemperatureCorrection(
        delta_left=-pref * (dT + bias * derivative(T, mu_right)),
        delta_right=pref * (dT + bias * derivative(T, mu_left)),
    )


def step_temperature_correction(kT, spin=2) -> TemperatureCorrection:
    """QPC Eq. (17): ΔP_{L/R} = ∓(s/2)(π²/3) kT² for a unit conductance step lying between
    μ_R and μ_L (T(μ_L) − T(μ_R) = 1, T' = 0 at both), independent of the bias."""
    s = check_spin(spin)
    kT = check_nonnegative("kT", kT)
    d = 0.5 * s * jnp.pi**2 / 3.0 * kT**2
    return TemperatureCorrection(delta_left=-d, delta_right=d)
