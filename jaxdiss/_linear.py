"""Dense linear solves for well-conditioned float64 systems: float32 LU + float64 refinement.

`refined_solve(A, b)` solves A x = b for a square float64 A whose condition number κ is
modest (after equilibration the BW matching system has κ ≈ 50–150). It factorises A once
in float32 (LAPACK ``sgetrf``, about twice as fast as ``dgetrf``) and refines the solution
with residuals formed in float64, x ← x + LU⁻¹(b − A x) (mixed-precision iterative
refinement, as LAPACK's ``dsgesv``). Each step multiplies the error by ≈ κ·ε_32 (ε_32 =
6e-8), so the 2 steps reach float64 rounding for κ up to ~1e2–1e3; beyond that the result is
less accurate, which the caller detects from its own residual check — this module does not
judge convergence.

`refined_linear_solve(matvec, approximation, b)` is the same for an operator given as a
float64 function together with a float32 matrix of it: a caller that scales or borders its
system then factorises the float32 matrix it builds anyway, and forms the float64 residuals
from its unscaled data, without a scaled float64 copy of the matrix.

Derivatives: the solve is a `jax.lax.custom_linear_solve`, so `grad`, `jvp` and their
combinations with `vmap` differentiate through A (the operator) and b exactly (the tangent
and cotangent systems reuse the factorisation, with transposed triangular solves).

Batching: under `vmap` the factorisation is jaxlib's batched LU, measured 1.6× slower per
matrix than the unbatched one at n ≈ 600 on the CPU (jaxlib 0.10.2); callers that batch
large solves run their points one at a time instead (`jaxdiss._batching.sequential`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl


__all__ = ["refined_solve", "refined_linear_solve"]

_STEPS = 2


def _refine(lu, pivots, apply, b, *, trans: int, steps: int = _STEPS):
    """Solve op x = b from float32 LU factors of op (of opᵀ for trans = 1), with `steps`
    refinement steps whose residuals b − apply(x) are formed in float64."""

    def solve32(r):
        x = jsl.lu_solve((lu, pivots), r.astype(jnp.float32), trans=trans)
        return x.astype(b.dtype)

    # a loop, not unrolled: nested derivatives copy this body into the program repeatedly
    return jax.lax.fori_loop(0, steps, lambda _, x: x + solve32(b - apply(x)), solve32(b))


def refined_linear_solve(matvec, approximation, b):
    """x with `matvec`(x) = b: `matvec` a linear float64 function of x (differentiable in
    what it closes over), `approximation` a square matrix of it (factorised once in float32;
    not differentiated), `b` a float64 vector (module docstring)."""
    lu, pivots = jsl.lu_factor(jax.lax.stop_gradient(approximation).astype(jnp.float32))
    return jax.lax.custom_linear_solve(
        matvec, b,
        solve=lambda mv, r: _refine(lu, pivots, mv, r, trans=0),
        transpose_solve=lambda vm, r: _refine(lu, pivots, vm, r, trans=1))


def refined_solve(A, b):
    """x with A x = b (square float64 A, vector b) by float32 LU and float64 iterative
    refinement (module docstring); differentiable in A and b."""
    return refined_linear_solve(lambda x: A @ x, A, b)
