"""Weighted least-squares fits of profile models, with Gauss–Newton uncertainties.

`fit_profile(model, x, y, sigma, parameters)` minimises χ² = Σ ((model(θ, x) − y)/σ)² with
Levenberg–Marquardt (optimistix), derivatives by autodiff through the whole model (Newton
solves included, implicitly). Each parameter is a `Parameter` with physical bounds; the
optimiser works on unconstrained u with θ = lo + e^u (lower bound only), hi − e^u (upper
only), lo + (hi − lo)·sigmoid(u) (both) or θ = u (none), so θ never leaves its range.

Several starts (given, or drawn uniformly inside `Parameter.start_range`) are run and the
lowest χ² wins; a start counts as failed when its solver did not report success, the
model flagged non-convergence at the end, or χ² is not finite. At the best fit the
covariance is the Gauss–Newton one in physical parameters, C = (JᵀJ)⁻¹ with J = ∂r/∂θ,
scaled by χ²/dof (so the errors absorb a misjudged σ), with standard errors √C_ii and
correlations C_ij/√(C_ii C_jj). Derived quantities (e.g. the bias eV found from the
current) get their error by the same linear propagation (`FitResult.propagate`).

The model is a callable `model(theta, x) -> (prediction, converged)` with θ a float vector
in the order of `parameters`; `converged` a boolean scalar (True if the model has no
solver). Where it is False or the prediction is not finite the residuals are replaced by a
large constant, which LM rejects like any step that increases χ².
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx

__all__ = ["Parameter", "FitResult", "FitStart", "fit_profile"]

_PENALTY = 1e6  # residual of a point where the model failed (χ² contribution 1e12)


class Parameter(NamedTuple):
    """A fit parameter: `name`, `initial` value, physical bounds `lower` < `upper`
    (±inf allowed), and `start_range` (lo, hi) for random starts (default: the bounds
    when finite, else initial/3 … 3·initial)."""

    name: str
    initial: float
    lower: float = -math.inf
    upper: float = math.inf
    start_range: tuple[float, float] | None = None


class FitStart(NamedTuple):
    """One start: initial and final θ, χ², optimiser steps, success flag."""

    initial: np.ndarray
    final: np.ndarray
    chi2: float
    steps: int
    success: bool


class FitResult(NamedTuple):
    """Best fit: `names`, `values` θ̂, `stderr`, `covariance` (scaled by χ²/dof),
    `correlation`, `chi2`, `dof`, `chi2_per_dof`, `residuals` (normalised, (model − y)/σ),
    `prediction`, `converged` (best start succeeded and the covariance is finite and
    positive definite), `starts` (every `FitStart`), `jacobian` ∂r/∂θ at θ̂."""

    names: tuple[str, ...]
    values: np.ndarray
    stderr: np.ndarray
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: float
    dof: int
    chi2_per_dof: float
    residuals: np.ndarray
    prediction: np.ndarray
    converged: bool
    starts: tuple[FitStart, ...]
    jacobian: np.ndarray

    def as_dict(self) -> dict[str, dict[str, float]]:
        """{name: {"value": v, "stderr": s}} (plain floats, for JSON)."""
        return {n: {"value": float(v), "stderr": float(s)}
                for n, v, s in zip(self.names, self.values, self.stderr)}

    def propagate(self, fn: Callable) -> tuple[float, float]:
        """Value and standard error of a derived scalar fn(θ) at the best fit, by linear
        propagation of the covariance (g = ∇fn by autodiff, σ² = gᵀ C g)."""
        theta = jnp.asarray(self.values)
        value, grad = jax.value_and_grad(lambda t: jnp.asarray(fn(t), dtype=float))(theta)
        grad = np.asarray(grad)
        return float(value), float(np.sqrt(grad @ self.covariance @ grad))


def _check_parameters(parameters: Sequence[Parameter]) -> tuple[Parameter, ...]:
    if not parameters:
        raise ValueError("`parameters` must name at least one fit parameter")
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise ValueError(f"`parameters` has duplicated names: {names}")
    for p in parameters:
        lo, hi, x0 = float(p.lower), float(p.upper), float(p.initial)
        if math.isnan(lo) or math.isnan(hi) or not lo < hi:
            raise ValueError(f"parameter {p.name!r}: need lower < upper, got {lo}, {hi}")
        if not (math.isfinite(x0) and lo < x0 < hi):
            raise ValueError(f"parameter {p.name!r}: initial value {x0} must lie strictly "
                             f"inside ({lo}, {hi})")
    return tuple(parameters)


def _to_physical(u, parameters):
    out = []
    for i, p in enumerate(parameters):
        lo, hi = float(p.lower), float(p.upper)
        if math.isfinite(lo) and math.isfinite(hi):
            out.append(lo + (hi - lo) * jax.nn.sigmoid(u[i]))
        elif math.isfinite(lo):
            out.append(lo + jnp.exp(u[i]))
        elif math.isfinite(hi):
            out.append(hi - jnp.exp(u[i]))
        else:
            out.append(u[i])
    return jnp.stack(out)


def _to_unconstrained(theta, parameters) -> np.ndarray:
    out = []
    for t, p in zip(theta, parameters):
        lo, hi, t = float(p.lower), float(p.upper), float(t)
        if math.isfinite(lo) and math.isfinite(hi):
            s = (t - lo) / (hi - lo)
            out.append(math.log(s) - math.log1p(-s))
        elif math.isfinite(lo):
            out.append(math.log(t - lo))
        elif math.isfinite(hi):
            out.append(math.log(hi - t))
        else:
            out.append(t)
    return np.asarray(out)


def _residuals(model, theta, x, y, sigma):
    prediction, ok = model(theta, x)
    r = (prediction - y) / sigma
    good = ok & jnp.all(jnp.isfinite(r))
    return jnp.where(good, r, _PENALTY), prediction, good


@eqx.filter_jit
def _solve(model, parameters, u0, x, y, sigma, rtol, atol, max_steps):
    def fn(u, _):
        return _residuals(model, _to_physical(u, parameters), x, y, sigma)[0]

    sol = optx.least_squares(fn, optx.LevenbergMarquardt(rtol=rtol, atol=atol), u0,
                             max_steps=max_steps, throw=False,
                             adjoint=optx.RecursiveCheckpointAdjoint())
    theta = _to_physical(sol.value, parameters)
    r, prediction, good = _residuals(model, theta, x, y, sigma)
    success = (sol.result == optx.RESULTS.successful) & good
    return theta, jnp.sum(r**2), sol.stats["num_steps"], success


@eqx.filter_jit
def _jacobian(model, theta, x, y, sigma):
    def r(t):
        out = _residuals(model, t, x, y, sigma)
        return out[0], out

    return jax.jacfwd(r, has_aux=True)(theta)


class _Held(eqx.Module):
    """`model` with only the parameters at indices `free` varied, the rest held at `full`."""

    model: Callable
    full: jax.Array
    free: tuple[int, ...] = eqx.field(static=True)

    def __call__(self, theta, x):
        return self.model(self.full.at[jnp.asarray(self.free)].set(theta), x)


@eqx.filter_jit
def _chi2(model, theta, x, y, sigma):
    r, _, good = _residuals(model, theta, x, y, sigma)
    return jnp.sum(r**2), good


def _random_starts(parameters, n, seed, screen, chi2, tries=50):
    """`n` starts drawn uniformly in the parameters' start ranges, each the lowest-χ² of
    `screen` draws at which the model could be evaluated (`chi2(θ) -> (χ², ok)`; draws
    where it fails are redrawn, up to `tries` times per start)."""
    rng = np.random.default_rng(seed)

    def draw():
        theta = []
        for p in parameters:
            lo, hi = p.start_range or (p.lower, p.upper)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                lo, hi = p.initial / 3.0, p.initial * 3.0
            theta.append(rng.uniform(min(lo, hi), max(lo, hi)))
        return np.asarray(theta)

    starts = []
    for _ in range(n):
        candidates = []
        for _ in range(tries):
            theta = draw()
            value, ok = chi2(jnp.asarray(theta))
            if bool(ok):
                candidates.append((float(value), theta))
            if len(candidates) == screen:
                break
        if not candidates:
            raise RuntimeError(f"the model failed at {tries} random draws in the start "
                               "ranges; narrow `Parameter.start_range`")
        starts.append(min(candidates, key=lambda c: c[0])[1])
    return starts


def fit_profile(model, x, y, sigma, parameters: Sequence[Parameter], *, starts=None,
                n_random: int = 0, seed: int = 0, screen: int = 1,
                stages: Sequence[Sequence[str]] = (), rtol: float = 1e-8, atol: float = 1e-10,
                max_steps: int = 200, throw: bool = True, progress=None) -> FitResult:
    """Weighted least-squares fit of `model(θ, x) -> (prediction, converged)` to data `y`
    with standard deviations `sigma` (module docstring).

    `parameters`: `Parameter`s in the order of θ. Starts: the parameters' initial values,
    then `starts` (a sequence of θ vectors), then `n_random` random starts (seeded by
    `seed`), each the lowest-χ² of `screen` uniform draws in the start ranges at which the
    model converges (draws where it fails are redrawn; one model evaluation per draw).
    `stages`: names of parameters fitted first, in turn, with the others held at their
    start values, before every parameter is freed (e.g. the amplitude-like parameters
    first: this keeps a start far from the minimum out of side valleys that the full
    problem can drift into). `rtol`, `atol`, `max_steps`: Levenberg–Marquardt stopping rule (on the
    unconstrained variables) and step limit. `progress`: optional callable receiving a line
    of text per start. `throw`: raise `RuntimeError` when no start converged (otherwise
    the result comes back with ``converged = False``).

    Raises `ValueError` for malformed inputs (shapes, non-finite data, σ ≤ 0, bad bounds).
    """
    parameters = _check_parameters(parameters)
    x, y, sigma = (np.asarray(a, dtype=float) for a in (x, y, sigma))
    if x.ndim != 1 or y.shape != x.shape or sigma.shape != x.shape:
        raise ValueError(f"`x`, `y`, `sigma` must be 1-D of one length, got shapes "
                         f"{x.shape}, {y.shape}, {sigma.shape}")
    for name, a in (("x", x), ("y", y), ("sigma", sigma)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"`{name}` has non-finite values")
    if not np.all(sigma > 0):
        raise ValueError("`sigma` must be positive everywhere")
    dof = x.size - len(parameters)
    if dof < 1:
        raise ValueError(f"{x.size} data points cannot fix {len(parameters)} parameters")
    initials = [np.asarray([p.initial for p in parameters], dtype=float)]
    initials += [np.asarray(s, dtype=float) for s in (starts or ())]
    if int(screen) < 1:
        raise ValueError(f"`screen` must be a positive integer, got {screen!r}")
    initials += _random_starts(parameters, n_random, seed, int(screen),
                               lambda t: _chi2(model, t, x, y, sigma))
    for s in initials:
        if s.shape != (len(parameters),):
            raise ValueError(f"a start has shape {s.shape}, expected ({len(parameters)},)")

    names = [p.name for p in parameters]
    stage_indices = []
    for stage in stages:
        unknown = [n for n in stage if n not in names]
        if unknown or not stage:
            raise ValueError(f"`stages`: {list(stage)} must name parameters among {names}")
        stage_indices.append(tuple(names.index(n) for n in stage))

    results = []
    for k, theta0 in enumerate(initials):
        theta, staged = np.array(theta0, dtype=float), 0
        for idx in stage_indices:
            held = [parameters[i] for i in idx]
            u0 = jnp.asarray(_to_unconstrained(theta[list(idx)], held))
            part, _, steps, _ = _solve(_Held(model, jnp.asarray(theta), idx), tuple(held), u0,
                                       x, y, sigma, rtol, atol, max_steps)
            theta[list(idx)] = np.asarray(part)
            staged += int(steps)
        u0 = jnp.asarray(_to_unconstrained(theta, parameters))
        theta, chi2, steps, success = _solve(model, parameters, u0, x, y, sigma,
                                             rtol, atol, max_steps)
        start = FitStart(theta0, np.asarray(theta), float(chi2), staged + int(steps),
                         bool(success) and bool(np.isfinite(chi2)))
        results.append(start)
        if progress is not None:
            values = ", ".join(f"{p.name}={v:.6g}" for p, v in zip(parameters, start.final))
            progress(f"start {k + 1}/{len(initials)}: chi2/dof = {start.chi2 / dof:.6g}, "
                     f"{start.steps} steps, {'ok' if start.success else 'FAILED'}: {values}")

    good = [s for s in results if s.success]
    if not good:
        if throw:
            raise RuntimeError(f"no start of the fit converged ({len(results)} tried; "
                               f"final chi2: {[s.chi2 for s in results]})")
        good = results
    best = min(good, key=lambda s: s.chi2 if np.isfinite(s.chi2) else np.inf)
    J, (r, prediction, ok) = _jacobian(model, jnp.asarray(best.final), x, y, sigma)
    J, r = np.asarray(J), np.asarray(r)
    chi2 = float(np.sum(r**2))
    scale = chi2 / dof
    try:
        covariance = np.linalg.inv(J.T @ J) * scale
        finite = bool(np.all(np.isfinite(covariance)) and np.all(np.diag(covariance) > 0))
    except np.linalg.LinAlgError:
        covariance, finite = np.full((len(parameters),) * 2, np.nan), False
    stderr = np.sqrt(np.abs(np.diag(covariance)))
    correlation = covariance / np.outer(stderr, stderr)
    return FitResult(tuple(p.name for p in parameters), np.asarray(best.final), stderr,
                     covariance, correlation, chi2, dof, scale, r, np.asarray(prediction),
                     bool(best.success and finite and bool(ok)), tuple(results), J)
