"""Transmission of the abrupt QPC (QPC paper Sec. 3.1, inset of Fig. 2b) against Kwant.

The mode-matching model `jaxdiss.AbruptQPC` (L = 2w, corrected Eq. 19, see DESIGN.md) is
drawn over a tight-binding computation of the same constriction (Kwant 1.5, narrow channel
2w = 36 sites, L = 2w, leads 2W = 10w; ``data/kwant-abrupt-qpc-L2w-W5w.csv``, interpolated
with `jaxdiss.Tabulated`). The lower panel shows the model's channel transmissions T_n.

Summary rows: the energies where T first crosses 0.5, 1.5, 2.5 (steps 1–3) for both, and
the plateau means on E/E1 ∈ [2, 3.8] and [5.5, 8.5].

    python examples/qpc_transmission.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import plotting

NAME = "qpc_transmission"
TITLE = "Abrupt-QPC transmission vs Kwant"
DATA = pathlib.Path(__file__).resolve().parent / "data" / "kwant-abrupt-qpc-L2w-W5w.csv"
LEVELS = (0.5, 1.5, 2.5)
PLATEAUS = ((2.0, 3.8), (5.5, 8.5))
E_RANGE = (0.5, 10.0)


def load_kwant(path: pathlib.Path = DATA) -> tuple[np.ndarray, np.ndarray]:
    """(E/E1, T) columns of the Kwant reference table."""
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1]


def first_crossings(E: np.ndarray, T: np.ndarray, levels=LEVELS) -> list[float]:
    """First energy where the sampled curve T(E) reaches each level (linear interpolation)."""
    out = []
    for level in levels:
        above = np.nonzero(T >= level)[0]
        if above.size == 0 or above[0] == 0:
            out.append(float("nan"))
            continue
        i = above[0]
        out.append(float(E[i - 1] + (level - T[i - 1]) * (E[i] - E[i - 1]) / (T[i] - T[i - 1])))
    return out


def plateau_mean(E: np.ndarray, T: np.ndarray, lo: float, hi: float) -> float:
    """Mean of samples with lo ≤ E ≤ hi (uniform sampling assumed)."""
    sel = (E >= lo) & (E <= hi)
    return float(np.mean(T[sel]))


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    model = jd.AbruptQPC(length=2.0, n_modes=10)
    e_kw, t_kw = load_kwant()
    kwant = jd.Tabulated(jnp.asarray(e_kw), jnp.asarray(t_kw), n_channels=3)

    n = 2000 if quick else 19001  # dense grid: crossings to ≲1e-4 E1 by interpolation
    E = np.linspace(*E_RANGE, n)
    channels = np.asarray(jax.jit(lambda e: model.channel_transmissions(e))(jnp.asarray(E)))
    t_model = channels.sum(axis=-1)
    t_kwant = np.asarray(jax.jit(lambda e: kwant(e))(jnp.asarray(E)))

    cross_model = first_crossings(E, t_model)
    cross_kwant = first_crossings(e_kw, t_kw)
    means_model = [plateau_mean(E, t_model, lo, hi) for lo, hi in PLATEAUS]
    means_kwant = [plateau_mean(e_kw, t_kw, lo, hi) for lo, hi in PLATEAUS]

    with plotting.styled():
        fig, (ax, axc) = plotting.figure(
            2, 1, width=7.2, height=7.0, sharex=True, gridspec_kw={"height_ratios": [2, 1]}
        )
        ax.plot(e_kw, t_kw, "o", ms=3.0, color=plotting.GREY, alpha=0.6,
                label="Kwant tight-binding (2W = 10w)")
        ax.plot(E, t_model, color=plotting.BLUE, label="mode matching, AbruptQPC (L = 2w)")
        for level in LEVELS:
            ax.axhline(level, color="k", lw=0.5, ls=":", alpha=0.5)
        for k in range(1, 4):
            ax.axvline(k**2, color=plotting.GREEN, lw=0.8, ls="--", alpha=0.7)
        ax.text(4.1, 0.15, r"$E = n^2E_1$", color=plotting.GREEN, fontsize=11)
        ax.set_ylabel(r"total transmission $\mathcal{T}(E)$")
        ax.set_ylim(0.0, 3.3)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93))
        ax.set_title("Abrupt QPC: transmission vs energy")
        plotting.panel_label(ax, "(a)", loc="upper left")

        colors = [plotting.BLUE, plotting.RED, plotting.OCHRE]
        for j in range(3):
            axc.plot(E, channels[:, j], color=colors[j], label=rf"$\mathcal{{T}}_{j + 1}$")
        axc.set_xlabel(r"energy $E/E_1$")
        axc.set_ylabel(r"channel $\mathcal{T}_n(E)$")
        axc.set_xlim(*E_RANGE)
        axc.set_ylim(-0.03, 1.08)
        axc.legend(loc="center right", ncols=3)
        plotting.panel_label(axc, "(b)", loc="upper left")
        plotting.save(fig, out_dir, NAME)

    rows = []
    for level, xm, xk in zip(LEVELS, cross_model, cross_kwant):
        rows.append((f"T = {level} crossing, model / Kwant [E1]", f"{xm:.3f} / {xk:.3f}"))
    for (lo, hi), mm, mk in zip(PLATEAUS, means_model, means_kwant):
        rows.append((f"plateau mean E/E1 in [{lo}, {hi}], model / Kwant", f"{mm:.3f} / {mk:.3f}"))
    rows.append(("max |T_model - T_Kwant| on plateaus",
                 plotting.format_value(max(
                     np.max(np.abs(t_model - t_kwant)[(E >= lo) & (E <= hi)])
                     for lo, hi in PLATEAUS), 2)))
    return rows


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
