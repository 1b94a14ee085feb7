"""Tip-thermometer profile along a nanowire with a scatterer (BW model + DESIGN.md §4).

The BW solution gives the phonon heating P_ph(x) around the scatterer as the uniform Joule
heating P_ext plus decaying eigenmodes (`WireSolution.heating_modes`). The substrate-leaking
wire (healing length λ) and the Gaussian tip (σ) turn it into the recorded rise

    ΔT(x) = ΔT_∞ (K_σ ∗ K_λ ∗ [P_ph/P_ext])(x),       ΔT_∞ = P_ext/g,

evaluated mode by mode in closed form (`kernels.exponential_response`): exact for the
discretised BW problem, with no quadrature across the step of P_ph at x = 0.

`NanowireThermometry` is the forward model of a measured profile in laboratory units: the
measured current (nA), μ0 (meV) and the bath temperature (K) fix I h/(e μ0) and kT/μ0; the
parameters are the scatterer's Lorentzian (ε0, Γ in μ0, BW Eq. 21), v_F τ (nm), λ (nm) and
ΔT_∞ (mK); the band offset eV at the scatterer follows from the current by the BW
wire-voltage-drop Newton (`bias_for_current`, implicitly differentiated).
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp

from .._checks import check_positive, check_static_int
from ..scattering import Lorentzian
from ..units import MEV, current_to_ampere, kelvin_to_energy
from ..wire import BiasForCurrent, HeatingModes, WireSolution, bias_for_current
from .fit import Parameter
from .kernels import exponential_response

__all__ = ["wire_temperature", "modes_temperature", "NanowireThermometry",
           "NANOWIRE_PARAMETERS", "NANOWIRE_STAGES", "nanowire_parameters"]

#: fit parameters of `NanowireThermometry`, in the order of its parameter vector
NANOWIRE_PARAMETERS = ("eps0", "gamma", "vF_tau_nm", "healing_nm", "background_mK")
#: `fit_profile` stages for it: scatterer and background first, lengths held. From a random
#: start in the ranges of `nanowire_parameters`, about one full fit in five otherwise drifts
#: into a side valley (v_F τ → 0 with a narrow resonance below μ0, χ²/dof ≈ 4 on
#: nanowire-A-like data) and stops without converging.
NANOWIRE_STAGES = (("eps0", "gamma", "background_mK"),)


def wire_temperature(solution: WireSolution, x, *, vF_tau, healing, sigma, far_field_rise=1.0):
    """Temperature rise a Gaussian tip records along the wire of a BW `solution`.

    ΔT(x) = ΔT_∞ (K_σ ∗ K_λ ∗ [P_ph/P_ext])(x) (DESIGN.md §4) at positions `x` (any shape),
    with `vF_tau` the length v_F τ of the BW units, `healing` λ, `sigma` σ and `x` in one
    length unit (e.g. nm), and `far_field_rise` ΔT_∞ = P_ext/g in any temperature unit
    (the result's unit). Exact mode sum; works under jit, vmap and grad (all arguments)."""
    return modes_temperature(solution.heating_modes(), solution.heating_external, x,
                             vF_tau=vF_tau, healing=healing, sigma=sigma,
                             far_field_rise=far_field_rise)


def modes_temperature(modes: HeatingModes, heating_external, x, *, vF_tau, healing, sigma,
                      far_field_rise=1.0):
    """`wire_temperature` for a heating profile P_ext + Σ_k a_k e^{−|x|/L_k} given as
    `HeatingModes` (lengths in v_F τ, amplitudes in the unit of `heating_external`)."""
    x = jnp.asarray(x, dtype=float)
    xs = x[..., None]
    right = exponential_response(xs, modes.length_right * vF_tau, healing, sigma)
    left = exponential_response(-xs, modes.length_left * vF_tau, healing, sigma)
    excess = right @ modes.amplitude_right + left @ modes.amplitude_left
    # P_ext = P_ext θ(y) + P_ext θ(−y): its two steps respond with Φ(x/σ) + Φ(−x/σ) = 1
    return far_field_rise * (1.0 + excess / heating_external)


class NanowireThermometry(eqx.Module):
    """Forward model ΔT(x) (mK) of a tip scan along a nanowire at a measured current.

    Fields: `current` I h/(e μ0) (no spin factor, BW Eq. 9), `kT` k_B T/μ0, `tip_sigma_nm`
    σ (nm), and static solver sizes `n_momentum` (BW grid) and `max_steps` (Newton for eV).
    Build it from laboratory values with `from_lab`. Call `model(theta, x_nm)` with
    θ = (ε0/μ0, Γ/μ0, v_F τ [nm], λ [nm], ΔT_∞ [mK]) (`NANOWIRE_PARAMETERS`); it returns
    (ΔT in mK, converged flag). `bias(theta)` is the Newton record of eV (μ0).
    """

    current: float
    kT: float
    tip_sigma_nm: float
    n_momentum: int = eqx.field(static=True, default=256)
    max_steps: int = eqx.field(static=True, default=40)

    @classmethod
    def from_lab(cls, *, current_nA, mu0_meV, bath_temperature_K, tip_sigma_nm,
                 spin: int = 1, n_momentum: int = 256) -> "NanowireThermometry":
        """From a measured current (nA), μ0 (meV), bath temperature (K) and tip σ (nm).
        `spin` divides the current among degenerate species (the BW current counts one)."""
        current_nA = float(check_positive("current_nA", current_nA))
        mu0 = float(check_positive("mu0_meV", mu0_meV))
        temperature = float(check_positive("bath_temperature_K", bath_temperature_K))
        sigma = float(check_positive("tip_sigma_nm", tip_sigma_nm))
        spin = check_static_int("spin", spin, 1)
        amperes_per_unit = float(current_to_ampere(1.0, unit=mu0 * MEV))
        current = current_nA * 1e-9 / amperes_per_unit / spin
        kT = float(kelvin_to_energy(temperature, unit=mu0 * MEV))
        return cls(current, kT, sigma, check_static_int("n_momentum", n_momentum, 8))

    def bias(self, theta) -> BiasForCurrent:
        """eV at the scatterer (μ0) carrying `current` for θ's Lorentzian (BW Sec. II C)."""
        return bias_for_current(Lorentzian(theta[0], theta[1]), self.current, self.kT,
                                n_momentum=self.n_momentum, max_steps=self.max_steps)

    def __call__(self, theta, x_nm):
        theta = jnp.asarray(theta, dtype=float)
        found = self.bias(theta)
        dT = wire_temperature(found.solution, x_nm, vF_tau=theta[2], healing=theta[3],
                              sigma=self.tip_sigma_nm, far_field_rise=theta[4])
        return dT, found.converged


def nanowire_parameters(eps0=1.0, gamma=0.3, vF_tau_nm=100.0, healing_nm=200.0,
                        background_mK=5.0) -> list[Parameter]:
    """Fit parameters of `NanowireThermometry` with physical bounds and random-start ranges:
    ε0/μ0 ∈ (0.05, 4) (starts 0.6–1.6, the range of BW Figs. 5–6), Γ/μ0 ∈ (0.005, 4)
    (starts 0.08–1), v_F τ ∈ (1 nm, 10 µm) (starts 30–300 nm), λ ∈ (1 nm, 10 µm)
    (starts 50–500 nm), ΔT_∞ > 0 mK (starts 0.5–2 × the given value). The arguments are
    the initial values of the first start."""
    return [
        Parameter("eps0", eps0, 0.05, 4.0, (0.6, 1.6)),
        Parameter("gamma", gamma, 0.005, 4.0, (0.08, 1.0)),
        Parameter("vF_tau_nm", vF_tau_nm, 1.0, 1e4, (30.0, 300.0)),
        Parameter("healing_nm", healing_nm, 1.0, 1e4, (50.0, 500.0)),
        Parameter("background_mK", background_mK, 0.0, float("inf"),
                  (0.5 * background_mK, 2.0 * background_mK)),
    ]
