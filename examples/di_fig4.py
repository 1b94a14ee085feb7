"""DI paper Fig. 4: mixed configuration, screening with full thermalization (λ = 1, C → 0).

Same as DI Figs. 3(a)–3(d) (Γ = kT, μ = 40kT, ΔT/T = 1, d = 2ħ/√(8 m kT), local
neutrality) with the probe fully coupled: the probe state (μ_p, kT_p) and the band bottoms
U_α are one Newton system. (a) I^F, I^B along (ε3 − μ)/kT = 8.2, compared (green) with the
same device without screening (λ = 1, Fig. 2's model at Γ = kT); (b) J^F, −J^B along
(ε3 − μ)/kT = 7.5; (c), (d) R_I, R_J over (ε1 − μ, ε3 − μ)/kT ∈ [−10, 10]². The probe
removes the Fabry–Perot interference, so screening only shifts U_1, U_3: the currents are
dominated by thermalization (compare with `di_fig2`, `di_fig3`), and the bipolar window
sits around the antisymmetric point ε1 − μ = μ − ε3 of cut (a).

Machinery shared with `di_fig3` (one compiled vmapped function, fixed chunks, unconverged
points masked and counted). ``--quick``: tiny map, coarse energy grid ``QUICK_GRID`` (48
panels of order 8, 4 ladder levels; without interference it reproduces the default grid's
currents to ~1e-8 kT/h). The full run takes ≈ 20–30 min on 2 cores (≈ 0.5–1 s per point).

    python examples/di_fig4.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib
import time

import numpy as np

from jaxdiss import plotting

try:
    from jaxdiss.examples import di_fig3 as f3
except ImportError:  # run as a script from a checkout without the package mapping
    import di_fig3 as f3

NAME = "di_fig4"
TITLE = "Mixed configuration: screening with thermalization, lambda = 1 (Fig. 4)"
COUPLING = 1.0
QUICK_GRID = (("levels", 4), ("n_panels", 48), ("order", 8))
ANTI = (-f3.CUT_I, f3.CUT_I)  # antisymmetric point of cut (a)
# the mixed solve (5 unknowns, 4-port S) costs ≈ 0.6 s a point here: a coarser full map
SIZES = {True: f3.SIZES[True], False: dict(n_map=25, n_cut=61, n_dt=0)}


def compute(quick: bool = False):
    t0 = time.perf_counter()
    d = f3.compute_maps(COUPLING, quick, extra=[ANTI], quick_grid=QUICK_GRID, sizes=SIZES)
    # the same device without screening, on cut (a) and at the antisymmetric point
    plain = f3.point_function(COUPLING, False, None)
    x = d["x"]
    out = f3.evaluate(plain, np.append(x, ANTI[0]), f3.CUT_I, f3.DT, chunk=x.size + 1)
    d["plain"] = f3._take(out, slice(0, x.size))
    d["plain_anti"] = f3._take(out, -1)
    d["seconds"] = time.perf_counter() - t0
    return d


def plot(d, out_dir: pathlib.Path) -> pathlib.Path:
    with plotting.styled():
        fig = f3.new_figure(12.5, 10.0)
        ax = fig.subplot_mosaic([["a", "b"], ["c", "d"]])
        p = d["plain"]
        f3.current_cut(ax["a"], d, rf"(a) $(\varepsilon_3-\mu)/k_BT = {f3.CUT_I}$",
                       green=[(p["IF"], "-", r"$I^F$, no screening"),
                              (p["IB"], "--", r"$I^B$, no screening")])
        ax["a"].axvline(ANTI[0], color=plotting.GREY, lw=0.8, ls=":",
                        label=r"$\varepsilon_1-\mu = \mu-\varepsilon_3$")
        ax["a"].legend(loc="best", fontsize=9)
        f3.heat_cut(ax["b"], d, rf"(b) $(\varepsilon_3-\mu)/k_BT = {f3.CUT_J}$")
        f3.map_panel(fig, ax["c"], d, "R_I", r"(c) $\mathcal{R}_I$", r"$\mathcal{R}_I$")
        f3.map_panel(fig, ax["d"], d, "R_J", r"(d) $\mathcal{R}_J$", r"$\mathcal{R}_J$")
        fig.suptitle(r"Mixed configuration, $\lambda = 1$ with screening ($C \to 0$): "
                     r"$\Gamma = k_BT$, $\mu = 40k_BT$, $\Delta T/T = 1$ (spin 2)")
        return plotting.save(fig, out_dir, NAME)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    d = compute(quick)
    plot(d, out_dir)
    x, c, p = d["x"], d["cut_i"], d["plain"]
    rows = f3.map_rows(d, quick) + f3.cut_rows(d)
    win = f3.same_sign_windows(x, c["IF"], c["IB"])
    rows.append(("bipolar window(s) on cut (a), (eps1-mu)/kT",
                 ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in win) or "none"))
    a, pa = d["extra"], d["plain_anti"]
    rows.append((f"I^F, I^B at (eps1-mu, eps3-mu)/kT = ({ANTI[0]:g}, {ANTI[1]:g}) [kT/h]",
                 f"{a['IF'][0]:.5g}, {a['IB'][0]:.5g}"))
    rows.append(("  same without screening [kT/h]", f"{pa['IF']:.5g}, {pa['IB']:.5g}"))
    scale = np.nanmax(np.abs(np.concatenate([p["IF"], p["IB"]])))
    dev = np.nanmax(np.abs(np.concatenate([c["IF"] - p["IF"], c["IB"] - p["IB"]])))
    rows.append(("cut (a): max |I(screened) - I(unscreened)| / max |I(unscreened)|",
                 f"{dev / scale:.3g}"))
    rows.append(("compute time [s]", f"{d['seconds']:.1f}"))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
