"""Multi-terminal Landauer–Büttiker currents (DI paper, Eq. 1).

N terminals (reservoirs) j = 0 … N−1 at electrochemical potentials μ_j and temperatures
kT_j exchange electrons through a phase-coherent conductor described by its scattering
matrix S(E) over M channels, each channel belonging to one terminal. The terminal
transmission probabilities are

    T_kj(E) = Σ_{a∈k, b∈j} |S_ab(E)|²     (probability to go from terminal j to terminal k),

and the current density leaving reservoir j into the conductor (DI Eq. 1, spin factor s)

    𝓘_j(E) = s Σ_k T_kj(E) [f_j(E) − f_k(E)],

with the particle, heat and energy currents

    I_j = ∫ 𝓘_j dE,   J_j = ∫ (E − μ_j) 𝓘_j dE,   E_j = ∫ E 𝓘_j dE = J_j + μ_j I_j.

Sign: every current is positive when it flows *out of reservoir j into the conductor*. For
a unitary S, Σ_j I_j = 0 and Σ_j E_j = Σ_j (J_j + μ_j I_j) = 0; −Σ_j J_j = Σ_j μ_j I_j is
the power dissipated (Joule heat). Reflection (k = j) drops out exactly.

Units: energies (E, μ, kT) in one unit ε_u, h = 1: a particle current in ε_u/h, heat and
energy currents in ε_u²/h. `spin` (default 2, as in the DI paper) multiplies every current.

Differences of Fermi functions are evaluated as `jaxdiss.thermal.fermi_window` does, which
keeps full relative precision in the thermal tails and at small μ or kT differences; kT = 0
is allowed (a step: put μ_j on a panel edge, e.g. as a `device_grid` centre with scale 0).

The energy integrals run over a caller-supplied `EnergyGrid` (static size). `device_grid`
builds one for a fixed window with ladders at resonances, so that a device model can
evaluate its S-matrix once on the grid and reuse it for many (μ, kT) — e.g. inside the
Newton iterations of a thermalization probe: pass the tabulated T_kj array instead of a
callable.
"""

from __future__ import annotations

import math
from typing import Hashable, NamedTuple, Sequence

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array

from ._checks import check_finite, check_nonnegative, check_positive, check_spin, is_concrete
from .quad import EnergyGrid, graded_edges, panel_grid
from .thermal import _occupation_pair, _window

__all__ = [
    "MultiterminalCurrents",
    "transmission_matrix",
    "terminal_order",
    "current_density",
    "multiterminal_currents",
    "smatrix_currents",
    "device_grid",
]


class MultiterminalCurrents(NamedTuple):
    """Currents out of each reservoir into the conductor, arrays of length N in terminal
    order.

    `particle` I_j = s∫Σ_k T_kj (f_j − f_k) dE [ε_u/h]; `heat` J_j = s∫(E − μ_j)(…) dE and
    `energy` E_j = s∫E(…) dE = J_j + μ_j I_j [ε_u²/h]. Positive: out of reservoir j.
    """

    particle: Array
    heat: Array
    energy: Array


# --------------------------------------------------------------------------------------
# S-matrix → terminal transmissions


def terminal_order(channel_terminals: Sequence[Hashable]) -> tuple:
    """Terminal names in order of first appearance in `channel_terminals`."""
    return tuple(dict.fromkeys(channel_terminals))


def _channel_groups(channel_terminals, terminals):
    """Static channel index lists per terminal, validating the channel→terminal map."""
    if isinstance(channel_terminals, str) or not isinstance(channel_terminals, (tuple, list)):
        raise ValueError(
            "`channel_terminals` must be a tuple naming the terminal of each channel, got "
            f"{channel_terminals!r}"
        )
    channel_terminals = tuple(channel_terminals)
    if len(channel_terminals) == 0:
        raise ValueError("`channel_terminals` must name at least one channel")
    if terminals is None:
        terminals = terminal_order(channel_terminals)
    else:
        if isinstance(terminals, str) or not isinstance(terminals, (tuple, list)):
            raise ValueError(f"`terminals` must be a tuple of terminal names, got {terminals!r}")
        terminals = tuple(terminals)
        if len(set(terminals)) != len(terminals):
            raise ValueError(f"`terminals` must not repeat a name, got {terminals!r}")
    unknown = sorted({repr(c) for c in channel_terminals if c not in terminals})
    if unknown:
        raise ValueError(
            f"`channel_terminals` names terminals not in `terminals` {terminals!r}: "
            + ", ".join(unknown)
        )
    groups = tuple(tuple(a for a, c in enumerate(channel_terminals) if c == t) for t in terminals)
    empty = [t for t, g in zip(terminals, groups) if not g]
    if empty:
        raise ValueError(f"`terminals` {empty!r} have no channel in `channel_terminals`")
    return groups


