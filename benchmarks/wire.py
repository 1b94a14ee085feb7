"""Benchmark: linearized Boltzmann wire + scatterer (BW paper) with jaxdiss against NumPy/SciPy.

`jd.solve_wire(T, eV, kT)` (BW Sec. II, App. A–B: exact discrete eigenmodes of the
linearized Boltzmann equation in two half-wires, matched at a Lorentzian scatterer, BW
Eq. 21) is timed and checked in four parts:

1. **Reference.** An independent plain NumPy/SciPy implementation of the *same*
   discretisation, written from the paper (Eqs. 11–19, A3–A12, App. B) and DESIGN.md §4
   (it imports nothing from jaxdiss; the library is only called to compare results and, at
   start-up, to check that the momentum grids agree):

   * grids: a uniform midpoint grid in the left momentum u = p/p_F up to
     u² = 1 + 36 kT, weights Δ; on the right the transmitted nodes √(u² + eV) with weights
     Δ u/u_R (equal energy weights on matched nodes) and N/4 midpoint nodes on [0, √eV]
     for the totally reflected right movers, whose last three weights carry the threshold
     correction of the library's grid (a three-point Lagrange extrapolation of g and g' to
     √eV, built here from a Vandermonde solve);
   * modes: the discrete eigenproblem (1 − l_i²/L²) g_i = C_i Σ w_j g_j (Eq. A6 on the
     grid, C = ∂f0/∂μ0 normalised by Σ w C = 1, l = u); besides the zero mode its
     eigenvalues ν = L² are the N − 1 roots of h(ν) = Σ a_j/(ν − l_j²), a_j = w_j C_j l_j²,
     one per interval between neighbouring poles. Each root is kept as an offset δ from its
     nearer pole (the sign of h at the interval's midpoint says which) and found by a
     vectorised, bracketed Newton iteration on G(δ) = a_o + δ Σ_{j≠o} a_j/(ν_o − ν_j + δ)
     (bisection when a step leaves the bracket; written independently of the library's
     similar iteration); a sample of roots is checked against `scipy.optimize.brentq` at
     start-up. Eigenvectors
     g_i = c C_i ν/(ν − l_i²); the boundary values at the scatterer are those of Eq. (A12),
     incoming −½ c C_i l_i/(L + l_i), outgoing ½ c C_i l_i/(L − l_i) (the −eφ ∂f0/∂μ0 term
     of Eq. 11 cancels against ½ c C for constant τ), eφ per mode c/(∂n0/∂μ0) (Eq. A10);
     the scale c puts 1/w_o at the origin node of the outgoing branch;
   * matching: Eq. (19a) at the N transmitted energies, f(p_R) = f(−p_R) at the N/4
     reflected ones, Eq. (19b), for the N − 1 + N + N/4 − 1 amplitudes and F_ext
     (δf_D = F_ext l ∂f0/∂μ0, Eq. 12; on the right grid normalised to the left grid's σ so
     that Eqs. 20a/20b stay exactly redundant), rows and columns scaled to unit 2-norm, then
     either the row with the largest share of the dependency
     Σ_i W_i (row_a,i + row_b,i) + Σ_j W_j row_r,j ≡ 0 dropped and `scipy.linalg.solve` on
     the square rest (``solver="drop"``, used for every timing), or `numpy.linalg.lstsq` on
     all rows (``solver="lstsq"``; the agreement check runs both). I = σ F_ext (Eq. 13),
     eφ(0±) = Σ amplitude × eφ per mode.

   It must agree with `solve_wire` on I, F_ext and eφ(0±) to ≤ 1e-8 relative.
2. **Solve time vs grid size** at kT/μ0 = 0.3 (ε0 = 1.44, Γ = 0.08, eV = 0.1) for
   n_momentum = 64 … 1024: first call (compile), run time per call after compile (median),
   the exponent α of run ∝ N^α (least squares in log-log over N ≥ 256) and the accuracy
   of I and eφ(0⁺) relative to the finest grid; the NumPy reference's time per N beside it.
3. **Batch speed**: 16 parameter points over the ranges of BW Figs. 3–5 (the four
   (ε0, eV) columns of BW Table I × kT ∈ {0.1, 0.3, 0.5, 0.7}, Γ ∈ {0.08, 0.2, 0.5, 1.0}
   in a Latin square) as ``jax.jit(jax.vmap(point))`` against the NumPy reference looped
   over the same points (target ≥ 3×), with ``jax.jit(lambda P: jax.lax.map(point, P))``
   and ``jax.jit(point)`` called in a Python loop beside it for context; the default single
   `solve_wire` call at kT = 0.3 (target ≤ 0.2 s) and its first call, compile included
   (target ≤ 20 s). A per-point profile (roots, scaling, dense solve; library internals,
   skipped with ``--no-profile`` or ``--quick``) shows where the time goes.
4. **Gradient cost**: ``jax.jit(jax.grad)`` of I with respect to (ε0, Γ) against one
   jitted forward solve (median of repeats), checked against a central difference.

Every timing line records the 1-min load average, and process CPU time next to wall time
(the machine is shared); timings of the two implementations are taken in turn (a, b, a, b,
…) so that both see the same load. Both run with one BLAS thread by default
(``--blas-threads``, 0 = the libraries' defaults; set before NumPy and JAX start): jaxlib's
CPU LAPACK kernels call SciPy's OpenBLAS, whose worker threads then contend with XLA's own
pool for the two cores (a batch of 16 solves: 84–89 ms with one BLAS thread, 105–128 ms
with the default two), while the NumPy/SciPy loop gains nothing measurable from the second
BLAS thread at these sizes (both settings 290–490 ms, varying with the machine's load).
``--single-core`` pins the whole process to one core with one BLAS thread: on a loaded
2-core machine the default thread pools of XLA and OpenBLAS stall (apparently threads
spinning while they wait for a descheduled partner: CPU time inflates as well), and the
pinned run is the steadiest like-for-like measure.

    python benchmarks/wire.py                 # full run (~2 min on 2 shared cores)
    python benchmarks/wire.py --blas-threads 0   # BLAS libraries with their default threads
    python benchmarks/wire.py --single-core   # one core, one BLAS thread
    python benchmarks/wire.py --quick         # smoke run (~1 min)
    python benchmarks/wire.py --json out.json
"""

