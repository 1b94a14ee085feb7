"""Dissipative nanowires around a scatterer.

`boltzmann`: linearized Boltzmann wires + Landauer scatterer, solved by exact discrete
eigenmodes (BW paper); entry points `solve_wire` (given eV) and `solve_wire_linear`
(linear response, given I).
"""

from .boltzmann import HalfWire, WireProfile, WireSolution, solve_wire, solve_wire_linear

__all__ = ["solve_wire", "solve_wire_linear", "WireSolution", "WireProfile", "HalfWire"]
