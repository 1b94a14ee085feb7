"""BW Figs. 5 and 6: heating and cooling spots over the Lorentzian's position and width,
√(ε0/μ0) ∈ [0.6, 1.6] and Γ/μ0 ∈ [0.08, 1], at eV/μ0 = 0.1 and kT/μ0 = 0.1, 0.3, 0.7.

Fig. 5 (`bw_fig5.png`): amplitude of the dominant spot on each side, coloured as in the
paper, ±[|P_ph(x0)|/P_ext − 1]^{1/5}, red for heating spots (local maxima of P_ph > 0),
blue for cooling spots (local minima < 0), white where there is none or |P_ph(x0)| ≤ P_ext.
Fig. 6 (`bw_fig5_positions.png`): the spot distance |x0|/(v_F τ) (orange heating, blue
cooling). Rows: temperatures; columns: left and right wire. Spots are searched at
1e-3 < |x| < 20 v_F τ (`jaxdiss.wire.spots.wire_spots`); each map is one vmapped
`solve_wire` + `wire_spots` over the (ε0, Γ) grid.

    python examples/bw_fig5.py --out DIR [--quick]
"""

from __future__ import annotations

import functools
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import jaxdiss as jd
from jaxdiss import plotting
from jaxdiss.wire.spots import wire_spots

NAME = "bw_fig5"
TITLE = "BW Figs. 5, 6: heating and cooling spot amplitude and position maps"
BIAS = 0.1
TEMPERATURES = (0.1, 0.3, 0.7)
SQRT_EPS0 = (0.6, 1.6)
GAMMA = (0.08, 1.0)
SPOT_COLORS = LinearSegmentedColormap.from_list("spots", [plotting.BLUE, "white", plotting.RED])


def _point(e0, g, kT, n):
    w = jd.solve_wire(jd.Lorentzian(e0, g), BIAS, kT, n_momentum=n)
    return wire_spots(w, threshold=1.0), w.converged


def compute(quick: bool = False):
    """Spots with axes (kT, √ε0, Γ) and the axes' values (a chunked vmapped sweep: one
    batch holds 64 solutions, whose dense matching systems take ~1 GB)."""
    m = 9 if quick else 33
    root = np.linspace(*SQRT_EPS0, m)
    gamma = np.linspace(*GAMMA, m)
    k, r, g = np.meshgrid(TEMPERATURES, root, gamma, indexing="ij")
    point = functools.partial(_point, n=128 if quick else 256)
    spots, ok = jd.sweep(point, jnp.asarray(r**2), jnp.asarray(g), jnp.asarray(k),
                         chunk_size=64)
    return root, gamma, jax.tree_util.tree_map(np.asarray, (spots, ok))


def _colour(spot):
    value = np.abs(spot.amplitude) - 1.0
    return np.where(spot.kind != 0, spot.kind * np.clip(value, 0.0, None) ** 0.2, np.nan)


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    root, gamma, (spots, ok) = compute(quick)
    sides = (("left", spots.left), ("right", spots.right))
    extent = (GAMMA[0], GAMMA[1], SQRT_EPS0[0], SQRT_EPS0[1])
    with plotting.styled():
        fig, axes = plotting.figure(len(TEMPERATURES), 2, width=9.0, height=11.0,
                                    sharex=True, sharey=True)
        vmax = max(np.nanmax(np.abs(_colour(s))) for _, s in sides)
        for i, kT in enumerate(TEMPERATURES):
            for j, (side, s) in enumerate(sides):
                ax = axes[i, j]
                im = ax.imshow(_colour(s)[i], origin="lower", aspect="auto", extent=extent,
                               cmap=SPOT_COLORS, vmin=-vmax, vmax=vmax)
                ax.set_title(f"{side} wire, $k_BT/\\mu_0$ = {kT:g}", fontsize=11)
                if i == len(TEMPERATURES) - 1:
                    ax.set_xlabel(r"$\Gamma/\mu_0$")
                if j == 0:
                    ax.set_ylabel(r"$\sqrt{\epsilon_0/\mu_0}$")
        fig.colorbar(im, ax=axes, shrink=0.6,
                     label=r"$\pm[|\mathcal{P}_{\rm ph}(x_0)|/\mathcal{P}^{\rm ext}_{\rm ph}-1]^{1/5}$")
        fig.suptitle(f"Heating (red) and cooling (blue) spots, eV/μ0 = {BIAS:g}")
        plotting.save(fig, out_dir, NAME)

        fig, axes = plotting.figure(len(TEMPERATURES), 2, width=9.0, height=11.0,
                                    sharex=True, sharey=True)
        for i, kT in enumerate(TEMPERATURES):
            for j, (side, s) in enumerate(sides):
                ax = axes[i, j]
                for kind, cmap in ((1, "Oranges"), (-1, "Blues")):
                    d = np.where(s.kind[i] == kind, np.abs(s.position[i]), np.nan)
                    im = ax.imshow(d, origin="lower", aspect="auto", extent=extent, cmap=cmap,
                                   vmin=0.0, vmax=10.0)
                ax.set_title(f"{side} wire, $k_BT/\\mu_0$ = {kT:g}", fontsize=11)
                if i == len(TEMPERATURES) - 1:
                    ax.set_xlabel(r"$\Gamma/\mu_0$")
                if j == 0:
                    ax.set_ylabel(r"$\sqrt{\epsilon_0/\mu_0}$")
        fig.colorbar(im, ax=axes, shrink=0.6, label=r"$|x_0|/(v_F\tau)$ (orange heating, blue cooling)")
        fig.suptitle(f"Spot positions, eV/μ0 = {BIAS:g}")
        plotting.save(fig, out_dir, NAME + "_positions")

    rows = []
    for i, kT in enumerate(TEMPERATURES):
        for side, s in sides:
            heat, cool = int(np.sum(s.kind[i] == 1)), int(np.sum(s.kind[i] == -1))
            rows.append((f"kT = {kT:g}, {side} wire: grid points with heating / cooling spots",
                         f"{heat} / {cool} of {s.kind[i].size}"))
    rows.append(("all points converged", plotting.format_value(bool(ok.all()))))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
