"""DI paper Fig. 3: rectification by screening (λ = 0, C → 0).

Γ1 = Γ3 = Γ = kT, μ = 40kT, kT = 1, ΔT/T = 1, d = 2ħ/√(8 m kT) (cavity_energy = kT), fully
coherent (λ = 0: Fabry–Perot interference in region 2), band bottoms U_α of the three
regions found self-consistently with local charge neutrality (capacitance = 0, DI Eqs. 5–7).

(a) I^F, I^B versus ε1 along (ε3 − μ)/kT = 8.2, with (green) the current obtained with the
*equilibrium* transmission (the same device without screening: I^F = −I^B, no rectification)
and the ⋆ point where I^F = I^B with μ < ε1 < ε3; (b) J^F, −J^B along (ε3 − μ)/kT = 7.5;
(c), (d) R_I, R_J (DI Eq. 2) over (ε1 − μ, ε3 − μ)/kT ∈ [−10, 10]² (a level ≳ 12 kT below μ
has no neutral solution, DESIGN notes: the range stops short of that); (e) T(E) = |S_RL|²
at ⋆ in equilibrium (U = 0) and at the self-consistent band bottoms of F and B; (f), (g)
I and J at ⋆ versus ΔT/T. Currents of terminal L, spin 2, h = 1 (kT/h, (kT)²/h).

Every point is one `jd.rectification` (forward and backward solved in one batched Newton
loop). All screened evaluations go through one vmapped function of (ε1, ε3, ΔT) in chunks of
a fixed size, so each figure compiles it once (≈ 1–2 min on 2 cores): cuts and map first,
then a zoom of 16 points into the bracket of I^F − I^B on cut (a) (linear interpolation
there gives ⋆), then ⋆ at all ΔT. Unconverged points are masked (NaN; crossed on the maps)
and counted in the summary.

``--quick`` uses tiny maps and a coarser energy grid (``QUICK_GRID``: 48 panels of order
12 instead of 64 of order 16; on cut (a) it changes the currents by < 1e-5 kT/h, the full
grid's ladders are kept since the Fabry–Perot levels are narrow). The full run takes
≈ 10–20 min on 2 cores (≈ 0.2–0.5 s per point).

The shared machinery (`point_function`, `evaluate`, `compute_maps`, the panels) is reused by
DI Fig. 4 (`di_fig4`, λ = 1).

    python examples/di_fig3.py --out DIR [--quick]
"""

from __future__ import annotations

import functools
import pathlib
import time

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.sweep import sweep

NAME = "di_fig3"
TITLE = "Rectification by screening: currents, maps, T(E), temperature dependence (Fig. 3)"
MU, KT, DT, GAMMA, CAVITY = 40.0, 1.0, 1.0, 1.0, 1.0
CUT_I, CUT_J = 8.2, 7.5  # (ε3 − μ)/kT of the cuts (a), (b)
RANGE = (-10.0, 10.0)  # (ε − μ)/kT on the maps and cuts
DT_MAX = 2.5  # panels (f), (g): ΔT/T ∈ (0, DT_MAX] (at 3 the B solve fails to converge)
CHUNK = 16  # every screened batch is padded to a multiple of this: one compilation
QUICK_GRID = (("levels", 8), ("n_panels", 48), ("order", 12))
SIZES = {True: dict(n_map=9, n_cut=21, n_dt=5), False: dict(n_map=41, n_cut=101, n_dt=25)}


# ---------------------------------------------------------------- evaluation


@functools.lru_cache(maxsize=None)
def point_function(coupling: float, screened: bool = True, grid_options: tuple | None = None):
    """(ε1, ε3, ΔT) → forward/backward currents, flags and band bottoms (one function object
    per setting, so `jaxdiss.sweep` compiles it once)."""
    options = dict(grid_options) if grid_options else None

    def point(e1, e3, dT):
        dev = jd.ThermalDiode(e1, e3, GAMMA, GAMMA, coupling=coupling, cavity_energy=CAVITY,
                              capacitance=0.0 if screened else None)
        rc = jd.rectification(dev, MU, KT, dT, grid_options=options)
        f, b = rc.forward, rc.backward
        return dict(IF=f.particle_current, IB=b.particle_current, JF=f.heat_current,
                    JB=b.heat_current, R_I=rc.R_I, R_J=rc.R_J,
                    ok=f.converged & b.converged, steps=jnp.maximum(f.steps, b.steps),
                    UF=f.potentials, UB=b.potentials, kTpF=f.kT_probe, kTpB=b.kT_probe)

    return point


