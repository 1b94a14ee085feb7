"""Scatterers: transmission functions T(E) and multi-port scattering matrices S(E)."""

from .qpc import AbruptQPC, SaddleQPC
from .smatrix import (
    DIODE_CHANNEL_TERMINALS,
    block_diag,
    compose,
    diode_smatrix,
    probe_splitter,
    propagation,
    resonant_barrier,
)
from .transmission import (
    AbstractTransmission,
    BreitWigner,
    Lorentzian,
    QuadratureHints,
    Tabulated,
    derivative,
    quadrature_hints,
)

__all__ = [
    "AbstractTransmission",
    "QuadratureHints",
    "quadrature_hints",
    "derivative",
    "Lorentzian",
    "BreitWigner",
    "Tabulated",
    "AbruptQPC",
    "SaddleQPC",
    "DIODE_CHANNEL_TERMINALS",
    "resonant_barrier",
    "propagation",
    "probe_splitter",
    "block_diag",
    "compose",
    "diode_smatrix",
]