from __future__ import annotations

import os
import sys


def _blas_threads(argv):
    """The --blas-threads value (default 1; --single-core forces 1)."""
    if "--single-core" in argv:
        return 1
    for i, a in enumerate(argv):
        if a.startswith("--blas-threads="):
            return int(a.split("=", 1)[1])
        if a == "--blas-threads" and i + 1 < len(argv):
            return int(argv[i + 1])
    return 1


if __name__ == "__main__":
    # before NumPy and JAX start their thread pools
    if "--single-core" in sys.argv[1:]:       # one core
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    if _blas_threads(sys.argv[1:]) > 0:       # BLAS threads (OpenBLAS, OpenMP, MKL)
        for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[_var] = str(_blas_threads(sys.argv[1:]))

import argparse
import datetime
import json
import platform
import subprocess
import time

import numpy as np
import scipy
import scipy.linalg
from scipy.optimize import brentq
from scipy.special import expit

import jaxdiss as jd  # enables float64
import jax
import jax.numpy as jnp

EPS0, GAMMA, KT, EV = 1.44, 0.08, 0.3, 0.1  # BW Fig. 3(a), kT/μ0 = 0.3
TAIL = 36.0          # energies up to μ0 + 36 kT (the library's default `tail`)
EPS = np.finfo(float).eps


# ----------------------------------------------------------------------------------------
# Independent NumPy/SciPy implementation (μ0 = 1, p_F = 1, lengths in v_F τ, h = e = 1)
# ----------------------------------------------------------------------------------------

def _threshold_rule():
    """Weights (value, slope) of a three-point extrapolation to the threshold from nodes at
    −5/2, −3/2, −1/2 (in units of the reflected step): g(0) ≈ Σ v g, Δ0 g'(0) ≈ Σ s g."""
    x = np.array([-2.5, -1.5, -0.5])
    V = np.vander(x, 3, increasing=True)            # V[i, k] = x_i^k; q(x) = Σ_k c_k x^k
    # c = V^{-1} g: q(0) = c_0 = (row 0 of V^{-1}) · g, q'(0) = c_1 = (row 1) · g
    value = np.linalg.solve(V.T, np.array([1.0, 0.0, 0.0]))
    slope = np.linalg.solve(V.T, np.array([0.0, 1.0, 0.0]))
    return value, slope


_VALUE, _SLOPE = _threshold_rule()


def np_grids(eV, kT, n, m, tail=TAIL):
    """(uL, wL), (uR, wR): momenta u = p/p_F and weights of ∫dp/h ≈ (p_F/h) Σ w.

    Left: N midpoints on [0, √(1 + tail kT)], weight Δ. Right: M midpoints on [0, √eV]
    (totally reflected right movers) first, then √(u_L² + eV) with weight Δ u_L/u_R. The
    reflected midpoint rule and the transmitted branch (odd Jacobian u_L/u_R at the
    threshold) each miss an O(Δ²) term at √eV; the last three reflected weights take
    −(Δ²/(24√eV)) × value rule + (Δ0/24) × slope rule, the first capped at Δ0/4 (the
    library's choice, see jaxdiss/wire/_grid.py's docstring)."""
    step = np.sqrt(1.0 + tail * kT) / n
    uL = (np.arange(n) + 0.5) * step
    wL = np.full(n, step)
    uT = np.sqrt(uL ** 2 + eV)
    thr = np.sqrt(eV)
    step0 = thr / m
    u0 = (np.arange(m) + 0.5) * step0
    w0 = np.full(m, step0)
    kink = min(step ** 2 / (24.0 * thr), 0.25 * step0)
    w0[-3:] += -kink * _VALUE + (step0 / 24.0) * _SLOPE
    return (uL, wL), (np.concatenate([u0, uT]), np.concatenate([w0, step * uL / uT]))


def np_dfermi(energy, kT):
    """∂f0/∂μ0 = f0 (1 − f0)/kT at kinetic energy `energy` (μ0 = 1)."""
    x = (energy - 1.0) / kT
    return expit(-x) * expit(x) / kT


def np_window(energy, eV, kT):
    """f0(E) − f0(E + eV) = f0(E) (1 − f0(E + eV)) (1 − e^{−eV/kT}), no cancellation."""
    a = (energy - 1.0) / kT
    return expit(-a) * expit(a + eV / kT) * (-np.expm1(-eV / kT))


