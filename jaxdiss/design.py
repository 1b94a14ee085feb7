"""Inverse design of thermal / thermoelectric diodes (DI paper) by gradient ascent (optax).

    best, runs = jd.design_multistart(
        jd.ThermalDiode(40.0, 40.0, 3.0, 3.0), jd.heat_rectification_objective(),
        {"eps1": jnp.array([34.0, 46.0, 38.0, 43.0, 31.0]),
         "eps3": jnp.array([45.0, 33.0, 39.0, 48.0, 36.0])},
        mu=40.0, kT=1.0, delta_kT=1.0, bounds={"eps1": (28.0, 52.0), "eps3": (28.0, 52.0)},
        steps=18, progress=True)
    best.device, best.value, best.trajectory.value

Trainable fields are chosen by name among the float fields of `ThermalDiode`
(`eps1`, `eps3`, `gamma1`, `gamma3`, `coupling`, `cavity_energy`). A field with box bounds
(lo, hi) is reparametrised smoothly, x = lo + (hi − lo)·sigmoid(u), so every iterate lies
strictly inside the box; fields without bounds are optimised directly. Training `coupling`
switches the device to ``structure="general"`` (derivatives in λ need it).

An objective maps a `Rectification` record (DI Eq. 2, both configurations) to a scalar that
is **maximised**: `rectification_objective` (R_I with a soft minimum-current penalty),
`heat_rectification_objective` (R_J), `bipolar_current` (min(I^F, I^B), sign-aware).
Gradients flow through both probe Newton solves by implicit differentiation
(`jaxdiss.solve.newton`).

Every evaluation is one `rectification` (forward and backward configurations) and its
gradient; all are counted in `n_evaluations` and recorded in the trajectory. An evaluation
*fails* when either probe solve did not converge (`converged` flag) or the value or its
gradient is not finite. A failed evaluation never reaches the optimiser: its gradient is
masked, the optimiser state is kept, and the next evaluation is made halfway between the
failed point and the last successful one (backtracking), so that one failed point does not
freeze the run. If the very first evaluation fails, the run stays at its start.

The result of a run is its best successful evaluation (the optimiser's last iterate is the
last entry of the trajectory).
"""

from __future__ import annotations

from typing import Callable, Mapping, NamedTuple, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from ._checks import is_concrete
from .diode import Rectification, ThermalDiode, rectification
from .sweep import Progress

__all__ = ["DESIGN_FIELDS", "DesignTrajectory", "DesignResult", "rectification_objective",
           "heat_rectification_objective", "bipolar_current", "masked_value_and_grad",
           "design", "design_multistart"]

DESIGN_FIELDS = ("eps1", "eps3", "gamma1", "gamma3", "coupling", "cavity_energy")

Objective = Callable[[Rectification], jax.Array]


# ---------------------------------------------------------------- objectives (maximised)

def rectification_objective(min_current: float = 0.0, weight: float = 10.0) -> Objective:
    """R_I − weight·(max(0, I_min − |I|)/I_min)², |I| = max(|I^F|, |I^B|) (spin 2, h = 1).

    Maximising it asks for a good particle diode that still carries at least `min_current`
    (energy/h) in its conducting direction (soft penalty; `min_current = 0` disables it).
    """
    if not np.isfinite(min_current) or min_current < 0:
        raise ValueError(f"`min_current` must be finite and >= 0, got {min_current}")
    if not np.isfinite(weight) or weight < 0:
        raise ValueError(f"`weight` must be finite and >= 0, got {weight}")

    def objective(rc: Rectification):
        if min_current == 0:
            return rc.R_I
        current = jnp.maximum(jnp.abs(rc.forward.particle_current),
                              jnp.abs(rc.backward.particle_current))
        short = jnp.maximum(0.0, min_current - current) / min_current
        return rc.R_I - weight * short**2

    return objective