def evaluate(fn, e1, e3, dT, label=None, chunk=CHUNK):
    """`fn` at the points (ε1 − μ, ε3 − μ, ΔT) (broadcast 1-D), padded to a multiple of
    `chunk` so that every call reuses one executable. Unconverged points are set to NaN."""
    e1, e3, dT = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float))
                                       for a in (e1, e3, dT)))
    n = e1.size
    pad = (-n) % chunk
    ext = [np.concatenate([a, np.repeat(a[-1:], pad)]) for a in (e1, e3, dT)]
    out = sweep(fn, jnp.asarray(MU + ext[0]), jnp.asarray(MU + ext[1]), jnp.asarray(ext[2]),
                chunk_size=chunk, progress=label or False)
    out = {k: np.asarray(v)[:n] for k, v in out.items()}
    bad = ~out["ok"]
    for k, v in out.items():
        if k not in ("ok", "steps"):
            out[k] = np.where(bad.reshape(bad.shape + (1,) * (v.ndim - 1)), np.nan, v)
    return out


def _take(d, sl):
    return {k: v[sl] for k, v in d.items()}


def zero_crossings(x, y):
    """Linearly interpolated zeros of y(x) (NaN samples break the brackets)."""
    s = np.sign(y)
    k = np.nonzero(s[:-1] * s[1:] < 0)[0]
    return x[k] - y[k] * (x[k + 1] - x[k]) / (y[k + 1] - y[k])


def same_sign_windows(x, f, b, lo=-np.inf, hi=np.inf):
    """Intervals of x (edges: interpolated zeros of f or b) in which f and b have the same
    sign (a bipolar diode), clipped to (lo, hi)."""
    lo, hi = max(lo, x[0]), min(hi, x[-1])
    z = np.concatenate([zero_crossings(x, f), zero_crossings(x, b)])
    edges = np.unique(np.concatenate([[lo, hi], z[(z > lo) & (z < hi)]]))
    out = []
    for a, c in zip(edges[:-1], edges[1:]):
        m = 0.5 * (a + c)
        if np.interp(m, x, f) * np.interp(m, x, b) > 0:
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], c)
            else:
                out.append((a, c))
    return out


def compute_maps(coupling: float, quick: bool, extra=(), quick_grid=QUICK_GRID, sizes=None):
    """Cuts (a), (b), the R_I, R_J map and the `extra` points (ε1 − μ, ε3 − μ) at ΔT, in one
    batch of the screened device with probe coupling `coupling` (`quick_grid`: energy grid
    options of the quick run; the full run uses the library default; `sizes` overrides
    `SIZES`)."""
    size = (SIZES if sizes is None else sizes)[quick]
    n_map, n_cut = size["n_map"], size["n_cut"]
    fn = point_function(coupling, True, quick_grid if quick else None)
    x = np.linspace(*RANGE, n_cut)
    g = np.linspace(*RANGE, n_map)
    E1, E3 = np.meshgrid(g, g, indexing="ij")
    extra = np.asarray(extra, dtype=float).reshape(-1, 2)
    e1 = np.concatenate([x, x, E1.ravel(), extra[:, 0]])
    e3 = np.concatenate([np.full(n_cut, CUT_I), np.full(n_cut, CUT_J), E3.ravel(),
                         extra[:, 1]])
    out = evaluate(fn, e1, e3, DT, label=f"DI screened map, lambda = {coupling:g}")
    m0, m1 = 2 * n_cut, 2 * n_cut + n_map * n_map
    maps = {k: v[m0:m1].reshape(E1.shape + v.shape[1:]) for k, v in out.items()}
    return dict(fn=fn, x=x, grid=g, cut_i=_take(out, slice(0, n_cut)),
                cut_j=_take(out, slice(n_cut, m0)), maps=maps, extra=_take(out, slice(m1, None)),
                n_bad=int((~out["ok"]).sum()), n_points=out["ok"].size,
                steps=int(np.max(out["steps"])))


def _equilibrium_current(x):
    """I^F along cut (a) with the equilibrium transmission: the same device without
    screening (T(E) fixed, so I^B = −I^F); returns (I^F, I^B)."""
    fn = point_function(0.0, False, None)
    out = evaluate(fn, x, CUT_I, DT, chunk=x.size)
    return out["IF"], out["IB"]