def _group_sum(x, groups, axis):
    """Sum `x` over the channel indices of each group along `axis` (static, in index order)."""
    out = []
    for g in groups:
        parts = [jnp.take(x, a, axis=axis) for a in g]
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        out.append(total)
    return jnp.stack(out, axis=axis if axis >= 0 else x.ndim + axis)


def transmission_matrix(S, channel_terminals: Sequence[Hashable],
                        terminals: Sequence[Hashable] | None = None):
    """Terminal transmission probabilities T_kj = Σ_{a∈k, b∈j} |S_ab|², shape (…, N, N).

    `S`: channel scattering matrix, shape (…, M, M), S_ab the amplitude from channel b to
    channel a. `channel_terminals`: static tuple of length M giving each channel's terminal
    (e.g. ``("L", "R", "p", "p")``). `terminals`: the terminal order of the result (default:
    order of first appearance in `channel_terminals`). T_kj is the probability to go from
    terminal j to terminal k; for unitary S, Σ_k T_kj = Σ_k T_jk = M_j (channels of j).
    |S_ab|² is formed as Re² + Im², which stays differentiable where S_ab = 0.
    """
    groups = _channel_groups(channel_terminals, terminals)
    S = jnp.asarray(S)
    m = len(channel_terminals)
    if S.ndim < 2 or S.shape[-2:] != (m, m):
        raise ValueError(
            f"`S` must have shape (..., {m}, {m}) for {m} channels in `channel_terminals`, "
            f"got {S.shape}"
        )
    return _transmission_matrix(S, groups)


@eqx.filter_jit
def _transmission_matrix(S, groups):
    if jnp.iscomplexobj(S):
        p = jnp.real(S) ** 2 + jnp.imag(S) ** 2
    else:
        p = S.astype(jnp.result_type(S, float)) ** 2
    p = _group_sum(p, groups, axis=-2)  # rows: outgoing terminal k
    return _group_sum(p, groups, axis=-1)  # columns: incoming terminal j


# --------------------------------------------------------------------------------------
# currents



def _reservoirs(mus, kTs):
    mus = check_finite("mus", mus)
    kTs = check_nonnegative("kTs", kTs)
    if mus.ndim != 1 or mus.shape[0] < 1:
        raise ValueError(
            f"`mus` must be a 1-D array with one entry per terminal, got shape {mus.shape} "
            "(map over operating points with jax.vmap)"
        )
    if kTs.shape != mus.shape:
        raise ValueError(
            f"`kTs` must have one entry per terminal like `mus` (shape {mus.shape}), "
            f"got shape {kTs.shape}"
        )
    return mus, kTs


def _check_grid(grid):
    if not isinstance(grid, EnergyGrid):
        raise ValueError(
            f"`grid` must be an EnergyGrid (see device_grid), got {type(grid).__name__}"
        )


def _check_T_shape(T, n_terminals, name, lead_shape=None):
    shape = jnp.shape(T)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"`{name}` must have shape (..., N, N), got {shape}")
    if shape[-1] != n_terminals:
        raise ValueError(
            f"`mus` and `kTs` have {n_terminals} entries but `{name}` describes "
            f"{shape[-1]} terminals (shape {shape})"
        )
    if lead_shape is not None and tuple(shape[:-2]) != tuple(lead_shape):
        raise ValueError(
            f"`{name}` must have shape {tuple(lead_shape) + (n_terminals, n_terminals)} "
            f"(the energies' shape + (N, N)), got {shape}"
        )


