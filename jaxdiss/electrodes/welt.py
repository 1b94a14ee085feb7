"""Weak-excitation, low-temperature (WELT) closed forms of the EL paper, for both electrode
models: constant mean free path ℓ (EL Sec. II A 1, III A 1, Apps. B, C) and constant
relaxation time τ (Sec. II B, III B, Apps. D, E).

They are asymptotic expansions in kT/μ0 and eV/μ0 of the exact constant-ℓ model
(`jaxdiss.electrodes.solve_electrodes`) and of the constant-τ Boltzmann problem (whose
strong-Coulomb limit is the BW wire, `jaxdiss.solve_wire` with ``relaxation_exponent=0``):
checks and quick estimates, not replacements (DESIGN §4).

Inputs. A `WeltSystem` holds the transmission's value and first two derivatives at μ0
(T0, T0', T0''; `transmission_taylor` takes them from any callable T(ε) by forward-mode
autodiff), μ0, kT, the wire and scatterer parameters and the constants, in the conventions
of `solve_electrodes` (DESIGN §3): Gaussian electrostatics, natural units by default
(charge = mass = ħ = area = permittivity = 1), ε measured from the midpoint, bias = eV
with V the potential drop induced by the scatterer, z_∓ = ∓L/2. `mean_free_path` is ℓ for
the constant-ℓ model and l0 = v0 τ (the mean free path at μ0) for the constant-τ model.
`screening` k_s comes from A4 with F0 of B2a unless given; ``screening=inf`` is the
strong-Coulomb limit (needs L > 0), in which the general forms reduce to Apps. C and E.

Every function takes ``model="length"`` (constant ℓ) or ``model="time"`` (constant τ; a
static string) where the paper gives both, and shares the common structure between them.
All are pure jnp in float64 and work under ``jit``, ``vmap`` and ``grad`` with respect to
every float input (the fields of `WeltSystem` and `bias`).

Notation used below (all evaluated by `welt_groups`): v0 = √(2μ0/m); β = ε_B/ω,
1 − 2β = εk_sL/ω (ω of Eq. 34); y = 1/(k_s ℓ), so k_sℓ/(k_sℓ + 1) = 1/(1 + y) and
k_sℓ/(k_s²ℓ² − 1) = y/(1 − y²); R = T0/(1 − T0), R̃ = T̃0/(1 − T̃0) (T̃ of B4);
P = (1 + 2β)/(1 + κ). Written this way every form is regular as k_s → ∞.

Corrections to the printed paper (DESIGN §4 and the checks in tests/test_electrodes_welt.py;
"checked" means against the exact constant-ℓ model, by a symbolic expansion of its defining
integrals and numerically, or against the BW solver for the constant-τ forms at strong
Coulomb):

* Eq. 30: d_T = π²(kT)²/(3μ0)·T0'/T0 (the printed T0'² is not dimensionless).
* Eq. 29: the thermal term carries a factor ½ (checked: exact to O(kT² eV)).
* B8: the (eV)²(kT)² term has π²/8, not π² (checked). B10: the thermal part of the linear
  term is γ(π²/8)(kT/μ0)², not the printed (eV/2)(π²(kT)²/6μ0)(3/(4μ0)) (checked; with it
  δn(z∓) = −2F0 ν ± q holds to the order of the forms). B11 and C11: the thermal
  correction of Δφ has the opposite sign (checked).
* Eqs. 47, 49: j/(2J0) instead of j/(2F0); Eqs. 45, 58: with the factor A.
* Eqs. 60, 61: the spot criterion lacks the leading thermal term ±2μ0 d_T/(eV) of
  P^u/(jA) (checked: the exact model has a cooling spot upstream where the printed
  criterion has none); `welt_spots` also gives the unsimplified WELT solution of Eq. 53.
* E4, E5 (and the thermal term of Eqs. 63, 64): (1 − T0) instead of (½ − T0), and the
  cubic term equals that of C12 (DESIGN; confirmed against BW).
* Eq. 62: the printed (π²/12)(kT/μ0)²(z − z∓)/l0 term is absent (BW: the linear-response
  profile is e^{±(z−z∓)/l0} times a constant to O(kT⁴)) and μ0 d̂_T (not d̂_T) enters;
  Eq. 66 is corrected accordingly. With it, dp^s/dz = 0 has the closed-form solution of
  Eq. 53 (used by `welt_spots` for the τ model); E6 (and Eqs. 67, 68, built on it) are
  implemented as printed but are not supported by the BW numerics (no spot where E6 puts
  one).
* Eq. 38: the last two lines belong inside the ∓T(ε)(…) bracket (from Eqs. 4 and 36).
* D8: (V/2) → (eV/2) (units).

Not confirmed (implemented as printed, apart from the items above): the finite-k_s
constant-τ forms 39, D7–D11, 63–65 — there is no finite-Coulomb constant-τ solution to
compare with; their k_s → ∞ limits are checked against BW. What could be checked is their
mutual consistency: Eq. 39 with D8 and Eq. 36 satisfies the current identity Eq. 15b to
O((kT)⁴), and D10 = −2F0 ν(D8); but D9 is A6 without the Sommerfeld factor of D6b, and the
odd parts of D7, D8 differ at O((kT/μ0)²) (≈ 5e-3 relative at kT/μ0 = 0.02) from the
paper's own route (A5, A7 with the identifications D6) — which for the constant-ℓ model
reproduces the checked B7, B9. In 63/64 the ∓(A j V eV/(8μ0)) T0 that makes the k_s → ∞
limit agree with the corrected E4 is added to the printed ±(A j V eV/(4μ0)) T0/(k_s l0 + 1),
whose k_s dependence could not be checked.
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from .._checks import (
    check_finite,
    check_nonnegative,
    check_positive,
    check_scalar,
    is_concrete,
)
from ..scattering.transmission import derivative
from ..thermal import fermi, fermi_derivative
from .exact import _check_screening, _material

__all__ = [
    "TransmissionTaylor",
    "transmission_taylor",
    "WeltSystem",
    "welt_system",
    "WeltGroups",
    "welt_groups",
    "welt_current",
    "WeltElectrostatics",
    "welt_electrostatics",
    "WeltPower",
    "welt_power",
    "WeltSpots",
    "welt_spots",
    "StrongCoulomb",
    "strong_coulomb",
    "welt_gradient",
    "welt_flow_density",
    "welt_spot_slope",
    "BoundaryDistribution",
    "welt_boundary_distribution",
]

_MODELS = ("length", "time")
_PI2 = np.pi**2


def _check_model(model):
    if model not in _MODELS:
        raise ValueError(f"`model` must be one of {list(_MODELS)!r}, got {model!r}")
    return model


# ---------------------------------------------------------------------- inputs
class TransmissionTaylor(NamedTuple):
    """T(μ0), T'(μ0), T''(μ0): the transmission's value (dimensionless), slope (1/energy)
    and curvature (1/energy²) at the equilibrium chemical potential."""

    value: Float[Array, "..."]
    slope: Float[Array, "..."]
    curvature: Float[Array, "..."]


def transmission_taylor(T, mu0) -> TransmissionTaylor:
    """T0, T0', T0'' of a jnp-traceable callable T(ε) at ε = μ0, by nested forward-mode
    autodiff (`jaxdiss.derivative`). ε is the total energy measured from the midpoint, as
    in `solve_electrodes`; differentiable with respect to μ0 and the parameters of T."""
    if not callable(T):
        raise ValueError(f"`T` must be a callable T(ε), got {type(T).__name__}")
    mu0 = jnp.asarray(mu0, dtype=float)
    return TransmissionTaylor(derivative(T, mu0, 0), derivative(T, mu0, 1),
                              derivative(T, mu0, 2))


class WeltSystem(eqx.Module):
    """Everything the WELT closed forms depend on except the bias (module docstring).

    `T0`, `T1`, `T2`: T(μ0), T'(μ0), T''(μ0); `mu0` (> 0, from the band bottom) and `kT`
    (≥ 0), energies; `mean_free_path` ℓ (constant-ℓ model) or l0 = v0τ (constant-τ model),
    `scatterer_length` L, lengths; `permittivity` ε, `permittivity_scatterer` ε_B;
    `charge` e, `mass` m, `hbar` ħ, `area` A; `screening` k_s (1/length, A4 or as given;
    may be +inf: strong Coulomb). Build it with `welt_system`.
    """

    T0: Float[Array, ""]
    T1: Float[Array, ""]
    T2: Float[Array, ""]
    mu0: Float[Array, ""]
    kT: Float[Array, ""]
    mean_free_path: Float[Array, ""]
    scatterer_length: Float[Array, ""]
    permittivity: Float[Array, ""]
    permittivity_scatterer: Float[Array, ""]
    charge: Float[Array, ""]
    mass: Float[Array, ""]
    hbar: Float[Array, ""]
    area: Float[Array, ""]
    screening: Float[Array, ""]


def welt_system(transmission, kT, *, mu0=1.0, mean_free_path, scatterer_length,
                permittivity=1.0, permittivity_scatterer=1.0, charge=1.0, mass=1.0,
                hbar=1.0, area=1.0, screening=None) -> WeltSystem:
    """Collect the inputs of the WELT closed forms into a `WeltSystem`.

    `transmission`: a callable T(ε) (its Taylor coefficients at μ0 are taken with
    `transmission_taylor`) or a `TransmissionTaylor` (T0, T0', T0''). Other arguments as
    for `solve_electrodes` (Gaussian units, natural by default). `screening`: None takes
    k_s = √((4πe²/ε)·2|F0|) (A4) with the WELT F0 of B2a (differs from the exact F0 by
    O((kT/μ0)⁴)); a positive value (or ``jnp.inf``: strong Coulomb, needs L > 0) sets it.
    Raises `ValueError` naming the argument for invalid concrete input.
    """
    mu0 = check_scalar("mu0", check_positive("mu0", mu0))
    if isinstance(transmission, TransmissionTaylor):
        taylor = transmission
    else:
        taylor = transmission_taylor(transmission, mu0)
    T0, T1, T2 = (check_scalar(n, check_finite(n, v)) for n, v in
                  zip(("T0", "T1", "T2"), taylor))
    if is_concrete(T0) and not (0.0 < float(T0) < 1.0):
        raise ValueError(f"`T0` = T(μ0) must lie in (0, 1) for the WELT forms, got {float(T0)!r}")
    kT = check_scalar("kT", check_nonnegative("kT", kT))
    ell, L, eps, eps_b, e, m, hb, A = _material(
        mean_free_path, scatterer_length, permittivity, permittivity_scatterer, charge, mass,
        hbar, area)
    if screening is None:
        v0 = jnp.sqrt(2.0 * mu0 / m)
        absF0 = (1.0 + _PI2 / 8.0 * (kT / mu0) ** 2) / (jnp.pi * A * hb * v0)   # B2a
        ks = jnp.sqrt(8.0 * jnp.pi * e**2 * absF0 / eps)                          # A4
    else:
        ks = _check_screening(screening, L)
    return WeltSystem(T0=T0, T1=T1, T2=T2, mu0=mu0, kT=kT, mean_free_path=ell,
                      scatterer_length=L, permittivity=eps, permittivity_scatterer=eps_b,
                      charge=e, mass=m, hbar=hb, area=A, screening=ks)


# ---------------------------------------------------------------------- groups
class WeltGroups(NamedTuple):
    """Derived parameters shared by the closed forms (units in brackets; "E" energy).

    `velocity` v0 = √(2μ0/m); `F0` (B2a) [1/(E·volume)] and `J0` = −e/(πAħ) (B2b);
    `conductance_quantum` G0 = e²/(πħ) (spin 2); `screening` k_s; `y` = 1/(k_sℓ);
    `beta` ε_B/ω; `omega` ω = εk_sL + 2ε_B (Eq. 34; inf at strong Coulomb);
    `kappa` κ and `kappa_tilde` κ̃ = R̃ εL/(ωℓ) (Eq. 33); `T_tilde` T̃0 = T0 + (π²/6)(kT)²T0''
    (B4); `ratio` R = T0/(1 − T0); `ratio_tilde` R̃; `P` (1 + 2β)/(1 + κ);
    `thermal_factor` d_T (Eq. 30 corrected, = −(e/μ0)·T·S, Eq. 32) and `thermal_factor_tau`
    d̂_T (Eq. 37), dimensionless; `seebeck` S (Eq. 31) in units of k_B/e (k_B = 1);
    `sommerfeld` (π²/24)(kT/μ0)², the Drude correction of Eq. 36.
    """

    velocity: Float[Array, ""]
    F0: Float[Array, ""]
    J0: Float[Array, ""]
    conductance_quantum: Float[Array, ""]
    screening: Float[Array, ""]
    y: Float[Array, ""]
    beta: Float[Array, ""]
    omega: Float[Array, ""]
    kappa: Float[Array, ""]
    kappa_tilde: Float[Array, ""]
    T_tilde: Float[Array, ""]
    ratio: Float[Array, ""]
    ratio_tilde: Float[Array, ""]
    P: Float[Array, ""]
    thermal_factor: Float[Array, ""]
    thermal_factor_tau: Float[Array, ""]
    seebeck: Float[Array, ""]
    sommerfeld: Float[Array, ""]


def welt_groups(s: WeltSystem) -> WeltGroups:
    """The derived parameters of `WeltGroups` (Eqs. 30–34, 37, B2, B4)."""
    e, hb, A = s.charge, s.hbar, s.area
    v0 = jnp.sqrt(2.0 * s.mu0 / s.mass)
    t2 = (s.kT / s.mu0) ** 2
    F0 = -(1.0 + _PI2 / 8.0 * t2) / (jnp.pi * A * hb * v0)                  # B2a
    J0 = -e / (jnp.pi * A * hb)                                              # B2b
    ks = s.screening
    u = 1.0 / ks                                       # screening length (0 at strong Coulomb)
    y = u / s.mean_free_path
    r = s.permittivity_scatterer / s.permittivity
    L = s.scatterer_length
    beta = r * u / (L + 2.0 * r * u)                   # ε_B/ω
    lam = (1.0 - 2.0 * beta) * y                       # εL/(ωℓ)
    Tt = s.T0 + _PI2 / 6.0 * s.kT**2 * s.T2            # B4
    R = s.T0 / (1.0 - s.T0)
    Rt = Tt / (1.0 - Tt)
    kap = R * lam
    dT = _PI2 * s.kT**2 / (3.0 * s.mu0) * s.T1 / s.T0                          # Eq. 30
    dTh = _PI2 / 6.0 * s.kT**2 / s.mu0 * (2.0 * s.T1 / s.T0 - (1.0 - s.T0) / s.mu0)  # 37
    return WeltGroups(
        velocity=v0, F0=F0, J0=J0, conductance_quantum=e**2 / (jnp.pi * hb), screening=ks,
        y=y, beta=beta, omega=s.permittivity * ks * L + 2.0 * s.permittivity_scatterer,
        kappa=kap, kappa_tilde=Rt * lam, T_tilde=Tt, ratio=R, ratio_tilde=Rt,
        P=(1.0 + 2.0 * beta) / (1.0 + kap), thermal_factor=dT, thermal_factor_tau=dTh,
        seebeck=-_PI2 / 3.0 * s.kT * s.T1 / (e * s.T0),                          # Eq. 31
        sommerfeld=_PI2 / 24.0 * t2)


# ---------------------------------------------------------------------- current
def welt_current(s: WeltSystem, bias, model: str = "length"):
    """Current density j (charge/(area·time)) at the bias eV (energy).

    Both models share j = (G0/A) V R̃ (1 + 2β)/(1 + κ̃) · (1 + c) with

    * ``"length"``, Eq. 29 (factor ½ added): c = −½ d_T κ/(1 + κ)·(k_sℓ)²/(k_sℓ + 1)
      = −½ d_T R (1 − 2β)/((1 + y)(1 + κ)). Checked against the exact model: error
      O((eV)³, eV (kT)⁴) (Eq. 29 has no (eV)³ term).
    * ``"time"``, Eq. 39 as printed: c = d̂_T κ/((1 + κ)(1 + y)) +
      (π²/12)(kT/μ0)²(T0 − κ/2)/(1 + κ); at k_s → ∞ this is E3 (checked against BW: error
      O((kT)⁴, (eV)²) relative); the finite-k_s form could not be checked.
    """
    _check_model(model)
    g = welt_groups(s)
    return _current(s, g, bias, model)


def _current(s, g, bias, model):
    V = bias / s.charge
    base = g.conductance_quantum / s.area * V * g.ratio_tilde * (1.0 + 2.0 * g.beta) / (
        1.0 + g.kappa_tilde)
    if model == "length":
        c = -0.5 * g.thermal_factor * g.ratio * (1.0 - 2.0 * g.beta) / (
            (1.0 + g.y) * (1.0 + g.kappa))
    else:
        c = (g.thermal_factor_tau * g.kappa / ((1.0 + g.kappa) * (1.0 + g.y))
             + 2.0 * g.sommerfeld * (s.T0 - 0.5 * g.kappa) / (1.0 + g.kappa))
    return base * (1.0 + c)


# ---------------------------------------------------------------------- electrostatics
class WeltElectrostatics(NamedTuple):
    """Electrostatic parameters at one bias (B5–B11 or D6c, D7–D11).

    `current_density` j (the current the forms use: `welt_current`); `gamma` γ (energy,
    A6; B6/D9); `nu_left`, `nu_right` ν_{L,R} = δμ(z∓) − eφ(z∓) (energy; B7/D8);
    `q_left`, `q_right` amplitudes of the non-local density (Eq. 22, carriers/volume;
    B8, or for the τ model the effective q of D6c); `amplitude_left`, `amplitude_right`
    A_{L,R} of Eq. A3 (potential; B9/D7; singular at k_sℓ = 1 like A5 itself);
    `density_left`, `density_right` δn(z∓) (carriers/volume; B10/D10); `potential_drop`
    Δφ = φ_L(z−) − φ_R(z+) (potential; B11/D11); `determinant` Δ of A10 (B5; NaN for the τ
    model, which has no such system).
    """

    current_density: Float[Array, ""]
    gamma: Float[Array, ""]
    nu_left: Float[Array, ""]
    nu_right: Float[Array, ""]
    q_left: Float[Array, ""]
    q_right: Float[Array, ""]
    amplitude_left: Float[Array, ""]
    amplitude_right: Float[Array, ""]
    density_left: Float[Array, ""]
    density_right: Float[Array, ""]
    potential_drop: Float[Array, ""]
    determinant: Float[Array, ""]


def welt_electrostatics(s: WeltSystem, bias, model: str = "length") -> WeltElectrostatics:
    """γ, ν, q, A, δn(z∓), Δφ and Δ at the bias eV (`WeltElectrostatics`).

    Each quantity is X_{L,R} = ±X_odd + X_even, the odd part linear in the excitation,
    the even part quadratic (expressed through jV, as the paper does).

    ``"length"`` (App. B): B5, B6, B7, B9 as printed, B8 with π²/8 in its (eV)²(kT)² term,
    B10 with γ(1 + (π²/8)(kT/μ0)²) in its linear term, B11 with the sign of the thermal
    term reversed (all checked against the exact model: errors O((eV)³, (eV)(kT)⁴) in the
    odd parts, O((eV)⁴, (eV)²(kT)⁴) in the even parts; B5 has no (eV)² term, its error is
    O((eV)², (kT)⁴)). ``"time"`` (App. D): D6c, D7–D11 as printed (D8 with eV/2 for V/2);
    not checked beyond their strong-Coulomb limits E1, E2 (ν → 0, Δφ → V).
    """
    _check_model(model)
    g = welt_groups(s)
    return _electrostatics(s, g, bias, model)


def _electrostatics(s, g, bias, model):
    e, A, hb, mu0, v0 = s.charge, s.area, s.hbar, s.mu0, g.velocity
    V = bias / e
    j = _current(s, g, bias, model)
    jV = j * V
    R, P, y, beta = g.ratio, g.P, g.y, g.beta
    kk = 1.0 / (1.0 + y)                     # k_sℓ/(k_sℓ + 1)
    ky = y / (1.0 + y)                       # 1/(k_sℓ + 1)
    h9 = y / (1.0 - y**2)                    # k_sℓ/(k_s²ℓ² − 1)
    t2 = (s.kT / mu0) ** 2
    n0 = 1.0 / (jnp.pi * A * hb * v0)        # 1/(πAħv0)
    sL = 1.0 - 2.0 * beta                    # εk_sL/ω
    kap, kapt = g.kappa, g.kappa_tilde
    if model == "length":
        dT = g.thermal_factor
        gamma = bias / 2.0 * ((2.0 * beta - kapt) / (1.0 + kapt)
                              + 0.5 * R * dT * sL * kap * P / (1.0 + kap) * kk)       # B6
        quad = bias**2 * _PI2 / 16.0 * t2 * P / (1.0 - s.T0) * (s.T1 - s.T0 / mu0)
        nu_odd = gamma - bias / 4.0 * R * dT * sL * P * kk                            # B7
        nu_even = jnp.pi * A * hb / (8.0 * mu0) * jV * kk - quad * kk
        q_quad = bias**2 * n0 * _PI2 / 8.0 * t2 * P / (1.0 - s.T0) * (
            s.T1 - 1.25 * s.T0 / mu0)                                                 # B8 (/8)
        q_odd = -jV / (4.0 * v0 * mu0) + q_quad
        q_even = bias / 2.0 * n0 * R * dT * P
        a_odd = -(gamma / e + V / 4.0 * R * dT * P * (h9 + 2.0 * beta * kk))           # B9
        a_even = jnp.pi * A * hb / (8.0 * mu0 * e) * jV * h9 - quad / e * h9
        n_odd = 2.0 * n0 * (gamma * (1.0 + _PI2 / 8.0 * t2)
                            + bias / 2.0 * _PI2 * s.kT**2 / (6.0 * mu0) * s.T1 / (1.0 - s.T0)
                            * P * (1.0 - sL * kk))                                    # B10 corr.
        n_even = -jV / (4.0 * v0 * mu0) * ky + q_quad * ky
        dphi = V - 2.0 * gamma / e + V / 2.0 * R * dT * sL * P * kk                    # B11 corr.
        det = 1.0 - sL * kk * (g.T_tilde - _PI2 / 6.0 * s.kT**2 / mu0 * s.T1)          # B5
    else:
        dTh, c = g.thermal_factor_tau, g.sommerfeld
        gamma = bias / 2.0 * ((2.0 * beta - kapt) / (1.0 + kapt)                     # D9
                              - kap * P / (1.0 + kap) * (dTh * kap * kk - c * (kap - 2.0 * s.T0)))
        nu_odd = gamma + bias / 2.0 * kap * (1.0 + 2.0 * beta) / (1.0 + kap) * (dTh * kk - c)  # D8
        nu_even = -jnp.pi * A * hb / (4.0 * mu0) * jV * ky
        # D6c: q ↦ −(1/(πAħv0))(j/J0)[d̂_T ∓ eV/(2μ0)]
        qj = -n0 * j / g.J0
        q_odd = -qj * bias / (2.0 * mu0)
        q_even = qj * dTh
        a_odd = -(gamma / e - V / 2.0 * P * (dTh * R * (h9 - 2.0 * beta * ky) - c * kap))  # D7
        a_even = jnp.pi * A * hb / (4.0 * mu0 * e) * jV * h9
        n_odd = 2.0 * n0 * (gamma + bias / 2.0 / (1.0 + kap) * (
            dTh * kap * kk * (1.0 + 2.0 * beta)
            + 4.0 * c * (beta / 2.0 * (3.0 - kap) - kap)))                             # D10
        n_even = -jV / (2.0 * v0 * mu0) * ky
        dphi = V - 2.0 * gamma / e - V * P * (dTh * R * (2.0 * beta - 1.0) * ky - c * kap)  # D11
        det = jnp.full_like(gamma, jnp.nan)
    return WeltElectrostatics(
        current_density=j, gamma=gamma,
        nu_left=nu_odd + nu_even, nu_right=-nu_odd + nu_even,
        q_left=q_even + q_odd, q_right=q_even - q_odd,
        amplitude_left=a_odd + a_even, amplitude_right=-a_odd + a_even,
        density_left=n_odd + n_even, density_right=-n_odd + n_even,
        potential_drop=dphi, determinant=det)


# ---------------------------------------------------------------------- power
class WeltPower(NamedTuple):
    """Integrated excess powers (energy/time; Eqs. 44–45 with the factor A).

    `current_density` j; `flow_left`, `flow_right` P^u_{L,R}; `flow_asymmetry`
    P^u_A = P^u_R − P^u_L; `field_asymmetry` P^f_A; `asymmetry` P_A = P^u_A + P^f_A.
    """

    current_density: Float[Array, ""]
    flow_left: Float[Array, ""]
    flow_right: Float[Array, ""]
    flow_asymmetry: Float[Array, ""]
    field_asymmetry: Float[Array, ""]
    asymmetry: Float[Array, ""]


def welt_power(s: WeltSystem, bias, model: str = "length") -> WeltPower:
    """P^u_{L,R}, P^u_A, P^f_A at the bias eV (`WeltPower`).

    Both models: P^u_{L,R} = ½AjV ∓ (π²/3)(kT)²(Aj/e)·θ ∓ X (eV)V Aj T0/μ0
    ∓ (eV)²{Aj/(4eT0) − eV/(6πħ)}T0', P^f_A = −((Aj)²V/e)(πħ/μ0) Y/(1 + y), with

    * ``"length"`` (Eqs. 57–59, checked against the exact model to O(λ⁴) in
      λ ~ kT/μ0 ~ eV/μ0: errors O((eV)⁴) in P^u, O(λ⁵) in the asymmetries): θ = T0'/T0,
      X = (1/8)/(1 + y), Y = 1/4.
    * ``"time"`` (Eqs. 63–65): θ = T0'/T0 − (1 − T0)/(2μ0) (DESIGN: not ½ − T0),
      X = 1/8 − (1/4)·y/(1 + y) (the printed −(1/4)/(k_s l0 + 1) plus the 1/8 that its
      strong-Coulomb limit needs, see the module docstring), Y = 1/2. At k_s → ∞ these are
      the corrected E4/E5 and Eq. 65 (checked against BW); the k_s dependence is not.
    """
    _check_model(model)
    g = welt_groups(s)
    return _power(s, g, bias, model)


def _power(s, g, bias, model):
    e, A, hb, mu0 = s.charge, s.area, s.hbar, s.mu0
    V = bias / e
    j = _current(s, g, bias, model)
    Aj = A * j
    ky = g.y / (1.0 + g.y)
    if model == "length":
        theta = s.T1 / s.T0
        X = 0.125 / (1.0 + g.y)
        Y = 0.25
    else:
        theta = s.T1 / s.T0 - (1.0 - s.T0) / (2.0 * mu0)
        X = 0.125 - 0.25 * ky
        Y = 0.5
    odd = (_PI2 / 3.0 * s.kT**2 * Aj / e * theta + X * bias * V * Aj * s.T0 / mu0
           + bias**2 * (Aj / (4.0 * e * s.T0) - bias / (6.0 * jnp.pi * hb)) * s.T1)
    half = 0.5 * Aj * V
    field = -(Aj**2) * V / e * (jnp.pi * hb / mu0) * Y / (1.0 + g.y)
    return WeltPower(current_density=j, flow_left=half - odd, flow_right=half + odd,
                     flow_asymmetry=2.0 * odd, field_asymmetry=field,
                     asymmetry=2.0 * odd + field)


def _flow(s, g, bias, model):
    """(P^u_L, P^u_R) of the spot and profile formulas: Eq. 57 (ℓ) or the part of Eq. 63
    that the corrected Eq. 62 describes, (Aj/e)(eV/2 ∓ μ0 d̂_T) (τ)."""
    if model == "length":
        pw = _power(s, g, bias, model)
        return pw.flow_left, pw.flow_right
    Aj = s.area * _current(s, g, bias, model) / s.charge
    return (Aj * (0.5 * bias - s.mu0 * g.thermal_factor_tau),
            Aj * (0.5 * bias + s.mu0 * g.thermal_factor_tau))


def _spot_terms(s, g, bias, model):
    """j, A_{L,R} and B_{L,R} = P^u/(jA) − (1/(2e|F0|))(k_s²ℓ²/(k_s²ℓ² − 1)) q of Eq. 53."""
    es = _electrostatics(s, g, bias, model)
    j = es.current_density
    PuL, PuR = _flow(s, g, bias, model)
    c = -1.0 / (2.0 * s.charge * g.F0)                    # 1/(2e|F0|)
    ksl2 = 1.0 / (1.0 - g.y**2)                           # k_s²ℓ²/(k_s²ℓ² − 1)
    BL = PuL / (j * s.area) - c * ksl2 * es.q_left
    BR = PuR / (j * s.area) - c * ksl2 * es.q_right
    return j, es.amplitude_left, es.amplitude_right, BL, BR


# ---------------------------------------------------------------------- strong Coulomb
class StrongCoulomb(NamedTuple):
    """The strong-Coulomb limit (k_s → ∞; App. C for ``"length"``, App. E for ``"time"``).

    `current_density` j (C9/E3); `nu_left`, `nu_right` (C10/E1: 0); `potential_drop` Δφ
    (C11 corrected / E2: V); `flow_left`, `flow_right` P^u (C12/E4 corrected);
    `flow_asymmetry` (C13/E5 corrected); `field_asymmetry` P^f_A (C14/Eq. 65 at k_s → ∞);
    `asymmetry` (C15/their sum); `spot_left`, `spot_right`: z^scl of E6 as printed for
    ``"time"`` (NaN where its curly bracket is not positive; not supported by BW), NaN for
    ``"length"`` (no spots, App. C).
    """

    current_density: Float[Array, ""]
    nu_left: Float[Array, ""]
    nu_right: Float[Array, ""]
    potential_drop: Float[Array, ""]
    flow_left: Float[Array, ""]
    flow_right: Float[Array, ""]
    flow_asymmetry: Float[Array, ""]
    field_asymmetry: Float[Array, ""]
    asymmetry: Float[Array, ""]
    spot_left: Float[Array, ""]
    spot_right: Float[Array, ""]


def strong_coulomb(s: WeltSystem, bias, model: str = "length") -> StrongCoulomb:
    """Closed forms of Apps. C and E (`StrongCoulomb`); `s.screening` is not used.

    Shared: j = (G0/A) V R̃ (1 + c), P^u_{L,R} = ½AjV ∓ (eV/πħ)(1/(1 − T0))·
    [(π²/3)(kT)²θ + ((eV)²/4){T0'(1 + 2T0)/3 + T0²/(2μ0)}], P^f_A = −(eV)³R² Y/(πħμ0).

    * ``"length"``: c = −½ R d_T (C9), θ = T0', Y = 1/4 (C12–C15; C11 with the sign of the
      thermal term reversed: Δφ = V(1 + ½ R d_T)). These are the k_s → ∞ limits of the
      checked Eqs. 29, B7, B11, 57–59.
    * ``"time"``: c = (π²/12)(kT/μ0)² T0 (E3, as printed), θ = T0' − (T0/2μ0)(1 − T0) and
      the cubic term of C12 (E4/E5 corrected as in DESIGN; checked against BW), Y = 1/2
      (Eq. 65 at k_s → ∞).
    """
    _check_model(model)
    g = welt_groups(s)
    e, A, hb, mu0 = s.charge, s.area, s.hbar, s.mu0
    V = bias / e
    R, dT = g.ratio, g.thermal_factor
    if model == "length":
        c = -0.5 * R * dT
        theta = s.T1
        Y = 0.25
        nu = -bias / 4.0 * R * dT                                      # C10 (odd part)
        nu_even = jnp.pi * A * hb / (8.0 * mu0)
        dphi = V * (1.0 + 0.5 * R * dT)                                # C11 corrected
    else:
        c = 2.0 * g.sommerfeld * s.T0                                  # E3
        theta = s.T1 - s.T0 / (2.0 * mu0) * (1.0 - s.T0)
        Y = 0.5
        nu = jnp.zeros_like(bias * R)                                  # E1
        nu_even = 0.0
        dphi = V + 0.0 * R                                             # E2
    j = g.conductance_quantum / A * V * g.ratio_tilde * (1.0 + c)
    odd = bias / (jnp.pi * hb) / (1.0 - s.T0) * (
        _PI2 / 3.0 * s.kT**2 * theta
        + bias**2 / 4.0 * (s.T1 * (1.0 + 2.0 * s.T0) / 3.0 + s.T0**2 / (2.0 * mu0)))
    field = -(bias**3) * R**2 * Y / (jnp.pi * hb * mu0)
    half = 0.5 * A * j * V
    if model == "time":
        zl, zr = _e6(s, g, bias)
    else:
        zl = zr = jnp.full_like(j, jnp.nan)
    return StrongCoulomb(
        current_density=j, nu_left=nu + nu_even * j * V, nu_right=-nu + nu_even * j * V,
        potential_drop=dphi, flow_left=half - odd, flow_right=half + odd,
        flow_asymmetry=2.0 * odd, field_asymmetry=field, asymmetry=2.0 * odd + field,
        spot_left=zl, spot_right=zr)


def _e6_bracket(s, g, bias, sign):
    """The curly bracket of E6 (dimensionless) on side sign = +1 (L), −1 (R)."""
    mu0, R = s.mu0, g.ratio
    u = bias / (2.0 * mu0)
    return ((u * R + sign) * (6.0 * bias * mu0 / (_PI2 * s.kT**2) - sign * 4.0 * mu0 * s.T1 / s.T0)
            + 3.0 - 2.0 * s.T0 * (1.0 + u))


def _e6(s, g, bias):
    """z^scl_{L,R} of E6 as printed (NaN where the bracket is not positive)."""
    l0, L = s.mean_free_path, s.scatterer_length
    bl, br = _e6_bracket(s, g, bias, 1.0), _e6_bracket(s, g, bias, -1.0)
    zl = jnp.where(bl > 0, -0.5 * L - l0 * bl, jnp.nan)
    zr = jnp.where(br > 0, 0.5 * L + l0 * br, jnp.nan)
    return zl, zr


# ---------------------------------------------------------------------- spots
class WeltSpots(NamedTuple):
    """Thermal spots at one bias (positions z, NaN where there is none).

    `left`, `right`: the WELT solution of dp^s/dz = 0 in the form of Eq. 53 (ℓ model: with
    B8, B9, Eq. 57; τ model: with D6c, D7 and the corrected Eq. 62, whose derivative, the
    corrected Eq. 66, has the same two-exponential form); `kind_left`, `kind_right`: +1
    heating (maximum of p^s), −1 cooling, 0 none; `argument_left/right` the logarithm's
    argument of Eq. 53 (a spot needs it positive and z̄ outside the scatterer).

    Simplified forms: ``"length"``: `condition_left/right` the left side of Eq. 60 with the
    missing ±2μ0 d_T/(eV) (a spot for > 1 when the numerator of Eq. 61 is positive) and
    `simple_left/right` Eq. 61 with the same term (k_sℓ ≫ 1, ℓ ≫ L). ``"time"``:
    `condition_left/right` the curly bracket of E6 (positive: spot), `simple_left/right`
    z̄ = z^scl + Δz of Eqs. 67, 68 as printed (not supported by the BW numerics).
    """

    left: Float[Array, ""]
    right: Float[Array, ""]
    kind_left: Float[Array, ""]
    kind_right: Float[Array, ""]
    argument_left: Float[Array, ""]
    argument_right: Float[Array, ""]
    condition_left: Float[Array, ""]
    condition_right: Float[Array, ""]
    simple_left: Float[Array, ""]
    simple_right: Float[Array, ""]


def welt_spots(s: WeltSystem, bias, model: str = "length") -> WeltSpots:
    """Thermal spots from the WELT parameters (`WeltSpots`; Eqs. 53–56, 60, 61 for
    ``"length"``; 62, 66–68, E6 for ``"time"``).

    Eq. 53: with B = P^u/(jA) − (1/(2e|F0|))·(k_s²ℓ²/(k_s²ℓ² − 1))·q on each side, the
    stationary point of p^s lies at z̄ = z∓ ∓ (ℓ/(k_sℓ − 1)) ln[±A k_s²ℓ²/B]; it is a spot
    when the argument is positive and z̄ is outside the scatterer (argument > 1 for
    k_sℓ > 1, < 1 for k_sℓ < 1: DESIGN, Eq. 55 misjudges this). Kind from Eq. 56: the sign
    of d²p^s/dz² is that of −j(k_sℓ − 1)B (a maximum, +1, for j(k_sℓ − 1)B > 0). For the
    τ model P^u is the part of Eq. 63 that Eq. 62 describes, (Aj/e)(eV/2 ∓ μ0 d̂_T), and q
    the D6c amplitude. Accuracy: that of
    the parameters (errors O(λ²) relative), amplified where the logarithm's argument is
    close to 0 or 1. Not defined at k_s → ∞ (no spots in the ℓ model; the τ model then has
    none at this order either).
    """
    _check_model(model)
    g = welt_groups(s)
    e, A, mu0 = s.charge, s.area, s.mu0
    ell, L, y = s.mean_free_path, s.scatterer_length, g.y
    j, AL, AR, BL, BR = _spot_terms(s, g, bias, model)
    argL = AL / (y**2 * BL)
    argR = -AR / (y**2 * BR)
    off = ell * y / (1.0 - y)                             # ℓ/(k_sℓ − 1)

    def side(arg, B, edge, sign):
        safe = jnp.where(arg > 0, arg, 1.0)
        dist = off * jnp.log(safe)                        # distance from the wire's end
        ok = (arg > 0) & (dist > 0)
        kind = jnp.where(ok, jnp.sign(j * (1.0 - y) * B), 0.0)
        return jnp.where(ok, edge - sign * dist, jnp.nan), kind

    zl, kl = side(argL, BL, -0.5 * L, 1.0)
    zr, kr = side(argR, BR, 0.5 * L, -1.0)
    if model == "length":
        R, dT, P, kap, beta = g.ratio, g.thermal_factor, g.P, g.kappa, g.beta
        th = 0.5 * R * dT * P
        cur = jnp.pi * A * s.hbar * j / (4.0 * e * mu0)
        hot = 2.0 * mu0 * dT / bias
        condl = hot - cur + th                                           # Eq. 60 (+ term)
        condr = -hot + cur + th
        num = (2.0 * beta - kap) / (1.0 + kap) + th * (1.0 - (1.0 - 2.0 * beta) / (1.0 + kap))
        ks = g.screening

        def simple(cond, edge, sign):                                    # Eq. 61 (+ term)
            a = num / (y**2 * (cond - 1.0))
            d = jnp.log(jnp.where(a > 0, a, 1.0)) / ks
            return jnp.where((a > 0) & (d > 0), edge - sign * d, jnp.nan)

        sl, sr = simple(condl, -0.5 * L, 1.0), simple(condr, 0.5 * L, -1.0)
    else:
        condl, condr = _e6_bracket(s, g, bias, 1.0), _e6_bracket(s, g, bias, -1.0)
        zsl, zsr = _e6(s, g, bias)
        dzl, dzr = _delta_z(s, g, bias)
        sl, sr = zsl + dzl, zsr + dzr
    return WeltSpots(left=zl, right=zr, kind_left=kl, kind_right=kr, argument_left=argL,
                     argument_right=argR, condition_left=condl, condition_right=condr,
                     simple_left=sl, simple_right=sr)


def _delta_z(s, g, bias):
    """Δz_{L,R} of Eq. 68 as printed (length)."""
    R1 = 1.0 / (1.0 - s.T0)
    base = s.mean_free_path * bias * (2.0 * g.beta - g.kappa) / (1.0 + g.kappa)
    inner = 2.0 * s.T1 * R1 - s.T0 / s.mu0
    k = 4.0 * bias / (_PI2 * s.kT**2) * s.T0 * R1
    return base * (inner - k), base * (inner + k)


# ---------------------------------------------------------------------- profiles
def _side_coordinate(s, z):
    """(left mask, reduced distance t ≤ 0 from the wire's end) at positions z."""
    z = jnp.asarray(z, dtype=float)
    L = s.scatterer_length
    left = z < 0.0
    t = jnp.where(left, z + 0.5 * L, 0.5 * L - z) / s.mean_free_path
    return left, jnp.minimum(t, 0.0)


def welt_gradient(s: WeltSystem, bias, z, model: str = "length"):
    """δμ'(z) (energy/length) in the wires at positions z (z < 0: left wire, from z−;
    z ≥ 0: right wire, from z+; inside the scatterer the wire end's value).

    ``"length"``: Eq. 20, δμ' = j/(2J0ℓ) everywhere (exact for the model).
    ``"time"``: Eq. 36, δμ'_{L,R} = (j/(2J0 l0)){1 + (π²/24)(kT/μ0)² −
    e^{±(z−z∓)/l0}[d̂_T ∓ eV/(2μ0)]}. The Drude factor 1 + (π²/24)(kT/μ0)² is the
    Sommerfeld correction of the conductivity (checked against BW: F_ext/I).
    """
    _check_model(model)
    g = welt_groups(s)
    j = _current(s, g, bias, model)
    base = j / (2.0 * g.J0 * s.mean_free_path)
    left, t = _side_coordinate(s, z)
    if model == "length":
        return base + 0.0 * t
    sgn = jnp.where(left, 1.0, -1.0)
    return base * (1.0 + g.sommerfeld - jnp.exp(t) * (g.thermal_factor_tau
                                                       - sgn * bias / (2.0 * s.mu0)))


def welt_flow_density(s: WeltSystem, bias, z, model: str = "length"):
    """p^u(z) (energy/(time·volume)) at positions z (as `welt_gradient`).

    Both models: p^u_{L,R} = (P^u_{L,R}/(Aℓ)) e^{±(z−z∓)/ℓ} (Eq. 46). ``"length"``: P^u of
    Eq. 57. ``"time"``: Eq. 62 corrected, P^u = (Aj/e)(eV/2 ∓ μ0 d̂_T) (no cubic terms,
    as in the paper; the printed (π²/12)(kT/μ0)²(z − z∓)/l0 term is absent in BW's
    profiles and would contradict the integrated E4).
    """
    _check_model(model)
    PuL, PuR = _flow(s, welt_groups(s), bias, model)
    left, t = _side_coordinate(s, z)
    return jnp.where(left, PuL, PuR) * jnp.exp(t) / (s.area * s.mean_free_path)


def welt_spot_slope(s: WeltSystem, bias, z, model: str = "time"):
    """dp^s/dz (energy/(time·volume·length)) at positions z: Eq. 52 (``"length"``, with the
    WELT A, q, P^u) or Eq. 66 corrected (``"time"``):

        dp^s/dz = −j k_s² A_{L,R} e^{±k_s(z−z∓)} ∓ (1/(Aℓ²)) [P^u_{L,R} − (Aj/(2e|F0|))
                  (k_s²ℓ²/(k_s²ℓ² − 1)) q_{L,R}] e^{±(z−z∓)/ℓ},

    which for the τ model (P^u = (Aj/e)(eV/2 ∓ μ0 d̂_T), q of D6c) is Eq. 66 without the
    (z − z∓) term of the printed Eq. 62. Its zeros are the positions of `welt_spots`.
    """
    _check_model(model)
    g = welt_groups(s)
    j, AL, AR, BL, BR = _spot_terms(s, g, bias, model)
    left, t = _side_coordinate(s, z)
    sgn = jnp.where(left, 1.0, -1.0)
    ks = g.screening
    screened = jnp.where(jnp.isinf(ks), 0.0,
                         -j * ks**2 * jnp.where(left, AL, AR) * jnp.exp(t / g.y))
    return screened + sgn * j / s.mean_free_path**2 * jnp.where(left, BL, BR) * jnp.exp(t)


class BoundaryDistribution(NamedTuple):
    """g^(1)_L(−v_L) and g^(1)_R(v_R) (dimensionless occupations) at total energies ε."""

    left: Float[Array, "..."]
    right: Float[Array, "..."]


def welt_boundary_distribution(s: WeltSystem, T, bias, energy, model: str = "length"
                               ) -> BoundaryDistribution:
    """The space-independent factors g^(1) of Eqs. 1, 4 at total energies ε (measured from
    the midpoint; both band bottoms below ε), with the WELT j and ν (B7/D8):

        g^(1)_{L,R}(∓v) = ±f'(ε^c_{L,R}) X_{L,R}(v_{L,R}) ∓ T(ε)[f(ε^c_L) − f(ε^c_R)
                          − ν_L f'(ε^c_L) + ν_R f'(ε^c_R) + f'(ε^c_L)X_L(v_L) + f'(ε^c_R)X_R(v_R)],

    ``"length"``: X = j/(2J0) (Eq. 21). ``"time"``: Eq. 38 with its last two lines inside
    the ∓T(ε)(…) bracket (as Eq. 4 with Eq. 36 gives):
    X_{L,R}(v) = (j/(2J0)){(1 + (π²/24)(kT/μ0)²) v/v0 − [d̂_T ∓ eV/(2μ0)] v/(v0 + v)}.
    The bracket times T is the transmitted current of Eq. 15b: (e/πAħ)∫dε T[…] = j.
    `T`: the transmission callable; requires kT > 0.
    """
    _check_model(model)
    g = welt_groups(s)
    es = _electrostatics(s, g, bias, model)
    eps = jnp.asarray(energy, dtype=float)
    ecl, ecr = eps - 0.5 * bias, eps + 0.5 * bias
    fL, fR = fermi(ecl, s.mu0, s.kT), fermi(ecr, s.mu0, s.kT)
    dL, dR = fermi_derivative(ecl, s.mu0, s.kT), fermi_derivative(ecr, s.mu0, s.kT)
    base = es.current_density / (2.0 * g.J0)
    if model == "length":
        XL = XR = base
    else:
        v0 = g.velocity
        vL = jnp.sqrt(2.0 * jnp.maximum(ecl, 0.0) / s.mass)
        vR = jnp.sqrt(2.0 * jnp.maximum(ecr, 0.0) / s.mass)
        d = g.thermal_factor_tau
        w = bias / (2.0 * s.mu0)
        XL = base * ((1.0 + g.sommerfeld) * vL / v0 - (d - w) * vL / (v0 + vL))
        XR = base * ((1.0 + g.sommerfeld) * vR / v0 - (d + w) * vR / (v0 + vR))
    bracket = T(eps) * (fL - fR - es.nu_left * dL + es.nu_right * dR + dL * XL + dR * XR)
    return BoundaryDistribution(left=dL * XL - bracket, right=-dR * XR + bracket)