def _find_star(fn, x, f, b):
    """⋆: I^F = I^B on cut (a) with μ < ε1 < ε3. The bracket of I^F − I^B on the cut is
    resampled with `CHUNK` points (the same executable) and the zero is interpolated there.
    Among several brackets the one with the largest common current is taken."""
    h = f - b
    s = np.sign(h)
    ks = [k for k in np.nonzero(s[:-1] * s[1:] < 0)[0] if 0.0 < x[k] and x[k + 1] < CUT_I]
    if not ks:
        return None
    k = max(ks, key=lambda k: abs(f[k] + b[k] + f[k + 1] + b[k + 1]))
    z = np.linspace(x[k], x[k + 1], CHUNK)
    out = evaluate(fn, z, CUT_I, DT, label="DI fig3 star")
    star = zero_crossings(z, out["IF"] - out["IB"])
    return float(star[0]) if star.size else None


def transmissions(dev, E, potentials):
    """T(E) = |S_RL|² at each row of band bottoms `potentials` (one jitted call)."""
    f = jax.jit(jax.vmap(lambda u: dev.transmissions(E, potentials=u)[..., 1, 0]))
    return np.asarray(f(jnp.asarray(potentials)))


def compute(quick: bool = False):
    t0 = time.perf_counter()
    d = compute_maps(0.0, quick, extra=[(-CUT_I, CUT_I)])
    x, ci = d["x"], d["cut_i"]
    d["eq_IF"], d["eq_IB"] = _equilibrium_current(x)
    star = _find_star(d["fn"], x, ci["IF"], ci["IB"])
    d["star"] = star
    if star is not None:
        n_dt = SIZES[quick]["n_dt"]
        dts = np.linspace(0.0, DT_MAX, n_dt + 1)[1:]  # contains ΔT = 1 (n_dt = 5k)
        st = evaluate(d["fn"], star, CUT_I, dts, label="DI fig3 star vs dT")
        d["dts"], d["star_dt"] = dts, st
        k = int(np.argmin(np.abs(dts - DT)))
        d["star_state"] = _take(st, k)
        dev = jd.ThermalDiode(MU + star, MU + CUT_I, GAMMA, GAMMA, coupling=0.0,
                              cavity_energy=CAVITY)
        E = MU + np.linspace(-5.0, 13.0, 18001)
        d["E"] = E - MU
        T = transmissions(dev, jnp.asarray(E), np.stack(
            [np.zeros(3), d["star_state"]["UF"], d["star_state"]["UB"]]))
        d["T"] = dict(zip(("eq", "F", "B"), T))
    d["seconds"] = time.perf_counter() - t0
    return d


# ---------------------------------------------------------------- plotting


def new_figure(width, height):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def current_cut(ax, d, title, green=None):
    """Panel (a): I^F, I^B along cut (a) (in 1e-3 kT/h), optional green comparison curves."""
    x, c = d["x"], d["cut_i"]
    ax.plot(x, 1e3 * c["IF"], color=plotting.RED, label=r"$I^F$ (L hot)")
    ax.plot(x, 1e3 * c["IB"], color=plotting.BLUE, label=r"$I^B$ (R hot)")
    for y, style, label in green or ():
        ax.plot(x, 1e3 * y, color=plotting.GREEN, ls=style, lw=1.4, label=label)
    plotting.zero_line(ax)
    ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
    ax.set_ylabel(r"particle current  $[10^{-3}\,k_BT/h]$")
    ax.set_title(title)


def heat_cut(ax, d, title):
    x, c = d["x"], d["cut_j"]
    ax.plot(x, c["JF"], color=plotting.RED, label=r"$J^F$ (L hot)")
    ax.plot(x, -c["JB"], color=plotting.BLUE, label=r"$-J^B$ (R hot)")
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
    ax.set_ylabel(r"heat current  $[(k_BT)^2/h]$")
    ax.set_title(title)
    ax.legend(loc="upper left")


def map_panel(fig, ax, d, key, title, label, marks=()):
    g, z, ok = d["grid"], d["maps"][key], d["maps"]["ok"]
    top = max(float(np.nanmax(np.abs(z))), 1e-12) if np.isfinite(z).any() else 1.0
    im = ax.pcolormesh(g, g, z.T, cmap="RdBu_r", vmin=-top, vmax=top, shading="nearest")
    fig.colorbar(im, ax=ax, label=label, shrink=0.9)
    ax.axhline(CUT_I, color="k", lw=1.2)
    ax.axhline(CUT_J, color="k", lw=1.2, ls="--")
    ax.plot(g, g, color="k", lw=0.6, ls=":", alpha=0.7)
    for (px, py), style in marks:
        ax.plot(px, py, **style)
    bad = ~ok
    if bad.any():
        i, j = np.nonzero(bad)
        ax.plot(g[i], g[j], "x", color="k", ms=6, label=f"not converged ({bad.sum()})")
        ax.legend(loc="lower right", fontsize=9)
    ax.set_xlim(g[0] - 0.5 * (g[1] - g[0]), g[-1] + 0.5 * (g[1] - g[0]))
    ax.set_ylim(g[0] - 0.5 * (g[1] - g[0]), g[-1] + 0.5 * (g[1] - g[0]))
    ax.set_xlabel(r"$(\varepsilon_1-\mu)/k_BT$")
    ax.set_ylabel(r"$(\varepsilon_3-\mu)/k_BT$")
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.grid(False)