def heat_rectification_objective() -> Objective:
    """R_J (DI Eq. 2 for the heat current)."""
    return lambda rc: rc.R_J


def bipolar_current(sign: int | None = None) -> Objective:
    """Bipolar (antireciprocal) particle current.

    `sign` = +1: min(I^F, I^B); −1: min(−I^F, −I^B); None: the larger of the two, i.e. the
    common-sign current magnitude min(|I^F|, |I^B|) when both flow the same way and minus
    the smaller magnitude otherwise. Positive only for a bipolar diode.
    """
    if sign not in (None, 1, -1):
        raise ValueError(f"`sign` must be +1, -1 or None, got {sign!r}")

    def objective(rc: Rectification):
        f, b = rc.forward.particle_current, rc.backward.particle_current
        if sign is None:
            return jnp.maximum(jnp.minimum(f, b), jnp.minimum(-f, -b))
        return jnp.minimum(sign * f, sign * b)

    return objective


# ---------------------------------------------------------------- parametrisation

def _check_names(names, bounds):
    if isinstance(names, str):
        raise ValueError(f"`names` must be a sequence of field names, got the string {names!r}")
    names = tuple(names)
    if not names:
        raise ValueError("`names` must name at least one field")
    for n in names:
        if n not in DESIGN_FIELDS:
            raise ValueError(f"`names`: {n!r} is not one of {DESIGN_FIELDS}")
    if len(set(names)) != len(names):
        raise ValueError(f"`names` has duplicates: {names}")
    bounds = dict(bounds or {})
    for n, b in bounds.items():
        if n not in names:
            raise ValueError(f"`bounds`: {n!r} is not a trained field {names}")
        lo, hi = (float(v) for v in b)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"`bounds`: {n!r} needs finite lo < hi, got {(lo, hi)}")
        bounds[n] = (lo, hi)
    return names, bounds


def _check_starts(starts, bounds):
    """Starting values: finite and strictly inside their bounds (concrete values only)."""
    for n, x in starts.items():
        if not is_concrete(x):
            continue
        v = np.asarray(x)
        if not np.all(np.isfinite(v)):
            raise ValueError(f"starting value of {n!r} must be finite, got {v}")
        if n in bounds:
            lo, hi = bounds[n]
            if np.any((v <= lo) | (v >= hi)):
                raise ValueError(f"starting value of {n!r} must lie strictly inside its "
                                 f"`bounds` {(lo, hi)}, got {v}")


def _to_unconstrained(x, b):
    if b is None:
        return x
    lo, hi = b
    s = jnp.clip((x - lo) / (hi - lo), 1e-12, 1 - 1e-12)
    return jnp.log(s) - jnp.log1p(-s)


def _to_physical(u, b):
    if b is None:
        return u
    lo, hi = b
    return lo + (hi - lo) * jax.nn.sigmoid(u)


def _with_params(dev, names, values):
    if "coupling" in names and dev.structure != "general":
        dev = dev.as_general()
    return eqx.tree_at(lambda d: [getattr(d, n) for n in names], dev,
                       [jnp.asarray(values[n], dtype=float) for n in names])


# ---------------------------------------------------------------- masking

def masked_value_and_grad(value, grad, converged):
    """(value, grad, ok) with ok = converged & finite value & finite gradient.

    Where not ok, `value` becomes NaN (a failed evaluation has no value) and every gradient
    leaf becomes zero, so that nothing non-finite reaches an optimiser update.
    """
    finite = jnp.isfinite(value)
    for g in jax.tree_util.tree_leaves(grad):
        finite = finite & jnp.all(jnp.isfinite(g))
    ok = jnp.asarray(converged) & finite
    value = jnp.where(ok, value, jnp.nan)
    grad = jax.tree_util.tree_map(lambda g: jnp.where(ok, g, jnp.zeros_like(g)), grad)
    return value, grad, ok


# ---------------------------------------------------------------- records

