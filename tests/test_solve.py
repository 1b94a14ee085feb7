"""Newton root finding with implicit gradients (solve.py)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.solve import RootResult, newton


def sqrt_residual(y, a):
    return y**2 - a


def test_scalar_roots():
    r = newton(sqrt_residual, jnp.array(1.0), 2.0)
    assert isinstance(r, RootResult)
    assert bool(r.converged) and 1 <= int(r.steps) < 64
    assert abs(float(r.root) - np.sqrt(2.0)) < 1e-15
    # Dottie number: cos y = y
    r = newton(lambda y, _: jnp.cos(y) - y, jnp.array(1.0))
    assert bool(r.converged)
    assert abs(float(r.root) - 0.7390851332151607) < 2e-16


def test_vector_and_pytree_unknowns():
    def circle_line(y, r):
        return jnp.array([y[0] ** 2 + y[1] ** 2 - r**2, y[0] - y[1]])

    res = newton(circle_line, jnp.array([1.0, 0.5]), 2.0)
    assert bool(res.converged)
    np.testing.assert_allclose(res.root, [np.sqrt(2.0)] * 2, rtol=1e-15)

    def pytree(y, _):
        return {"u": y["u"] ** 3 - 8.0, "v": jnp.exp(y["v"]) - 3.0}

    res = newton(pytree, {"u": jnp.array(1.0), "v": jnp.array(0.0)})
    assert bool(res.converged)
    np.testing.assert_allclose(res.root["u"], 2.0, rtol=1e-15)
    np.testing.assert_allclose(res.root["v"], np.log(3.0), rtol=1e-15)


def test_quadratic_convergence():
    # error after k = 1, 2, ... Newton steps from y0 = 1 for y² = 2; Newton's method gives
    # e_{k+1} ≈ |f''/(2f')| e_k² = e_k²/(2√2) ≈ 0.354 e_k² near the root
    errors = []
    for k in range(1, 6):
        res = newton(sqrt_residual, jnp.array(1.0), 2.0, max_steps=k)
        assert int(res.steps) == k
        errors.append(abs(float(res.root) - np.sqrt(2.0)))
    errors = np.array(errors)
    usable = errors[:-1] > 1e-7  # below that e_k² is under the rounding floor
    assert usable.sum() == 3
    ratio = errors[1:][usable] / errors[:-1][usable] ** 2
    assert np.all(ratio <= 0.36), ratio
    assert np.all(ratio >= 0.3), ratio  # and not faster: it really is Newton's quadratic rate
    assert errors[-1] < 1e-15


def test_flagged_failure_without_root():
    res = newton(lambda y, _: y**2 + 1.0, jnp.array(0.5), max_steps=30)
    assert not bool(res.converged)
    assert int(res.steps) == 30
    with pytest.raises(RuntimeError):
        jax.block_until_ready(newton(lambda y, _: y**2 + 1.0, jnp.array(0.5), max_steps=30, throw=True).root)


@jax.jit
def cube_root(a):
    return newton(lambda y, a: y**3 - a, jnp.array(1.0), a).root


@jax.jit
def cos_root(b):
    # b closed over by the residual, not passed through `args`
    return newton(lambda y, _: jnp.cos(y) - b * y, jnp.array(0.7)).root


def test_implicit_gradient():
    a = 2.0
    exact = 1.0 / (3.0 * a ** (2.0 / 3.0))
    g = jax.jit(jax.grad(cube_root))(a)
    np.testing.assert_allclose(g, exact, rtol=1e-13)
    h = 1e-6
    np.testing.assert_allclose(g, (cube_root(a + h) - cube_root(a - h)) / (2 * h), rtol=1e-8)
    np.testing.assert_allclose(jax.jit(jax.jacfwd(cube_root))(a), exact, rtol=1e-13)

    b = 1.3
    y = float(cos_root(b))
    exact = -y / (np.sin(y) + b)  # from d/db [cos y - b y] = 0
    g = jax.jit(jax.grad(cos_root))(b)
    np.testing.assert_allclose(g, exact, rtol=1e-12)
    np.testing.assert_allclose(g, (cos_root(b + h) - cos_root(b - h)) / (2 * h), rtol=1e-8)

    # with respect to a pytree of args
    def solve(args):
        return newton(lambda y, p: p["k"] * y**2 - p["c"], jnp.array(1.0), args).root

    g = jax.jit(jax.grad(solve))({"k": 2.0, "c": 3.0})
    y = np.sqrt(1.5)
    np.testing.assert_allclose([g["k"], g["c"]], [-y / 4.0, 1.0 / (4.0 * y)], rtol=1e-13)


def test_vmap_with_per_element_flags_and_jit():
    batch = jax.jit(jax.vmap(lambda a: newton(sqrt_residual, jnp.array(1.0), a, max_steps=40)))
    res = batch(jnp.array([2.0, -1.0, 4.0, 0.25]))
    np.testing.assert_array_equal(res.converged, [True, False, True, True])
    np.testing.assert_allclose(res.root[np.asarray(res.converged)], [np.sqrt(2.0), 2.0, 0.5], rtol=1e-15)
    assert int(res.steps[1]) == 40 and np.all(res.steps[np.asarray(res.converged)] < 40)
    # gradient under vmap: d sqrt(a)/da
    g = jax.jit(jax.vmap(jax.grad(lambda a: newton(sqrt_residual, jnp.array(1.0), a).root)))(
        jnp.array([2.0, 9.0]))
    np.testing.assert_allclose(g, 0.5 / np.sqrt([2.0, 9.0]), rtol=1e-13)


def test_reexported():
    assert jd.newton is newton and jd.RootResult is RootResult


def test_bounded_newton_converges_where_plain_newton_overshoots():
    """arctan(y) = c from y0 = 3: plain Newton's first step overshoots and diverges; with
    |Δy| ≤ 1 the iteration reaches the root and then converges quadratically."""
    c = 0.2
    fn = lambda y, c: jnp.arctan(y) - c  # noqa: E731
    y0 = jnp.array([3.0])
    plain = newton(fn, y0, c, max_steps=20)
    assert not bool(plain.converged) or abs(float(plain.root[0]) - np.tan(c)) > 1e-3
    res = newton(fn, y0, c, max_step=jnp.array([1.0]), max_steps=40)
    assert bool(res.converged)
    np.testing.assert_allclose(res.root[0], np.tan(c), rtol=1e-14)
    # errors after k steps: once the bound no longer binds, e_{k+1} ≲ e_k²
    errs = [abs(float(newton(fn, y0, c, max_step=jnp.array([1.0]), max_steps=k).root[0])
                - np.tan(c)) for k in range(1, 9)]
    late = [e for e in errs if 1e-12 < e < 0.1]
    assert len(late) >= 2
    assert all(b < 2 * a**2 for a, b in zip(late, late[1:]))


def test_bounded_newton_custom_jacobian_and_implicit_gradient():
    def fn(y, a):
        return jnp.array([y[0] ** 2 + y[1] - a, y[1] - 2.0 * y[0]])

    def jac(y, a):
        return jnp.array([[2.0 * y[0], 1.0], [-2.0, 1.0]])

    def root(a):
        return newton(fn, jnp.array([1.0, 1.0]), a, max_step=jnp.array([0.5, 0.5]),
                      jacobian=jac).root

    a = 3.0  # y0² + 2 y0 = a  →  y0 = −1 + √(1 + a)
    y = np.asarray(jax.jit(root)(a))
    np.testing.assert_allclose(y, [1.0, 2.0], rtol=1e-14)
    g = jax.jit(jax.jacfwd(root))(a)
    dy0 = 0.5 / np.sqrt(1.0 + a)
    np.testing.assert_allclose(g, [dy0, 2 * dy0], rtol=1e-12)
    h = 1e-6
    np.testing.assert_allclose(g, (jax.jit(root)(a + h) - jax.jit(root)(a - h)) / (2 * h), rtol=1e-8)


def test_bounded_newton_stops_early_on_non_finite_iterate():
    res = newton(lambda y, _: jnp.log(y), jnp.array([-1.0]), max_step=jnp.array([1.0]),
                 max_steps=30)
    assert not bool(res.converged) and int(res.steps) < 30
