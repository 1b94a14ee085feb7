"""Newton root finding with implicit differentiation (optimistix).

`newton` wraps ``optimistix.root_find`` with the ``Newton`` solver: the Jacobian is
built by autodiff, and derivatives of the root with respect to anything the residual
closes over (or receives through `args`) follow from the implicit function theorem, so
memory does not grow with the number of iterations.
"""

from __future__ import annotations

from typing import Any, Callable

import equinox as eqx
import jax.numpy as jnp
import optimistix as optx
from jaxtyping import Array, Bool, Int, PyTree

__all__ = ["RootResult", "newton"]


class RootResult(eqx.Module):
    """Outcome of a root find.

    `root`: the last iterate (the root when converged); `converged`: boolean (array under
    vmap); `steps`: Newton steps taken.
    """

    root: PyTree[Array]
    converged: Bool[Array, ""]
    steps: Int[Array, ""]


def newton(
    fn: Callable[[Any, Any], Any],
    y0,
    args: Any = None,
    *,
    rtol: float = 1e-12,
    atol: float = 1e-12,
    max_steps: int = 64,
    throw: bool = False,
) -> RootResult:
    """Solve ``fn(y, args) = 0`` for `y` by Newton's method.

    The iteration stops when the Newton step is below ``atol + rtol·|y|`` (optimistix'
    Cauchy criterion). With ``throw=False`` (default, the right choice under ``vmap``)
    failure is reported through ``converged``; ``throw=True`` raises on failure (scalar
    use). Gradients of ``root`` with respect to `args` and closed-over arrays are
    implicit.
    """
    solver = optx.Newton(rtol=rtol, atol=atol)
    sol = optx.root_find(fn, solver, y0, args, max_steps=max_steps, throw=throw)
    converged = sol.result == optx.RESULTS.successful
    steps = jnp.asarray(sol.stats["num_steps"])
    return RootResult(sol.value, converged, steps)
