"""Sequential batching (`jaxdiss._batching`) and the refined dense solve (`jaxdiss._linear`).

Both are internal building blocks of the BW solver; what they promise is tested here on
small problems: values equal to the plain computation, batches equal to loops bit for
bit, derivatives (forward, reverse, batched) equal to those of the plain function.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss  # noqa: F401  (float64)
from jaxdiss._batching import sequential
from jaxdiss._linear import refined_solve


def _newton_sqrt(x, scale, fn):
    """A function with a data-dependent loop, a Python callable and a Python float among
    its arguments, and float, int and bool results."""
    def body(state):
        i, y = state
        return i + 1, 0.5 * (y + x / y)

    def more(state):
        i, y = state
        return (i < 50) & (jnp.abs(y * y - x) > 1e-15 * x)

    # the count: a data-dependent while loop (not differentiated); the value: 12 steps
    steps, _ = jax.lax.while_loop(more, body, (0, jax.lax.stop_gradient(x)))
    _, y = jax.lax.fori_loop(0, 12, lambda _, s: body(s), (0, x))
    return {"value": fn(y) * scale, "steps": steps, "ok": steps < 50}


PLAIN = _newton_sqrt
SEQUENTIAL = sequential(_newton_sqrt)
X = jnp.array([0.5, 2.0, 9.0, 1e3])


def test_sequential_values_and_batches():
    """Unbatched: identical to the plain function. vmap (with an unbatched argument):
    bitwise equal to the loop of unbatched calls, int and bool results included."""
    one = SEQUENTIAL(X[1], 2.0, jnp.sin)
    assert one["value"] == PLAIN(X[1], 2.0, jnp.sin)["value"]
    batch = jax.jit(jax.vmap(lambda x: SEQUENTIAL(x, 2.0, jnp.sin)))(X)
    loop = [jax.jit(lambda x: SEQUENTIAL(x, 2.0, jnp.sin))(x) for x in X]
    for key in ("value", "steps", "ok"):
        np.testing.assert_array_equal(batch[key], np.array([o[key] for o in loop]))
    # batched in both array arguments, and nested vmap
    two = jax.vmap(lambda x, s: SEQUENTIAL(x, s, jnp.sin)["value"])(X, X)
    nested = jax.vmap(jax.vmap(lambda x, s: SEQUENTIAL(x, s, jnp.sin)["value"]))(
        X.reshape(2, 2), X.reshape(2, 2))
    np.testing.assert_array_equal(nested.ravel(), two)


@pytest.mark.parametrize("mode", ["grad", "jacfwd", "vmap_grad", "vmap_jacfwd"])
def test_sequential_derivatives(mode):
    """Derivatives with respect to both array arguments equal the plain function's
    (1e-14 relative: the same operations), unbatched and under vmap."""
    def f(fun):
        return lambda x, s: fun(x, s, jnp.sin)["value"]

    d = {"grad": jax.grad, "jacfwd": jax.jacfwd}[mode.split("_")[-1]]
    got, want = (d(f(fun), argnums=(0, 1)) for fun in (SEQUENTIAL, PLAIN))
    if mode.startswith("vmap"):
        got, want = jax.vmap(got), jax.vmap(want)
        args = (X, 3.0 * X)
    else:
        args = (X[2], 3.0)
    for g, w in zip(got(*args), want(*args)):
        np.testing.assert_allclose(g, w, rtol=1e-14)


def _system(n, kappa, seed):
    """A random n × n matrix with condition number `kappa` (2-norm) and a right side."""
    rng = np.random.default_rng(seed)
    q1, _ = np.linalg.qr(rng.normal(size=(n, n)))
    q2, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = q1 @ np.diag(np.geomspace(1.0, 1.0 / kappa, n)) @ q2
    return jnp.asarray(A), jnp.asarray(rng.normal(size=n))


def test_refined_solve_reaches_float64():
    """κ = 150 (the BW matching systems have 50–150): the solution agrees with the float64
    LU solve to 1e-14 relative (max-norm), far below the float32 LU's own ≈ 1e-5; the
    residual is at float64 rounding."""
    A, b = _system(200, 150.0, 0)
    x = jax.jit(refined_solve)(A, b)
    ref = np.linalg.solve(np.asarray(A), np.asarray(b))
    scale = np.max(np.abs(ref))
    assert np.max(np.abs(x - ref)) <= 1e-14 * scale
    x32 = np.linalg.solve(np.asarray(A, np.float32), np.asarray(b, np.float32))
    assert np.max(np.abs(x32 - ref)) > 1e-8 * scale      # the refinement did the work
    assert np.max(np.abs(A @ x - b)) <= 1e-14 * np.max(np.abs(b)) * 10


def test_refined_solve_derivatives_and_batches():
    """Reverse and forward derivatives with respect to A and b equal the closed form
    2x·A⁻¹(b' − A'x) (float64 LU) to 1e-12 relative; vmap equals the loop bit for bit, and a
    vmapped jacfwd runs and equals the loop of unbatched ones to 1e-13 (batched and
    unbatched products round differently)."""
    A, b = _system(40, 50.0, 1)
    M = jnp.asarray(np.random.default_rng(2).normal(size=A.shape))

    def loss(solver):
        return lambda t: jnp.sum(solver(A + t * M, b * (1.0 + t)) ** 2)

    # closed form: x = A(t)⁻¹b(t), x' = A⁻¹(b' − M x), d/dt Σx² = 2 x·x'
    At, bt = np.asarray(A + 0.1 * M), np.asarray(b * 1.1)
    x = np.linalg.solve(At, bt)
    exact = 2.0 * x @ np.linalg.solve(At, np.asarray(b) - np.asarray(M) @ x)
    for d in (jax.grad, jax.jacfwd):
        np.testing.assert_allclose(d(loss(refined_solve))(0.1), exact, rtol=1e-12)
    As = jnp.stack([A + t * M for t in (0.0, 0.1, 0.2)])
    bs = jnp.stack([b, 2.0 * b, -b])
    batch = jax.vmap(refined_solve)(As, bs)
    np.testing.assert_array_equal(batch, np.stack([refined_solve(a, v) for a, v in zip(As, bs)]))
    ts = jnp.array([0.0, 0.1, 0.2])
    np.testing.assert_allclose(jax.vmap(jax.jacfwd(loss(refined_solve)))(ts),
                               [jax.jacfwd(loss(refined_solve))(t) for t in ts], rtol=1e-13)
