"""Benchmark: DI rectification maps (Figs. 2 and 3) with jaxdiss against a NumPy/SciPy loop.

Two maps of the thermal / bipolar thermoelectric diode of the DI paper, kT = 1, μ = 40,
ΔT = 1, over (ε1 − μ, ε3 − μ):

* **map 1** (DI Fig. 2): thermalization probe λ = 1, no screening, Γ1 = Γ3 = 3, n × n grid
  on [−15, 15]². Per point and configuration (F, B) the probe (μ_p, ln kT_p) solves
  I_p = J_p = 0 (DI Eq. 1 with T_Lp = |τ1|², T_Rp = |τ3|², DI Eq. 4);
* **map 2** (DI Fig. 3): coherent λ = 0 with screening at C → 0 (local neutrality),
  Γ = 1, cavity_energy = 1, n2 × n2 grid on [−10, 10]². Per point and configuration the
  three band-bottom shifts U^neq solve δn_α(U) = 0 (DI Eqs. 5–7), with the injectivities of
  the 2×2 Fabry–Perot S-matrix and an energy grid that follows U.

jaxdiss runs as ``jax.jit(jax.vmap(point))`` over equal chunks of the map, ``point`` being
``jd.rectification`` through the public API (compile timed apart, ahead of time). The
reference is an independent plain NumPy implementation of the same model and the same
discretisation, solved per point with ``scipy.optimize.root`` (``hybr``):

* the energy grid of ``jaxdiss.diode.diode_grid`` re-implemented in NumPy (composite
  16-point Gauss–Legendre on 64 uniform panels plus graded ladders at ε1 + U1, ε3 + U3, μ
  and — map 2 — at the first four Fabry–Perot levels of region 2, whose positions and widths
  come from the same 8-step Newton; breakpoints at 0 and U2). It is checked against
  ``diode_grid`` (nodes and weights to rounding) at the start of the run;
* map 1: T_Lp, T_Rp in closed form, the probe unknowns (μ_p, ln kT_p) from the initial
  guess (μ, ln((kT_L + kT_R)/2)), as in the library;
* map 2: S = [[S_LL, S_LR], [S_RL, S_RR]] of the two Breit–Wigner barriers around the
  cavity in closed form, its derivatives ∂S/∂U_α by hand (analytic forward mode: exact to
  rounding, checked against the library's forward-mode ``_kernels`` at the start), the
  injectivities ν_jα = −(1/2π) Σ_k Im(S*_kj ∂S_kj/∂U_α) (DI Eq. 6), the charges
  Q_α = 2 ∫_0 Σ_j ν_jα f_j dE from the lead band bottom E = 0 on the grid at the current U
  (DI Eq. 7), δn = Q(U, f_L, f_R) − Q(U^eq = 0, f_eq at (μ, kT)), from U^neq = 0.

Tolerances (matched): the library's probe Newton stops at steps ≤ 1e-13 (relative and
absolute), its screening Newton at steps and residuals ≤ 1e-11; ``hybr`` runs with
xtol = 1e-13 (map 1) and 1e-11 (map 2), and a SciPy point counts as converged when its
residual is ≤ 1e-9 (probe currents, in kT) or ≤ 1e-9 electrons (charges) — the library's
own acceptance thresholds (``hybr``'s own ``success`` flag is reported apart: it is False
where xtol cannot be met although the residual is at rounding level). The two
implementations are compared on the points the SciPy loop runs: |ΔI|, |ΔJ| relative to the
largest |I|, |J| on the map, and |ΔR|.

The SciPy loop runs on a random subset of each map and is extrapolated per point; jaxdiss
is also timed as ``jax.jit(point)`` called point by point on a subset. The gradient of R_I
with respect to (ε1, ε3) (``jax.grad`` through the Newton solves, implicit
differentiation) is timed against one forward evaluation, both jitted, one point at a
time, median of several runs, and checked against a central difference. A per-point
profile (skipped with ``--no-profile`` or ``--quick``) splits one point's cost into grid,
S (+ injectivities), Newton residual and Jacobian, with XLA's flop counts, next to the same
pieces of the NumPy reference.

    python benchmarks/diode.py             # map 1 100 x 100, map 2 20 x 20 (~10-13 min on 2 cores)
    python benchmarks/diode.py --quick     # smoke run (~5 min, mostly compilation)
    python benchmarks/diode.py --n2 100    # the full Fig. 3 map (30-45 min more on 2 cores)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time

import numpy as np

import jaxdiss as jd  # enables float64
import jax
import jax.numpy as jnp
import scipy
from scipy.optimize import root
from scipy.special import expit

from jaxdiss.diode import diode_grid

MU, KT, DT = 40.0, 1.0, 1.0
SPIN = 2.0
MAP1 = dict(gamma=3.0, coupling=1.0, range=(-15.0, 15.0))
MAP2 = dict(gamma=1.0, coupling=0.0, cavity_energy=1.0, range=(-10.0, 10.0))
# the library's discretisation (jaxdiss.diode): window μ ± 45 kT_max, 64 panels of 16 nodes,
# ladders of 8 levels (min_fraction 1e-6), 4 cavity levels when region 2 interferes
TAIL, N_PANELS, ORDER, LEVELS, MIN_FRACTION, CAVITY_LEVELS = 45.0, 64, 16, 8, 1e-6, 4
PROBE_TOL, CHARGE_TOL = 1e-9, 1e-9  # the library's acceptance thresholds
XTOL1, XTOL2 = 1e-13, 1e-11


# ----------------------------------------------------------------------------------------
# Independent NumPy implementation
# ----------------------------------------------------------------------------------------

_GL_X, _GL_W = np.polynomial.legendre.leggauss(ORDER)
_GL8_X, _GL8_W = np.polynomial.legendre.leggauss(8)


def np_cavity_levels(eps1, eps3, g1, g3, coupling, ce, U, n_levels=CAVITY_LEVELS, iterations=8):
    """Fabry–Perot peaks of region 2: E_n where 2kd + arg r1 + arg r3 = 2πn (Newton from the
    bare levels U2 + ce(πn)², `iterations` steps) and half widths (1 − ρ)/(√ρ Φ'(E_n)),
    ρ = (1 − λ)|r1 r3|, capped at 1e6."""
    U1, U2, U3 = U
    n = np.arange(1, n_levels + 1, dtype=float)
    target = 2.0 * np.pi * n
    floor = U2 + 1e-9 * ce

    def phase(E):
        kd = np.sqrt(np.maximum(E - U2, 0.0) / ce)
        x1, x3 = E - (eps1 + U1), E - (eps3 + U3)
        args = sum(np.where(x < 0, np.pi, 0.0) - np.arctan2(g, x) for x, g in ((x1, g1), (x3, g3)))
        slope = (1.0 / np.sqrt(ce * np.maximum(E - U2, 1e-300))
                 + g1 / (x1 ** 2 + g1 ** 2) + g3 / (x3 ** 2 + g3 ** 2))
        return 2.0 * kd + args, slope

    E = U2 + ce * (np.pi * n) ** 2
    for _ in range(iterations):
        phi, slope = phase(E)
        E = np.maximum(E - (phi - target) / slope, floor)
    _, slope = phase(E)
    x1, x3 = E - eps1 - U1, E - eps3 - U3
    rho = (1.0 - coupling) * np.abs(x1) / np.hypot(x1, g1) * np.abs(x3) / np.hypot(x3, g3)
    ok = rho > 1e-6
    width = np.where(ok, (1.0 - rho) / (np.sqrt(np.where(ok, rho, 1.0)) * slope), 1e6)
    return E, np.minimum(width, 1e6)


def np_grid(eps1, eps3, g1, g3, kT_min, kT_max, U=(0.0, 0.0, 0.0), *, cavity=None, cut=None):
    """The quadrature of `diode_grid` in NumPy: (nodes, weights).

    [lo, μ + 45 kT_max], lo = max(0, μ − 45 kT_max); 64 uniform panels; geometric ladders
    (8 levels) at ε1 + U1 (Γ1), ε3 + U3 (Γ3), μ (kT_min) and, with `cavity` =
    (coupling, cavity_energy), at the first four Fabry–Perot levels; breakpoints 0, U2 and
    the charge cut `cut` (screened devices); 16 Gauss–Legendre nodes per panel (clipped
    panels keep zero weight).
    """
    U1, U2, U3 = U
    hi = MU + TAIL * kT_max
    lo = max(0.0, MU - TAIL * kT_max)
    if cut is not None:
        lo = min(lo, cut)
    centers = [eps1 + U1, eps3 + U3, MU]
    scales = [g1, g3, kT_min]
    if cavity is not None:
        E_n, w_n = np_cavity_levels(eps1, eps3, g1, g3, cavity[0], cavity[1], U)
        centers = np.concatenate([centers, E_n])
        scales = np.concatenate([scales, w_n])
    centers, scales = np.asarray(centers, float), np.asarray(scales, float)
    reach = hi - lo
    ratio = np.clip(0.5 * scales / reach, MIN_FRACTION, 1.0)
    frac = np.linspace(0.0, 1.0, LEVELS)
    offsets = reach * ratio[:, None] ** (1.0 - frac[None, :])
    t = np.linspace(0.0, 1.0, N_PANELS + 1)[1:-1]
    breaks = [lo, hi, 0.0, U2] + ([] if cut is None else [cut])
    edges = np.concatenate([breaks, centers, (centers[:, None] - offsets).ravel(),
                            (centers[:, None] + offsets).ravel(), lo + t * (hi - lo)])
    edges = np.sort(np.clip(edges, lo, hi))
    edges[0], edges[-1] = lo, hi
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (a + b)
    return ((mid[:, None] + half[:, None] * _GL_X).ravel(), (half[:, None] * _GL_W).ravel())


def np_occupation(x, kT):
    return expit(-x / kT)


def np_window(E, mu_a, kT_a, mu_b, kT_b):
    """f_a − f_b, each Fermi function formed where it is accurate (holes below μ)."""
    xa, xb = (E - mu_a) / kT_a, (E - mu_b) / kT_b
    upper = expit(-xa) - expit(-xb)
    lower = expit(xb) - expit(xa)
    return np.where(E > 0.5 * (mu_a + mu_b), upper, lower)


# --- map 1: thermalization probe, λ = 1 ---------------------------------------------------

def np_probe_point(eps1, eps3, gamma, kT_left, kT_right, nodes, weights, xtol=XTOL1):
    """One configuration of map 1: probe (μ_p, kT_p) by scipy.optimize.root, then the
    currents of terminal L. T_Lp = |τ1|², T_Rp = |τ3|² (λ = 1: sequential, no L → R)."""
    TL = gamma ** 2 / ((nodes - eps1) ** 2 + gamma ** 2)
    TR = gamma ** 2 / ((nodes - eps3) ** 2 + gamma ** 2)
    wl, wr = TL * weights, TR * weights

    def residual(y):
        mu_p, kT_p = y[0], np.exp(y[1])
        g = (wl * np_window(nodes, mu_p, kT_p, MU, kT_left)
             + wr * np_window(nodes, mu_p, kT_p, MU, kT_right))
        return SPIN * np.array([g.sum(), ((nodes - mu_p) * g).sum() / kT_p])

    sol = root(residual, np.array([MU, np.log(0.5 * (kT_left + kT_right))]), method="hybr",
               options=dict(xtol=xtol))
    mu_p, kT_p = sol.x[0], np.exp(sol.x[1])
    g = wl * np_window(nodes, MU, kT_left, mu_p, kT_p)
    res = np.max(np.abs(residual(sol.x)))
    return dict(I=SPIN * g.sum(), J=SPIN * ((nodes - MU) * g).sum(), mu_p=mu_p, kT_p=kT_p,
                ok=res <= PROBE_TOL * max(kT_left, kT_right), success=bool(sol.success),
                nfev=sol.nfev, residual=res)


def np_map1_point(e1, e3, gamma=MAP1["gamma"]):
    """R_I, R_J and both configurations at one point of map 1 (one grid for F and B)."""
    nodes, weights = np_grid(e1, e3, gamma, gamma, KT, KT + DT)
    f = np_probe_point(e1, e3, gamma, KT + DT, KT, nodes, weights)
    b = np_probe_point(e1, e3, gamma, KT, KT + DT, nodes, weights)
    return _rect(f, b)


def _rect(f, b):
    coeff = lambda x, y: (x + y) / (abs(x) + abs(y))
    return dict(R_I=coeff(f["I"], b["I"]), R_J=coeff(f["J"], b["J"]), F=f, B=b,
                ok=f["ok"] and b["ok"], success=f["success"] and b["success"],
                nfev=f["nfev"] + b["nfev"])


# --- map 2: coherent λ = 0 with screening (C → 0) -----------------------------------------

def np_fabry_perot(E, eps1, eps3, g1, g3, ce, U):
    """S over (L, R) of barrier 1 – region 2 – barrier 3 and ∂S/∂U_α, α = 1, 2, 3.

    τ_α = −iΓ/(x_α + iΓ), r_α = 1 + τ_α = x_α/(x_α + iΓ), x_α = E − ε_α − U_α (DI Eq. 4);
    φ = e^{ikd} (e^{−κd} below U2), kd = √((E − U2)/ce); D = 1 − φ² r1 r3:
    S_LL = r1 + τ1² φ² r3/D, S_RL = S_LR = τ1 τ3 φ/D, S_RR = r3 + τ3² φ² r1/D.
    ∂r_α/∂U_α = ∂τ_α/∂U_α = −iΓ/(x_α + iΓ)²; ∂φ/∂U2 = −iφ/(2 ce kd) above U2,
    −φ/(2 ce κd) below. Returns S (dict 'LL', 'RL', 'LR', 'RR') and dS[α] (same keys).
    """
    U1, U2, U3 = U
    x1, x3 = E - (eps1 + U1), E - (eps3 + U3)
    i1, i3 = 1.0 / (x1 + 1j * g1), 1.0 / (x3 + 1j * g3)
    t1, r1, t3, r3 = -1j * g1 * i1, x1 * i1, -1j * g3 * i3, x3 * i3
    d1, d3 = -1j * g1 * i1 * i1, -1j * g3 * i3 * i3  # ∂τ/∂U = ∂r/∂U
    z = (E - U2) / ce
    above, below = z > 0, z < 0
    kd = np.sqrt(np.where(above, z, 1.0))
    kap = np.sqrt(np.where(below, -z, 1.0))
    ph = np.where(above, np.exp(1j * kd), np.where(below, np.exp(-kap), 1.0))
    # at E = U2 exactly (clipped, zero-weight nodes) the value is 1 and the derivative 0
    dph = np.where(above, -0.5j * ph / (ce * kd), np.where(below, -0.5 * ph / (ce * kap), 0.0))
    ph2 = ph * ph
    inv = 1.0 / (1.0 - ph2 * r1 * r3)
    S = dict(LL=r1 + t1 * t1 * ph2 * r3 * inv, RL=t1 * t3 * ph * inv,
             RR=r3 + t3 * t3 * ph2 * r1 * inv)
    S["LR"] = S["RL"]

    def tangent(dt1, dr1, dt3, dr3, dp):
        dph2 = 2.0 * ph * dp
        dinv = inv * inv * (dph2 * r1 * r3 + ph2 * dr1 * r3 + ph2 * r1 * dr3)
        dLL = dr1 + (2 * t1 * dt1 * ph2 * r3 + t1 * t1 * dph2 * r3 + t1 * t1 * ph2 * dr3) * inv \
            + t1 * t1 * ph2 * r3 * dinv
        dRL = (dt1 * t3 * ph + t1 * dt3 * ph + t1 * t3 * dp) * inv + t1 * t3 * ph * dinv
        dRR = dr3 + (2 * t3 * dt3 * ph2 * r1 + t3 * t3 * dph2 * r1 + t3 * t3 * ph2 * dr1) * inv \
            + t3 * t3 * ph2 * r1 * dinv
        return dict(LL=dLL, RL=dRL, LR=dRL, RR=dRR)

    zero = 0.0
    dS = [tangent(d1, d1, zero, zero, zero), tangent(zero, zero, zero, zero, dph),
          tangent(zero, zero, d3, d3, zero)]
    return S, dS


def np_injectivities(S, dS):
    """ν[j][α] = −(1/2π) Σ_k Im(S*_kj ∂S_kj/∂U_α) for j = L, R (DI Eq. 6), per spin."""
    cols = dict(L=("LL", "RL"), R=("LR", "RR"))
    return {j: [-sum(np.imag(np.conj(S[k]) * d[k]) for k in cols[j]) / (2 * np.pi) for d in dS]
            for j in "LR"}


def np_charge_cut(ce, kT_max, U2_eq=0.0):
    """Lower end E_c of the charge integrals (the library's modelling choice): aimed at
    t = max(μ − 30 kT_max, U2 + (μ − U2)/20), moved to the nearest midpoint
    U2 + ce·π²(n + ½)² between two equilibrium Fabry–Perot levels of region 2 unless that
    lies above μ − 15 kT_max; rounded down to a multiple of kT_max/8."""
    target = max(MU - 30.0 * kT_max, U2_eq + 0.05 * (MU - U2_eq))
    n = max(np.round(np.sqrt(max(target - U2_eq, 0.0) / ce) / np.pi - 0.5), 0.0)
    mid = U2_eq + ce * (np.pi * (n + 0.5)) ** 2
    cut = mid if mid <= MU - 15.0 * kT_max else target
    step = 0.125 * kT_max
    return np.floor(cut / step) * step


def _charge_integrand(E, e1, e3, g, ce, U, kT_left, kT_right):
    """Σ_j ν_jα(E, U) f_j(E) for α = 1, 2, 3 (rows) and S at E."""
    S, dS = np_fabry_perot(E, e1, e3, g, g, ce, U)
    nu = np_injectivities(S, dS)
    fl, fr = np_occupation(E - MU, kT_left), np_occupation(E - MU, kT_right)
    return np.array([nu["L"][a] * fl + nu["R"][a] * fr for a in range(3)]), S


def np_charges(e1, e3, g, ce, U, kT_left, kT_right, kT_min, kT_max, cut):
    """Q_α = 2 ∫_{E_c + u_α} Σ_j ν_jα f_j dE on the grid placed at U (U^eq = 0, so
    u = U): the grid nodes above the cut E_c, minus the states of region α that its shift
    carries across E_c (8-point Gauss–Legendre on [E_c, E_c + u_α]). Returns Q, the grid
    and S at its nodes."""
    nodes, weights = np_grid(e1, e3, g, g, kT_min, kT_max, U, cavity=(0.0, ce), cut=cut)
    dens, S = _charge_integrand(nodes, e1, e3, g, ce, U, kT_left, kT_right)
    Q = SPIN * (dens @ np.where(nodes >= cut, weights, 0.0))
    u = np.asarray(U, dtype=float)
    if np.any(u != 0.0):
        Es = cut + 0.5 * u[:, None] * (_GL8_X + 1.0)
        ws = 0.5 * u[:, None] * _GL8_W
        shift = np.array([_charge_integrand(Es[a], e1, e3, g, ce, U, kT_left, kT_right)[0][a]
                          @ ws[a] for a in range(3)])
        Q = Q - SPIN * shift
    return Q, nodes, weights, S


def np_screened_point(e1, e3, g, ce, kT_left, kT_right, Q_eq, kT_min, kT_max, cut, xtol=XTOL2):
    """One configuration of map 2: U^neq by scipy.optimize.root on δn(U) = 0, then the
    Landauer currents of terminal L through T = |S_RL(E, U)|²."""

    def residual(u):
        return np_charges(e1, e3, g, ce, u, kT_left, kT_right, kT_min, kT_max, cut)[0] - Q_eq

    sol = root(residual, np.zeros(3), method="hybr", options=dict(xtol=xtol))
    Q, nodes, weights, S = np_charges(e1, e3, g, ce, sol.x, kT_left, kT_right, kT_min, kT_max, cut)
    res = float(np.max(np.abs(Q - Q_eq)))
    T = np.abs(S["RL"]) ** 2 * weights * np_window(nodes, MU, kT_left, MU, kT_right)
    return dict(I=SPIN * T.sum(), J=SPIN * ((nodes - MU) * T).sum(), U=sol.x,
                ok=res <= CHARGE_TOL, success=bool(sol.success), nfev=sol.nfev, residual=res)


def np_map2_point(e1, e3, g=MAP2["gamma"], ce=MAP2["cavity_energy"]):
    """R_I, R_J and both configurations at one point of map 2; charges relative to
    equilibrium at (μ, kT) with U = 0, every grid spanning kT ∈ [kT, kT + ΔT]."""
    lo, hi = KT, KT + DT
    cut = np_charge_cut(ce, hi)
    Q_eq = np_charges(e1, e3, g, ce, (0.0, 0.0, 0.0), KT, KT, lo, hi, cut)[0]
    f = np_screened_point(e1, e3, g, ce, KT + DT, KT, Q_eq, lo, hi, cut)
    b = np_screened_point(e1, e3, g, ce, KT, KT + DT, Q_eq, lo, hi, cut)
    return _rect(f, b)


# ----------------------------------------------------------------------------------------
# jaxdiss
# ----------------------------------------------------------------------------------------

def device(which, e1, e3):
    """The map's device through the public constructor (Python-float coupling, so the
    static structure is "sequential" for map 1 and "coherent" for map 2)."""
    if which == 1:
        return jd.ThermalDiode(e1, e3, MAP1["gamma"], MAP1["gamma"], coupling=MAP1["coupling"])
    return jd.ThermalDiode(e1, e3, MAP2["gamma"], MAP2["gamma"], coupling=MAP2["coupling"],
                           cavity_energy=MAP2["cavity_energy"], capacitance=0.0)


def point_fn(which):
    """One map point through the public API: `jd.rectification` and what the map needs."""

    def point(e1, e3):
        r = jd.rectification(device(which, e1, e3), MU, KT, DT)
        f, b = r.forward, r.backward
        return dict(R_I=r.R_I, R_J=r.R_J, I_F=f.particle_current, I_B=b.particle_current,
                    J_F=f.heat_current, J_B=b.heat_current, ok=f.converged & b.converged,
                    steps=jnp.maximum(f.steps, b.steps))

    return point


class Timing(float):
    """Wall-clock seconds (a float) with the process CPU seconds of that run in `.cpu`."""

    def __new__(cls, wall, cpu):
        obj = super().__new__(cls, wall)
        obj.cpu = cpu
        return obj


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return Timing(time.perf_counter() - t0, time.process_time() - c0), out


def chunks_of(arrays, size):
    """Equal-shaped chunks (the last padded by repeating its final point)."""
    n = arrays[0].shape[0]
    count = -(-n // size)
    pad = count * size - n
    padded = [np.concatenate([a, np.repeat(a[-1:], pad)]) for a in arrays]
    return [[jnp.asarray(a[c * size:(c + 1) * size]) for a in padded] for c in range(count)]


def run_map(which, E1, E3, chunk):
    """AOT trace+lower and compile of jit(vmap(point)) on one chunk, then one pass over all
    chunks (results pulled to the host). Returns (t_lower, t_compile, t_run, out)."""
    size = min(chunk, E1.size)
    parts = chunks_of([E1, E3], size)
    batched = jax.jit(jax.vmap(point_fn(which)))
    t_lower, lowered = timed(lambda: batched.lower(*parts[0]))
    t_compile, compiled = timed(lowered.compile)

    def run():
        outs = [jax.tree_util.tree_map(np.asarray, compiled(*p)) for p in parts]
        return jax.tree_util.tree_map(lambda *xs: np.concatenate(xs)[:E1.size], *outs)

    t_run, out = timed(run)
    return t_lower, t_compile, t_run, out


def run_pointwise(which, e1, e3):
    """jax.jit(point) called point by point (no vmap): compile time and time per point."""
    f = jax.jit(point_fn(which))
    t_c, _ = timed(lambda: jax.block_until_ready(f(e1[0], e3[0])))
    t, outs = timed(lambda: [jax.tree_util.tree_map(np.asarray, f(a, b)) for a, b in zip(e1, e3)])
    return t_c, Timing(t / len(e1), t.cpu / len(e1)), outs


def median_time(fn, repeats, best=False):
    """Median (or, with `best`, minimum) wall time of `repeats` calls."""
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        ts.append(time.perf_counter() - t0)
    return float(np.min(ts) if best else np.median(ts))


def gradient_cost(which, points, repeats):
    """Per point: median time of jit(R_I) and of jit(grad R_I w.r.t. (ε1, ε3)) (both
    compiled first), and the gradient against a central difference of the forward."""
    fwd = jax.jit(lambda e: jd.rectification(device(which, e[0], e[1]), MU, KT, DT).R_I)
    grad = jax.jit(jax.grad(lambda e: jd.rectification(device(which, e[0], e[1]), MU, KT, DT).R_I))
    rows = []
    for e1, e3 in points:
        x = jnp.array([e1, e3])
        t_cf, _ = timed(lambda: jax.block_until_ready(fwd(x)))
        t_cg, g = timed(lambda: jax.block_until_ready(grad(x)))
        t_f = median_time(lambda: fwd(x), repeats)
        t_g = median_time(lambda: grad(x), repeats)
        h = 1e-5
        fd = np.array([(float(fwd(x + h * d)) - float(fwd(x - h * d))) / (2 * h)
                       for d in (jnp.array([1.0, 0.0]), jnp.array([0.0, 1.0]))])
        g = np.asarray(g)
        rows.append(dict(e1=float(e1), e3=float(e3), t_fwd=t_f, t_grad=t_g, ratio=t_g / t_f,
                         compile_fwd=float(t_cf), compile_grad=float(t_cg), grad=g.tolist(),
                         fd=fd.tolist(),
                         fd_dev=float(np.max(np.abs(g - fd)) / max(np.max(np.abs(fd)), 1e-300))))
    return rows


def profile_point(which, e1, e3, repeats):
    """Where one point's time goes (library internals; skipped if they changed).

    Best-of-`repeats` times (robust on a shared machine), each jitted, for one point: the
    whole `jd.rectification`; the energy grid; S (map 1: the terminal transmissions T_kj,
    which the library forms from |τ₁|², |τ₃|² at λ = 1; map 2: S and the injectivities ν_jα, forward
    mode); one Newton residual and its Jacobian (jax.jacfwd, as the solver builds it); the
    Newton steps taken; XLA's own flop
    count of each compiled function (`cost_analysis`, independent of the machine's load; a
    while loop's body counts once). Then the same pieces of the NumPy reference: one
    residual, and (map 2) S + ∂S/∂U + ν on the grid.
    """
    from jaxdiss import diode as di
    from jaxdiss.screening import _kernels

    def setup(a, b):
        dev = device(which, a, b)
        opts = di._grid_options(dev, MU, KT + DT, None)
        prob = di._problem(dev, MU, KT + DT, KT, KT, KT + DT, opts)
        return dev, prob

    def grid_fn(a, b):
        dev, prob = setup(a, b)
        g = prob.grid(dev.potentials + 0.01)
        return g.nodes, g.weights

    if which == 1:
        def s_fn(a, b):
            dev, prob = setup(a, b)
            return dev.transmissions(prob.grid(dev.potentials).nodes)

        def res_args(a, b):
            dev, prob = setup(a, b)
            grid = prob.grid(dev.potentials)
            T = dev.transmissions(grid.nodes)
            leads = di._lead_occupations(grid.nodes, prob.mu, prob.kT_left, prob.kT_right)
            return (di._unscreened_residual, prob.y0 + 0.01,
                    (prob, grid, T[:, 0, 2], T[:, 1, 2], leads))
    else:
        def s_fn(a, b):
            dev, prob = setup(a, b)
            U = dev.potentials + 0.01
            return _kernels(di._params(dev), prob.grid(U).nodes, U, dev.probe_position, True)

        def res_args(a, b):
            dev, prob = setup(a, b)
            Q_eq = di._equilibrium_charges(prob, KT)
            return di._screened_residual, jnp.full(3, 0.01), (prob, Q_eq, dev.maxwell_matrix())

    a, b = jnp.asarray(e1), jnp.asarray(e3)
    fn, y, args = res_args(a, b)  # built outside jit: residual and Jacobian get them as inputs
    pieces = dict(total=(point_fn(which), (a, b)), grid=(grid_fn, (a, b)), S=(s_fn, (a, b)),
                  residual=(fn, (y, args)),
                  jacobian=(jax.jacfwd(fn), (y, args)))
    out, flops = {}, {}
    for name, (f, inputs) in pieces.items():
        g = jax.jit(f).lower(*inputs).compile()
        cost = g.cost_analysis()
        cost = cost[0] if isinstance(cost, (list, tuple)) else cost
        flops[name] = float((cost or {}).get("flops", np.nan))
        jax.block_until_ready(g(*inputs))
        out[name] = median_time(lambda: g(*inputs), repeats, best=True)
    out["steps"] = int(np.asarray(jax.jit(point_fn(which))(a, b)["steps"]))
    out["flops"] = flops

    def np_best(fn):
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return float(np.min(ts))

    with np.errstate(all="ignore"):
        if which == 1:
            g_ = MAP1["gamma"]
            nodes, weights = np_grid(e1, e3, g_, g_, KT, KT + DT)
            out["np_grid"] = np_best(lambda: np_grid(e1, e3, g_, g_, KT, KT + DT))
            out["np_S"] = np_best(lambda: (g_ ** 2 / ((nodes - e1) ** 2 + g_ ** 2),
                                             g_ ** 2 / ((nodes - e3) ** 2 + g_ ** 2)))
            TL = g_ ** 2 / ((nodes - e1) ** 2 + g_ ** 2) * weights
            TR = g_ ** 2 / ((nodes - e3) ** 2 + g_ ** 2) * weights

            def np_res():
                mu_p, kT_p = MU + 0.01, 1.5
                gg = (TL * np_window(nodes, mu_p, kT_p, MU, KT + DT)
                      + TR * np_window(nodes, mu_p, kT_p, MU, KT))
                return gg.sum(), ((nodes - mu_p) * gg).sum()

            out["np_residual"] = np_best(np_res)
        else:
            g_, ce = MAP2["gamma"], MAP2["cavity_energy"]
            cut = np_charge_cut(ce, KT + DT)
            U = (0.01, 0.01, 0.01)
            nodes, _ = np_grid(e1, e3, g_, g_, KT, KT + DT, U, cavity=(0.0, ce), cut=cut)
            out["np_grid"] = np_best(lambda: np_grid(e1, e3, g_, g_, KT, KT + DT, U,
                                                       cavity=(0.0, ce), cut=cut))
            out["np_S"] = np_best(lambda: np_injectivities(
                *np_fabry_perot(nodes, e1, e3, g_, g_, ce, U)))
            out["np_residual"] = np_best(lambda: np_charges(e1, e3, g_, ce, U, KT + DT, KT,
                                                              KT, KT + DT, cut))
    return out


# ----------------------------------------------------------------------------------------
# checks and comparison
# ----------------------------------------------------------------------------------------

def reference_checks(rng):
    """The NumPy discretisation and S/injectivities against the library's public functions:
    max |Δ| of grid nodes and weights (both maps) and of S_kj, ν_jα (map 2, relative to the
    largest value), at random points and potentials."""
    from jaxdiss.screening import injectivities
    dev_grid = dev_w = dev_s = dev_nu = 0.0
    for _ in range(3):
        e1, e3 = MU + rng.uniform(-10, 10, 2)
        U = tuple(rng.uniform(-0.8, 0.8, 3))
        d1 = device(1, e1, e3)
        g = diode_grid(d1, MU, KT, KT + DT, cavity_levels=0)
        n, w = np_grid(e1, e3, MAP1["gamma"], MAP1["gamma"], KT, KT + DT)
        d2 = device(2, e1, e3)
        g2 = diode_grid(d2, MU, KT, KT + DT, potentials=U)
        cut = np_charge_cut(MAP2["cavity_energy"], KT + DT)
        n2, w2 = np_grid(e1, e3, MAP2["gamma"], MAP2["gamma"], KT, KT + DT, U,
                         cavity=(MAP2["coupling"], MAP2["cavity_energy"]), cut=cut)
        for (ga, na, wa) in ((g, n, w), (g2, n2, w2)):
            if ga.size != na.size:
                return dict(grid=np.inf, weights=np.inf, S=np.inf, nu=np.inf,
                            note=f"grid sizes differ: library {ga.size}, NumPy {na.size}")
            dev_grid = max(dev_grid, float(np.max(np.abs(np.asarray(ga.nodes) - na))))
            dev_w = max(dev_w, float(np.max(np.abs(np.asarray(ga.weights) - wa))))
        E = np.sort(rng.uniform(0.5, 130.0, 2000))
        S_lib = np.asarray(d2.smatrix(jnp.asarray(E), jnp.asarray(U)))
        nu_lib = np.asarray(injectivities(d2, jnp.asarray(E), jnp.asarray(U)))
        S, dS = np_fabry_perot(E, e1, e3, MAP2["gamma"], MAP2["gamma"], MAP2["cavity_energy"], U)
        nu = np_injectivities(S, dS)
        for k, kk in enumerate("LR"):
            for j, jj in enumerate("LR"):
                dev_s = max(dev_s, float(np.max(np.abs(S_lib[:, k, j] - S[kk + jj]))))
            for a in range(3):
                scale = np.max(np.abs(nu[kk][a]))
                dev_nu = max(dev_nu, float(np.max(np.abs(nu_lib[:, k, a] - nu[kk][a])) / scale))
    return dict(grid=dev_grid, weights=dev_w, S=dev_s, nu=dev_nu, note="")


def compare(jx, ref, idx, scale_I, scale_J):
    """Max deviations between jaxdiss (map arrays `jx` at flat indices `idx`) and the
    NumPy/SciPy points `ref`, over the points both converged: currents relative to the
    largest |I|, |J| on the map, R_X absolute (R_X only where |X^F| + |X^B| > 1e-3 of the
    map's scale, where it is well conditioned)."""
    both = [k for k, i in enumerate(idx) if jx["ok"][i] and ref[k]["ok"]]
    out = dict(points=len(both), I=0.0, J=0.0, R_I=0.0, R_J=0.0, worst=None)
    worst = -1.0
    for k in both:
        i, r = idx[k], ref[k]
        dI = max(abs(jx["I_F"][i] - r["F"]["I"]), abs(jx["I_B"][i] - r["B"]["I"])) / scale_I
        dJ = max(abs(jx["J_F"][i] - r["F"]["J"]), abs(jx["J_B"][i] - r["B"]["J"])) / scale_J
        out["I"], out["J"] = max(out["I"], dI), max(out["J"], dJ)
        if abs(jx["I_F"][i]) + abs(jx["I_B"][i]) > 1e-3 * scale_I:
            out["R_I"] = max(out["R_I"], abs(jx["R_I"][i] - r["R_I"]))
        if abs(jx["J_F"][i]) + abs(jx["J_B"][i]) > 1e-3 * scale_J:
            out["R_J"] = max(out["R_J"], abs(jx["R_J"][i] - r["R_J"]))
        if max(dI, dJ) > worst:
            worst, out["worst"] = max(dI, dJ), int(i)
    return out


# ----------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------

def bench_map(which, n, chunk, n_ref, n_pointwise, rng, results):
    """Time one map with jaxdiss (batched, and point by point on a subset) and with the
    SciPy loop on a random subset; compare the two on that subset."""
    spec = MAP1 if which == 1 else MAP2
    g = np.linspace(*spec["range"], n)
    E1, E3 = (MU + a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    npts = E1.size
    label = "map 1 (DI Fig. 2: lambda = 1, no screening, Gamma = 3)" if which == 1 else \
        "map 2 (DI Fig. 3: lambda = 0, screening C -> 0, Gamma = 1, cavity_energy = 1)"
    print(f"\n=== {label}: {n} x {n} points over (eps - mu)/kT in {list(spec['range'])} ===",
          flush=True)

    chunk = min(chunk, npts)
    t_lower, t_compile, t_run, jx = run_map(which, E1, E3, chunk)
    ok = jx["ok"].astype(bool)
    steps = jx["steps"]
    print(f"jaxdiss jit(vmap): trace+lower {t_lower:.1f} s, compile {t_compile:.1f} s; run "
          f"{t_run:.1f} s (cpu {t_run.cpu:.1f} s) = {t_run / npts * 1e3:.1f} ms/point in "
          f"{-(-npts // chunk)} chunks of {chunk}", flush=True)
    print(f"  converged (F and B): {int(ok.sum())}/{npts}; Newton steps per configuration: "
          f"median {np.median(steps):.0f}, max {int(steps.max())}", flush=True)

    idx = np.sort(rng.choice(npts, size=min(n_ref, npts), replace=False))
    pw_idx = idx[:min(n_pointwise, idx.size)]
    t_pw_c, t_pw, pw = run_pointwise(which, E1[pw_idx], E3[pw_idx])
    pw_dev = max(max(abs(float(o[f]) - float(jx[f][i])) for f in ("I_F", "I_B"))
                 for o, i in zip(pw, pw_idx)) / max(np.max(np.abs(jx["I_F"])), 1e-300)
    print(f"jaxdiss jit(point), no vmap: compile {t_pw_c:.1f} s; {t_pw * 1e3:.1f} ms/point "
          f"(cpu {t_pw.cpu * 1e3:.1f} ms) over {pw_idx.size} points; = batched to {pw_dev:.0e}",
          flush=True)

    np_point = np_map1_point if which == 1 else np_map2_point
    with np.errstate(all="ignore"):
        t_ref, ref = timed(lambda: [np_point(E1[i], E3[i]) for i in idx])
    t_ref_pt = Timing(t_ref / idx.size, t_ref.cpu / idx.size)
    ref_ok = sum(r["ok"] for r in ref)
    ref_success = sum(r["success"] for r in ref)
    nfev = np.array([r["nfev"] for r in ref])
    print(f"NumPy/SciPy loop: {t_ref_pt * 1e3:.1f} ms/point (cpu {t_ref_pt.cpu * 1e3:.1f} ms) "
          f"over a random subset of {idx.size} points, extrapolated to {npts}: "
          f"{t_ref_pt * npts:.0f} s; converged {ref_ok}/{idx.size} (hybr success flag "
          f"{ref_success}/{idx.size}); residual evaluations "
          f"per point (F + B) median {np.median(nfev):.0f}", flush=True)
    lib_ok_sub = int(ok[idx].sum())
    disagree = [int(i) for k, i in enumerate(idx) if bool(ok[i]) != bool(ref[k]["ok"])]
    scale_I = float(np.max(np.abs(np.concatenate([jx["I_F"][ok], jx["I_B"][ok]]))))
    scale_J = float(np.max(np.abs(np.concatenate([jx["J_F"][ok], jx["J_B"][ok]]))))
    cmp = compare(jx, ref, idx, scale_I, scale_J)
    print(f"agreement on the {cmp['points']} subset points both converged (jaxdiss "
          f"{lib_ok_sub}/{idx.size}, SciPy {ref_ok}/{idx.size}; convergence flags differ at "
          f"{len(disagree)}): max |dI|/max|I| {cmp['I']:.1e}, max |dJ|/max|J| {cmp['J']:.1e}, "
          f"max |dR_I| {cmp['R_I']:.1e}, max |dR_J| {cmp['R_J']:.1e} "
          f"(max|I| = {scale_I:.3g} kT/h, max|J| = {scale_J:.3g} (kT)^2/h)", flush=True)
    if cmp["worst"] is not None:
        w = cmp["worst"]
        print(f"  largest deviation at (eps1 - mu, eps3 - mu) = ({E1[w] - MU:.3f}, "
              f"{E3[w] - MU:.3f})", flush=True)
    for i in disagree[:5]:
        k = int(np.nonzero(idx == i)[0][0])
        print(f"  converged only in {'jaxdiss' if ok[i] else 'SciPy'} at ({E1[i] - MU:.3f}, "
              f"{E3[i] - MU:.3f}): SciPy residuals F {ref[k]['F']['residual']:.1e}, "
              f"B {ref[k]['B']['residual']:.1e}", flush=True)

    ratio = t_ref_pt * npts / t_run
    ratio_cpu = t_ref_pt.cpu * npts / t_run.cpu
    ratio_pw = t_ref_pt / t_pw
    print(f"speed: jaxdiss batched {ratio:.2f}x the SciPy loop (cpu {ratio_cpu:.2f}x); "
          f"jaxdiss point by point {ratio_pw:.2f}x; target >= 100x", flush=True)
    results[f"map{which}"] = dict(
        n=n, points=npts, chunk=chunk, t_lower=float(t_lower), t_compile=float(t_compile),
        t_run=float(t_run), t_run_cpu=t_run.cpu, converged=int(ok.sum()),
        steps_median=float(np.median(steps)), steps_max=int(steps.max()),
        pointwise_subset=int(pw_idx.size), t_pointwise=float(t_pw), t_pointwise_cpu=t_pw.cpu,
        t_pointwise_compile=float(t_pw_c), reference_subset=int(idx.size),
        t_reference_point=float(t_ref_pt), t_reference_point_cpu=t_ref_pt.cpu,
        reference_converged=int(ref_ok), reference_success=int(ref_success),
        reference_nfev_median=float(np.median(nfev)),
        jaxdiss_converged_subset=lib_ok_sub, flags_differ=disagree, agreement=cmp,
        scale_I=scale_I, scale_J=scale_J, ratio=float(ratio), ratio_cpu=float(ratio_cpu),
        ratio_pointwise=float(ratio_pw))
    return E1, E3, jx, idx


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100, help="map 1 side (default 100, DI Fig. 2)")
    ap.add_argument("--n2", type=int, default=20,
                    help="map 2 side (default 20; 100 is DI Fig. 3 and takes hours here)")
    ap.add_argument("--quick", action="store_true", help="smoke run: n = 16, n2 = 4, small subsets")
    ap.add_argument("--maps", default="1,2", help="which maps to run (default 1,2)")
    ap.add_argument("--chunk-size", type=int, default=64, help="map 1 points per vmapped chunk")
    ap.add_argument("--chunk-size2", type=int, default=16, help="map 2 points per vmapped chunk")
    ap.add_argument("--scipy-subset", type=int, default=None,
                    help="map 1 points in the SciPy loop (default 300)")
    ap.add_argument("--scipy-subset2", type=int, default=None,
                    help="map 2 points in the SciPy loop (default 100)")
    ap.add_argument("--pointwise", type=int, default=None,
                    help="points timed with jit(point) without vmap (default 40 / 12)")
    ap.add_argument("--grad-points", type=int, default=None,
                    help="points of the gradient timing (default 3; 1 with --quick)")
    ap.add_argument("--repeats", type=int, default=None, help="median of this many (gradients)")
    ap.add_argument("--no-profile", action="store_true",
                    help="skip the per-point profile (always skipped with --quick)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None, help="write the measured figures to this file")
    args = ap.parse_args(argv)

    quick = args.quick
    n1 = 16 if quick and args.n == 100 else args.n
    n2 = 4 if quick and args.n2 == 20 else args.n2
    sub1 = args.scipy_subset or (30 if quick else 300)
    sub2 = args.scipy_subset2 or (8 if quick else 100)
    pw1, pw2 = (args.pointwise or (10 if quick else 40)), (args.pointwise or (4 if quick else 12))
    repeats = args.repeats or (3 if quick else 7)
    grad_points = args.grad_points or (1 if quick else 3)
    maps = [int(m) for m in args.maps.split(",")]
    rng = np.random.default_rng(args.seed)
    load0 = os.getloadavg()
    wall0 = time.perf_counter()

    print("jaxdiss diode benchmark: rectification maps of the DI paper, mu = 40, kT = 1, dT = 1")
    print(f"jax {jax.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"python {platform.python_version()}, {os.cpu_count()} cores, backend "
          f"{jax.default_backend()}; load average at start {load0[0]:.1f}", flush=True)
    chk = reference_checks(rng)
    print(f"NumPy reference vs library: grid nodes {chk['grid']:.1e}, weights {chk['weights']:.1e}; "
          f"map 2 S {chk['S']:.1e}, injectivities (analytic dS/dU vs forward mode) "
          f"{chk['nu']:.1e} relative {chk['note']}", flush=True)
    if not (chk["grid"] < 1e-9 and chk["S"] < 1e-9 and chk["nu"] < 1e-9):
        print("WARNING: the NumPy reference no longer reproduces the library's discretisation "
              "(the library changed?); the comparison below is not like for like", flush=True)
    results = dict(date=datetime.date.today().isoformat(), jax=jax.__version__,
                   numpy=np.__version__, scipy=scipy.__version__,
                   python=platform.python_version(), cores=os.cpu_count(),
                   load_start=load0[0], checks=chk, quick=quick)

    for which in maps:
        n, chunk = (n1, args.chunk_size) if which == 1 else (n2, args.chunk_size2)
        sub, pw = (sub1, pw1) if which == 1 else (sub2, pw2)
        E1, E3, jx, idx = bench_map(which, n, chunk, sub, pw, rng, results)
        ok_idx = [i for i in idx if jx["ok"][i]]
        pts = [(E1[i], E3[i]) for i in ok_idx[:grad_points]]
        rows = gradient_cost(which, pts, repeats)
        ratios = [r["ratio"] for r in rows]
        print(f"gradient of R_I w.r.t. (eps1, eps3), jit, median of {repeats} runs, at "
              f"{len(rows)} converged points:", flush=True)
        for r in rows:
            print(f"  ({r['e1'] - MU:7.3f}, {r['e3'] - MU:7.3f}): forward {r['t_fwd'] * 1e3:7.1f} ms, "
                  f"gradient {r['t_grad'] * 1e3:7.1f} ms, ratio {r['ratio']:.2f} "
                  f"(compile {r['compile_fwd']:.1f} s / {r['compile_grad']:.1f} s); "
                  f"vs central difference {r['fd_dev']:.0e}", flush=True)
        print(f"  gradient / forward: median {np.median(ratios):.2f}, max {np.max(ratios):.2f}; "
              f"target <= 3", flush=True)
        results[f"map{which}"]["gradient"] = rows
        if not (args.no_profile or quick) and ok_idx:
            i = ok_idx[0]
            try:
                prof = profile_point(which, E1[i], E3[i], 2 * repeats)
            except Exception as exc:  # library internals changed
                print(f"profile skipped ({type(exc).__name__}: {exc})", flush=True)
            else:
                results[f"map{which}"]["profile"] = prof
                s_name = ("S -> T_kj (4x4 S) | |tau|^2" if which == 1
                          else "S, dS/dU, injectivities")
                print(f"profile of one point ({E1[i] - MU:.3f}, {E3[i] - MU:.3f}), jitted, "
                      f"best of {2 * repeats}, ms (jaxdiss | NumPy) and XLA Mflop:", flush=True)
                rows = [("jd.rectification, F + B", prof["total"], None),
                        ("energy grid", prof["grid"], prof["np_grid"]),
                        (s_name, prof["S"], prof["np_S"]),
                        ("one Newton residual", prof["residual"], prof["np_residual"]),
                        ("one residual Jacobian (jacfwd)", prof["jacobian"], None)]
                keys = ("total", "grid", "S", "residual", "jacobian")
                for key, (name, t_j, t_n) in zip(keys, rows):
                    tn = "" if t_n is None else f"{t_n * 1e3:9.3f}"
                    mf = prof["flops"][key] / 1e6
                    print(f"  {name:34s} {t_j * 1e3:9.3f} | {tn:9s} | {mf:8.2f} Mflop", flush=True)
                fl = prof["flops"]
                print(f"  Newton steps per configuration: {prof['steps']}; a Jacobian costs "
                      f"{fl['jacobian'] / fl['residual']:.1f} residuals in flops "
                      f"({prof['jacobian'] / prof['residual']:.1f} in time); 2 x steps x "
                      f"(Jacobian + residual) = "
                      f"{2 * prof['steps'] * (prof['jacobian'] + prof['residual']) * 1e3:.1f} ms "
                      f"of {prof['total'] * 1e3:.1f} ms", flush=True)

    # --- summary ---------------------------------------------------------------------------
    print("\nsummary")
    print("| map | points | jaxdiss compile | jaxdiss run | per point | converged | SciPy per point "
          "| SciPy extrapolated | speed-up (batched / point by point) | grad / forward |")
    print("|-----|-------:|----------------:|------------:|----------:|----------:|----------------:"
          "|-------------------:|-----------:|---------------:|")
    targets = {}
    for which in maps:
        m = results[f"map{which}"]
        gr = np.median([r["ratio"] for r in m["gradient"]]) if m["gradient"] else np.nan
        print(f"| {which} | {m['points']} | {m['t_lower'] + m['t_compile']:.1f} s | "
              f"{m['t_run']:.1f} s | {m['t_run'] / m['points'] * 1e3:.1f} ms | "
              f"{m['converged']}/{m['points']} | {m['t_reference_point'] * 1e3:.1f} ms | "
              f"{m['t_reference_point'] * m['points']:.0f} s | {m['ratio']:.2f}x / "
              f"{m['ratio_pointwise']:.2f}x | {gr:.2f} |")
        targets[f"map{which} speed >= 100x"] = m["ratio"] >= 100
        targets[f"map{which} gradient <= 3x"] = bool(gr <= 3)
        targets[f"map{which} agreement <= 1e-8"] = bool(
            max(m["agreement"]["I"], m["agreement"]["J"]) <= 1e-8)
    print("targets: " + "; ".join(f"{k} {'PASS' if v else 'MISS'}" for k, v in targets.items()))
    load1 = os.getloadavg()
    total = time.perf_counter() - wall0
    results.update(targets=targets, load_end=load1[0], t_total=total)
    print(f"total wall time {total:.0f} s; load average at end {load1[0]:.1f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=float)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
