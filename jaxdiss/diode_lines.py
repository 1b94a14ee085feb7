"""Bipolar points and perfect-diode lines of the DI thermal diode (DI Fig. 2a, inset).

With both terminals at μ and a temperature bias ΔT, the forward (F: terminal L hot) and
backward (B: terminal R hot) particle currents of terminal L (`jaxdiss.rectification`,
DI Eq. 2) vanish on different lines of the (ε1, ε3) plane:

- a **perfect-diode point** is a zero of one current while the other flows: I^F = 0 (only
  the backward configuration conducts, R_I = −1) or I^B = 0 (R_I = +1), for the one ΔT;
- a **bipolar point** has I^F = I^B ≠ 0: the current flows the same way whichever terminal
  is hot (antireciprocal diode). Between the two zeros of a cut, I^F and I^B have the same
  sign; on the antisymmetric line ε1 + ε3 = 2μ (λ = 1) I^F = I^B holds by symmetry.

Points are located along one device field (`field`: "eps1", "eps3", "gamma1", "gamma3",
"coupling" or "cavity_energy", the others held fixed) by Newton's method
(`jaxdiss.solve.newton`) on a linear combination of the two currents, normalised by |ΔT|.
The root is implicitly differentiable: `jax.grad` of the located value with respect to
any other float parameter (Γ, μ, ΔT, ...) comes from the implicit function theorem through
the outer Newton and both probe solves. The functions work under `jit`, `vmap` (e.g. over
a second field, to trace a line) and `grad`; `scan_cut` brackets sign changes on a sampled
1-D cut (a vmapped `jaxdiss.sweep`, then NumPy) and polishes every bracket with Newton.

Every result is a `DiodeLinePoint` with a `converged` flag (outer Newton converged, both
probe solves converged, all finite — and, for `scan_cut`, the root inside its bracket) and
a `nonzero` flag: the current that should flow there (I^B at a zero of I^F, I^F at a zero
of I^B, the common current at a bipolar point) exceeds `nonzero_rtol` times the scale
max(|J^F|, |J^B|)/max(kT, kT + ΔT) set by the heat currents, which never vanish for ΔT ≠ 0.
A genuine point has ``converged & nonzero``; where both currents vanish at once (e.g. a
symmetric device at the electron–hole symmetric point) `nonzero` is False.
"""

from __future__ import annotations

from typing import NamedTuple

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array

from ._checks import check_finite, is_concrete
from .diode import ThermalDiode, rectification
from .solve import newton
from .sweep import sweep

__all__ = ["LINE_FIELDS", "DiodeLinePoint", "DiodeCut", "perfect_diode_point",
           "bipolar_point", "scan_cut"]

LINE_FIELDS = ("eps1", "eps3", "gamma1", "gamma3", "coupling", "cavity_energy")

# rows: residual weights (on I^F, I^B), weights of the current that should flow there
_KINDS = {
    "forward": ((1.0, 0.0), (0.0, 1.0)),  # I^F = 0, I^B flows
    "backward": ((0.0, 1.0), (1.0, 0.0)),  # I^B = 0, I^F flows
    "bipolar": ((1.0, -1.0), (0.5, 0.5)),  # I^F = I^B, common current
}
_RTOL = 1e-12  # Newton step, relative to the field's value
_ATOL = 1e-13  # Newton step (absolute) and residual |I|/|ΔT| before the last step


class DiodeLinePoint(NamedTuple):
    """A located point (arrays; batched along the points for `scan_cut`).

    `value`: the field's value there; `forward`, `backward`: I^F, I^B there (energy/h, spin
    2, terminal L); `current`: the current that should flow (I^B at a zero of I^F, I^F at a
    zero of I^B, (I^F + I^B)/2 at a bipolar point); `nonzero`: |current| above
    `nonzero_rtol` × the heat-current scale (module docstring); `converged`: the location
    and both probe solves converged (finite); `steps`: outer Newton steps.
    """

    value: Array
    forward: Array
    backward: Array
    current: Array
    nonzero: Array
    converged: Array
    steps: Array


class DiodeCut(NamedTuple):
    """`scan_cut` result: the samples `values`, `forward` (I^F), `backward` (I^B),
    `converged` (both probe solves, per sample), and the polished points along the cut:
    `forward_zeros` (I^F = 0), `backward_zeros` (I^B = 0), `bipolar_points` (I^F = I^B),
    each a `DiodeLinePoint` of 1-D arrays sorted by value (possibly empty)."""

    values: Array
    forward: Array
    backward: Array
    converged: Array
    forward_zeros: DiodeLinePoint
    backward_zeros: DiodeLinePoint
    bipolar_points: DiodeLinePoint


# ---------------------------------------------------------------- validation


def _check_field(field):
    if not isinstance(field, str) or field not in LINE_FIELDS:
        raise ValueError(f"`field` must be one of {LINE_FIELDS}, got {field!r}")
    return field


