"""Left–right asymmetry of the phonon heating: Landauer prediction and its wire-corrected
approximation (BW Sec. IV A, Eqs. 34–36, Fig. 7).

The full asymmetry P_asym = P^s_R − P^s_L + P^(φ)_R − P^(φ)_L (Eq. 34) is
`WireSolution.asymmetry`. Landauer scattering theory, which takes ideal leads, replaces the
distributions incident on the scatterer by equilibrium ones, f(p_L, 0⁻) → f0(p_L) and
f(−p_R, 0⁺) → f0(p_R), in the heat currents leaving it (Eqs. 29):

    P_asym^Landauer = J_el^Landauer(0⁺) + J_el^Landauer(0⁻)                       (35)
        = ∫_0^∞ dE/h (2E + eV − 2μ0) T(E) [f0(E) − f0(E + eV)],

written in the LEFT-wire kinetic energy E = p_L²/2m (ε = E + eV = p_R²/2m, Eq. 18; T is a
function of E, as in `solve_wire`; (ε − eV − μ0) + (ε − μ0) = 2E + eV − 2μ0). The
approximation of Eq. (36) adds the heat currents the wires carry far away (their own
Peltier effect, Eq. 15):

    P_asym^approx = P_asym^Landauer − J_el(+∞) − J_el(−∞),                        (36)

exact to first order in T (BW Sec. IV A: the wire distributions deviate from f0 by O(T)).

Units as in `jaxdiss.wire.boltzmann`: powers in μ0²/h, no spin factor.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp

from .._checks import check_positive, check_scalar
from ..quad import integrate
from ..scattering.transmission import quadrature_hints
from ..thermal import fermi_window
from .boltzmann import WireSolution

__all__ = ["landauer_asymmetry", "approximate_asymmetry"]

_TAIL = 40.0  # the window f0(E) − f0(E + eV) is cut at μ0 + 40 kT (e^-40 ≈ 4e-18)


def landauer_asymmetry(T, bias, kT, mu0=1.0, *, order: int = 16, levels: int = 10):
    """P_asym^Landauer of BW Eq. (35) in μ0²/h (module docstring).

    `T`: callable T(E) of the LEFT-wire kinetic energy E = p_L²/2m (as in `solve_wire`;
    BW Eq. 21 is ``jaxdiss.Lorentzian(eps0, gamma)``); `bias` eV > 0 (Eq. 18), `kT` > 0,
    `mu0` > 0, all in one energy unit. The integral over E ∈ [0, μ0 + 40 kT] uses graded
    Gauss–Legendre panels (`jaxdiss.quad`, static `order`, `levels`) around both Fermi edges
    (E = μ0 and E = μ0 − eV, scale kT) and the features T declares
    (`quadrature_hints`), with the window f0(E) − f0(E + eV) evaluated without cancellation
    (`fermi_window`): ~1e-13 relative for the Lorentzians of BW Figs. 3–7. Works under
    ``jit``, ``vmap`` and ``grad`` with respect to every float argument and the parameters
    of T.
    """
    bias = check_scalar("bias", check_positive("bias", bias))
    kT = check_scalar("kT", check_positive("kT", kT))
    mu0 = check_scalar("mu0", check_positive("mu0", mu0))
    return _landauer(T, bias, kT, mu0, order, levels)


@eqx.filter_jit
def _landauer(T, bias, kT, mu0, order, levels):
    """`landauer_asymmetry` after validation (compiled once per T structure and sizes)."""
    hints = quadrature_hints(T)
    top = mu0 + _TAIL * kT

    def integrand(E):
        window = fermi_window(E + bias, mu0 + bias, mu0, kT)     # f0(E) − f0(E + eV)
        values = jnp.broadcast_to(jnp.asarray(T(E), dtype=float), E.shape)
        return (2.0 * (E - mu0) + bias) * values * window

    centers = jnp.concatenate([jnp.stack([mu0, mu0 - bias]), hints.centers])
    scales = jnp.concatenate([jnp.stack([kT, kT]), hints.scales])
    value = integrate(integrand, 0.0, top, order=order, levels=levels,
                      breakpoints=hints.breakpoints, centers=centers, scales=scales,
                      subdivide=(0.0, top, 16))
    return value / mu0**2


def approximate_asymmetry(w: WireSolution, T, mu0=1.0):
    """P_asym^approx of BW Eq. (36) for the operating point of `w`, in μ0²/h.

    `w`: a `WireSolution` (its eV and kT, in μ0, and its far-field heat currents J_el(∓∞),
    Eq. 15); `T` and `mu0`: the transmission and μ0 `w` was solved with (T is called at
    energies in the unit of `mu0`). Compare with ``w.asymmetry`` (Eq. 34): the difference
    is O(T²) for a weak scatterer. Batched solutions: ``jax.vmap``.
    """
    mu0 = check_scalar("mu0", check_positive("mu0", mu0))
    landauer = landauer_asymmetry(T, w.bias * mu0, w.kT * mu0, mu0)
    return landauer - w.heat_current_far - w.heat_current_far_right
