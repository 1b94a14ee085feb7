"""SI conversions and material presets — the only module that holds physical constants.

jaxdiss computes in "natural" units: every energy in one user-chosen unit ε_u (e.g. meV,
or a model scale like E1), h = 1, so a particle current comes out in ε_u/h and a power in
ε_u²/h. The helpers here turn those into amperes, watts, kelvin and metres.
Constants are CODATA 2018 exact/recommended values.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp

__all__ = [
    "ELEMENTARY_CHARGE",
    "PLANCK",
    "HBAR",
    "BOLTZMANN",
    "ELECTRON_MASS",
    "MEV",
    "energy_to_joule",
    "joule_to_energy",
    "kelvin_to_energy",
    "energy_to_kelvin",
    "current_to_ampere",
    "power_to_watt",
    "Material",
    "GAAS_2DEG",
    "INAS_NANOWIRE",
    "transverse_energy",
    "fermi_energy_2d",
    "density_2d",
]

ELEMENTARY_CHARGE = 1.602176634e-19  # C (exact)
PLANCK = 6.62607015e-34  # J s (exact)
HBAR = PLANCK / (2.0 * 3.141592653589793)  # J s
BOLTZMANN = 1.380649e-23  # J/K (exact)
ELECTRON_MASS = 9.1093837015e-31  # kg
MEV = 1e-3 * ELEMENTARY_CHARGE  # J per meV


def energy_to_joule(energy, unit: float = MEV):
    """Energy in units of `unit` (joules per unit; default meV) → J."""
    return jnp.asarray(energy) * unit


def joule_to_energy(joule, unit: float = MEV):
    """J → energy in units of `unit` (default meV)."""
    return jnp.asarray(joule) / unit


def kelvin_to_energy(temperature, unit: float = MEV):
    """Temperature (K) → k_B T in units of `unit` (default meV)."""
    return BOLTZMANN * jnp.asarray(temperature) / unit


def energy_to_kelvin(kT, unit: float = MEV):
    """k_B T in units of `unit` (default meV) → temperature (K)."""
    return jnp.asarray(kT) * unit / BOLTZMANN


def current_to_ampere(current, unit: float = MEV, charge: float = ELEMENTARY_CHARGE):
    """Particle current in unit/h (h = 1 units) → electric current e·I in A."""
    return charge * jnp.asarray(current) * unit / PLANCK


def power_to_watt(power, unit: float = MEV):
    """Power (or heat current) in unit²/h → W."""
    return jnp.asarray(power) * unit**2 / PLANCK


class Material(eqx.Module):
    """A conductor's band: effective mass in units of the free electron mass."""

    name: str = eqx.field(static=True)
    effective_mass: float = eqx.field(static=True)

    @property
    def mass(self) -> float:
        """Effective mass in kg."""
        return self.effective_mass * ELECTRON_MASS


GAAS_2DEG = Material("GaAs/AlGaAs 2DEG", 0.067)
INAS_NANOWIRE = Material("InAs nanowire", 0.023)


def transverse_energy(width, material: Material = GAAS_2DEG):
    """First transverse-mode energy E1 = ħ²π²/(8 m w²) (J) of a hard-wall channel of
    full width `width` = 2w (m). QPC Sec. 3.1: ≈ 3.5 meV for 2w = 40 nm in GaAs."""
    half = 0.5 * jnp.asarray(width)
    return HBAR**2 * jnp.pi**2 / (8.0 * material.mass * half**2)


def fermi_energy_2d(density, material: Material = GAAS_2DEG):
    """Fermi energy π ħ² n / m (J) of a spin-degenerate 2DEG of density `density` (m⁻²)."""
    return jnp.pi * HBAR**2 * jnp.asarray(density) / material.mass


def density_2d(fermi_energy, material: Material = GAAS_2DEG):
    """Inverse of `fermi_energy_2d`: density (m⁻²) for a Fermi energy (J)."""
    return material.mass * jnp.asarray(fermi_energy) / (jnp.pi * HBAR**2)