def _check_which(which):
    if which not in ("forward", "backward"):
        raise ValueError(f"`which` must be 'forward' (I^F = 0) or 'backward' (I^B = 0), "
                         f"got {which!r}")
    return which


def _check_common(dev, mu, kT, delta_kT, grid_options, max_step, max_steps, nonzero_rtol):
    if not isinstance(dev, ThermalDiode):
        raise ValueError(f"`dev` must be a ThermalDiode, got {type(dev).__name__}")
    delta_kT = check_finite("delta_kT", delta_kT)
    if is_concrete(delta_kT) and float(delta_kT) == 0.0:
        raise ValueError("`delta_kT` must be non-zero: without a temperature bias both "
                         "currents vanish identically")
    if max_step is not None and not (np.isfinite(max_step) and max_step > 0):
        raise ValueError(f"`max_step` must be a positive float or None, got {max_step!r}")
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
        raise ValueError(f"`max_steps` must be a positive int, got {max_steps!r}")
    if not (np.isfinite(nonzero_rtol) and nonzero_rtol >= 0):
        raise ValueError(f"`nonzero_rtol` must be a finite float >= 0, got {nonzero_rtol!r}")
    options = tuple(sorted(dict(grid_options or {}).items()))
    return (jnp.asarray(mu, dtype=float), jnp.asarray(kT, dtype=float),
            jnp.asarray(delta_kT, dtype=float), options)


# ---------------------------------------------------------------- core (traced)


def _set(dev, field, x):
    if field == "coupling" and dev.structure != "general":
        dev = dev.as_general()  # derivatives in λ need the general structure
    return eqx.tree_at(lambda d: getattr(d, field), dev, jnp.asarray(x, dtype=float))


def _rect(dev, field, x, mu, kT, delta_kT, options):
    return rectification(_set(dev, field, x), mu, kT, delta_kT, grid_options=dict(options))


def _locate(dev, field, kind, mu, kT, delta_kT, guess, options, max_step, max_steps,
            nonzero_rtol):
    """Newton on w·(I^F, I^B)/|ΔT| in the field's value; `kind` = (2, 2) weights."""

    def residual(y, args):
        d, w, m, t, dt = args
        rc = _rect(d, field, y[0], m, t, dt, options)
        i = jnp.stack([rc.forward.particle_current, rc.backward.particle_current])
        return jnp.reshape(w[0] @ i, (1,)) / jnp.abs(dt)

    y0 = jnp.reshape(jnp.asarray(guess, dtype=float), (1,))
    bound = None if max_step is None else jnp.full((1,), max_step)
    sol = newton(residual, y0, (dev, kind, mu, kT, delta_kT), rtol=_RTOL, atol=_ATOL,
                 max_steps=max_steps, max_step=bound)
    x = sol.root[0]
    rc = _rect(dev, field, x, mu, kT, delta_kT, options)
    f, b = rc.forward.particle_current, rc.backward.particle_current
    current = kind[1, 0] * f + kind[1, 1] * b
    scale = (jnp.maximum(jnp.abs(rc.forward.heat_current), jnp.abs(rc.backward.heat_current))
             / jnp.maximum(kT, kT + delta_kT))
    ok = (sol.converged & rc.forward.converged & rc.backward.converged
          & jnp.isfinite(x) & jnp.isfinite(f) & jnp.isfinite(b))
    return DiodeLinePoint(x, f, b, current, jnp.abs(current) > nonzero_rtol * scale, ok,
                          sol.steps)


_locate_one = eqx.filter_jit(_locate)


# ---------------------------------------------------------------- public


def perfect_diode_point(dev: ThermalDiode, field: str, mu, kT, delta_kT, guess,
                        which: str = "forward", *, grid_options: dict | None = None,
                        max_step: float | None = None, max_steps: int = 32,
                        nonzero_rtol: float = 1e-8) -> DiodeLinePoint:
    """The value of `field` near `guess` at which I^F (`which="forward"`) or I^B
    (`which="backward"`) vanishes, the other device fields fixed (DI Fig. 2a, inset).

    Operating point as in `jaxdiss.rectification`: both terminals at `mu`, forward
    kT_L = kT + ΔT, backward kT_R = kT + ΔT (`delta_kT` ≠ 0). Newton on the field's value
    (`max_step` bounds each step, in the field's unit; `max_steps` caps the iterations).
    The located `value` is differentiable with respect to every other float parameter
    (implicit function theorem). A perfect diode needs the other current to flow:
    check ``converged & nonzero``.
    """
    field, which = _check_field(field), _check_which(which)
    mu, kT, delta_kT, options = _check_common(dev, mu, kT, delta_kT, grid_options, max_step,
                                              max_steps, nonzero_rtol)
    guess = check_finite("guess", guess)
    return _locate_one(dev, field, jnp.asarray(_KINDS[which]), mu, kT, delta_kT, guess,
                       options, max_step, max_steps, jnp.asarray(nonzero_rtol, dtype=float))


