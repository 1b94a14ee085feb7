"""Where the hot electrons release their energy: QPC paper Sec. 4.

A hot electron of energy ε (> μ_R) crossing the QPC relaxes after the inelastic length
l(ε) = v(ε)τ_i(ε) (Eq. 21) with the electron–hole-pair damping Γ/ε_F = a(ε/ε_F − 1)²
(Eq. 22), which gives Eq. (23): l(ε) = b √(ε + eV/2)/(ε − μ_R)².

Units: energies (ε, mubar, bias, kT) in E1 = ħ²π²/(8 M w²), lengths in the QPC half
width w. With ħ/√(2M E1) = 2w/π, Eq. (23) with b = ħμ_R/(a√(2M)) as printed reads
l/w = (2/(πa)) μ_R √(ε + bias/2)/(ε − μ_R)² (``unit="w"``). The paper's Fig. 5 measures
lengths in n_e w³; that corresponds to b taken with the 2DEG Fermi energy instead of μ_R,
l/(n_e w³) = (16/(π² a)) √(ε + bias/2)/(ε − μ_R)² (``unit="n_e w^3"``).
bias = eV = μ_L − μ_R > 0 (the paper's e < 0, V < 0).

The hot spot r* = l(ε*) is the maximum of the radial power density p_R(r) (Eq. 25);
ε* maximises p_R(ε)/|l'(ε)|, which is the condition printed below Eq. (26). It is located
on a grid and polished by Newton (implicitly differentiable, so d r*/d bias is exact).
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array

from ._checks import check_choice, check_finite, check_nonnegative, check_positive, check_spin
from .solve import newton
from .thermal import fermi_window
from .units import ELEMENTARY_CHARGE, GAAS_2DEG, Material, transverse_energy

__all__ = [
    "HotSpot",
    "inelastic_length",
    "radial_power_density",
    "hot_spot",
    "hot_spot_distance",
    "hot_spot_distance_si",
]

_UNITS = ("w", "n_e w^3")
_GRID = 1024  # search points for ε*


class HotSpot(NamedTuple):
    """Position of maximum dissipation on the right of the QPC.

    `distance` r* (in w or n_e w³), `energy` ε* (E1), `converged` (Newton polish reached a
    maximum), `steps` (Newton steps).
    """

    distance: Array
    energy: Array
    converged: Array
    steps: Array


def _prefactor(mubar, bias, a, unit):
    mu_right = mubar - 0.5 * bias
    if unit == "w":
        return 2.0 / (jnp.pi * a) * mu_right
    return 16.0 / (jnp.pi**2 * a) * jnp.ones_like(mu_right)


def inelastic_length(eps, mubar, bias, a=0.04, *, unit: str = "w"):
    """l(ε) of QPC Eq. (23) for ε > μ_R (energies in E1; length in w or n_e w³)."""
    check_choice("unit", unit, _UNITS)
    a = check_positive("a", a)
    mu_right = mubar - 0.5 * bias
    return _prefactor(mubar, bias, a, unit) * jnp.sqrt(eps + 0.5 * bias) / (eps - mu_right) ** 2


def _log_density(eps, T, mubar, bias, kT):
    """log of p_R(ε)/|l'(ε)| up to ε-independent constants (requires ε > μ_R)."""
    mu_left, mu_right = mubar + 0.5 * bias, mubar - 0.5 * bias
    v = eps - mu_right
    u = eps + 0.5 * bias
    window = fermi_window(eps, mu_left, mu_right, kT)
    return 4.0 * jnp.log(v) + 0.5 * jnp.log(u) - jnp.log(4.0 * u - v) + jnp.log(T(eps)) + jnp.log(window)


def _derivative(f):
    """d f/d x of a scalar function in forward mode (cheaper to compile than grad)."""
    return lambda x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def _slope(e, args):
    """d/dε of `_log_density`: zero at the hot spot (the condition below Eq. 26)."""
    T, mubar, bias, kT = args
    return _derivative(lambda x: _log_density(x, T, mubar, bias, kT))(e)


def _scaled_slope(e, args):
    T, mubar, bias, kT, scale = args
    return scale * _slope(e, (T, mubar, bias, kT))


def _validate(mubar, bias, kT):
    mubar = check_positive("mubar", mubar)
    bias = check_positive("bias", bias)
    kT = check_positive("kT", kT)
    return mubar, bias, kT


def hot_spot(T, mubar, bias, kT, a=0.04, *, unit: str = "w") -> HotSpot:
    """Distance r* of maximum dissipation from the QPC (Sec. 4, Fig. 5).

    Requires mubar, bias, kT > 0 (at kT = 0 the maximum sits on the window edge μ_L and no
    stationary point exists). `T`: transmission in E1 units, e.g. ``AbruptQPC()``.
    """
    check_choice("unit", unit, _UNITS)
    a = check_positive("a", a)
    mubar, bias, kT = _validate(mubar, bias, kT)
    return _hot_spot(T, mubar, bias, kT, a, unit)


