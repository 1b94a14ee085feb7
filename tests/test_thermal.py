"""Fermi function, its derivative, Fermi windows and Sommerfeld integrals (thermal.py).

References are closed forms, NumPy, and mpmath (30 digits; 250 where both occupations
are within e^-400 of 1). mpmath receives the very doubles the library gets
(``mp.mpf(float)``), so what is measured is the library's own rounding; tolerances allow a
few ulp times the condition number 1 + |E - mu|/kT of exp.
"""

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.thermal import fermi, fermi_derivative, fermi_window, sommerfeld_integral

EPS = np.finfo(float).eps


@pytest.fixture(autouse=True)
def _mp_precision():
    """30-digit mpmath references, without changing mpmath's global state for other files."""
    with mp.workdps(30):
        yield

# Jitted copies for the many-point checks: one compilation per signature instead of one
# per primitive and shape in eager mode. The eager functions are exercised too (argument
# validation, closed forms).
fermi_j = jax.jit(fermi)
derivative_j = jax.jit(fermi_derivative)
window_j = jax.jit(fermi_window)


def mp_fermi(E, mu, kT):
    E, mu, kT = mp.mpf(E), mp.mpf(mu), mp.mpf(kT)
    if kT == 0:
        return mp.mpf(1) if E < mu else (mp.mpf(0) if E > mu else mp.mpf("0.5"))
    return 1 / (mp.exp((E - mu) / kT) + 1)


def rel_err(value, ref):
    ref = mp.mpf(ref)
    return float(abs((mp.mpf(float(value)) - ref) / ref))


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


# --- fermi ------------------------------------------------------------------------------


def test_fermi_matches_closed_form():
    E = np.linspace(-3.0, 3.0, 61)
    for mu, kT in [(0.0, 1.0), (0.37, 0.05), (-1.2, 0.4)]:
        ref = 1.0 / (np.exp((E - mu) / kT) + 1.0)
        np.testing.assert_allclose(fermi(E, mu, kT), ref, rtol=1e-13, atol=0)


def test_fermi_zero_temperature_is_step_with_half():
    E = jnp.array([-1.5, np.nextafter(0.5, 0.0), 0.5, np.nextafter(0.5, 1.0), 3.5])
    np.testing.assert_array_equal(fermi(E, 0.5, 0.0), [1.0, 1.0, 0.5, 0.0, 0.0])
    # broadcasting of a zero and a positive temperature in one call
    out = fermi(jnp.array([[0.5], [0.7]]), 0.5, jnp.array([0.0, 0.1]))
    np.testing.assert_allclose(out, [[0.5, 0.5], [0.0, 1.0 / (np.exp(2.0) + 1.0)]], rtol=1e-15)


@pytest.mark.parametrize("x", [-50.0, -5.0, 5.0, 20.0, 50.0, 300.0, 700.0])
@pytest.mark.parametrize("kT", [1.0, 0.025])
def test_fermi_far_tails_keep_relative_precision(x, kT):
    mu = 0.75
    E = mu + x * kT
    # condition number of f in its inputs: |E - mu|/kT, times a few ulp of E
    tol = 4 * EPS * (1.0 + abs(E) / kT)
    assert rel_err(fermi_j(E, mu, kT), mp_fermi(E, mu, kT)) < tol
    assert rel_err(fermi(E, mu, kT), mp_fermi(E, mu, kT)) < tol
    # the upper tail in particular: e^{-50} ≈ 2e-22 must not be rounded against 1
    if x == 50.0 and kT == 1.0:
        assert float(fermi(50.0, 0.0, 1.0)) == pytest.approx(float(1 / (mp.e**50 + 1)), rel=1e-15)