def bipolar_point(dev: ThermalDiode, field: str, mu, kT, delta_kT, guess, *,
                  grid_options: dict | None = None, max_step: float | None = None,
                  max_steps: int = 32, nonzero_rtol: float = 1e-8) -> DiodeLinePoint:
    """The value of `field` near `guess` at which I^F = I^B (a bipolar point when the
    common current, `current`, is non-zero: check ``converged & nonzero``).

    Arguments as in `perfect_diode_point`. With λ = 1 and ε3 fixed, ε1 = 2μ − ε3 (the
    antisymmetric line) is always such a point.
    """
    field = _check_field(field)
    mu, kT, delta_kT, options = _check_common(dev, mu, kT, delta_kT, grid_options, max_step,
                                              max_steps, nonzero_rtol)
    guess = check_finite("guess", guess)
    return _locate_one(dev, field, jnp.asarray(_KINDS["bipolar"]), mu, kT, delta_kT, guess,
                       options, max_step, max_steps, jnp.asarray(nonzero_rtol, dtype=float))


def _brackets(values, f, ok):
    """Indices i with a sign change of f on [values[i], values[i+1]] (both samples
    converged), and secant guesses; a sample exactly at zero counts once."""
    idx, guesses = [], []
    n = len(values)
    for i in range(n - 1):
        if not (ok[i] and ok[i + 1]):
            continue
        a, b = f[i], f[i + 1]
        if a == 0.0 or a * b < 0.0:
            idx.append(i)
            step = 0.0 if a == 0.0 else a * (values[i + 1] - values[i]) / (b - a)
            guesses.append(values[i] - step)
    if n and ok[-1] and f[-1] == 0.0:
        idx.append(n - 2)
        guesses.append(values[-1])
    return np.asarray(idx, dtype=int), np.asarray(guesses, dtype=float)


def scan_cut(dev: ThermalDiode, field: str, values, mu, kT, delta_kT, *,
             grid_options: dict | None = None, max_steps: int = 32, nonzero_rtol: float = 1e-8,
             chunk_size: int | None = 4096, progress: bool | str = False) -> DiodeCut:
    """All zeros of I^F, of I^B and of I^F − I^B along a sampled 1-D cut of `field`.

    `values`: strictly increasing 1-D samples of the field (the cut; a sign change between
    neighbouring samples brackets a point, so a pair of points closer than the spacing can
    be missed). The currents are evaluated with `jaxdiss.sweep` (`chunk_size`, `progress`);
    every bracket whose two samples converged is polished by Newton from its secant guess
    (the compiled solve of `perfect_diode_point`, one bracket at a time), and a point is
    `converged` only if it also lies inside its bracket. Not for use under `jit` (the
    number of points depends on the data).
    """
    field = _check_field(field)
    mu, kT, delta_kT, options = _check_common(dev, mu, kT, delta_kT, grid_options, None,
                                              max_steps, nonzero_rtol)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 2 or not np.all(np.isfinite(values)) \
            or not np.all(np.diff(values) > 0):
        raise ValueError("`values` must be a finite, strictly increasing 1-D array of at "
                         "least 2 samples")

    def sample(x):
        rc = _rect(dev, field, x, mu, kT, delta_kT, options)
        return (rc.forward.particle_current, rc.backward.particle_current,
                rc.forward.converged & rc.backward.converged)

    f, b, ok = (np.asarray(a) for a in sweep(sample, jnp.asarray(values), chunk_size=chunk_size,
                                              progress=progress))
    found = {k: _brackets(values, g, ok) for k, g in
             (("forward", f), ("backward", b), ("bipolar", f - b))}
    out = {}
    for k, (idx, guesses) in found.items():
        # one compiled solve, shared with `perfect_diode_point` / `bipolar_point`; a cut
        # has few brackets, each needs a handful of Newton steps
        pts = [_locate_one(dev, field, jnp.asarray(_KINDS[k]), mu, kT, delta_kT,
                           jnp.asarray(g), options, None, max_steps,
                           jnp.asarray(nonzero_rtol, dtype=float)) for g in guesses]
        dtypes = (float, float, float, float, bool, bool, int)
        part = DiodeLinePoint(*(np.asarray([np.asarray(p[j]) for p in pts], dtype=t)
                                for j, t in enumerate(dtypes)))
        lo, hi = values[idx], values[idx + 1]
        slack = 1e-9 * (hi - lo)
        inside = (part.value >= lo - slack) & (part.value <= hi + slack)
        part = part._replace(converged=part.converged & inside)
        order = np.argsort(part.value, kind="stable")
        out[k] = DiodeLinePoint(*(jnp.asarray(a[order]) for a in part))
    return DiodeCut(jnp.asarray(values), jnp.asarray(f), jnp.asarray(b), jnp.asarray(ok),
                    out["forward"], out["backward"], out["bipolar"])
