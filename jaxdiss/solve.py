"""Newton root finding with implicit differentiation (optimistix).

`newton` wraps ``optimistix.root_find`` with the ``Newton`` solver: the Jacobian is
built by autodiff, and derivatives of the root with respect to anything the residual
closes over (or receives through `args`) follow from the implicit function theorem, so
memory does not grow with the number of iterations.

With `max_step` (or a custom `jacobian`) the iteration is `BoundedNewton`, an optimistix
root finder of this module: full Newton steps, shrunk as a whole when one component
would move further than its bound (a fixed trust region, so the direction is kept and
convergence is quadratic as soon as the steps fit), optionally with a Jacobian supplied by
the caller (e.g. assembled from cheap and expensive blocks). Differentiation is the same
implicit one.
"""

from __future__ import annotations

from typing import Any, Callable

import equinox as eqx
import jax
import jax.numpy as jnp
import optimistix as optx
from jaxtyping import Array, Bool, Int, PyTree

__all__ = ["RootResult", "BoundedNewton", "newton"]


class RootResult(eqx.Module):
    """Outcome of a root find.

    `root`: the last iterate (the root when converged); `converged`: boolean (array under
    vmap); `steps`: Newton steps taken.
    """

    root: PyTree[Array]
    converged: Bool[Array, ""]
    steps: Int[Array, ""]


class _BoundedState(eqx.Module):
    f: Array
    diff: Array
    finite: Array


class BoundedNewton(optx.AbstractRootFinder):
    """Newton's method with a bounded step, for a 1-D array of unknowns.

    Each step solves J Δ = f (J from `jacobian(y, args)`, default ``jax.jacfwd``) and
    scales Δ by min(1, min_i max_step_i/|Δ_i|). Stops when the step is below
    ``atol + rtol·|y|`` and max |f| < `atol` (both), or when an iterate is not finite
    (reported as divergence, so that a failing element of a vmapped batch stops early).
    """

    rtol: float
    atol: float
    max_step: Array | None = None
    jacobian: Callable | None = None
    norm: Callable = optx.max_norm

    def init(self, fn, y, args, options, f_struct, aux_struct, tags):
        del options, aux_struct, tags
        return _BoundedState(jnp.full(f_struct.shape, jnp.inf, f_struct.dtype),
                             jnp.full_like(y, jnp.inf), jnp.array(True))

    def step(self, fn, y, args, options, state, tags):
        del options, tags
        if self.jacobian is None:
            # one forward-mode trace gives the Jacobian and, as its primal, f itself
            def value(z):
                out, aux = fn(z, args)
                return out, (out, aux)

            J, (f, aux) = jax.jacfwd(value, has_aux=True)(y)
        else:
            f, aux = fn(y, args)
            J = self.jacobian(y, args)
        diff = jnp.linalg.solve(J, f)
        if self.max_step is not None:
            largest = jnp.max(jnp.abs(diff) / self.max_step)
            diff = diff * jnp.where(largest > 1.0, 1.0 / jnp.where(largest > 1.0, largest, 1.0), 1.0)
        new_y = y - diff
        finite = jnp.all(jnp.isfinite(new_y)) & jnp.all(jnp.isfinite(f))
        return new_y, _BoundedState(f, diff, finite), aux

    def terminate(self, fn, y, args, options, state, tags):
        del fn, args, options, tags
        small_step = self.norm(state.diff / (self.atol + self.rtol * jnp.abs(y))) < 1
        small_f = self.norm(state.f) < self.atol
        done = (small_step & small_f) | ~state.finite
        result = optx.RESULTS.where(state.finite, optx.RESULTS.successful,
                                    optx.RESULTS.nonlinear_divergence)
        return done, result

    def postprocess(self, fn, y, aux, args, options, state, tags, result):
        return y, aux, {}


def newton(
    fn: Callable[[Any, Any], Any],
    y0,
    args: Any = None,
    *,
    rtol: float = 1e-12,
    atol: float = 1e-12,
    max_steps: int = 64,
    throw: bool = False,
    max_step=None,
    jacobian: Callable | None = None,
) -> RootResult:
    """Solve ``fn(y, args) = 0`` for `y` by Newton's method.

    The iteration stops when the Newton step is below ``atol + rtol·|y|`` (optimistix'
    Cauchy criterion). With ``throw=False`` (default, the right choice under ``vmap``)
    failure is reported through ``converged``; ``throw=True`` raises on failure (scalar
    use). Gradients of ``root`` with respect to `args` and closed-over arrays are
    implicit.

    `max_step` (array like `y0`, 1-D unknowns only) bounds each step component-wise by
    shrinking the whole Newton step (`BoundedNewton`); `jacobian(y, args)` replaces the
    autodiff Jacobian of the iteration (the implicit gradient still differentiates `fn`).
    """
    if max_step is None and jacobian is None:
        solver = optx.Newton(rtol=rtol, atol=atol)
    else:
        solver = BoundedNewton(rtol=rtol, atol=atol, max_step=max_step, jacobian=jacobian)
    sol = optx.root_find(fn, solver, y0, args, max_steps=max_steps, throw=throw)
    converged = sol.result == optx.RESULTS.successful
    steps = jnp.asarray(sol.stats["num_steps"])
    return RootResult(sol.value, converged, steps)