def _density(Tkj, E, mus, kTs):
    """Σ_k T_kj (f_j − f_k) at energies E (shape E.shape + (N,)), without the spin factor.

    One occupation pair (f, 1 − f) per reservoir and one window per pair of reservoirs
    (f_k − f_j = −(f_j − f_k)); the sum over k runs in index order, elementwise, so it does
    not depend on batching.
    """
    E = jnp.asarray(E)
    n = mus.shape[0]
    occ = [_occupation_pair(E - mus[j], kTs[j]) for j in range(n)]
    win = {(j, k): _window(E, mus[j], mus[k], kTs[j], kTs[k], occ[j], occ[k])
           for j in range(n) for k in range(j + 1, n)}
    cols = []
    for j in range(n):
        total = jnp.zeros(E.shape, Tkj.dtype)
        for k in range(n):
            if k != j:
                total = total + Tkj[..., k, j] * (win[j, k] if j < k else -win[k, j])
        cols.append(total)
    return jnp.stack(cols, axis=-1)


def current_density(T, E, mus, kTs, *, spin=2):
    """DI Eq. (1): 𝓘_j(E) = s Σ_k T_kj(E)[f_j(E) − f_k(E)], shape E.shape + (N,).

    `T`: callable E ↦ T_kj(E) (shape E.shape + (N, N)) or that array at `E`. Per unit energy
    [1/h]; positive out of reservoir j.
    """
    s = check_spin(spin)
    mus, kTs = _reservoirs(mus, kTs)
    E = check_finite("E", E)
    return _current_density(T, E, mus, kTs, s)


@eqx.filter_jit
def _current_density(T, E, mus, kTs, s):
    Tkj = T(E) if callable(T) else jnp.asarray(T)
    _check_T_shape(Tkj, mus.shape[0], "T", E.shape)
    return s * _density(Tkj, E, mus, kTs)


def multiterminal_currents(T, mus, kTs, grid: EnergyGrid, *, spin=2) -> MultiterminalCurrents:
    """Particle, heat and energy currents out of each of N reservoirs (DI Eq. 1).

    `T`: terminal transmissions T_kj (probability j → k), either a callable E ↦ array of
    shape E.shape + (N, N) (evaluated at ``grid.nodes``) or the array of shape
    (grid.size, N, N) already tabulated on the grid (e.g. from `transmission_matrix`).
    `mus`, `kTs`: length-N arrays in terminal order (kT ≥ 0). `grid`: the energy grid
    (see `device_grid`); it must cover every Fermi window. `spin`: 1 or 2 (default 2).
    Returns a `MultiterminalCurrents` record; see the module docstring for signs and units.

    Compiled once per kind of `T` (``eqx.filter_jit``): pass an equinox Module or an array
    (their float fields are traced) rather than a fresh lambda per call, which would
    recompile every time.
    """
    s = check_spin(spin)
    mus, kTs = _reservoirs(mus, kTs)
    _check_grid(grid)
    return _currents(T, mus, kTs, grid, s)


@eqx.filter_jit
def _currents(T, mus, kTs, grid, s):
    E = grid.nodes
    Tkj = T(E) if callable(T) else jnp.asarray(T)
    _check_T_shape(Tkj, mus.shape[0], "T", E.shape)
    g = _density(Tkj, E, mus, kTs)  # (n, N)
    e = E[:, None]
    return MultiterminalCurrents(
        particle=s * grid.integrate(g, axis=0),
        heat=s * grid.integrate((e - mus[None, :]) * g, axis=0),
        energy=s * grid.integrate(e * g, axis=0),
    )


def smatrix_currents(S, channel_terminals: Sequence[Hashable], mus, kTs, grid: EnergyGrid, *,
                     terminals: Sequence[Hashable] | None = None, spin=2) -> MultiterminalCurrents:
    """`multiterminal_currents` from a channel S-matrix.

    `S`: callable E ↦ S(E) of shape E.shape + (M, M), or that array tabulated at
    ``grid.nodes`` (shape (grid.size, M, M)). `channel_terminals`, `terminals`: as in
    `transmission_matrix`; `mus`, `kTs` follow the terminal order (`terminals`, default
    order of first appearance in `channel_terminals`).
    """
    groups = _channel_groups(channel_terminals, terminals)
    s = check_spin(spin)
    mus, kTs = _reservoirs(mus, kTs)
    _check_grid(grid)
    if mus.shape[0] != len(groups):
        raise ValueError(
            f"`mus` and `kTs` must have one entry per terminal ({len(groups)}), got {mus.shape[0]}"
        )
    return _smatrix_currents(S, groups, mus, kTs, grid, s)


