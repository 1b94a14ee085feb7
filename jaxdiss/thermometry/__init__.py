"""Scanning thermometry: from heating profiles to what a tip thermometer records, profile
data files, and least-squares fits with uncertainties (DESIGN.md §4 Thermometry).

* `kernels`: the wire's exponential kernel, the Gaussian tip, and the closed-form response
  of both to one-sided exponential sources;
* `nanowire`: the recorded profile of a BW wire solution (`wire_temperature`) and the
  laboratory-unit forward model `NanowireThermometry` (eV from the measured current);
* `sheet`: the 2D sheet kernel K_0(r/λ)/(2πλ²) and azimuthally averaged profiles around
  a QPC (`sheet_temperature`); `qpc`: the lab-unit forward model `QPCThermometry`;
* `data`: CSV profiles with `# key: value` metadata (`load_profile`, `save_profile`);
* `fit`: weighted least squares with Gauss–Newton errors (`fit_profile`).
"""

from ..wire import HeatingModes
from .data import ThermometryProfile, load_profile, make_profile, save_profile, write_atomic
from .figures import fit_figure
from .fit import FitResult, FitStart, Parameter, fit_profile
from .kernels import exponential_response, tip_kernel, wire_kernel
from .qpc import QPC_PARAMETERS, QPCThermometry
from .sheet import sheet_kernel, sheet_temperature
from .nanowire import (
    NANOWIRE_PARAMETERS,
    NANOWIRE_STAGES,
    NanowireThermometry,
    modes_temperature,
    nanowire_parameters,
    wire_temperature,
)

__all__ = [
    "HeatingModes",
    "exponential_response",
    "tip_kernel",
    "wire_kernel",
    "wire_temperature",
    "modes_temperature",
    "sheet_kernel",
    "sheet_temperature",
    "QPCThermometry",
    "QPC_PARAMETERS",
    "NanowireThermometry",
    "NANOWIRE_PARAMETERS",
    "NANOWIRE_STAGES",
    "nanowire_parameters",
    "ThermometryProfile",
    "load_profile",
    "make_profile",
    "save_profile",
    "write_atomic",
    "Parameter",
    "FitResult",
    "FitStart",
    "fit_profile",
    "fit_figure",
]