class DesignTrajectory(NamedTuple):
    """One entry per evaluation, in order: `params` (name → array of the physical values at
    which the evaluation was made), `value` (objective; NaN where it failed), `converged`
    (both probe solves converged, finite value and gradient). Multistart: leading axis is
    the start."""

    params: dict
    value: jax.Array
    converged: jax.Array


class DesignResult(NamedTuple):
    """Outcome of one design run: its best successful evaluation.

    `device` (the input device with the trained fields set), `params` (name → value),
    `value` (objective there), `converged` (False only when no evaluation succeeded; then
    the fields describe the start), `index` (which evaluation of `trajectory`),
    `trajectory` (`DesignTrajectory`), `n_evaluations` (rectification + gradient
    evaluations spent; for the best of a multistart, those of all starts).
    """

    device: ThermalDiode
    params: dict
    value: jax.Array
    converged: jax.Array
    index: int
    trajectory: DesignTrajectory
    n_evaluations: int


# ---------------------------------------------------------------- optimisation

def _make_step(dev, objective, names, bounds, mu, kT, delta_kT, optimizer):
    def value_fn(u):
        values = {n: _to_physical(u[n], bounds.get(n)) for n in names}
        rc = rectification(_with_params(dev, names, values), mu, kT, delta_kT)
        conv = rc.forward.converged & rc.backward.converged
        return objective(rc), (conv, values)

    def step(u, state, anchor):
        """Evaluate at u; return the next point, optimiser state and anchor (last good u)."""
        (value, (conv, values)), grad = jax.value_and_grad(value_fn, has_aux=True)(u)
        value, grad, ok = masked_value_and_grad(value, grad, conv)
        neg = jax.tree_util.tree_map(jnp.negative, grad)  # optax minimises
        updates, new_state = optimizer.update(neg, state, u)
        stepped = optax.apply_updates(u, updates)
        back = jax.tree_util.tree_map(lambda a, x: a + 0.5 * (x - a), anchor, u)
        pick = lambda good, bad: jnp.where(ok, good, bad)  # noqa: E731
        new_u = jax.tree_util.tree_map(pick, stepped, back)
        new_state = jax.tree_util.tree_map(pick, new_state, state)
        new_anchor = jax.tree_util.tree_map(pick, u, anchor)
        return new_u, new_state, new_anchor, values, value, ok

    return step


def _run(dev, objective, names, starts, *, mu, kT, delta_kT, bounds, steps, optimizer,
         learning_rate, progress):
    names, bounds = _check_names(names, bounds)
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"`steps` must be a non-negative int, got {steps!r}")
    if optimizer is None:
        if not (np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"`learning_rate` must be positive, got {learning_rate!r}")
        optimizer = optax.adam(learning_rate, b1=0.5)
    if not callable(objective):
        raise ValueError("`objective` must be a callable Rectification -> scalar")
    _check_starts(starts, bounds)
    step = _make_step(dev, objective, names, bounds, mu, kT, delta_kT, optimizer)
    u = {n: _to_unconstrained(jnp.asarray(starts[n], dtype=float), bounds.get(n)) for n in names}
    state = jax.vmap(optimizer.init)(u)
    anchor = u
    batched = jax.jit(jax.vmap(step))
    label = progress if isinstance(progress, str) else "design"
    bar = Progress(steps + 1, label, enabled=bool(progress))
    traj_p = {n: [] for n in names}
    traj_v, traj_c = [], []
    best = -np.inf
    for _ in range(steps + 1):  # the last pass only evaluates the final parameters
        u, state, anchor, values, value, ok = batched(u, state, anchor)
        for n in names:
            traj_p[n].append(np.asarray(values[n]))
        v, c = np.asarray(value), np.asarray(ok)
        traj_v.append(v)
        traj_c.append(c)
        if np.any(c):
            best = max(best, float(np.max(v[c])))
        bar.label = f"{label} (best {best:.6g})"
        bar.update()
    params = {n: jnp.asarray(np.stack(traj_p[n], axis=1)) for n in names}  # [starts, steps+1]
    traj = DesignTrajectory(params, jnp.asarray(np.stack(traj_v, axis=1)),
                            jnp.asarray(np.stack(traj_c, axis=1)))
    return names, traj


