"""Benchmark: `jd.landauer_dissipation` over a (μ̄, eV) grid for the abrupt QPC.

Times a sweep of the Landauer–Büttiker dissipation (QPC paper, Eqs. 1–5) for
``jd.AbruptQPC()`` (energies in E1, L = 2w, 10 channels) on an n × n grid of
μ̄/E1 ∈ [0.5, 10] and eV/E1 ∈ [0.01, 1] at kT/E1 = 0.04 against

(a) plain NumPy at the *same* quadrature (the nodes and weights of ``jd.fixed_grid``),
    evaluated point by point as a user's script would: the abrupt-QPC transmission and the
    Fermi window are re-implemented here from the formulas (DESIGN.md §4, qpc.py docstring),
    and T is evaluated at the nodes for every point;
(b) a ``scipy.integrate.quad`` loop (``points=`` at the thresholds E = m² and at μ_L, μ_R;
    epsrel 1e-10, epsabs 1e-15), two integrals per point.

(a) and (b) run on a random subset of the grid and are extrapolated per point. jaxdiss runs
as one ``jax.jit(jax.vmap(...))`` kernel over chunks of the grid (compile timed separately,
ahead of time), and also through ``jaxdiss.sweep.sweep`` end to end. The time is split into
T(E) at the nodes and the Fermi-window part (window-only kernel with precomputed T values).

Accuracy: on a sample of grid points jaxdiss, the NumPy version and the quad loop are
compared with a high-accuracy reference (quad at epsrel 1e-12, itself cross-checked against
jaxdiss on a much finer fixed grid): max relative error on P_L, P_R, P_A and I.

``--variants`` also times what-if choices that keep the 1e-8 accuracy (grids without
empty panels, other ``fixed_grid`` orders / panel widths, chunk sizes, a cheaper form of
the equal-temperature Fermi window), each checked against the reference.

    python benchmarks/landauer.py            # 200 x 200 grid (the figures in README.md)
    python benchmarks/landauer.py --quick    # 40 x 40 smoke run, small subsets
    python benchmarks/landauer.py --n 100 --variants
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
import warnings

import numpy as np

import jaxdiss as jd  # enables float64
import jax
import jax.numpy as jnp
import scipy
from scipy.integrate import IntegrationWarning, quad
from scipy.special import expit

from jaxdiss.sweep import sweep

KT = 0.04
MU_RANGE = (0.5, 10.0)
BIAS_RANGE = (0.01, 1.0)
TAIL = 40.0  # windows are μ ± 40 kT
SPIN = 2.0
LENGTH = 2.0
N_MODES = 10
FIELDS = ("power_left", "power_right", "asymmetry", "current")
LABELS = {"power_left": "P_L", "power_right": "P_R", "asymmetry": "P_A", "current": "I"}


# ----------------------------------------------------------------------------------------
# Independent NumPy implementation (from the formulas, not from jaxdiss code)
# ----------------------------------------------------------------------------------------

def np_transmission(E, length=LENGTH, n_modes=N_MODES):
    """Abrupt QPC, energies in E1, w = 1: T(E) = Σ_n τ_n², τ_n = 4|K_n| Re(𝒦_n)/|D_n|.

    k = (π/2)√E, Q_n = πn/2, K_n = √(k² − Q_n²) (principal branch),
    𝒦_n = (1/π)∫_{Q_{n−1}}^{Q_{n+1}} √(k² − q²) dq,
    D_n = (K_n + 𝒦_n)² e^{−iK_nL} − (K_n − 𝒦_n)² e^{iK_nL}; at K_n → 0,
    D_n ≈ 2K_n𝒦_n(2 − i𝒦_nL). T = 0 for E ≤ 0.
    """
    E = np.asarray(E, dtype=float)
    Ep = np.where(E > 0, E, 1.0)[..., None]
    k = 0.5 * np.pi * np.sqrt(Ep)
    n = np.arange(1, n_modes + 1)

    def antiderivative(q):  # ∫_0^q √(k² − q'²) dq', principal branch
        r = q / k
        rb, ra = np.minimum(r, 1.0), np.maximum(r, 1.0)
        inside = 0.5 * k * k * (rb * np.sqrt(1.0 - rb * rb) + np.arcsin(rb))
        outside = 0.25 * np.pi * k * k + 0.5j * k * k * (ra * np.sqrt(ra * ra - 1.0) - np.arccosh(ra))
        return np.where(r <= 1.0, inside + 0j, outside)

    cal_k = (antiderivative(0.5 * np.pi * (n + 1)) - antiderivative(0.5 * np.pi * (n - 1))) / np.pi
    K = np.sqrt(k * k - (0.5 * np.pi * n) ** 2 + 0j)
    small = np.abs(K) < 1e-7
    Ks = np.where(small, 1.0, K)
    D = (Ks + cal_k) ** 2 * np.exp(-1j * Ks * length) - (Ks - cal_k) ** 2 * np.exp(1j * Ks * length)
    tau = np.where(
        small,
        2.0 * cal_k.real / np.abs(cal_k * (2.0 - 1j * cal_k * length)),
        4.0 * np.abs(Ks) * cal_k.real / np.abs(D),
    )
    return np.where(E > 0, np.sum(tau**2, axis=-1), 0.0)


def np_window(E, mu_left, mu_right, kT):
    """f_L − f_R with f = 1/(e^{(E−μ)/kT} + 1) (scipy.special.expit, overflow-safe)."""
    return expit(-(E - mu_left) / kT) - expit(-(E - mu_right) / kT)


def _record(mubar, bias, m0, m1):
    """P_L, P_R, P_A, I from m0 = ∫T w dE, m1 = ∫(E − μ̄) T w dE (spin 2)."""
    half = 0.5 * bias
    return {
        "power_left": SPIN * (half * m0 - m1),
        "power_right": SPIN * (m1 + half * m0),
        "asymmetry": 2.0 * SPIN * m1,
        "current": SPIN * m0,
    }


def numpy_point(mubar, bias, nodes, weights, kT=KT):
    """One operating point as a user's script would do it: T at every node, then the window."""
    t = np_transmission(nodes)
    tw = t * np_window(nodes, mubar + 0.5 * bias, mubar - 0.5 * bias, kT) * weights
    return _record(mubar, bias, np.sum(tw), np.sum((nodes - mubar) * tw))


