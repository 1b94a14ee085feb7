"""jaxdiss: differentiable physics of where electrical power is dissipated around
nanoscale conductors.

Importing jaxdiss enables float64 in JAX (``jax_enable_x64``): every result is double
precision. Public names are re-exported here; see DESIGN.md §3 and the README's API list.
"""

import jax

jax.config.update("jax_enable_x64", True)

from . import quad, solve, thermal, units  # noqa: E402
from .landauer import (  # noqa: E402
    Dissipation,
    LowBiasDissipation,
    TemperatureCorrection,
    TwoTerminalCurrents,
    fixed_grid,
    landauer_dissipation,
    low_bias_dissipation,
    low_temperature_correction,
    step_temperature_correction,
    two_terminal_currents,
    window_grid,
)
from .design import (  # noqa: E402
    DesignResult,
    DesignTrajectory,
    bipolar_current,
    design,
    design_multistart,
    heat_rectification_objective,
    rectification_objective,
)
from .diode import (  # noqa: E402
    DiodeState,
    Rectification,
    ThermalDiode,
    diode_currents,
    diode_grid,
    rectification,
)
from .diode_lines import (  # noqa: E402
    DiodeCut,
    DiodeLinePoint,
    bipolar_point,
    perfect_diode_point,
    scan_cut,
)
from .electrodes import (  # noqa: E402
    BiasForCurrentDensity,
    ElectrodeIntegrals,
    ElectrodeProfile,
    ElectrodeSolution,
    bias_for_current_density,
    electrode_integrals,
    solve_electrodes,
    strong_coulomb,
    transmission_taylor,
    welt_current,
    welt_electrostatics,
    welt_power,
    welt_spots,
    welt_system,
)
from .hotspot import (  # noqa: E402
    HotSpot,
    hot_spot,
    hot_spot_distance,
    hot_spot_distance_si,
    inelastic_length,
    radial_power_density,
)
from .multiterminal import (  # noqa: E402
    MultiterminalCurrents,
    current_density,
    device_grid,
    multiterminal_currents,
    smatrix_currents,
    terminal_order,
    transmission_matrix,
)
from .quad import EnergyGrid, graded_edges, integrate, panel_grid  # noqa: E402
from .scattering import (  # noqa: E402
    DIODE_CHANNEL_TERMINALS,
    AbruptQPC,
    AbstractTransmission,
    BreitWigner,
    Lorentzian,
    QuadratureHints,
    SaddleQPC,
    Tabulated,
    block_diag,
    compose,
    derivative,
    diode_smatrix,
    probe_splitter,
    propagation,
    quadrature_hints,
    resonant_barrier,
)
from .solve import RootResult, newton  # noqa: E402
from .screening import (  # noqa: E402
    capacitance_matrix,
    injectivities,
    region_charges,
    region_dos,
    smatrix_injectivities,
)
from .sweep import sweep  # noqa: E402
from . import thermometry  # noqa: E402
from .thermometry import (  # noqa: E402
    FitResult,
    NanowireThermometry,
    Parameter,
    ThermometryProfile,
    fit_profile,
    load_profile,
    save_profile,
    wire_temperature,
)
from .wire import (  # noqa: E402
    BiasForCurrent,
    HalfWire,
    HeatingModes,
    Spot,
    WireProfile,
    WireSolution,
    WireSpots,
    approximate_asymmetry,
    bias_for_current,
    landauer_asymmetry,
    solve_wire,
    solve_wire_linear,
    wire_spots,
)
from .batch_invariance import enable_batch_invariance  # noqa: E402
from .thermal import fermi, fermi_derivative, fermi_window, sommerfeld_integral  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    # primitives
    "fermi",
    "fermi_derivative",
    "fermi_window",
    "sommerfeld_integral",
    "EnergyGrid",
    "panel_grid",
    "graded_edges",
    "integrate",
    "newton",
    "RootResult",
    "units",
    # scatterers
    "AbstractTransmission",
    "QuadratureHints",
    "quadrature_hints",
    "derivative",
    "Lorentzian",
    "BreitWigner",
    "Tabulated",
    "AbruptQPC",
    "SaddleQPC",
    # Landauer–Büttiker
    "TwoTerminalCurrents",
    "Dissipation",
    "LowBiasDissipation",
    "TemperatureCorrection",
    "two_terminal_currents",
    "landauer_dissipation",
    "low_bias_dissipation",
    "low_temperature_correction",
    "step_temperature_correction",
    "window_grid",
    "fixed_grid",
    # hot spot
    "HotSpot",
    "hot_spot",
    "hot_spot_distance",
    "hot_spot_distance_si",
    "inelastic_length",
    "radial_power_density",
    # scattering matrices (DI)
    "DIODE_CHANNEL_TERMINALS",
    "resonant_barrier",
    "propagation",
    "probe_splitter",
    "block_diag",
    "compose",
    "diode_smatrix",
    # multi-terminal currents
    "MultiterminalCurrents",
    "transmission_matrix",
    "terminal_order",
    "current_density",
    "multiterminal_currents",
    "smatrix_currents",
    "device_grid",
    # injectivities (DI Eq. 6)
    "injectivities",
    "smatrix_injectivities",
    "region_charges",
    "capacitance_matrix",
    "region_dos",
    # diodes
    "ThermalDiode",
    "DiodeState",
    "Rectification",
    "diode_grid",
    "diode_currents",
    "rectification",
    # applications
    "sweep",
    "enable_batch_invariance",
    # nanowire + scatterer, linearized Boltzmann (BW)
    "solve_wire",
    "solve_wire_linear",
    "WireSolution",
    "WireProfile",
    "HalfWire",
    "bias_for_current",
    "BiasForCurrent",
    "wire_spots",
    "WireSpots",
    "Spot",
    "landauer_asymmetry",
    "approximate_asymmetry",
    # scatterer between dissipative electrodes, constant mean free path (EL)
    "solve_electrodes",
    "ElectrodeSolution",
    "ElectrodeProfile",
    "bias_for_current_density",
    "BiasForCurrentDensity",
    "electrode_integrals",
    "ElectrodeIntegrals",
    "welt_system",
    "welt_current",
    "welt_electrostatics",
    "welt_power",
    "welt_spots",
    "strong_coulomb",
    "transmission_taylor",
    # inverse design
    "design",
    "design_multistart",
    "DesignResult",
    "DesignTrajectory",
    "rectification_objective",
    "heat_rectification_objective",
    "bipolar_current",
    # perfect-diode lines and bipolar points (DI)
    "DiodeLinePoint",
    "DiodeCut",
    "perfect_diode_point",
    "bipolar_point",
    "scan_cut",
    # scanning thermometry (forward model, data, fits)
    "thermometry",
    "HeatingModes",
    "wire_temperature",
    "NanowireThermometry",
    "ThermometryProfile",
    "load_profile",
    "save_profile",
    "Parameter",
    "FitResult",
    "fit_profile",
]