def _result(dev, names, traj, i, n_eval):
    t = DesignTrajectory({n: traj.params[n][i] for n in names}, traj.value[i], traj.converged[i])
    conv = np.asarray(t.converged)
    scores = np.where(conv, np.asarray(t.value), -np.inf)
    k = int(np.argmax(scores)) if conv.any() else 0
    chosen = {n: t.params[n][k] for n in names}
    return DesignResult(_with_params(dev, names, chosen), chosen, t.value[k],
                        jnp.asarray(bool(conv.any())), k, t, n_eval)


def design(dev: ThermalDiode, objective: Objective, names: Sequence[str], *, mu, kT, delta_kT,
           bounds: Mapping[str, tuple] | None = None, steps: int = 50,
           optimizer: optax.GradientTransformation | None = None, learning_rate: float = 0.3,
           progress: bool | str = False) -> DesignResult:
    """Maximise `objective(rectification(dev', mu, kT, delta_kT))` over the fields `names`.

    Starts from `dev`'s values (strictly inside `bounds` when given), makes `steps`
    optimiser steps on the unconstrained parameters and evaluates the final point:
    `n_evaluations = steps + 1`. Default optimiser: ``optax.adam(learning_rate, b1=0.5)``
    (less momentum than Adam's 0.9, which overshoots on a budget of a few tens of steps);
    `learning_rate` is in logit units for bounded fields. `progress` shows a bar with the
    best value so far (a string is its label). Returns the best successful evaluation
    (`DesignResult`); failed evaluations are masked (module docstring).
    """
    names, _ = _check_names(names, bounds)
    starts = {n: jnp.reshape(getattr(dev, n), (1,)) for n in names}
    names, traj = _run(dev, objective, names, starts, mu=mu, kT=kT, delta_kT=delta_kT,
                       bounds=bounds, steps=steps, optimizer=optimizer,
                       learning_rate=learning_rate, progress=progress)
    return _result(dev, names, traj, 0, steps + 1)


def design_multistart(dev: ThermalDiode, objective: Objective, starts: Mapping[str, object], *,
                      mu, kT, delta_kT, bounds: Mapping[str, tuple] | None = None,
                      steps: int = 50, optimizer: optax.GradientTransformation | None = None,
                      learning_rate: float = 0.3, progress: bool | str = False):
    """Run `design` from every start at once (one vmapped batch) and return (best, runs).

    `starts`: trained field name → 1-D array of starting values (same length n); the other
    fields come from `dev`. `runs` is the list of per-start `DesignResult`s (each counting
    its own steps + 1 evaluations); `best` is the run with the largest successful value,
    its `n_evaluations` counting all starts, n·(steps + 1).
    """
    names, _ = _check_names(tuple(starts), bounds)
    arrays = [jnp.atleast_1d(jnp.asarray(starts[n], dtype=float)) for n in names]
    n = arrays[0].shape[0]
    if any(a.ndim != 1 or a.shape != (n,) for a in arrays):
        raise ValueError("`starts`: every field needs a 1-D array of the same length")
    names, traj = _run(dev, objective, names, dict(zip(names, arrays)), mu=mu, kT=kT,
                       delta_kT=delta_kT, bounds=bounds, steps=steps, optimizer=optimizer,
                       learning_rate=learning_rate, progress=progress)
    runs = [_result(dev, names, traj, i, steps + 1) for i in range(n)]
    scores = [float(r.value) if bool(r.converged) else -np.inf for r in runs]
    best = runs[int(np.argmax(scores))]
    return best._replace(n_evaluations=n * (steps + 1)), runs