def test_fermi_gradients_match_analytic_and_finite_differences():
    E, mu, kT = 0.31, 0.12, 0.07
    gE, gmu, gkT = jax.jit(jax.grad(fermi, argnums=(0, 1, 2)))(E, mu, kT)
    d = derivative_j(E, mu, kT)
    np.testing.assert_allclose(gE, d, rtol=1e-13)
    np.testing.assert_allclose(gmu, -d, rtol=1e-13)
    np.testing.assert_allclose(gkT, -(E - mu) / kT * d, rtol=1e-13)
    h = 1e-6
    np.testing.assert_allclose(gE, central_difference(lambda e: fermi_j(e, mu, kT), E, h), rtol=1e-8)
    np.testing.assert_allclose(gmu, central_difference(lambda m: fermi_j(E, m, kT), mu, h), rtol=1e-8)
    np.testing.assert_allclose(gkT, central_difference(lambda t: fermi_j(E, mu, t), kT, h), rtol=1e-8)


def test_fermi_zero_temperature_gradients_are_finite_zeros():
    grad = jax.jit(jax.grad(fermi, argnums=(0, 1, 2)))
    g = grad(0.2, 0.2, 0.0)
    np.testing.assert_array_equal(np.array(g), 0.0)
    g = grad(0.3, 0.2, 0.0)
    np.testing.assert_array_equal(np.array(g), 0.0)


@pytest.mark.parametrize("bad", [-0.1, np.nan, np.inf])
def test_fermi_rejects_bad_temperature(bad):
    with pytest.raises(ValueError, match="kT"):
        fermi(0.0, 0.0, bad)


# --- fermi_derivative -------------------------------------------------------------------


@pytest.mark.parametrize("x", [0.0, 0.3, -2.0, 17.0, -50.0, 300.0, 700.0])
def test_fermi_derivative_vs_mpmath(x):
    kT = 0.5
    E = x * kT  # exact
    ref = -mp.exp(mp.mpf(x)) / (kT * (mp.exp(mp.mpf(x)) + 1) ** 2)
    assert rel_err(derivative_j(E, 0.0, kT), ref) < 4 * EPS * (1 + abs(x))


def test_fermi_derivative_closed_form_and_underflow():
    E = np.linspace(-2.0, 2.0, 41)
    kT = 0.3
    ref = -1.0 / (4 * kT * np.cosh((E - 0.1) / (2 * kT)) ** 2)
    np.testing.assert_allclose(fermi_derivative(E, 0.1, kT), ref, rtol=1e-13)
    # beyond the double range it decays to zero instead of saturating
    assert float(fermi_derivative(2000.0, 0.0, 1.0)) == 0.0


def test_fermi_derivative_integrates_to_minus_one():
    mu, kT = 0.4, 0.02
    total = jax.jit(
        lambda m, t: jd.integrate(
            lambda e: fermi_derivative(e, m, t), m - 40 * t, m + 40 * t,
            centers=jnp.stack([m]), scales=jnp.stack([t]),
        )
    )(mu, kT)
    # the tails beyond 40 kT carry 2 e^{-40} ≈ 8e-18
    assert abs(float(total) + 1.0) < 1e-14


def test_fermi_derivative_requires_positive_temperature():
    with pytest.raises(ValueError, match="kT"):
        fermi_derivative(0.0, 0.0, 0.0)


# --- fermi_window -----------------------------------------------------------------------


def test_fermi_window_equals_difference_of_fermi_functions():
    E = np.linspace(-1.0, 1.0, 101)
    for mul, mur, kl, kr in [(0.2, -0.1, 0.05, 0.05), (0.2, -0.1, 0.1, 0.03), (-0.1, 0.2, 0.0, 0.04),
                             (0.3, -0.3, 0.0, 0.0), (0.0, 0.0, 0.2, 0.1)]:
        ref = fermi_j(E, mul, kl) - fermi_j(E, mur, kr)
        # both sides carry ~1 ulp of O(1): the reference itself is good to ~2e-16 absolute
        np.testing.assert_allclose(window_j(E, mul, mur, kl, kr), ref, rtol=0, atol=5e-16)
    # kT_right defaults to kT_left
    np.testing.assert_array_equal(fermi_window(E, 0.2, -0.1, 0.05), fermi_window(E, 0.2, -0.1, 0.05, 0.05))