def numpy_hoisted(mubars, biases, nodes, weights, kT=KT):
    """Context only: T evaluated once, then the window point by point."""
    tww = np_transmission(nodes) * weights
    out = []
    for mb, ev in zip(mubars, biases):
        tw = tww * np_window(nodes, mb + 0.5 * ev, mb - 0.5 * ev, kT)
        out.append(_record(mb, ev, np.sum(tw), np.sum((nodes - mb) * tw)))
    return out


def quad_point(mubar, bias, *, epsrel, epsabs=1e-15, limit=2000, kT=KT):
    """scipy quad of m0 and m1 over [max(0, μ_R − 40kT), μ_L + 40kT] with breakpoints."""
    mu_l, mu_r = mubar + 0.5 * bias, mubar - 0.5 * bias
    lo, hi = max(0.0, mu_r - TAIL * kT), mu_l + TAIL * kT
    kinks = [float(m * m) for m in range(N_MODES + 2)]
    points = sorted(p for p in kinks + [mu_l, mu_r] if lo < p < hi)

    def f0(E):
        return np_transmission(E) * np_window(E, mu_l, mu_r, kT)

    def f1(E):
        return (E - mubar) * np_transmission(E) * np_window(E, mu_l, mu_r, kT)

    opts = dict(points=points, epsrel=epsrel, epsabs=epsabs, limit=limit)
    m0 = quad(f0, lo, hi, **opts)[0]
    m1 = quad(f1, lo, hi, **opts)[0]
    return _record(mubar, bias, m0, m1)


# ----------------------------------------------------------------------------------------
# jaxdiss kernels
# ----------------------------------------------------------------------------------------