def np_secular_roots(l, a, max_iter=200):
    """The N − 1 roots of h(ν) = Σ_j a_j/(ν − l_j²), one in each (l_k², l_{k+1}²).

    Returns (origin o, offset δ = ν − l_o², R = Σ_{j≠o} a_j/(ν − l_j²), iterations). The
    root of interval k is referred to its nearer pole (o = k if h(midpoint) < 0, else
    k + 1) and solved for t = |δ| ∈ (0, gap/2] from G = a_o + δ R(δ), G(0) = a_o > 0,
    G(gap/2) ≤ 0, by Newton steps kept inside a shrinking bracket (midpoint — geometric
    once the bracket spans decades — when a step leaves it), all intervals at once."""
    n = l.size
    D = (l[:, None] - l[None, :]) * (l[:, None] + l[None, :])   # l_i² − l_j², no cancellation
    k = np.arange(n - 1)
    gap = D[k + 1, k]
    h_mid = np.sum(a[None, :] / (D[k, :] + 0.5 * gap[:, None]), axis=1)
    upper = h_mid > 0.0
    o = np.where(upper, k + 1, k)
    sgn = np.where(upper, -1.0, 1.0)
    Do = D[o, :]
    other = np.arange(n)[None, :] != o[:, None]
    ao = a[o]

    def G(t):
        den = np.where(other, Do + (sgn * t)[:, None], 1.0)
        q = np.where(other, a[None, :] / den, 0.0)
        R = q.sum(axis=1)
        dR = -np.where(other, q / den, 0.0).sum(axis=1)
        delta = sgn * t
        return ao + delta * R, sgn * (R + delta * dR), R

    lo = np.zeros(n - 1)
    hi = 0.5 * gap
    # first-order start: t = a_o/|R(0)| when that lies in the bracket
    _, _, R0 = G(np.zeros(n - 1))
    t = np.where(sgn * R0 < 0, ao / np.abs(R0), 0.5 * hi)
    t = np.where((t > 0) & (t < hi), t, 0.5 * hi)
    it = 0
    active = np.ones(n - 1, bool)
    for it in range(1, max_iter + 1):
        g, dg, _ = G(t)
        pos = g > 0
        lo = np.where(active & pos, t, lo)
        hi = np.where(active & ~pos, t, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = t - g / dg
        bad = ~np.isfinite(new) | (new < lo) | (new > hi)
        # fallback: geometric midpoint once the bracket spans decades, else arithmetic;
        # with lo = 0 (no point with G > 0 seen yet) step down a decade
        mid = np.where(hi > 4.0 * lo, np.sqrt(lo * hi), 0.5 * (lo + hi))
        mid = np.where(lo > 0, mid, 0.1 * hi)
        new = np.where(bad, mid, new)
        conv = (g == 0) | (~bad & (np.abs(new - t) <= 4.0 * EPS * t))
        t = np.where(active & (g != 0), new, t)
        active &= ~conv
        if not active.any():
            break
    _, _, R = G(t)
    return o, sgn * t, R, it


def np_modes(u, w, kT):
    """Decaying modes of one half-wire (constant τ, strong Coulomb limit) at the scatterer.

    Returns a dict: `incoming`, `outgoing` (N × (N − 1): deviation of f from f0 ± δf_D per
    unit amplitude for particles moving towards / away from the scatterer), `phi` (eφ per
    unit amplitude), `L` (decay lengths), `f0`, `d` (∂f0/∂μ0), `l` (= u), `iterations`."""
    e = u ** 2
    d = np_dfermi(e, kT)
    C = d / np.sum(w * d)                      # Eq. (A4) on the grid: Σ w C = 1
    dn0 = 2.0 * np.sum(w * d)                   # ∂n0/∂μ0 in p_F/(h μ0)
    l = u                                       # l(p) = p τ/m in v_F τ
    o, delta, R, iters = np_secular_roots(l, w * C * l ** 2)
    nu = l[o] ** 2 + delta
    L = np.sqrt(nu)
    n = u.size
    # ν − l_i² = (l_o² − l_i²) + δ
    num = (l[o][None, :] - l[:, None]) * (l[o][None, :] + l[:, None]) + delta[None, :]
    at_o = np.arange(n)[:, None] == o[None, :]
    # c: outgoing value ½ c C_o l_o (L + l_o)/δ equals 1/w_o at the origin node
    c = 2.0 * delta / (w[o] * C[o] * l[o] * (L + l[o]))
    half = 0.5 * c[None, :] * C[:, None] * l[:, None]
    incoming = -half / (L[None, :] + l[:, None])
    outgoing = np.where(at_o, 1.0 / w[:, None],
                        half * (L[None, :] + l[:, None]) / np.where(at_o, 1.0, num))
    phi = c / dn0   # eφ_k = Σ w g_k/(∂n0/∂μ0) = c/(∂n0/∂μ0): Σ_i w_i C_i ν/(ν − ν_i) = 1
    return dict(incoming=incoming, outgoing=outgoing, phi=phi, L=L, f0=expit(-(e - 1.0) / kT),
                d=d, l=l, iterations=iters, origin=o, delta=delta, R=R, a=w * C * l ** 2)


def np_solve_wire(eps0, gamma, eV, kT, n=256, m=None, tail=TAIL, solver="drop",
                  system=False):
    """The BW wire at band offset eV with T = Γ²/((E_L − ε0)² + Γ²): I h/(e μ0), F_ext,
    eφ(0∓) and checks (dict). `solver`: "drop" (one redundant row dropped, LU) or
    "lstsq" (all rows, least squares); both after scaling rows and columns to unit norm."""
    m = n // 4 if m is None else m
    (uL, wL), (uR, wR) = np_grids(eV, kT, n, m, tail)
    Lm, Rm = np_modes(uL, wL, kT), np_modes(uR, wR, kT)
    eL = uL ** 2
    Tn = gamma ** 2 / ((eL - eps0) ** 2 + gamma ** 2)
    Rn = 1.0 - Tn
    WL, WR = 2.0 * uL * wL, 2.0 * uR * wR            # energy weights dε = 2u du
    sigma = 4.0 * np.sum(wL * uL * Lm["l"] * Lm["d"])  # Eq. (14), left grid
    dR = Rm["d"] * sigma / (4.0 * np.sum(wR * uR * Rm["l"] * Rm["d"]))  # right Drude, same σ
    ldL, ldR = Lm["l"] * Lm["d"], Rm["l"] * dR         # δf_D per unit F_ext
    inL, outL, inR, outR = Lm["incoming"], Lm["outgoing"], Rm["incoming"], Rm["outgoing"]
    nA, nB = inL.shape[1], inR.shape[1]
    # columns: A (left amplitudes), B (right amplitudes), F_ext
    rows_a = np.hstack([-Tn[:, None] * inL, outR[m:] - Rn[:, None] * inR[m:],
                        (ldR[m:] * (1.0 + Rn) - Tn * ldL)[:, None]])        # Eq. (19a)
    rows_r = np.hstack([np.zeros((m, nA)), outR[:m] - inR[:m], 2.0 * ldR[:m, None]])
    rows_b = np.hstack([outL - Rn[:, None] * inL, -Tn[:, None] * inR[m:],
                        (Tn * ldR[m:] - ldL * (1.0 + Rn))[:, None]])        # Eq. (19b)
    Mx = np.vstack([rows_a, rows_r, rows_b])
    src = Tn * np_window(eL, eV, kT)                  # T (f0(p_L) − f0(p_R))
    rhs = np.concatenate([src, np.zeros(m), -src])
    dep = np.concatenate([WL, WR[:m], WL])            # Σ dep · row ≡ 0 (Eq. 20a − 20b)
    r = 1.0 / np.linalg.norm(Mx, axis=1)
    S = Mx * r[:, None]
    cs = 1.0 / np.linalg.norm(S, axis=0)
    S *= cs[None, :]
    b = rhs * r
    if system:  # the scaled square system (redundant row dropped), for the profile
        drop = int(np.argmax(np.abs(dep / r)))
        keep = np.arange(S.shape[0]) != drop
        return Mx, S[keep], b[keep]
    if solver == "lstsq":
        x, *_ = np.linalg.lstsq(S, b, rcond=None)
    else:
        drop = int(np.argmax(np.abs(dep / r)))
        keep = np.arange(S.shape[0]) != drop
        x = scipy.linalg.solve(S[keep], b[keep], check_finite=False)
    resid = float(np.max(np.abs(S @ x - b)) / np.max(np.abs(b)))
    x = x * cs
    A, B, F = x[:nA], x[nA:nA + nB], x[-1]
    fpL = Lm["f0"] + F * ldL + inL @ A
    fmR = Rm["f0"] - F * ldR + inR @ B
    landauer = np.sum(WL * Tn * (np_window(eL, eV, kT) + (fpL - Lm["f0"])
                                 - (fmR[m:] - Rm["f0"][m:])))             # Eq. (20a), left side
    dep_check = float(np.max(np.abs(dep @ Mx)) / np.max(np.abs(dep[:, None] * Mx)))
    return dict(current=sigma * F, F_ext=F, potential_left=float(Lm["phi"] @ A),
                potential_right=float(Rm["phi"] @ B), landauer_current=float(landauer),
                residual=resid, dependency=dep_check,
                iterations=max(Lm["iterations"], Rm["iterations"]))


def brentq_check(eV=EV, kT=KT, n=256, count=12):
    """A sample of secular roots (both grids, spread over the spectrum, tails included) by
    `scipy.optimize.brentq` on the same G(t) over (0, gap/2], against the vectorised
    Newton: max relative difference of the offsets δ."""
    worst = 0.0
    for u, w in np_grids(eV, kT, n, n // 4):
        d = np_dfermi(u ** 2, kT)
        a = w * (d / np.sum(w * d)) * u ** 2
        o, delta, _, _ = np_secular_roots(u, a)
        for k in np.unique(np.linspace(0, u.size - 2, count).astype(int)):
            gap = (u[k + 1] - u[k]) * (u[k + 1] + u[k])
            sgn = 1.0 if o[k] == k else -1.0
            Do = (u[o[k]] - u) * (u[o[k]] + u)
            other = np.arange(u.size) != o[k]

            def G(t):
                return a[o[k]] + sgn * t * np.sum(a[other] / (Do[other] + sgn * t))

            t = brentq(G, 0.0, 0.5 * gap, xtol=1e-300, rtol=4 * EPS, maxiter=500)
            worst = max(worst, abs(sgn * t - delta[k]) / abs(delta[k]))
    return worst


# ----------------------------------------------------------------------------------------
# timing helpers
# ----------------------------------------------------------------------------------------

def load():
    """1-minute load average."""
    return os.getloadavg()[0]


class Timing(float):
    """Wall seconds (a float) with process CPU seconds in `.cpu` and the 1-min load
    average at the end of the measurement in `.load`."""

    def __new__(cls, wall, cpu, load_avg=None):
        obj = super().__new__(cls, wall)
        obj.cpu = float(cpu)
        obj.load = load() if load_avg is None else float(load_avg)
        return obj

    def record(self):
        return dict(wall=float(self), cpu=self.cpu, load=self.load)


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = jax.block_until_ready(fn())
    return Timing(time.perf_counter() - t0, time.process_time() - c0), out


def median_timing(fn, repeats):
    """Median wall and median CPU time of `repeats` calls (results blocked on)."""
    walls, cpus = [], []
    for _ in range(repeats):
        t, _ = timed(fn)
        walls.append(float(t))
        cpus.append(t.cpu)
    return Timing(np.median(walls), np.median(cpus))


def interleaved_timing(*specs):
    """Median timings of several functions measured in turn (a, b, ..., a, b, ...), so that
    all see the same drift in the machine's load. `specs`: (fn, repeats) pairs. Returns one
    Timing per function (median wall, median CPU, mean load)."""
    runs = [[] for _ in specs]
    for i in range(max(reps for _, reps in specs)):
        for k, (fn, reps) in enumerate(specs):
            if i < reps:
                t, _ = timed(fn)
                runs[k].append((float(t), t.cpu, t.load))
    return tuple(Timing(np.median([r[0] for r in rs]), np.median([r[1] for r in rs]),
                        np.mean([r[2] for r in rs])) for rs in runs)


def fmt(t, unit="s"):
    """'12.3 ms (cpu 20.1 ms, load 1.5)'."""
    scale, u = (1e3, "ms") if unit == "ms" else (1.0, "s")
    return f"{float(t) * scale:.{1 if unit == 'ms' else 2}f} {u} (cpu {t.cpu * scale:.{1 if unit == 'ms' else 2}f} {u}, load {t.load:.1f})"


# ----------------------------------------------------------------------------------------
# the library side
# ----------------------------------------------------------------------------------------

FIELDS = ("current", "F_ext", "potential_left", "potential_right")


def lib_point(p, n=256):
    """solve_wire at p = (ε0, Γ, kT, eV): the compared scalars (public API only)."""
    w = jd.solve_wire(jd.Lorentzian(p[0], p[1]), p[3], p[2], n_momentum=n)
    return dict(current=w.current, F_ext=w.F_ext, potential_left=w.potential_left,
                potential_right=w.potential_right, converged=w.converged, residual=w.residual)


def deviation(lib, ref):
    """Max over FIELDS of |lib − ref|/|lib| (per field and overall)."""
    per = {k: abs(float(lib[k]) - float(ref[k])) / abs(float(lib[k])) for k in FIELDS}
    return max(per.values()), per


def batch_points():
    """16 points over BW Figs. 3-5: the four (ε0, eV) columns of Table I × kT ∈ {0.1, 0.3,
    0.5, 0.7}, Γ ∈ {0.08, 0.2, 0.5, 1.0} in a Latin square (each Γ once per column and
    once per temperature). Rows (ε0, Γ, kT, eV)."""
    cols = [(1.44, 0.1), (1.44, 0.4), (0.64, 0.1), (0.64, 0.4)]
    kTs = [0.1, 0.3, 0.5, 0.7]
    gammas = [0.08, 0.2, 0.5, 1.0]
    return np.array([(e0, gammas[(i + j) % 4], kT, eV)
                     for i, (e0, eV) in enumerate(cols) for j, kT in enumerate(kTs)])


# ----------------------------------------------------------------------------------------
# parts
# ----------------------------------------------------------------------------------------

def part_reference(results, points):
    """Start-up checks of the reference, then the agreement at a few points (both solvers)."""
    from jaxdiss.wire._grid import wire_grids  # only to check that the grids agree
    dn = dw = 0.0
    for eV, kT, n in ((0.1, 0.3, 256), (0.4, 0.1, 64), (0.003, 0.7, 128), (0.1, 0.7, 1024)):
        ours = np_grids(eV, kT, n, n // 4)
        lib = wire_grids(jnp.asarray(eV), jnp.asarray(kT), n, n // 4, TAIL)
        for (u, w), g in zip(ours, lib):
            dn = max(dn, float(np.max(np.abs(u - np.asarray(g.momentum)))))
            dw = max(dw, float(np.max(np.abs(w - np.asarray(g.weight)) / np.max(w))))
    roots = brentq_check()
    print(f"reference start-up: momentum grids vs jaxdiss.wire._grid.wire_grids: nodes "
          f"{dn:.1e}, weights {dw:.1e} (relative to the largest); secular roots, vectorised "
          f"Newton vs brentq on a sample: {roots:.1e} relative", flush=True)
    if dn > 1e-12 or dw > 1e-12:
        print("WARNING: the reference grids no longer reproduce the library's (library "
              "changed?): the comparison below is not like for like", flush=True)
    rows = []
    for p in points:
        lib = jax.block_until_ready(lib_point(p))
        row = dict(point=[float(v) for v in p], converged=bool(lib["converged"]),
                   **{k: float(lib[k]) for k in FIELDS})
        for solver in ("drop", "lstsq"):
            ref = np_solve_wire(*p[:2], p[3], p[2], solver=solver)
            dev, per = deviation(lib, ref)
            row[solver] = dict(dev=dev, per=per, residual=ref["residual"],
                               landauer=abs(ref["landauer_current"] - ref["current"])
                               / abs(ref["current"]), dependency=ref["dependency"],
                               iterations=ref["iterations"])
        rows.append(row)
        print(f"  (eps0, Gamma, kT, eV) = ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.1f}, {p[3]:.1f}): "
              f"I = {row['current']:.6e}, e phi(0+) = {row['potential_right']:.4e}; max rel "
              f"dev drop {row['drop']['dev']:.1e}, lstsq {row['lstsq']['dev']:.1e}; reference "
              f"residual {row['drop']['residual']:.0e}, |Eq.20a - sigma F|/I "
              f"{row['drop']['landauer']:.0e}, Newton iterations {row['drop']['iterations']}",
              flush=True)
    results["reference"] = dict(grid_nodes=dn, grid_weights=dw, brentq=roots, points=rows)
    return max(max(r["drop"]["dev"], r["lstsq"]["dev"]) for r in rows)


def part_grid(results, sizes, repeats, ref_repeats):
    """solve_wire vs n_momentum at the default point (compile, run, accuracy, α) and the
    NumPy reference's time at each N."""
    p = (EPS0, GAMMA, KT, EV)
    T = jd.Lorentzian(EPS0, GAMMA)
    rows = []
    print(f"\n=== solve time vs grid size: eps0 = {EPS0}, Gamma = {GAMMA}, kT = {KT}, "
          f"eV = {EV} ===", flush=True)
    for n in sizes:
        call = lambda: jd.solve_wire(T, EV, KT, n_momentum=n)
        t_first, w = timed(call)
        ref_call = lambda: np_solve_wire(EPS0, GAMMA, EV, KT, n=n)
        ref = ref_call()  # warm-up (and the result compared below)
        t_run, t_ref = interleaved_timing((call, repeats[n]), (ref_call, ref_repeats[n]))
        lib = dict(current=w.current, F_ext=w.F_ext, potential_left=w.potential_left,
                   potential_right=w.potential_right)
        dev, _ = deviation(lib, ref)
        row = dict(n=n, nodes_left=n, nodes_right=n + n // 4, unknowns=2 * n + n // 4 - 1,
                   first=t_first.record(), compile=float(t_first) - float(t_run),
                   run=t_run.record(), reference=t_ref.record(),
                   ratio=float(t_ref) / float(t_run), ratio_cpu=t_ref.cpu / t_run.cpu,
                   current=float(w.current), potential_right=float(w.potential_right),
                   converged=bool(w.converged), residual=float(w.residual), dev_ref=dev)
        rows.append(row)
        print(f"  N = {n:5d}: first call {fmt(t_first)}; run {fmt(t_run, 'ms')} (median of "
              f"{repeats[n]}); NumPy reference {fmt(t_ref, 'ms')} (median of {ref_repeats[n]}); "
              f"I = {row['current']:.12f}, e phi(0+) = {row['potential_right']:.12f}, "
              f"converged {row['converged']}, dev vs reference {dev:.1e}", flush=True)
    fin = rows[-1]
    for r in rows:
        r["err_current"] = abs(r["current"] - fin["current"]) / abs(fin["current"])
        r["err_potential"] = abs(r["potential_right"] - fin["potential_right"]) / abs(
            fin["potential_right"])
    big = [r for r in rows if r["n"] >= 256]
    alpha = alpha_cpu = alpha_ref = float("nan")
    if len(big) >= 2:
        x = np.log([r["n"] for r in big])
        alpha = float(np.polyfit(x, np.log([r["run"]["wall"] for r in big]), 1)[0])
        alpha_cpu = float(np.polyfit(x, np.log([r["run"]["cpu"] for r in big]), 1)[0])
        alpha_ref = float(np.polyfit(x, np.log([r["reference"]["wall"] for r in big]), 1)[0])
    print(f"  run time ~ N^alpha over N >= 256: alpha = {alpha:.2f} wall, {alpha_cpu:.2f} cpu "
          f"(NumPy reference {alpha_ref:.2f})", flush=True)
    print(f"  accuracy relative to N = {fin['n']}: " + "; ".join(
        f"N = {r['n']}: I {r['err_current']:.1e}, e phi(0+) {r['err_potential']:.1e}"
        for r in rows[:-1]), flush=True)
    results["grid"] = dict(point=list(p), rows=rows, alpha=alpha, alpha_cpu=alpha_cpu,
                           alpha_reference=alpha_ref)
    return rows


def part_batch(results, points, repeats, ref_repeats, pointwise):
    """jit(vmap(point)) over the 16 points vs the NumPy reference loop (and jit(point))."""
    print(f"\n=== batch of {len(points)} points (BW Table I columns x kT, Gamma in "
          f"{{0.08, 0.2, 0.5, 1.0}}), n_momentum = 256 ===", flush=True)
    f = lambda q: lib_point(q)
    P = jnp.asarray(points)
    batched = jax.jit(jax.vmap(f))
    t_lower, lowered = timed(lambda: batched.lower(P))
    t_compile, compiled = timed(lowered.compile)
    _, out = timed(lambda: compiled(P))
    ref_loop = lambda: [np_solve_wire(q[0], q[1], q[3], q[2]) for q in points]
    ref = ref_loop()  # warm-up, and the results compared below
    # the same points through jax.lax.map (one point at a time inside one jitted call)
    mapped = jax.jit(lambda Q: jax.lax.map(f, Q))
    t_mc, out_map = timed(lambda: mapped(P))
    specs = [(lambda: compiled(P), repeats), (ref_loop, ref_repeats), (lambda: mapped(P), repeats)]
    if pointwise:  # jit(point) called from a Python loop
        single = jax.jit(f)
        t_pc, _ = timed(lambda: single(P[0]))
        specs.append((lambda: [single(q) for q in P], max(1, repeats // 2)))
    t_batch, t_ref, t_map, *t_pw = interleaved_timing(*specs)
    print(f"jaxdiss jit(vmap): trace+lower {fmt(t_lower)}, compile {fmt(t_compile)}; run "
          f"{fmt(t_batch, 'ms')} per batch (median of {repeats}, interleaved with the others) "
          f"= {float(t_batch) / len(points) * 1e3:.1f} ms/point; converged "
          f"{int(np.sum(out['converged']))}/{len(points)}", flush=True)
    print(f"jaxdiss jit(lax.map): first call {fmt(t_mc)}; run {fmt(t_map, 'ms')} per batch; "
          f"= vmap to {max(abs(float(a) - float(b)) / abs(float(b)) for a, b in zip(out_map['current'], out['current'])):.0e}",
          flush=True)
    res = dict(points=points.tolist(), t_lower=t_lower.record(), t_compile=t_compile.record(),
               batch=t_batch.record(), converged=int(np.sum(out["converged"])),
               map_first=t_mc.record(), map=t_map.record(),
               ratio_map=float(t_ref) / float(t_map), ratio_map_cpu=t_ref.cpu / t_map.cpu)
    if pointwise:
        t_pw = t_pw[0]
        print(f"jaxdiss jit(point) in a Python loop: compile {fmt(t_pc)}; {fmt(t_pw, 'ms')} "
              f"per 16 points", flush=True)
        res.update(pointwise_compile=t_pc.record(), pointwise=t_pw.record(),
                   ratio_pointwise=float(t_ref) / float(t_pw),
                   ratio_pointwise_cpu=t_ref.cpu / t_pw.cpu)
    devs = []
    for i in range(len(points)):
        dev, _ = deviation({k: out[k][i] for k in FIELDS}, ref[i])
        devs.append(dev)
    ratio = float(t_ref) / float(t_batch)
    ratio_cpu = t_ref.cpu / t_batch.cpu
    print(f"NumPy/SciPy loop over the same points: {fmt(t_ref, 'ms')} (median of {ref_repeats})"
          f" = {float(t_ref) / len(points) * 1e3:.1f} ms/point; agreement max rel dev "
          f"{max(devs):.1e} (I, F_ext, e phi(0-), e phi(0+); worst point "
          f"{points[int(np.argmax(devs))].tolist()})", flush=True)
    extra = (f"; jit(point) loop {res['ratio_pointwise']:.2f}x (cpu "
             f"{res['ratio_pointwise_cpu']:.2f}x)" if pointwise else "")
    print(f"speed: jaxdiss jit(vmap) {ratio:.2f}x the NumPy/SciPy loop (cpu {ratio_cpu:.2f}x), "
          f"target >= 3x; jit(lax.map) {res['ratio_map']:.2f}x (cpu "
          f"{res['ratio_map_cpu']:.2f}x){extra}", flush=True)
    res.update(reference=t_ref.record(), dev=max(devs), devs=devs, ratio=ratio,
               ratio_cpu=ratio_cpu,
               current=[float(v) for v in out["current"]],
               potential_right=[float(v) for v in out["potential_right"]])
    results["batch"] = res
    return res


def part_gradient(results, points, repeats):
    """jit(grad I wrt (ε0, Γ)) vs jit(I) at `points` (ε0, Γ) with kT = 0.3, eV = 0.1."""
    print(f"\n=== gradient of I w.r.t. (eps0, Gamma) at kT = {KT}, eV = {EV}, "
          f"n_momentum = 256 ===", flush=True)
    I = lambda q: jd.solve_wire(jd.Lorentzian(q[0], q[1]), EV, KT).current
    fwd, grad = jax.jit(I), jax.jit(jax.grad(I))
    rows = []
    for e0, g0 in points:
        x = jnp.array([e0, g0])
        t_cf, _ = timed(lambda: fwd(x))
        t_cg, g = timed(lambda: grad(x))
        t_f, t_g = interleaved_timing((lambda: fwd(x), repeats), (lambda: grad(x), repeats))
        fd = []
        for k in range(2):
            h = 1e-5 * float(x[k])
            e = jnp.zeros(2).at[k].set(h)
            fd.append((float(fwd(x + e)) - float(fwd(x - e))) / (2 * h))
        fd, g = np.array(fd), np.asarray(g)
        row = dict(eps0=e0, gamma=g0, fwd=t_f.record(), grad=t_g.record(),
                   compile_fwd=t_cf.record(), compile_grad=t_cg.record(),
                   ratio=float(t_g) / float(t_f), ratio_cpu=t_g.cpu / t_f.cpu,
                   grad_value=g.tolist(), fd=fd.tolist(),
                   fd_dev=float(np.max(np.abs(g - fd) / np.abs(fd))))
        rows.append(row)
        print(f"  (eps0, Gamma) = ({e0}, {g0}): forward {fmt(t_f, 'ms')}, gradient "
              f"{fmt(t_g, 'ms')} (median of {repeats}); ratio {row['ratio']:.2f} (cpu "
              f"{row['ratio_cpu']:.2f}); first calls (compile) {float(t_cf):.1f} s / "
              f"{float(t_cg):.1f} s; "
              f"dI/d(eps0, Gamma) = ({g[0]:.6e}, {g[1]:.6e}), vs central difference "
              f"{row['fd_dev']:.0e}", flush=True)
    results["gradient"] = rows
    return rows


def part_profile(results, repeats):
    """Where one point's time goes (N = 256, default point), jitted pieces against their
    NumPy counterparts. Uses library internals: skipped if they changed."""
    try:
        from jaxdiss._linear import refined_solve
        from jaxdiss.wire._modes import secular_roots
    except ImportError as exc:
        print(f"profile skipped ({exc})", flush=True)
        return None
    n, m = 256, 64
    grids = np_grids(EV, KT, n, m)
    args = []
    for u, w in grids:
        d = np_dfermi(u ** 2, KT)
        args += [u, w * (d / np.sum(w * d)) * u ** 2]
    jargs = [jnp.asarray(a) for a in args]
    _, S, b = np_solve_wire(EPS0, GAMMA, EV, KT, n=n, system=True)
    jS, jb = jnp.asarray(S), jnp.asarray(b)
    roots_j = jax.jit(lambda uL, aL, uR, aR: (secular_roots(uL, aL), secular_roots(uR, aR)))
    solve_j = jax.jit(refined_solve)
    point_j = jax.jit(lambda q: lib_point(q))
    q = jnp.array([EPS0, GAMMA, KT, EV])
    pieces = [
        ("secular roots, both grids", lambda: roots_j(*jargs),
         lambda: [np_secular_roots(args[0], args[1]), np_secular_roots(args[2], args[3])]),
        ("dense solve, 575 x 575 (float32 LU + refinement)", lambda: solve_j(jS, jb),
         lambda: scipy.linalg.solve(S, b, check_finite=False)),
        ("whole point (jit(solve_wire) | np_solve_wire)", lambda: point_j(q),
         lambda: np_solve_wire(EPS0, GAMMA, EV, KT)),
    ]
    rows = []
    print(f"\n=== profile of one point (N = 256), best of {repeats}, jitted pieces | NumPy ===",
          flush=True)
    for name, fj, fn in pieces:
        jax.block_until_ready(fj())
        fn()
        tj, tn = [], []
        for _ in range(repeats):
            tj.append(timed(fj)[0])
            tn.append(timed(fn)[0])
        bj, bn = min(tj, key=float), min(tn, key=float)
        rows.append(dict(piece=name, jax=bj.record(), numpy=bn.record()))
        print(f"  {name:48s} {fmt(bj, 'ms'):38s} | {fmt(bn, 'ms')}", flush=True)
    results["profile"] = rows
    return rows


# ----------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------

def _git(*args):
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except Exception:
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run (< 2 min)")
    ap.add_argument("--sizes", default=None,
                    help="n_momentum values, comma separated (default 64,128,256,512,1024; "
                         "--quick 64,128,256,512); 256 is always included")
    ap.add_argument("--repeats", type=int, default=None, help="median of this many runs")
    ap.add_argument("--no-profile", action="store_true",
                    help="skip the per-point profile (skipped with --quick)")
    ap.add_argument("--no-pointwise", action="store_true",
                    help="skip jit(point) in a loop (skipped with --quick)")
    ap.add_argument("--single-core", action="store_true",
                    help="pin the process to one core with one BLAS thread (NumPy and XLA), "
                         "the steadier measure on a loaded machine")
    ap.add_argument("--blas-threads", type=int, default=1,
                    help="BLAS threads of both implementations (default 1; 0: the libraries' "
                         "defaults); takes effect only when run as a script")
    ap.add_argument("--json", default=None, help="write the measured figures to this file")
    args = ap.parse_args(argv)
    quick = args.quick
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [64, 128, 256, 512] if quick else [64, 128, 256, 512, 1024])
    sizes = sorted(set(sizes) | {256})
    rep = args.repeats or (3 if quick else 7)
    repeats = {n: (rep if n <= 512 else max(2, rep // 2)) for n in sizes}
    ref_repeats = {n: (rep if n <= 256 else max(1, rep // 3)) for n in sizes}
    load0, wall0, cpu0 = load(), time.perf_counter(), time.process_time()

    head, dirty = _git("rev-parse", "--short", "HEAD"), _git("status", "--porcelain", "--", "jaxdiss")
    print("jaxdiss wire benchmark: linearized Boltzmann wire + Lorentzian scatterer (BW paper)")
    print(f"jax {jax.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, python "
          f"{platform.python_version()}, {os.cpu_count()} cores, backend "
          f"{jax.default_backend()}; commit {head}"
          f"{' + uncommitted changes in jaxdiss/' if dirty else ''}; load average at start "
          f"{load0:.1f}", flush=True)
    affinity = sorted(os.sched_getaffinity(0))
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "library default")
    print(f"threads: {'one core (pinned to CPU ' + str(affinity[0]) + ')' if args.single_core else 'all cores'}; "
          f"BLAS threads (OPENBLAS_NUM_THREADS): {blas}", flush=True)
    results = dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                   jax=jax.__version__, numpy=np.__version__, scipy=scipy.__version__,
                   equinox=__import__("equinox").__version__,
                   python=platform.python_version(), cores=os.cpu_count(),
                   commit=head, jaxdiss_dirty=dirty.splitlines(), load_start=load0,
                   quick=quick, sizes=sizes, single_core=args.single_core,
                   blas_threads=os.environ.get("OPENBLAS_NUM_THREADS"),
                   affinity=affinity)
    jax.block_until_ready(jnp.ones(4) + 1.0)  # backend start-up outside every timing

    # 2 first: the first solve_wire call at each N is its compile (fresh process)
    grid_rows = part_grid(results, sizes, repeats, ref_repeats)
    print("\n=== reference agreement (n_momentum = 256) ===", flush=True)
    pts = batch_points()
    agree_pts = pts[[1, 6, 11, 12]] if quick else pts[[0, 1, 6, 7, 9, 11, 12, 14]]
    dev_ref = part_reference(results, agree_pts)
    batch = part_batch(results, pts, 3 if quick else 7, 2 if quick else 5,
                       pointwise=not (quick or args.no_pointwise))
    if not (quick or args.no_profile):
        part_profile(results, 2 * rep)
    grads = part_gradient(results, [(EPS0, GAMMA)] if quick else [(EPS0, GAMMA), (0.64, GAMMA)],
                          rep)

    # --- summary ---------------------------------------------------------------------------
    default = next(r for r in grid_rows if r["n"] == 256)
    dev_all = max([dev_ref, batch["dev"]] + [r["dev_ref"] for r in grid_rows])
    g_ratio = float(np.median([r["ratio"] for r in grads]))
    g_ratio_cpu = float(np.median([r["ratio_cpu"] for r in grads]))
    targets = {
        "agreement <= 1e-8": dev_all <= 1e-8,
        "single solve <= 0.2 s": default["run"]["wall"] <= 0.2,
        "compile <= 20 s": default["first"]["wall"] <= 20.0,
        "batch >= 3x the NumPy loop": batch["ratio"] >= 3.0,
    }
    status = {k: "PASS" if v else "MISS" for k, v in targets.items()}
    print("\nsummary (wall time; cpu in parentheses; ratios: NumPy/SciPy time over jaxdiss "
          "time)")
    print("| quantity | jaxdiss | NumPy/SciPy | ratio | target | status |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| max rel. deviation, I, F_ext, e phi(0+-), {len(agree_pts)} + 16 + {len(sizes)} "
          f"solves | {dev_all:.1e} | | | <= 1e-8 | {status['agreement <= 1e-8']} |")
    print(f"| single solve_wire, kT = 0.3, N = 256 | {default['run']['wall'] * 1e3:.1f} ms "
          f"({default['run']['cpu'] * 1e3:.1f} ms) | {default['reference']['wall'] * 1e3:.1f} "
          f"ms ({default['reference']['cpu'] * 1e3:.1f} ms) | {default['ratio']:.2f}x "
          f"({default['ratio_cpu']:.2f}x) | <= 0.2 s | {status['single solve <= 0.2 s']} |")
    print(f"| first call (compile + run), N = 256 | {default['first']['wall']:.1f} s | | | "
          f"<= 20 s | {status['compile <= 20 s']} |")
    print(f"| batch of 16, jit(vmap) vs loop | {batch['batch']['wall'] * 1e3:.0f} ms "
          f"({batch['batch']['cpu'] * 1e3:.0f} ms) | {batch['reference']['wall'] * 1e3:.0f} ms "
          f"({batch['reference']['cpu'] * 1e3:.0f} ms) | {batch['ratio']:.2f}x "
          f"({batch['ratio_cpu']:.2f}x) | >= 3x | {status['batch >= 3x the NumPy loop']} |")
    print(f"| batch of 16, jit(lax.map) vs loop | {batch['map']['wall'] * 1e3:.0f} ms "
          f"({batch['map']['cpu'] * 1e3:.0f} ms) | | {batch['ratio_map']:.2f}x "
          f"({batch['ratio_map_cpu']:.2f}x) | (context) | |")
    if "pointwise" in batch:
        print(f"| batch of 16, jit(point) in a Python loop | {batch['pointwise']['wall'] * 1e3:.0f}"
              f" ms ({batch['pointwise']['cpu'] * 1e3:.0f} ms) | | "
              f"{batch['ratio_pointwise']:.2f}x ({batch['ratio_pointwise_cpu']:.2f}x) | "
              f"(context) | |")
    print(f"| batch compile, jit(vmap) (trace+lower+compile) | "
          f"{batch['t_lower']['wall'] + batch['t_compile']['wall']:.1f} s | | | | |")
    print(f"| gradient / forward, (eps0, Gamma) | {g_ratio:.2f} ({g_ratio_cpu:.2f}) | | | "
          f"none set | |")
    print(f"| run time ~ N^alpha, N >= 256 | alpha = {results['grid']['alpha']:.2f} "
          f"({results['grid']['alpha_cpu']:.2f}) | alpha = "
          f"{results['grid']['alpha_reference']:.2f} | | | |")
    print("\n| N | unknowns | first call | run | NumPy ref | ref/jaxdiss | dI/I vs finest "
          "| d e phi(0+) vs finest | dev vs ref | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in grid_rows:
        print(f"| {r['n']} | {r['unknowns']} | {r['first']['wall']:.1f} s | "
              f"{r['run']['wall'] * 1e3:.1f} ms ({r['run']['cpu'] * 1e3:.1f}) | "
              f"{r['reference']['wall'] * 1e3:.1f} ms ({r['reference']['cpu'] * 1e3:.1f}) | "
              f"{r['ratio']:.2f}x | {r['err_current']:.1e} | {r['err_potential']:.1e} | "
              f"{r['dev_ref']:.0e} | {r['run']['load']:.1f} |")
    print("targets: " + "; ".join(f"{k} {s}" for k, s in status.items()))
    load1 = load()
    total = Timing(time.perf_counter() - wall0, time.process_time() - cpu0)
    results.update(targets=targets, deviation_max=dev_all, gradient_ratio=g_ratio,
                   gradient_ratio_cpu=g_ratio_cpu, load_end=load1, total=total.record())
    print(f"total {fmt(total)}; load average at end {load1:.1f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=lambda o: o.item()
                      if hasattr(o, "item") else str(o))
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
