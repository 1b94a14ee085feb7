"""Figures of a profile fit: data versus model, and the normalised residuals."""

from __future__ import annotations

import numpy as np

from .. import plotting
from .fit import FitResult

__all__ = ["fit_figure"]


def fit_figure(x, y, sigma, result: FitResult, *, xlabel: str = "x (nm)",
               ylabel: str = "ΔT (mK)", title: str = "", model_x=None, model_y=None):
    """Two-panel figure: data (error bars σ) with the best-fit model, and the normalised
    residuals (model − y)/σ with a histogram against the standard normal density.

    `model_x`, `model_y`: an optional finer curve of the model (default: the prediction at
    the data points). Returns the matplotlib `Figure`."""
    x, y, sigma = (np.asarray(a, dtype=float) for a in (x, y, sigma))
    with plotting.styled():
        fig, axes = plotting.figure(2, 2, width=11.0, height=7.0,
                                    gridspec_kw=dict(height_ratios=(2.2, 1.0),
                                                     width_ratios=(4.0, 1.0)))
        top, blank = axes[0]
        low, hist = axes[1]
        blank.axis("off")
        top.errorbar(x, y, yerr=sigma, fmt="o", ms=2.5, lw=0.8, color="0.35",
                     label="data (±1σ)")
        if model_x is None:
            model_x, model_y = x, result.prediction
        top.plot(model_x, model_y, color="C3", label="best fit")
        top.set_ylabel(ylabel)
        top.legend(loc="upper right")
        if title:
            top.set_title(title)
        text = "\n".join(f"{n} = {plotting.format_value(v, 5)} ± {plotting.format_value(s, 2)}"
                         for n, v, s in zip(result.names, result.values, result.stderr))
        text += f"\nχ²/dof = {result.chi2_per_dof:.3f} (dof {result.dof})"
        blank.text(0.0, 1.0, text, va="top", ha="left", family="monospace", fontsize=9,
                   transform=blank.transAxes)
        low.plot(x, result.residuals, "o", ms=2.5, color="C0")
        plotting.zero_line(low)
        low.set_xlabel(xlabel)
        low.set_ylabel("(model − data)/σ")
        bins = np.linspace(-4.0, 4.0, 17)
        hist.hist(result.residuals, bins=bins, orientation="horizontal", density=True,
                  color="C0", alpha=0.6)
        grid = np.linspace(-4.0, 4.0, 200)
        hist.plot(np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi), grid, color="k", lw=1.0)
        hist.set_xlabel("density")
        hist.set_ylim(low.get_ylim())
    return fig
