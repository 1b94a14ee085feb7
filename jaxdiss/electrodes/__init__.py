"""A scatterer between dissipative quasi-1D electrodes (EL paper).

`solve_electrodes`: the constant-mean-free-path model, exact (EL Secs. II A, III A,
Apps. A, C); `bias_for_current_density`: the bias that carries a prescribed current
density (Newton, implicit derivatives); `electrode_integrals`: the velocity integrals of
the model (Eqs. 12, 19, 25–28, A13); `welt`: the weak-excitation, low-temperature closed
forms of both the constant-ℓ and the constant-τ models (Eqs. 29–39, 57–68, Apps. B–E).
"""

from ._integrals import ElectrodeIntegrals, electrode_integrals
from .current import BiasForCurrentDensity, bias_for_current_density
from .exact import ElectrodeProfile, ElectrodeSolution, solve_electrodes
from .welt import (
    BoundaryDistribution,
    StrongCoulomb,
    TransmissionTaylor,
    WeltElectrostatics,
    WeltGroups,
    WeltPower,
    WeltSpots,
    WeltSystem,
    strong_coulomb,
    transmission_taylor,
    welt_boundary_distribution,
    welt_current,
    welt_electrostatics,
    welt_flow_density,
    welt_gradient,
    welt_groups,
    welt_power,
    welt_spot_slope,
    welt_spots,
    welt_system,
)

__all__ = [
    "solve_electrodes",
    "ElectrodeSolution",
    "ElectrodeProfile",
    "bias_for_current_density",
    "BiasForCurrentDensity",
    "electrode_integrals",
    "ElectrodeIntegrals",
    "welt_system",
    "WeltSystem",
    "welt_groups",
    "WeltGroups",
    "welt_current",
    "welt_electrostatics",
    "WeltElectrostatics",
    "welt_power",
    "WeltPower",
    "strong_coulomb",
    "StrongCoulomb",
    "welt_spots",
    "WeltSpots",
    "welt_gradient",
    "welt_flow_density",
    "welt_spot_slope",
    "welt_boundary_distribution",
    "BoundaryDistribution",
    "transmission_taylor",
    "TransmissionTaylor",
]