class Timing(float):
    """Best wall-clock seconds (a float) with the process CPU seconds of that run in `.cpu`."""

    def __new__(cls, wall, cpu):
        obj = super().__new__(cls, wall)
        obj.cpu = cpu
        return obj


def _best(fn, repeats):
    """Best of `repeats` calls: (Timing(wall, cpu), last output)."""
    best = None
    out = None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        t = Timing(time.perf_counter() - t0, time.process_time() - c0)
        best = t if best is None or t < best else best
    return best, out


def chunked(flat_args, size):
    """Equal-shaped chunks (last padded by repeating its final point) and the true count."""
    n = flat_args[0].shape[0]
    chunks = -(-n // size)
    pad = chunks * size - n
    padded = [np.concatenate([a, np.repeat(a[-1:], pad)]) for a in flat_args]
    return [[jnp.asarray(a[c * size:(c + 1) * size]) for a in padded] for c in range(chunks)], n


def time_kernel(point_fn, mu, bias, chunk_size, repeats, extra=(), in_axes=None):
    """AOT trace+lower and compile of jit(vmap(point_fn)) on one chunk, then the best run
    over all chunks (results pulled back to host). Returns (t_lower, t_compile, t_run, out)."""
    size = min(chunk_size, mu.size)
    parts, n = chunked([mu, bias], size)
    in_axes = in_axes if in_axes is not None else (0, 0) + (None,) * len(extra)
    batched = jax.jit(jax.vmap(point_fn, in_axes=in_axes))
    t0 = time.perf_counter()
    lowered = batched.lower(*parts[0], *extra)
    t1 = time.perf_counter()
    compiled = lowered.compile()
    t2 = time.perf_counter()

    def run():
        outs = [jax.tree_util.tree_map(np.asarray, compiled(*p, *extra)) for p in parts]
        return jax.tree_util.tree_map(lambda *xs: np.concatenate(xs)[:n], *outs)

    t_run, out = _best(run, repeats)
    return t1 - t0, t2 - t1, t_run, out


def dissipation_fn(T, grid, kT=KT):
    """One operating point through the public API: jd.landauer_dissipation on `grid`."""

    def point(m, b):
        r = jd.landauer_dissipation(T, m, b, kT, grid=grid)
        return {f: getattr(r, f) for f in FIELDS}

    return point


def window_only_fn(grid, kT=KT):
    """The library's own point function with the T values passed in: what a sweep costs
    when T(E) is not evaluated at all, i.e. the Fermi windows and the sums alone."""

    def point(m, b, t_values):
        r = jd.landauer_dissipation(lambda E: t_values, m, b, kT, grid=grid)
        return {"power_left": r.power_left, "power_right": r.power_right,
                "asymmetry": r.asymmetry, "current": r.current}

    return point


def hoisted_fn(T, grid, kT=KT):
    """`landauer_dissipation` with T(nodes) computed once, outside the chunk loop: the
    transmission passed is a callable that returns the precomputed values (public API)."""
    t_values = jax.jit(lambda e: T(e))(grid.nodes)
    return dissipation_fn(lambda E: t_values, grid, kT)


def prune(grid):
    """The same rule without the zero-width panels (clipped ladder edges) of `fixed_grid`."""
    keep = np.asarray(grid.weights) != 0.0
    return jd.EnergyGrid(jnp.asarray(np.asarray(grid.nodes)[keep]),
                         jnp.asarray(np.asarray(grid.weights)[keep]))


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------

def rel_errors(values, reference):
    """Max relative error per field over the sample: {field: max |v − r|/|r|}."""
    out = {}
    for f in FIELDS:
        v = np.array([x[f] for x in values]) if isinstance(values, list) else np.asarray(values[f])
        r = np.array([x[f] for x in reference])
        out[f] = float(np.max(np.abs(v - r) / np.abs(r)))
    return out


def fmt_err(errs):
    return "  ".join(f"{LABELS[f]} {errs[f]:.1e}" for f in FIELDS)


def sample_indices(n, k, rng):
    """k random flat grid indices plus the corners and the rows nearest the steps E = 1, 4, 9."""
    mus = np.linspace(*MU_RANGE, n)
    special = []
    for i in (0, n - 1):
        for j in (0, n - 1):
            special.append(i * n + j)
    for step in (1.0, 4.0, 9.0):
        i = int(np.argmin(np.abs(mus - step)))
        special += [i * n, i * n + n // 2, i * n + n - 1]
    rand = rng.choice(n * n, size=max(0, min(k, n * n)), replace=False).tolist()
    return np.array(sorted(set(special) | set(rand)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="grid side (n × n points; default 200)")
    ap.add_argument("--quick", action="store_true", help="smoke run: n = 40, small subsets")
    ap.add_argument("--chunk-size", type=int, default=4096,
                    help="points per vmapped chunk (default 4096, jaxdiss.sweep's default)")
    ap.add_argument("--numpy-subset", type=int, default=None, help="points timed in NumPy")
    ap.add_argument("--quad-subset", type=int, default=None, help="points timed with quad")
    ap.add_argument("--sample", type=int, default=None, help="random points in the accuracy check")
    ap.add_argument("--repeats", type=int, default=None, help="best of this many runs")
    ap.add_argument("--variants", action="store_true", help="also time what-if choices")
    ap.add_argument("--variant-chunk", type=int, default=256, help="chunk size of the variants")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None, help="write the measured figures to this file")
    args = ap.parse_args(argv)

    quick = args.quick
    n = 40 if quick and args.n == 200 else args.n
    n_np = args.numpy_subset or (40 if quick else 400)
    n_quad = args.quad_subset or (4 if quick else 24)
    n_sample = args.sample or (8 if quick else 24)
    repeats = args.repeats or (1 if quick else 3)
    rng = np.random.default_rng(args.seed)
    load0 = os.getloadavg()
    wall0 = time.perf_counter()

    T = jd.AbruptQPC(length=LENGTH, n_modes=N_MODES)
    mus = np.linspace(*MU_RANGE, n)
    biases = np.linspace(*BIAS_RANGE, n)
    MU, V = (a.ravel() for a in np.meshgrid(mus, biases, indexing="ij"))
    npts = MU.size
    e_min = MU_RANGE[0] - 0.5 * BIAS_RANGE[1] - TAIL * KT   # clipped at T's support E ≥ 0
    e_max = MU_RANGE[1] + 0.5 * BIAS_RANGE[1] + TAIL * KT

    t0 = time.perf_counter()
    grid = jd.fixed_grid(T, e_min, e_max, kT_min=KT)
    jax.block_until_ready(grid.nodes)
    t_grid = time.perf_counter() - t0
    nodes, weights = np.asarray(grid.nodes), np.asarray(grid.weights)
    n_nodes = nodes.size
    n_nonzero = int(np.count_nonzero(weights))
    chunk = min(args.chunk_size, npts)
    n_chunks = -(-npts // chunk)

    print(f"jaxdiss Landauer benchmark: AbruptQPC(length={LENGTH}, n_modes={N_MODES}), "
          f"kT/E1 = {KT}, {n}x{n} grid, mubar/E1 in {list(MU_RANGE)}, eV/E1 in {list(BIAS_RANGE)}")
    print(f"grid = fixed_grid(T, {e_min:g}, {e_max:g}, kT_min={KT}): {n_nodes} nodes "
          f"({n_nodes // 16} panels x 16), {n_nonzero} with non-zero weight; built in {t_grid:.2f} s")
    print(f"jax {jax.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"python {platform.python_version()}, {os.cpu_count()} cores, backend "
          f"{jax.default_backend()}; load average at start {load0[0]:.1f}", flush=True)

    # --- jaxdiss: AOT compile, then the compiled kernel over all chunks -------------------
    point = dissipation_fn(T, grid)
    t_lower, t_compile, t_run, jx = time_kernel(point, MU, V, chunk, repeats)
    print(f"jaxdiss: trace+lower {t_lower:.2f} s, compile {t_compile:.2f} s, run {t_run:.2f} s "
          f"(cpu {t_run.cpu:.2f} s; {n_chunks} chunks of {chunk})", flush=True)

    # jaxdiss.sweep.sweep end to end (it jits a fresh vmap on every call: compile included)
    t0 = time.perf_counter()
    sw = jax.block_until_ready(sweep(point, MU, V, chunk_size=chunk))
    t_sweep = time.perf_counter() - t0
    sweep_diff = max(float(np.max(np.abs(np.asarray(sw[f]) - jx[f]))) for f in FIELDS)

    # --- split: T at the nodes, window-only kernel ------------------------------------------
    t_of = jax.jit(lambda e: T(e)).lower(grid.nodes).compile()
    t_values = t_of(grid.nodes).block_until_ready()
    t_T, _ = _best(lambda: t_of(grid.nodes).block_until_ready(), 20)
    _, _, t_win, _ = time_kernel(window_only_fn(grid), MU, V, chunk, repeats, extra=(t_values,))
    print(f"T at the nodes {t_T * 1e3:.2f} ms; window-only kernel {t_win:.2f} s", flush=True)

    # --- NumPy point by point on a subset ----------------------------------------------------
    idx_sample = sample_indices(n, n_sample, rng)
    idx_np = np.unique(np.concatenate(
        [idx_sample, rng.choice(npts, size=min(n_np, npts), replace=False)]))
    t_np, np_list = _best(lambda: [numpy_point(MU[i], V[i], nodes, weights) for i in idx_np], 1)
    np_vals = dict(zip(idx_np.tolist(), np_list))
    t_np_hoist, _ = _best(lambda: numpy_hoisted(MU[idx_np], V[idx_np], nodes, weights), 1)
    t_np_point = Timing(t_np / idx_np.size, t_np.cpu / idx_np.size)
    t_np_hoist_point = t_np_hoist / idx_np.size
    print(f"NumPy point by point: {t_np_point * 1e3:.2f} ms/point over {idx_np.size} points",
          flush=True)

    # --- scipy quad loop on a subset -----------------------------------------------------------
    idx_quad = np.unique(np.concatenate([idx_sample[: max(1, n_quad // 2)],
                                         rng.choice(npts, size=n_quad, replace=False)]))[:n_quad]
    with warnings.catch_warnings(record=True) as quad_warn:
        warnings.simplefilter("always", IntegrationWarning)
        t_q, q_list = _best(lambda: [quad_point(MU[i], V[i], epsrel=1e-10) for i in idx_quad], 1)
    quad_vals = dict(zip(idx_quad.tolist(), q_list))
    t_quad_point = Timing(t_q / idx_quad.size, t_q.cpu / idx_quad.size)
    print(f"quad loop: {t_quad_point * 1e3:.1f} ms/point over {idx_quad.size} points "
          f"({len(quad_warn)} IntegrationWarnings)", flush=True)

    # --- accuracy against a high-accuracy reference ----------------------------------------
    with warnings.catch_warnings(record=True) as ref_warn:
        warnings.simplefilter("always", IntegrationWarning)
        ref = [quad_point(MU[i], V[i], epsrel=1e-12, epsabs=1e-16, limit=5000) for i in idx_sample]
    fine = jd.fixed_grid(T, e_min, e_max, kT_min=KT, panel_width=1.0, order=24, levels=16)
    fine_out = jax.tree_util.tree_map(np.asarray, jax.jit(jax.vmap(dissipation_fn(T, fine)))(
        jnp.asarray(MU[idx_sample]), jnp.asarray(V[idx_sample])))
    err_ref = rel_errors(fine_out, ref)  # the reference against an independent, finer rule
    err_jx = rel_errors({f: jx[f][idx_sample] for f in FIELDS}, ref)
    err_np = rel_errors([np_vals[int(i)] for i in idx_sample], ref)
    in_quad = [k for k, i in enumerate(idx_sample) if int(i) in quad_vals]
    err_quad = rel_errors([quad_vals[int(idx_sample[k])] for k in in_quad],
                          [ref[k] for k in in_quad]) if in_quad else None
    pa_min = min(abs(r["asymmetry"]) / abs(r["power_left"] + r["power_right"]) for r in ref)

    # --- table ---------------------------------------------------------------------------
    t_np_full = t_np_point * npts
    t_quad_full = t_quad_point * npts
    r_np, r_quad = t_np_full / t_run, t_quad_full / t_run
    r_np_cpu = t_np_point.cpu * npts / t_run.cpu
    r_quad_cpu = t_quad_point.cpu * npts / t_run.cpu
    t_T_run = t_T * n_chunks
    rows = [
        ("jaxdiss trace + lower", f"{t_lower:.2f} s", ""),
        ("jaxdiss XLA compile", f"{t_compile:.2f} s", "target: trace+lower+compile <= 10 s"),
        (f"jaxdiss run, {npts} points", f"{t_run:.2f} s",
         f"cpu {t_run.cpu:.2f} s; {t_run / npts * 1e6:.0f} us/point; {n_chunks} chunks of {chunk}"),
        ("jaxdiss.sweep.sweep(), one call", f"{t_sweep:.2f} s", "compiles on every call"),
        ("  T(E) at the nodes, once", f"{t_T * 1e3:.2f} ms",
         f"once per chunk: {t_T_run:.3f} s = {100 * t_T_run / t_run:.1f} % of the run"),
        ("  window-only kernel (T given)", f"{t_win:.2f} s", f"full / window-only = {t_run / t_win:.2f}"),
        ("NumPy point by point, per point", f"{t_np_point * 1e3:.2f} ms",
         f"subset of {idx_np.size} points, same {n_nodes} nodes"),
        ("NumPy point by point, extrapolated", f"{t_np_full:.0f} s",
         f"jaxdiss {r_np:.0f}x faster (cpu: {r_np_cpu:.0f}x); target >= 20x"),
        ("  NumPy, T hoisted (context only)", f"{t_np_hoist_point * npts:.1f} s",
         f"{t_np_hoist_point * 1e3:.3f} ms/point; jaxdiss {t_np_hoist_point * npts / t_run:.1f}x faster"),
        ("quad loop, per point", f"{t_quad_point * 1e3:.1f} ms",
         f"subset of {idx_quad.size} points, epsrel 1e-10, epsabs 1e-15"),
        ("quad loop, extrapolated", f"{t_quad_full:.0f} s",
         f"jaxdiss {r_quad:.0f}x faster (cpu: {r_quad_cpu:.0f}x); target >= 300x"),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print()
    print(f"| {'step':{w0}} | {'time':>{w1}} | notes")
    print(f"|{'-' * (w0 + 2)}|{'-' * (w1 + 1)}:|------")
    for name, val, note in rows:
        print(f"| {name:{w0}} | {val:>{w1}} | {note}")
    print()
    print(f"quadrature nodes: {n_nodes} ({n_nonzero} with non-zero weight); best of {repeats}; "
          f"sweep() = kernel to {sweep_diff:.0e}")
    print(f"accuracy: max relative error over {idx_sample.size} grid points against quad at "
          f"epsrel 1e-12 ({len(ref_warn)} IntegrationWarnings; min |P_A|/(P_L+P_R) = {pa_min:.1e}):")
    print(f"  jaxdiss (fixed_grid defaults)        {fmt_err(err_jx)}")
    print(f"  NumPy (same nodes and weights)       {fmt_err(err_np)}")
    if err_quad is not None:
        print(f"  quad loop (epsrel 1e-10, {len(in_quad):2d} points)  {fmt_err(err_quad)}")
    print(f"  reference vs jaxdiss on fixed_grid(panel_width=1, order=24, levels=16), "
          f"{fine.size} nodes: {fmt_err(err_ref)}")
    ok = dict(numpy=r_np >= 20, quad=r_quad >= 300, compile=t_lower + t_compile <= 10,
              accuracy=max(err_jx.values()) <= 1e-8 and max(err_np.values()) <= 1e-8)
    print("targets: " + "; ".join(f"{k} {'PASS' if v else 'MISS'}" for k, v in ok.items()))

    results = dict(
        date=datetime.date.today().isoformat(), n=n, kT=KT, chunk_size=chunk, repeats=repeats,
        jax=jax.__version__, numpy=np.__version__, scipy=scipy.__version__,
        python=platform.python_version(), cores=os.cpu_count(), load_start=load0[0],
        nodes=n_nodes, nodes_nonzero=n_nonzero, t_grid=t_grid, t_lower=t_lower,
        t_compile=t_compile, t_run=float(t_run), t_run_cpu=t_run.cpu, t_sweep=t_sweep,
        t_T=float(t_T), t_window=float(t_win), numpy_subset=int(idx_np.size),
        t_numpy_point=float(t_np_point), t_numpy_hoisted_point=float(t_np_hoist_point),
        quad_subset=int(idx_quad.size), t_quad_point=float(t_quad_point), ratio_numpy=r_np,
        ratio_quad=r_quad, sample=int(idx_sample.size), err_jaxdiss=err_jx, err_numpy=err_np,
        err_quad=err_quad, err_reference_vs_fine=err_ref, pa_min=pa_min, targets=ok, variants=[],
    )

    # --- what-if variants ------------------------------------------------------------------
    if args.variants:
        vc = min(args.variant_chunk, npts)
        print(f"\nvariants: {npts} points, accuracy against the same reference "
              f"(speed-up relative to the run above)")
        print(f"| {'variant':66s} | nodes | chunk | run (s) | cpu (s) | speed-up | max rel err")
        print(f"|{'-' * 68}|------:|------:|--------:|--------:|---------:|-----------:")

        def report(name, size, cs, t_r, out):
            errs = rel_errors({f: np.asarray(out[f])[idx_sample] for f in FIELDS}, ref)
            print(f"| {name:66s} | {size:5d} | {cs:5d} | {t_r:7.2f} | {t_r.cpu:7.2f} | "
                  f"{t_run / t_r:7.1f}x | {max(errs.values()):.1e}", flush=True)
            results["variants"].append(dict(name=name, nodes=size, chunk=cs, t_run=float(t_r),
                                            t_cpu=t_r.cpu, speedup=t_run / t_r, err=errs))

        def kernel(name, fn, gv, cs, extra=()):
            _, _, t_r, out = time_kernel(fn, MU, V, cs, repeats, extra=extra)
            report(name, gv.size, min(cs, npts), t_r, out)

        dropped = prune(grid)
        for cs in (vc, 1024):
            kernel("library as is", point, grid, cs)
        kernel("empty panels dropped", dissipation_fn(T, dropped), dropped, chunk)
        kernel("empty panels dropped", dissipation_fn(T, dropped), dropped, vc)
        kernel("dropped + T(nodes) hoisted out of the chunk loop", hoisted_fn(T, dropped),
               dropped, vc)
        for order, pw, lv in [(16, 5.0, 2), (16, 6.0, 2), (14, 5.0, 2), (12, 4.0, 4), (16, 8.0, 2)]:
            gv = prune(jd.fixed_grid(T, e_min, e_max, kT_min=KT, order=order, panel_width=pw,
                                     levels=lv))
            kernel(f"dropped + hoisted, fixed_grid(order={order}, panel_width={pw:g}, levels={lv})",
                   hoisted_fn(T, gv), gv, vc)
        tv = jax.jit(lambda e: T(e))(dropped.nodes)
        kernel("window-only (library window, T values given)", window_only_fn(dropped), dropped,
               vc, (tv,))

    load1 = os.getloadavg()
    total = time.perf_counter() - wall0
    results.update(load_end=load1[0], t_total=total)
    print(f"\ntotal wall time {total:.0f} s; load average at end {load1[0]:.1f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