@eqx.filter_jit
def _hot_spot(T, mubar, bias, kT, a, unit):
    mu_right = mubar - 0.5 * bias
    top = bias + 40.0 * kT
    v = top * (jnp.arange(1, _GRID + 1) / _GRID)
    phi = _log_density(mu_right + v, T, mubar, bias, kT)
    phi = jnp.where(jnp.isfinite(phi), phi, -jnp.inf)
    e0 = mu_right + v[jnp.argmax(phi)]

    # Newton on the slope divided by the curvature at the start: the residual is then
    # an energy step, so its tolerance is set on the scale of ε (steep steps have
    # curvatures ~1e2–1e3 that would otherwise turn a 1-ulp wobble into a "failure").
    curvature0 = _derivative(lambda e: _slope(e, (T, mubar, bias, kT)))(e0)
    scale = jax.lax.stop_gradient(1.0 / jnp.abs(curvature0))
    sol = newton(_scaled_slope, e0, (T, mubar, bias, kT, scale), rtol=1e-12, atol=1e-12)
    curvature = _derivative(lambda e: _slope(e, (T, mubar, bias, kT)))(sol.root)
    ok = sol.converged & (curvature < 0) & (sol.root > mu_right)
    distance = inelastic_length(sol.root, mubar, bias, a, unit=unit)
    return HotSpot(distance, sol.root, ok, sol.steps)


def hot_spot_distance(T, mubar, bias, kT, a=0.04, *, unit: str = "w"):
    """r* in units of w (default, b as printed in Eq. 23) or of n_e w³ (Fig. 5)."""
    return hot_spot(T, mubar, bias, kT, a, unit=unit).distance


def hot_spot_distance_si(T, *, width, mubar, bias_voltage, kT, a=0.04,
                         material: Material = GAAS_2DEG):
    """r* in metres for a QPC of full width `width` = 2w (m) in `material`.

    `mubar`, `kT` in units of E1 (computed from the width and the effective mass),
    `bias_voltage` |V| in volts. Example (QPC Sec. 4): 2w = 40 nm GaAs, mubar = 4,
    V = 4 mV, kT = 0.04, a = 0.04 gives r* ≈ 2 μm.
    """
    width = check_positive("width", width)
    bias_voltage = check_positive("bias_voltage", bias_voltage)
    e1 = transverse_energy(width, material)
    bias = ELEMENTARY_CHARGE * bias_voltage / e1
    return hot_spot_distance(T, mubar, bias, kT, a) * 0.5 * width


def radial_power_density(T, r, mubar, bias, kT, a=0.04, *, unit: str = "w", spin=2):
    """p_R(r) of QPC Eq. (25): power released per unit distance at r from the QPC.

    Units [E1²/h] per length unit (w or n_e w³); r > 0 broadcasts. ∫_0^∞ p_R(r) dr equals
    the part of P_R carried by energies above μ_R (all of it at kT = 0).
    """
    check_choice("unit", unit, _UNITS)
    a = check_positive("a", a)
    mubar = check_positive("mubar", mubar)
    bias = check_finite("bias", bias)
    kT = check_nonnegative("kT", kT)
    r = check_positive("r", r)
    return _radial_power_density(T, r, mubar, bias, kT, a, unit, check_spin(spin))


_INVERSION_STEPS = 8


@jax.custom_jvp
def _log_offset(log_ratio, m):
    """t = ln v solving ½ ln(eᵗ + m) − 2t = `log_ratio`, i.e. r = c √(v + m)/v² for the
    energy offset v = ε − μ_R > 0 at log(r/c) = `log_ratio` (inverse of QPC Eq. 23).

    The left side has slope −2 < g' < −3/2 everywhere, so Newton converges from any start;
    from t0 = (½ ln m − log_ratio)/2 (exact for v ≪ m, or v ≫ m up to a factor ½) 8 steps
    reach rounding (tested). Derivatives by the implicit function theorem."""
    t = 0.5 * (0.5 * jnp.log(m) - log_ratio)

    def step(_, t):
        e = jnp.exp(t)
        g = 0.5 * jnp.log(e + m) - 2.0 * t - log_ratio
        return t - g / (0.5 * e / (e + m) - 2.0)

    return jax.lax.fori_loop(0, _INVERSION_STEPS, step, t)


@_log_offset.defjvp
def _log_offset_jvp(primals, tangents):
    log_ratio, m = primals
    d_ratio, d_m = tangents
    t = _log_offset(log_ratio, m)
    e = jnp.exp(t)
    return t, (d_ratio - 0.5 * d_m / (e + m)) / (0.5 * e / (e + m) - 2.0)


@eqx.filter_jit
def _radial_power_density(T, r, mubar, bias, kT, a, unit, spin):
    c = _prefactor(mubar, bias, a, unit)
    mu_left, mu_right = mubar + 0.5 * bias, mubar - 0.5 * bias

    v = jnp.exp(_log_offset(jnp.log(r / c), mubar))
    eps = mu_right + v
    u = eps + 0.5 * bias
    p_eps = spin * v * T(eps) * fermi_window(eps, mu_left, mu_right, kT)
    dl = c * (4.0 * u - v) / (2.0 * jnp.sqrt(u) * v**3)
    return p_eps / dl