WINDOW_CASES = [
    # mu_left, mu_right, kT_left, kT_right
    (0.5, -0.5, 1.0, 1.0),
    (-0.5, 0.5, 1.0, 1.0),  # reversed bias: negative window
    (2.0**-10, -(2.0**-10), 1.0, 1.0),  # bias ≈ 2e-3 kT: a plain difference loses 3 digits
    (1e-9, 0.0, 1.0, 1.0),  # bias 1e-9 kT
    (0.5, -0.5, 1.3, 0.7),
    (0.0, 0.0, 2.0, 1.0),  # pure temperature bias
    (0.0, 0.0, 1.0, 1.0 + 2.0**-20),  # nearly equal temperatures
    (0.25, -0.25, 0.0, 0.5),  # one side cold
    (0.25, -0.25, 0.5, 0.0),
]


@pytest.mark.parametrize("case", WINDOW_CASES)
@pytest.mark.parametrize("E", [-200.0, -50.0, -20.0, -3.0, 0.125, 3.0, 20.0, 50.0, 200.0])
def test_fermi_window_relative_precision_in_both_tails(case, E):
    mul, mur, kl, kr = case
    with mp.workdps(250):  # both occupations are within e^-400 of 1 at E = -200
        ref = mp_fermi(E, mul, kl) - mp_fermi(E, mur, kr)
    value = window_j(E, mul, mur, kl, kr)
    k = min(t for t in (kl, kr) if t > 0)
    assert rel_err(value, ref) < 4 * EPS * (1 + abs(E) / k)


def test_fermi_window_zero_temperature_box():
    E = jnp.array([-1.0, -0.3, 0.0, 0.2, 0.5, 0.9])
    np.testing.assert_array_equal(fermi_window(E, 0.5, -0.3, 0.0), [0.0, 0.5, 1.0, 1.0, 0.5, 0.0])
    np.testing.assert_array_equal(fermi_window(E, -0.3, 0.5, 0.0), [0.0, -0.5, -1.0, -1.0, -0.5, 0.0])
    # zero bias at zero temperature: empty window, exactly
    np.testing.assert_array_equal(fermi_window(E, 0.2, 0.2, 0.0), 0.0)


def test_fermi_window_gradients():
    E, mul, mur, kl, kr = 0.13, 0.2, -0.1, 0.07, 0.04
    g = jax.jit(jax.grad(fermi_window, argnums=(0, 1, 2, 3, 4)))(E, mul, mur, kl, kr)
    dl, dr = derivative_j(E, mul, kl), derivative_j(E, mur, kr)
    ref = [dl - dr, -dl, dr, -(E - mul) / kl * dl, (E - mur) / kr * dr]
    np.testing.assert_allclose(np.array(g), np.array(ref), rtol=1e-12)
    h = 1e-6
    args = np.array([E, mul, mur, kl, kr])
    for i in range(5):
        step = np.zeros(5)
        step[i] = h
        fd = (window_j(*(args + step)) - window_j(*(args - step))) / (2 * h)
        np.testing.assert_allclose(g[i], fd, rtol=1e-7)


def test_fermi_window_gradient_at_zero_bias_is_full():
    # d/dbias of f(E - bias/2) - f(E + bias/2) at bias = 0 is -f'(E): no 1/2 from a tie
    E, kT = 0.03, 0.05
    g = jax.jit(jax.grad(lambda b: fermi_window(E, 0.5 * b, -0.5 * b, kT)))(0.0)
    np.testing.assert_allclose(g, -derivative_j(E, 0.0, kT), rtol=1e-13)


def test_fermi_window_rejects_negative_temperature():
    with pytest.raises(ValueError, match="kT_right"):
        fermi_window(0.0, 0.1, -0.1, 0.1, -0.2)
    with pytest.raises(ValueError, match="kT_left"):
        fermi_window(0.0, 0.1, -0.1, np.nan)


# --- sommerfeld_integral ----------------------------------------------------------------


def mp_sommerfeld(n, kT):
    kT = mp.mpf(kT)

    def delta_f(x):
        return x**n * (1 / (mp.exp(x / kT) + 1) - (1 if x < 0 else 0))

    return mp.quad(delta_f, [-mp.inf, -10 * kT, 0, 10 * kT, mp.inf])


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("kT", [1.0, 0.037])
def test_sommerfeld_odd_vs_mpmath(n, kT):
    assert rel_err(sommerfeld_integral(n, kT), mp_sommerfeld(n, kT)) < 1e-12


