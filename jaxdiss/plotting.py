"""Shared figure styling and helpers for the example scripts and ``jaxdiss reproduce``.

Figures are built with matplotlib's object-oriented API on the Agg canvas
(``matplotlib.figure.Figure``): nothing here touches ``matplotlib.pyplot``, selects a global
backend or opens a window, so importing this module is safe in notebooks and on headless
machines alike. Save with `save`; never call ``plt.show()``.

Colours follow the QPC paper: P_L red, P_R blue, P_A ochre; temperatures kT/E1 = 0, 0.04,
0.08 are drawn solid, dashed and dotted.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from typing import Callable, Iterable, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "RED",
    "BLUE",
    "OCHRE",
    "GREEN",
    "GREY",
    "POWER_COLORS",
    "TEMPERATURE_STYLES",
    "STYLE",
    "figure",
    "styled",
    "save",
    "panel_label",
    "zero_line",
    "format_value",
    "format_table",
    "script_main",
]

RED = "#c0392b"  # P_L
BLUE = "#1f5fae"  # P_R
OCHRE = "#c99a06"  # P_A
GREEN = "#2e8b57"  # guide lines
GREY = "#555555"

POWER_COLORS = {"left": RED, "right": BLUE, "asymmetry": OCHRE}
TEMPERATURE_STYLES = ("-", "--", ":")

STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 13,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 10,
    "legend.framealpha": 0.9,
    "lines.linewidth": 1.8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "mathtext.fontset": "dejavusans",
}


def figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None,
           height: float | None = None, **subplot_kw):
    """A new Agg-backed `Figure` with an ``nrows × ncols`` grid of axes.

    Returns ``(fig, axes)`` with `axes` squeezed like ``plt.subplots``. rcParams are read
    when artists are created, so build the whole figure inside ``with styled():`` to get
    the shared `STYLE` (the example scripts do).
    """
    width = 6.4 * ncols if width is None else width
    height = 4.6 * nrows if height is None else height
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


class styled:
    """Context manager applying `STYLE` (``with plotting.styled(): ...``)."""

    def __enter__(self):
        self._ctx = mpl.rc_context(STYLE)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def save(fig: Figure, out_dir: pathlib.Path, name: str) -> pathlib.Path:
    """Write `fig` as ``out_dir/name.png`` (folder created) and return the path."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    with mpl.rc_context(STYLE):
        fig.savefig(path)
    return path


def panel_label(ax, text: str, *, loc: str = "upper left"):
    """Bold panel tag such as "(a)" in a corner of `ax`."""
    x, ha = (0.02, "left") if "left" in loc else (0.98, "right")
    y, va = (0.97, "top") if "upper" in loc else (0.03, "bottom")
    ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontweight="bold",
            fontsize=13)


def zero_line(ax):
    """Thin horizontal line at y = 0."""
    ax.axhline(0.0, color="k", lw=0.7, alpha=0.6, zorder=0)


def format_value(x, digits: int = 4, unit: str = "") -> str:
    """Compact text for a summary value: numbers with `digits` significant digits."""
    if isinstance(x, (bool, np.bool_)):
        s = "yes" if x else "no"
    elif isinstance(x, (int, np.integer)):
        s = str(int(x))
    else:
        try:
            v = float(x)
        except (TypeError, ValueError):
            return str(x)
        s = "nan" if not np.isfinite(v) else f"{v:.{digits}g}"
    return f"{s} {unit}".strip()


def format_table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Left-aligned plain-text table of string cells."""
    rows = [list(map(str, r)) for r in rows]
    if header is not None:
        rows = [list(header)] + rows
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    if header is not None:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def script_main(run: Callable[..., Iterable[tuple[str, str]]], description: str,
                argv: Sequence[str] | None = None) -> int:
    """Command line of one example script: ``--out DIR [--quick]``; prints the summary."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("jaxdiss-output"),
                        help="output folder for the PNG files (default ./jaxdiss-output)")
    parser.add_argument("--quick", action="store_true",
                        help="coarser grids: seconds instead of minutes")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = run(args.out, quick=args.quick)
    print(format_table(rows, header=("quantity", "value")))
    print(f"[{time.perf_counter() - start:.1f} s, figures in {args.out}]", file=sys.stderr)
    return 0
