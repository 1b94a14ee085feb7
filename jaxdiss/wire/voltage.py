"""The wire voltage drop at a prescribed current: eV for a given I (BW Sec. II C, App. B, C).

`solve_wire` fixes the band offset eV at the scatterer and returns the current I it
sustains (the matching equations are compatible for one F_ext only). The inverse problem —
which eV carries a given current, the one an experiment poses — is a one-dimensional root
find on that relation, I(eV) = I, here by Newton's method (`jaxdiss.solve.newton`) with the
Jacobian dI/deV from forward-mode autodiff through the solver. Derivatives of the result
with respect to the current, the parameters of T, kT, μ0 and the relaxation exponent are
implicit (implicit function theorem), hence exact: d(eV)/dI = 1/(dI/deV). The iteration
itself runs on stopped gradients; at the converged root z* the solver is evaluated once
more with every input live, together with its derivative along z (one forward-mode
solve), and one last Newton step z = z* − r/(∂r/∂z) leaves the value unchanged to rounding
while carrying dz/dθ = −(∂r/∂θ)/(∂r/∂z). The solution returned is that evaluation plus its
z-derivative times (z − z*) — zero in value, the root's motion in its first derivatives —
so every field of it is differentiable too (first order; second derivatives are not exact).

Batching. Under `vmap` the points run one after another (`jaxdiss._batching.sequential`),
each as the unbatched program, so no batched LU factorisation arises in plain batched
calls. Within one point the wire solves are also sequenced by data dependencies
(`_after`): jaxlib 0.10.2's CPU LAPACK kernels can deadlock when two independent batched
LU factorisations run at once on hosts with few cores (two batched ``getrf`` calls each
block one of the two workers of the thread pool while waiting for batch tasks queued
behind the other), which matters for batched derivatives (``vmap`` of ``jacfwd``): there
primal and tangent solves overlap and cannot be sequenced, so on such hosts take
derivatives unbatched (reportedly jaxlib ≥ 0.11.1 no longer runs LAPACK batches on the
thread pool in its open-source builds).

Parametrisation. The unknown is z with eV = eV_max·σ(z) (σ the logistic function), so every
iterate is a valid band offset in (0, eV_max): for eV ≪ eV_max, z ≈ log(eV/eV_max) and
log I(z) is nearly linear in z (I ∝ eV), which is what Newton needs from I → 0 up to
saturation. The residual is log I(eV(z)) − log I; each Newton step is bounded to |Δz| ≤ 2
(a factor ≲ e² in eV).

Saturation (BW App. C). The current has the natural upper bound (e/h)∫T dε (Eqs. 20, with
0 ≤ f ≤ 1), and the model's I(eV) saturates below it. The top of the eV range is
eV_max = μ0 + tail·kT, where the right-wire occupation f0(p_L²/2m + eV) has dropped below
e^{−tail} at every left-grid energy: I(eV) no longer changes beyond it. The current at
eV_max, `saturation`, is computed first; a prescribed current outside (0, saturation)
cannot be carried (assuming, as in every case we know of, that I(eV) increases with eV) and
is reported with ``converged = False`` at once, with finite fields (the solution at the
initial guess), without Newton steps.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Float, Int

from .._batching import sequential
from .._checks import (
    check_finite,
    check_positive,
    check_scalar,
    check_static_int,
    is_concrete,
)
from ..solve import newton
from .boltzmann import (
    WireSolution,
    _check_transmission,
    _common_arguments,
    _solve_linear,
    _solve_point,
)

__all__ = ["BiasForCurrent", "bias_for_current"]

_MAX_STEP = 2.0    # bound on the Newton step in z (eV changes by at most ~e² per step)


class BiasForCurrent(eqx.Module):
    """Band offset eV that carries a prescribed current (`bias_for_current`).

    `bias`: eV in the energy unit of the arguments (pass it to `solve_wire` as `bias`);
    `solution`: the `WireSolution` at that eV (its fields are in μ0 units: ``solution.bias``
    is `bias`/μ0, ``solution.current`` the current it carries, I h/(e μ0));
    `saturation`: the largest current the model carries at this kT, I(eV_max) in h/(e μ0)
    (module docstring; not differentiated); `converged`: Newton converged, the wire solve
    converged and the current is reproduced to 10·`atol` relative (False for an
    unreachable current);
    `steps`: Newton steps taken (0 for an unreachable current).
    """

    bias: Float[Array, ""]
    solution: WireSolution
    saturation: Float[Array, ""]
    converged: Bool[Array, ""]
    steps: Int[Array, ""]


def _bias(z, bias_max):
    return bias_max * jax.nn.sigmoid(z)


def _log_ratio(w, reachable, current, z, z0):
    """log I(eV(z)) − log I (reachable), or z − z0 (unreachable: a trivial root at z0)."""
    # `where` selects; the unselected branch must not be NaN (it would poison gradients)
    value = jnp.log(jnp.where(reachable, w.current, 1.0)) - jnp.log(current)
    return jnp.where(reachable, value, z - z0)


def _residual(z, args):
    """Newton residual (`_log_ratio`) for the 1-vector z."""
    T, current, kT, mu0, s, bias_max, reachable, z0, sizes = args
    w = _solve_point(T, _bias(z[0], bias_max), kT, mu0, s, *sizes)
    return _log_ratio(w, reachable, current, z, z0).reshape(1)


def _stop_gradient(tree):
    """`jax.lax.stop_gradient` on the inexact-array leaves of `tree` (others pass)."""
    return jax.tree_util.tree_map(
        lambda a: jax.lax.stop_gradient(a) if eqx.is_inexact_array(a) else a, tree)


def _after(value, tree):
    """`tree` with its array leaves made to depend on `value` (an optimization barrier).

    XLA may run independent computations concurrently. Two batched LU factorisations
    (``jnp.linalg.solve`` under ``vmap``) in flight at once can deadlock jaxlib's CPU
    LAPACK kernels on hosts with few cores (each blocks a worker of the thread pool while
    waiting for batch tasks queued on it; seen with jaxlib 0.10.2 on 2 cores). Every wire
    solve here is therefore sequenced after the previous one."""
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    arrays = [i for i, a in enumerate(leaves) if eqx.is_array(a)]
    _, barred = jax.lax.optimization_barrier((value, [leaves[i] for i in arrays]))
    for i, a in zip(arrays, barred):
        leaves[i] = a
    return jax.tree_util.tree_unflatten(treedef, leaves)


def bias_for_current(T, current, kT, mu0=1.0, relaxation_exponent=0.0, *, bias0=None,
                     n_momentum: int = 256, n_reflected: int | None = None,
                     tail: float = 36.0, rtol: float = 0.0, atol: float = 1e-10,
                     max_steps: int = 40, throw: bool = False) -> BiasForCurrent:
    """Band offset eV at the scatterer that carries the current `current` (BW Sec. II C).

    Arguments as for `solve_wire` (energies in one unit, μ0 = `mu0`; T a function of the
    LEFT-wire kinetic energy; `relaxation_exponent`, `n_momentum`, `n_reflected`, `tail`
    are passed on), and:

    * `current` I h/(e μ0) > 0 (no spin factor, BW Eq. 9), below the model's saturation
      current (module docstring; the bound (e/h)∫T dε of BW App. C lies above it);
    * `bias0`: initial guess for eV (energy unit of the arguments); default the linear
      response eV = R·I (`solve_wire_linear`), which is exact as I → 0;
    * `rtol`, `atol`: Newton stops when |Δz| < atol + rtol·|z| and |log I(eV) − log I|
      < atol before the last step (z ≈ log eV for eV ≪ μ0, so `atol` is a relative
      precision of eV); the step after that makes the error quadratically smaller, so
      the current is typically reproduced to ~1e-15. `max_steps`: Newton iterations at
      most. Precision floor: for eV ≲ 1e-5 μ0 the solver's current itself carries
      relative rounding noise ~1e-16 μ0/eV (the right-wire momenta √(p_L² + 2m eV) hold
      eV only to that precision), ~1e-10 at eV = 1e-6 μ0: there use
      `solve_wire_linear`, exact as I → 0;
    * `throw`: raise `RuntimeError` when an unbatched call did not converge.

    Returns a `BiasForCurrent` record (eV in the unit of the arguments, the solution at it,
    the saturation current, `converged`, Newton `steps`). Works under ``jit``, ``vmap``
    (use ``throw=False``; failures come back masked) and ``grad``/``jacfwd``: derivatives of
    `bias` and of every field of `solution` with respect to `current`, `kT`, `mu0`,
    `relaxation_exponent` and the parameters of T are implicit, so d(eV)/dI = 1/(dI/deV)
    holds to rounding. Raises `ValueError` for invalid arguments, including a concrete
    `current` <= 0 (a traced one comes back with ``converged = False``).
    """
    n_momentum, tail, kT, mu0, s = _common_arguments(T, kT, mu0, relaxation_exponent,
                                                     n_momentum, tail)
    n_reflected = n_momentum // 4 if n_reflected is None else n_reflected
    n_reflected = check_static_int("n_reflected", n_reflected, 4)
    max_steps = check_static_int("max_steps", max_steps, 1)
    current = check_scalar("current", check_finite("current", current))
    if is_concrete(current) and not float(current) > 0.0:
        raise ValueError(f"`current` must be positive, got {float(current)!r}")
    if bias0 is not None:
        bias0 = check_scalar("bias0", check_positive("bias0", bias0))
    rtol, atol = float(rtol), float(atol)
    if not (np.isfinite(rtol) and rtol >= 0.0):
        raise ValueError(f"`rtol` must be non-negative, got {rtol!r}")
    if not (np.isfinite(atol) and atol > 0.0):
        raise ValueError(f"`atol` must be positive, got {atol!r}")
    sizes = (n_momentum, n_reflected, tail)
    t = kT / mu0
    _check_transmission(T, 1.0 + tail * t, t, mu0, n_momentum, n_reflected, tail)
    result, newton_steps = _core(T, current, kT, mu0, s, bias0, sizes, rtol, atol, max_steps)
    if throw and is_concrete(result.converged) and not bool(result.converged):
        bias_max = mu0 * (1.0 + tail * t)
        if not float(current) < float(result.saturation):
            raise RuntimeError(
                f"current {float(current):.6g} cannot be carried: the model saturates at "
                f"{float(result.saturation):.6g} (I h/(e μ0), reached at eV = "
                f"{float(bias_max):.4g})")
        raise RuntimeError(
            f"no eV found for current {float(current):.6g}: Newton stopped after "
            f"{int(newton_steps)} steps at eV = {float(result.bias):.6g} with current "
            f"{float(result.solution.current):.6g}")
    return result


@eqx.filter_jit
@sequential
def _core(T, current, kT, mu0, s, bias0, sizes, rtol, atol, max_steps):
    """`bias_for_current` after validation (compiled once per static configuration)."""
    n_momentum, n_reflected, tail = sizes
    t = kT / mu0
    bias_max = 1.0 + tail * t                     # eV_max in μ0 (module docstring)
    # the saturation current only decides reachability: no derivatives (stop_gradient)
    top = _solve_point(*_stop_gradient((T, bias_max, t, mu0, s)), *sizes)
    saturation = top.current
    reachable = (current > 0.0) & (current < saturation) & top.converged
    current_safe = jnp.where(reachable, current, 1.0)

    args = (T, current_safe, t, mu0, s, bias_max, reachable, None, sizes)
    fixed = _stop_gradient(args)
    if bias0 is None:
        # sequenced after `top` (see `_after`); the guess needs no derivatives
        T0, I0, t0, mu00, s0 = _after(saturation, fixed[:5])
        linear = _solve_linear(T0, jnp.where(reachable, I0, 0.0), t0, mu00, s0, n_momentum,
                               tail)
        guess = jnp.where(jnp.isfinite(linear.bias) & (linear.bias > 0.0), linear.bias,
                          1e-3 * fixed[5])
    else:
        guess = bias0 / mu0
    # keep the guess inside (0, eV_max) with room on both sides of the logistic map
    fraction = jnp.clip(jax.lax.stop_gradient(guess / bias_max), 1e-12, 0.5)
    z0 = jnp.log(fraction) - jnp.log1p(-fraction)

    # Newton on fixed inputs: the iteration itself is never differentiated
    root = newton(_residual, z0.reshape(1), fixed[:7] + (z0,) + fixed[8:], rtol=rtol,
                  atol=atol, max_steps=max_steps, max_step=jnp.full(1, _MAX_STEP))
    # a failed Newton may end on a non-finite iterate: report the guess instead (flagged)
    z_root = jax.lax.stop_gradient(jnp.where(jnp.isfinite(root.root[0]), root.root[0], z0))

    # implicit differentiation (module docstring): the solution at the root with every
    # input live, and its derivative along z; one more Newton step then carries
    # dz/dθ = −(∂r/∂θ)/(∂r/∂z) (implicit function theorem, first order)
    def at(y):
        w = _solve_point(T, _bias(y, bias_max), t, mu0, s, *sizes)
        return _log_ratio(w, reachable, current_safe, y, z0), w

    (r, solution), (slope, tangent) = jax.jvp(at, (z_root,), (jnp.ones_like(z_root),))
    slope = jax.lax.stop_gradient(slope)
    z = z_root - r / jnp.where(slope != 0.0, slope, 1.0)
    bias = _bias(z, bias_max)
    # the solution at z = z_root + (z − z_root): its value stays the one at z_root (the step
    # is ~1e-16), its first derivatives include the move of the root
    shift = z - jax.lax.stop_gradient(z)
    solution = jax.tree_util.tree_map(
        lambda a, da: a + da * shift if eqx.is_inexact_array(a) else a, solution, tangent)
    matched = jnp.abs(jnp.log(jnp.abs(solution.current) / current_safe)) <= 10.0 * atol
    converged = root.converged & solution.converged & reachable & matched
    steps = jnp.where(reachable, root.steps, 0)
    result = BiasForCurrent(bias=bias * mu0, solution=solution, saturation=saturation,
                            converged=converged, steps=steps)
    return result, root.steps