def test_sommerfeld_closed_forms():
    kT = 0.3
    pi = np.pi
    np.testing.assert_allclose(sommerfeld_integral(1, kT), pi**2 * kT**2 / 6, rtol=1e-15)
    np.testing.assert_allclose(sommerfeld_integral(3, kT), 7 * pi**4 * kT**4 / 60, rtol=1e-15)
    np.testing.assert_allclose(sommerfeld_integral(5, kT), 31 * pi**6 * kT**6 / 126, rtol=1e-15)


@pytest.mark.parametrize("n", [0, 2, 4])
def test_sommerfeld_even_is_zero(n):
    assert abs(mp_sommerfeld(n, 0.5)) < 1e-25  # the reference agrees (halves are O(1e-2))
    assert float(sommerfeld_integral(n, 0.5)) == 0.0
    assert float(sommerfeld_integral(np.int64(n), 0.5)) == 0.0


@pytest.mark.parametrize("bad", [-1, 1.0, 2.5, True, "3", None])
def test_sommerfeld_rejects_bad_order(bad):
    with pytest.raises(ValueError, match="`n`"):
        sommerfeld_integral(bad, 1.0)


def test_sommerfeld_rejects_bad_temperature():
    with pytest.raises(ValueError, match="kT"):
        sommerfeld_integral(1, -1.0)


def test_sommerfeld_zero_temperature_and_gradient():
    assert float(sommerfeld_integral(3, 0.0)) == 0.0
    kT = 0.21
    for n in (1, 3, 5):
        g = jax.grad(lambda t: sommerfeld_integral(n, t))(kT)
        np.testing.assert_allclose(g, (n + 1) * sommerfeld_integral(n, kT) / kT, rtol=1e-14)


# --- transformations --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fermi", "fermi_derivative", "fermi_window", "sommerfeld_integral"])
def test_thermal_functions_under_jit_vmap_grad(name):
    """jit(vmap(f)) equals a loop of jit(f); jit(vmap(grad)) w.r.t. every float argument
    equals central differences."""
    E = jnp.linspace(-0.3, 0.5, 5)
    f = {
        "fermi": lambda e, m, t: fermi(e, m, t),
        "fermi_derivative": lambda e, m, t: fermi_derivative(e, m, t),
        "fermi_window": lambda e, m, t: fermi_window(e, m, -m, t, 0.5 * t),
        "sommerfeld_integral": lambda e, m, t: (e + m + 1.0) * sommerfeld_integral(3, t),
    }[name]
    params = np.array([[1.0, -0.1, 0.02], [0.9, 0.0, 0.05], [1.1, 0.2, 0.1]])  # (scale, mu, kT)
    scalar = lambda p: jnp.sum(f(p[0] * E, p[1], p[2]))  # noqa: E731

    batched = jax.jit(jax.vmap(scalar))
    single = jax.jit(scalar)
    np.testing.assert_allclose(batched(params), [single(p) for p in params], rtol=1e-15)

    grads = jax.jit(jax.vmap(jax.grad(scalar)))(params)
    h = 1e-6
    for i in range(3):
        step = np.zeros(3)
        step[i] = h
        fd = (batched(params + step) - batched(params - step)) / (2 * h)
        # FD rounding: ~eps·Σ|f|/h, up to ≈ 7e-9 absolute for f' at kT = 0.02
        np.testing.assert_allclose(grads[:, i], fd, rtol=1e-7, atol=1e-8)
    if name == "fermi":  # kT = 0 inside a batch: a step, with zero (finite) gradients
        zero = params.copy()
        zero[:, 2] = 0.0
        assert np.all(np.isfinite(jax.jit(jax.vmap(jax.grad(scalar)))(zero)))


def test_traced_negative_temperature_raises_at_run_time():
    with pytest.raises(Exception, match="kT"):
        jax.block_until_ready(jax.jit(lambda t: fermi(0.1, 0.0, t))(-1.0))
