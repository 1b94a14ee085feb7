"""Scatterers: transmission functions T(E) (and, later, scattering matrices)."""

from .qpc import AbruptQPC, SaddleQPC
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
]