STAR = dict(marker="*", color="gold", mec="k", ms=16, ls="none", zorder=5)


def plot(d, out_dir: pathlib.Path) -> pathlib.Path:
    star = d["star"]
    with plotting.styled():
        fig = new_figure(18.0, 11.0)
        ax = fig.subplot_mosaic([["a", "b", "e"], ["c", "d", "f"], ["c", "d", "g"]],
                                height_ratios=[1.15, 0.6, 0.6])
        current_cut(ax["a"], d, rf"(a) $(\varepsilon_3-\mu)/k_BT = {CUT_I}$",
                    green=[(d["eq_IF"], "-", r"$I^F = -I^B$, equilibrium $\mathcal{T}(E)$")])
        if star is not None:
            s = d["star_state"]
            ax["a"].plot(star, 1e3 * s["IF"], **STAR, label=r"$\star$: $I^F = I^B$")
        ax["a"].legend(loc="best", fontsize=9)
        heat_cut(ax["b"], d, rf"(b) $(\varepsilon_3-\mu)/k_BT = {CUT_J}$")
        marks = [((star, CUT_I), STAR)] if star is not None else []
        map_panel(fig, ax["c"], d, "R_I", r"(c) $\mathcal{R}_I$", r"$\mathcal{R}_I$", marks)
        map_panel(fig, ax["d"], d, "R_J", r"(d) $\mathcal{R}_J$", r"$\mathcal{R}_J$", marks)
        if star is not None:
            a = ax["e"]
            s = d["star_state"]
            for key, color, label in (("eq", "k", "equilibrium"), ("F", plotting.RED, "F"),
                                      ("B", plotting.BLUE, "B")):
                a.plot(d["E"], d["T"][key], color=color, lw=1.2, label=label)
            for U, color in ((np.zeros(3), "k"), (s["UF"], plotting.RED),
                             (s["UB"], plotting.BLUE)):
                for e, u in ((star, U[0]), (CUT_I, U[2])):
                    a.axvline(e + u, color=color, lw=0.7, ls=":", alpha=0.8)
            a.axvline(0.0, color=plotting.GREY, lw=0.8)
            a.set_xlabel(r"$(E-\mu)/k_BT$")
            a.set_ylabel(r"$\mathcal{T}(E)$")
            a.set_title(rf"(e) $\mathcal{{T}}(E)$ at $\star$ "
                        rf"$(\varepsilon_1-\mu, \varepsilon_3-\mu) = ({star:.3f}, {CUT_I})$",
                        fontsize=11)
            a.legend(loc="upper center", title=r"dotted: $\varepsilon_\alpha + U_\alpha$",
                     title_fontsize=8, fontsize=9)
            dts, st = d["dts"], d["star_dt"]
            a = ax["f"]
            a.plot(dts, 1e3 * st["IF"], "o-", color=plotting.RED, ms=3, label=r"$I^F$")
            a.plot(dts, 1e3 * st["IB"], "o-", color=plotting.BLUE, ms=3, label=r"$I^B$")
            plotting.zero_line(a)
            a.set_ylabel(r"$I$  $[10^{-3}\,k_BT/h]$")
            a.set_title(r"(f), (g) at $\star$ versus $\Delta T$", fontsize=11)
            a.legend(loc="best", fontsize=9)
            a.tick_params(labelbottom=False)
            a = ax["g"]
            a.plot(dts, st["JF"], "o-", color=plotting.RED, ms=3, label=r"$J^F$")
            a.plot(dts, -st["JB"], "o-", color=plotting.BLUE, ms=3, label=r"$-J^B$")
            a.set_xlabel(r"$\Delta T/T$")
            a.set_ylabel(r"$J$  $[(k_BT)^2/h]$")
            a.legend(loc="best", fontsize=9)
        else:
            for k in "efg":
                ax[k].text(0.5, 0.5, "no I^F = I^B point found on cut (a)", ha="center",
                           transform=ax[k].transAxes)
        fig.suptitle(r"Screening diode, $\lambda = 0$, $C \to 0$: $\Gamma = k_BT$, "
                     r"$\mu = 40k_BT$, $d = 2\hbar/\sqrt{8mk_BT}$, $\Delta T/T = 1$ (spin 2)")
        return plotting.save(fig, out_dir, NAME)


