"""Dissipative nanowires around a scatterer.

`boltzmann`: linearized Boltzmann wires + Landauer scatterer, solved by exact discrete
eigenmodes (BW paper); entry points `solve_wire` (given eV) and `solve_wire_linear`
(linear response, given I); `voltage`: eV for a prescribed current (`bias_for_current`);
`spots`: heating and cooling spots (`wire_spots`); `asymmetry`: Landauer and approximate
left–right heating asymmetry (Eqs. 35, 36).
"""

from .asymmetry import approximate_asymmetry, landauer_asymmetry
from .boltzmann import (
    HalfWire,
    HeatingModes,
    WireProfile,
    WireSolution,
    solve_wire,
    solve_wire_linear,
)
from .spots import Spot, WireSpots, wire_spots
from .voltage import BiasForCurrent, bias_for_current

__all__ = ["solve_wire", "solve_wire_linear", "WireSolution", "WireProfile", "HalfWire",
           "HeatingModes", "bias_for_current", "BiasForCurrent", "wire_spots", "WireSpots", "Spot",
           "landauer_asymmetry", "approximate_asymmetry"]