@eqx.filter_jit
def _smatrix_currents(S, groups, mus, kTs, grid, s):
    m = sum(len(g) for g in groups)
    Sv = S(grid.nodes) if callable(S) else jnp.asarray(S)
    if Sv.shape != grid.nodes.shape + (m, m):
        raise ValueError(
            f"`S` must have shape {grid.nodes.shape + (m, m)} (grid nodes + ({m}, {m})), "
            f"got {Sv.shape}"
        )
    return _currents(_transmission_matrix(Sv, groups), mus, kTs, grid, s)


# --------------------------------------------------------------------------------------
# energy grid


def device_grid(lo, hi, *, kT_min=None, centers=None, scales=None, breakpoints=None,
                panel_width=4.0, n_panels=None, order=16, levels=8,
                min_fraction=1e-6) -> EnergyGrid:
    """One energy grid on [lo, hi] for every evaluation of a device (static size).

    Uniform panels — `n_panels` of them, or by default as many as make them no wider than
    ``panel_width·kT_min`` — plus graded ladders (`jaxdiss.quad.graded_edges`) at
    `centers` with `scales` (a resonance: its centre and half width; a kink or a kT = 0
    Fermi step: scale 0) and plain `breakpoints`. Every panel carries an `order`-point
    Gauss–Legendre rule; panels clipped onto the window ends keep zero weight, so the
    number of nodes depends only on static counts.

    With `n_panels` given, `lo`, `hi`, `centers`, `scales` and `breakpoints` may be traced
    (the grid can then be built inside jit and follow moving resonances). Without it,
    `lo`, `hi` and `kT_min` must be concrete. Accuracy: with the defaults (panel_width = 4,
    order = 16), currents from Fermi windows at kT ≥ kT_min whose tails (μ ± 40 kT) lie
    inside [lo, hi], through transmissions that are smooth on the scale kT_min or whose
    narrower resonances are passed as ladders, come out to ≈1e-14 relative
    (panel_width = 8: ≈1e-10). A resonance much narrower than kT_min needs its ladder: left
    out, a width 0.04 kT_min gives errors of tens of per cent.
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`order` must be a positive int, got {order!r}")
    if not isinstance(levels, int) or isinstance(levels, bool) or levels < 0:
        raise ValueError(f"`levels` must be a non-negative int, got {levels!r}")
    lo = check_finite("lo", lo)
    hi = check_finite("hi", hi)
    if lo.ndim or hi.ndim:
        raise ValueError(f"`lo` and `hi` must be scalars, got shapes {lo.shape} and {hi.shape}")
    if is_concrete(lo) and is_concrete(hi) and not float(hi) > float(lo):
        raise ValueError(f"`hi` must exceed `lo`, got lo={float(lo)} and hi={float(hi)}")
    if n_panels is None:
        if kT_min is None:
            raise ValueError("give `kT_min` (panel width panel_width·kT_min) or `n_panels`")
        kT_min = check_positive("kT_min", kT_min)
        panel_width = check_positive("panel_width", panel_width)
        if not (is_concrete(lo) and is_concrete(hi) and is_concrete(kT_min)
                and is_concrete(panel_width)):
            raise ValueError(
                "`lo`, `hi`, `kT_min` and `panel_width` must be concrete to size the grid; "
                "under jit pass a static `n_panels`"
            )
        n_panels = max(1, math.ceil((float(hi) - float(lo)) / (float(panel_width) * float(kT_min))))
    elif not isinstance(n_panels, int) or isinstance(n_panels, bool) or n_panels < 1:
        raise ValueError(f"`n_panels` must be a positive int, got {n_panels!r}")
    if centers is not None:
        centers = jnp.atleast_1d(check_finite("centers", centers))
        if scales is None:
            raise ValueError("`scales` must be given with `centers` (0 marks a kink or step)")
        scales = check_nonnegative("scales", scales)
        if scales.ndim > 1 or (scales.ndim == 1 and scales.shape not in (centers.shape, (1,))):
            raise ValueError(
                f"`scales` must be a scalar or match `centers` (shape {centers.shape}), "
                f"got shape {scales.shape}"
            )
        scales = jnp.broadcast_to(scales, centers.shape)
    elif scales is not None:
        raise ValueError("`scales` given without `centers`")
    if breakpoints is not None:
        breakpoints = jnp.atleast_1d(check_finite("breakpoints", breakpoints))
    edges = graded_edges(
        lo,
        hi,
        breakpoints=breakpoints,
        centers=centers,
        scales=scales,
        subdivide=(lo, hi, n_panels),
        levels=levels,
        min_fraction=min_fraction,
    )
    return panel_grid(edges, order)