# ---------------------------------------------------------------- summary


def map_rows(d, quick):
    g, maps = d["grid"], d["maps"]
    rj = np.abs(maps["R_J"])
    i, j = np.unravel_index(np.nanargmax(rj), rj.shape)
    ri = maps["R_I"]
    ideal = np.nanmean(np.abs(ri) > 0.999) if np.isfinite(ri).any() else np.nan
    return [
        ("map size (eps1 x eps3), range (eps - mu)/kT",
         f"{g.size} x {g.size}, [{RANGE[0]:g}, {RANGE[1]:g}]"
         + (" (quick energy grid)" if quick else "")),
        ("max |R_J| on map at (eps1-mu, eps3-mu)/kT",
         f"{rj[i, j]:.3g} at ({g[i]:.1f}, {g[j]:.1f})"),
        ("fraction of map with |R_I| = 1 (bipolar or ideal diode)", f"{ideal:.3g}"),
        ("non-converged points (masked), all batches of the map figure",
         f"{d['n_bad']} of {d['n_points']}"),
        ("Newton steps, max", str(d["steps"])),
    ]


def cut_rows(d):
    x, c = d["x"], d["cut_i"]
    zF, zB = zero_crossings(x, c["IF"]), zero_crossings(x, c["IB"])
    fmt = lambda z: ", ".join(f"{v:.2f}" for v in z) or "none"  # noqa: E731
    return [
        ("zeros of I^F on cut (a), (eps1-mu)/kT", fmt(zF)),
        ("zeros of I^B on cut (a), (eps1-mu)/kT", fmt(zB)),
    ]


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    d = compute(quick)
    plot(d, out_dir)
    x, c = d["x"], d["cut_i"]
    rows = map_rows(d, quick) + cut_rows(d)
    win = same_sign_windows(x, c["IF"], c["IB"], 0.0, CUT_I)
    rows.append(("bipolar window(s) on cut (a) with mu < eps1 < eps3, (eps1-mu)/kT",
                 ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in win) or "none"))
    eq_rect = np.nanmax(np.abs(d["eq_IF"] + d["eq_IB"]))
    rows.append(("equilibrium-T current: max |I^F + I^B| on cut (a) (-> 0) [kT/h]",
                 f"{eq_rect:.2g}"))
    star = d["star"]
    if star is None:
        rows.append(("star point (I^F = I^B, mu < eps1 < eps3) on cut (a)", "NOT FOUND"))
    else:
        s, st, dts = d["star_state"], d["star_dt"], d["dts"]
        same = (st["IF"] * st["IB"] > 0)
        bip = dts[same]
        dJF = np.diff(st["JF"]) / np.diff(dts)
        dJB = np.diff(-st["JB"]) / np.diff(dts)
        rows += [
            ("star: (eps1-mu, eps3-mu)/kT", f"({star:.4f}, {CUT_I})"),
            ("star: I^F, I^B at dT = 1 [kT/h]", f"{s['IF']:.5g}, {s['IB']:.5g}"),
            ("star: J^F, J^B at dT = 1 [(kT)^2/h]", f"{s['JF']:.5g}, {s['JB']:.5g}"),
            ("star: U_1, U_2, U_3 in F [kT]", ", ".join(f"{u:.4f}" for u in s["UF"])),
            ("star: U_1, U_2, U_3 in B [kT]", ", ".join(f"{u:.4f}" for u in s["UB"])),
            ("star: T(mu) equilibrium, F, B",
             ", ".join(f"{np.interp(0.0, d['E'], d['T'][k]):.4g}" for k in ("eq", "F", "B"))),
            (f"star: dT/T with I^F, I^B of one sign (bipolar), of sampled (0, {DT_MAX:g}]",
             (f"{bip.min():.2f} ... {bip.max():.2f} ({same.sum()} of {dts.size})"
              if bip.size else "none")),
            (f"star: min d|J|/d(dT) for F, B over (0, {DT_MAX:g}] [kT/h]",
             f"{np.nanmin(dJF):.4g}, {np.nanmin(dJB):.4g}"),
            ("star: non-converged dT points", str(int((~st["ok"]).sum()))),
        ]
    a = d["extra"]
    rows.append(("I^F, I^B at (eps1-mu, eps3-mu)/kT = (-8.2, 8.2) [kT/h]",
                 f"{a['IF'][0]:.5g}, {a['IB'][0]:.5g}"))
    rows.append(("compute time [s]", f"{d['seconds']:.1f}"))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
