"""Generic transmissions (scattering/transmission.py): Lorentzian, Breit–Wigner, PCHIP
table, autodiff energy derivatives and argument validation."""

from functools import lru_cache

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import PchipInterpolator

import jaxdiss as jd
from jaxdiss.scattering.transmission import (
    AbstractTransmission,
    BreitWigner,
    Lorentzian,
    QuadratureHints,
    Tabulated,
    derivative,
    quadrature_hints,
)


def lorentzian_derivatives(E, eps0, gamma):
    """T, T', T'', T''' of γ²/((E-ε0)²+γ²) in closed form."""
    u = E - eps0
    s = u**2 + gamma**2
    g2 = gamma**2
    return [g2 / s, -2 * g2 * u / s**2, g2 * (6 * u**2 - 2 * g2) / s**3, 24 * g2 * u * (g2 - u**2) / s**4]


def pchip_reference(x, y, E):
    """scipy's PCHIP held constant outside the table."""
    return PchipInterpolator(x, y, extrapolate=False)(np.clip(E, x[0], x[-1]))


# --- resonances ---------------------------------------------------------------------------


def test_lorentzian_values():
    E = np.linspace(-2.0, 3.0, 101)
    T = Lorentzian(0.4, 0.15)
    np.testing.assert_allclose(T(E), 0.15**2 / ((E - 0.4) ** 2 + 0.15**2), rtol=1e-15)
    np.testing.assert_allclose(T(jnp.array([0.4, 0.25, 0.55])), [1.0, 0.5, 0.5], rtol=1e-15)
    assert np.all((np.asarray(T(E)) > 0) & (np.asarray(T(E)) <= 1))


def test_breit_wigner_amplitude_squared_is_the_lorentzian():
    E = np.linspace(-5.0, 5.0, 201)
    bw, lor = BreitWigner(-0.3, 0.07), Lorentzian(-0.3, 0.07)
    t = np.asarray(bw.amplitude(E))
    np.testing.assert_allclose(np.abs(t) ** 2, lor(E), rtol=1e-14)
    np.testing.assert_allclose(bw(E), lor(E), rtol=1e-14)
    np.testing.assert_allclose(t, -1j * 0.07 / (E + 0.3 + 1j * 0.07), rtol=1e-15)
    np.testing.assert_allclose(bw.amplitude(-0.3), -1.0, rtol=1e-15)  # t = -1 on resonance
    T = np.asarray(bw(E))
    assert np.all((T >= 0) & (T <= 1))


@pytest.mark.parametrize("cls", [Lorentzian, BreitWigner])
def test_resonance_derivatives_closed_form(cls):
    E = jnp.array([-1.0, 0.2, 0.25, 0.31, 2.0])
    T = cls(0.25, 0.06)
    ref = lorentzian_derivatives(np.asarray(E), 0.25, 0.06)
    for n in range(4):
        got = jax.jit(lambda e, n=n: derivative(T, e, n))(E)
        scale = np.max(np.abs(ref[n]))  # T' and T''' vanish at E = ε0
        np.testing.assert_allclose(got, ref[n], rtol=1e-12, atol=1e-14 * scale)


@pytest.mark.parametrize("n", [-1, 1.0, True, "2"])
def test_derivative_rejects_bad_order(n):
    with pytest.raises(ValueError, match="`n`"):
        derivative(Lorentzian(0.0, 1.0), 0.3, n)


def test_derivative_of_a_plain_callable_and_shapes():
    E = jnp.linspace(0.0, 1.0, 6).reshape(2, 3)
    out = derivative(lambda e: jnp.sin(e) ** 2, E, 1)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, np.sin(2 * np.asarray(E)), rtol=1e-14)


def test_resonance_parameter_gradients():
    E = 0.21

    def T(eps0, gamma):
        return Lorentzian(eps0, gamma)(E)

    eps0, gamma = 0.1, 0.05
    u, s = E - eps0, (E - eps0) ** 2 + gamma**2
    g = jax.jit(jax.grad(T, argnums=(0, 1)))(eps0, gamma)
    np.testing.assert_allclose(g, [2 * gamma**2 * u / s**2, 2 * gamma * u**2 / s**2], rtol=1e-14)
    gb = jax.jit(jax.grad(lambda e0, ga: BreitWigner(e0, ga)(E), argnums=(0, 1)))(eps0, gamma)
    np.testing.assert_allclose(gb, g, rtol=1e-13)


@pytest.mark.parametrize("cls", [Lorentzian, BreitWigner])
@pytest.mark.parametrize(
    "eps0, gamma, name",
    [(0.0, 0.0, "gamma"), (0.0, -1.0, "gamma"), (0.0, np.nan, "gamma"), (0.0, np.inf, "gamma"),
     (np.nan, 1.0, "eps0"), (np.inf, 1.0, "eps0"), (-np.inf, 1.0, "eps0")],
)
def test_resonance_rejects_bad_parameters(cls, eps0, gamma, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        cls(eps0, gamma)


def test_traced_bad_width_raises_at_run_time():
    with pytest.raises(Exception, match="gamma"):
        jax.block_until_ready(jax.jit(lambda g: Lorentzian(0.0, g)(0.0))(-1.0))


# --- Tabulated ------------------------------------------------------------------------------

TABLES = {
    "two points": ([0.0, 1.0], [0.2, 0.9], 1),
    "three points, turning": ([0.0, 0.4, 1.5], [0.1, 0.9, 0.3], 1),
    "monotone, uneven": ([-1.0, -0.9, -0.2, 0.0, 0.05, 1.3, 2.0], [0.0, 0.01, 0.3, 0.31, 0.8, 0.99, 1.0], 1),
    "staircase": ([0.0, 0.9, 1.0, 1.1, 3.9, 4.0, 4.1, 6.0], [0.0, 0.0, 1.0, 2.0, 2.0, 2.5, 4.0, 4.0], 4),
    "oscillating": (list(np.linspace(0, 3, 12)), list(0.5 + 0.5 * np.sin(4 * np.linspace(0, 3, 12))), 1),
    # end slope limited to 3x the secant (scipy's rule when the first two secants differ in sign)
    "end clip": ([0.0, 0.1, 2.0], [0.0, 0.9, 0.0], 1),
}


@pytest.mark.parametrize("name", TABLES)
def test_tabulated_matches_scipy_pchip(name):
    x, y, nc = np.asarray(TABLES[name][0]), np.asarray(TABLES[name][1]), TABLES[name][2]
    E = np.concatenate([np.linspace(x[0] - 1.0, x[-1] + 1.0, 1001), x])
    values = np.asarray(_evaluator(nc)(x, y, E))
    np.testing.assert_allclose(values, pchip_reference(x, y, E), rtol=1e-13, atol=1e-13)
    assert values.min() >= 0.0 and values.max() <= nc
    # dT/dE vs scipy's derivative (inside the table)
    inner = np.linspace(x[0], x[-1], 203)[1:-1]
    dref = PchipInterpolator(x, y).derivative()(inner)
    dT = _slope_evaluator(nc)(x, y, inner)
    np.testing.assert_allclose(dT, dref, rtol=1e-11, atol=1e-11 * np.max(np.abs(dref)))


@lru_cache(maxsize=None)
def _evaluator(n_channels):
    """jit-compiled Tabulated(x, y)(E) for one channel count (tables of fixed size)."""
    return jax.jit(lambda x, y, E: Tabulated(x, y, n_channels=n_channels)(E))


@lru_cache(maxsize=None)
def _slope_evaluator(n_channels):
    return jax.jit(lambda x, y, E: derivative(Tabulated(x, y, n_channels=n_channels), E, 1))


N_KNOTS = 9


@st.composite
def tables(draw):
    nc = draw(st.integers(1, 3))
    steps = draw(st.lists(st.floats(0.01, 2.0), min_size=N_KNOTS - 1, max_size=N_KNOTS - 1))
    x = np.concatenate([[draw(st.floats(-3.0, 3.0))], np.zeros(N_KNOTS - 1)])
    x[1:] = x[0] + np.cumsum(steps)
    # values on a grid of 1/1000 of the range, with the ends (plateaus at 0 and n) favoured
    level = st.one_of(st.sampled_from([0, 1000]), st.integers(0, 1000))
    y = nc * np.array(draw(st.lists(level, min_size=N_KNOTS, max_size=N_KNOTS))) / 1000.0
    if draw(st.booleans()):
        y = np.sort(y)
    return x, y, nc


@settings(max_examples=30, deadline=None, derandomize=True)
@given(tables())
def test_tabulated_random_tables_stay_in_range_and_match_scipy(table):
    x, y, nc = table
    E = np.linspace(x[0] - 0.5, x[-1] + 0.5, 2001)
    values = np.asarray(_evaluator(nc)(x, y, E))
    assert values.min() >= 0.0 and values.max() <= nc
    np.testing.assert_allclose(values, pchip_reference(x, y, E), rtol=1e-13, atol=1e-13 * nc)
    if np.all(np.diff(y) >= 0):  # monotone data give a monotone interpolant
        assert np.all(np.diff(values) >= -1e-15 * nc)


def test_tabulated_plateau_at_the_channel_count_is_exact():
    # h00·y + h01·y rounds above y for some t: a plateau at n_channels must stay <= n
    x = np.array([-0.69793467, 0.90275566, 1.11325191, 1.13068038, 2.88501203, 2.98325961])
    y = np.array([3.0, 3.0, 3.0, 0.40528952, 0.40528952, 2.16446502])
    E = np.linspace(x[0] - 1.0, x[-1] + 1.0, 2001)
    values = np.asarray(_evaluator(3)(x, y, E))
    assert values.max() == 3.0 and values.min() >= 0.0
    np.testing.assert_array_equal(values[E <= x[2]], 3.0)


def test_tabulated_constant_extrapolation_and_end_slopes():
    x, y = np.array([0.0, 0.5, 1.0, 2.0]), np.array([0.1, 0.4, 0.5, 0.2])
    T = Tabulated(x, y)
    np.testing.assert_array_equal(T(jnp.array([-5.0, -1e-9, 2.0 + 1e-9, 7.0])), [0.1, 0.1, 0.2, 0.2])
    outside = jax.jit(jax.vmap(jax.grad(T)))(jnp.array([-1.0, 3.0]))
    np.testing.assert_array_equal(outside, 0.0)
    # at the end knots: the one-sided slope from inside the table
    slope = PchipInterpolator(x, y).derivative()
    ends = jax.jit(jax.vmap(jax.grad(T)))(jnp.array([0.0, 2.0]))
    np.testing.assert_allclose(ends, slope(x[[0, -1]]), rtol=1e-13)


def test_tabulated_gradient_in_values():
    x = np.array([0.0, 0.3, 0.7, 1.0, 1.6, 2.0])
    y = np.array([0.05, 0.2, 0.6, 0.65, 0.4, 0.45])
    E = jnp.array([0.1, 0.5, 0.85, 1.3, 1.9])

    def total(values):
        return jnp.sum(Tabulated(x, values)(E) * jnp.arange(1.0, 6.0))

    g = jax.jit(jax.grad(total))(y)
    f = jax.jit(total)
    h = 1e-6
    fd = np.array([(f(y + h * np.eye(6)[i]) - f(y - h * np.eye(6)[i])) / (2 * h) for i in range(6)])
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)
    # and in E, against finite differences
    slope = _slope_evaluator(1)(x, y, E)
    fd_E = (_evaluator(1)(x, y, E + h) - _evaluator(1)(x, y, E - h)) / (2 * h)
    np.testing.assert_allclose(slope, fd_E, rtol=1e-7, atol=1e-9)
    # flat plateau: T = y there exactly, and dT/dy splits between the two knots as in
    # Hermite interpolation with zero slopes (h00 + h01 = 1)
    flat = np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    xs = np.arange(5.0)
    gf = jax.jit(jax.grad(lambda v: Tabulated(xs, v)(1.5)))(flat)
    assert float(_evaluator(1)(xs, flat, 1.5)) == 1.0
    np.testing.assert_allclose(gf.sum(), 1.0, rtol=1e-14)


@pytest.mark.parametrize(
    "energies, values, kwargs, name",
    [
        ([0.0, 1.0, 1.0, 2.0], [0.1, 0.2, 0.3, 0.4], {}, "energies"),  # duplicated
        ([0.0, 2.0, 1.0, 3.0], [0.1, 0.2, 0.3, 0.4], {}, "energies"),  # not increasing
        ([0.0, np.inf, 2.0], [0.1, 0.2, 0.3], {}, "energies"),
        ([[0.0, 1.0], [2.0, 3.0]], [[0.1, 0.2], [0.3, 0.4]], {}, "energies"),  # 2-D
        ([0.0], [0.5], {}, "energies"),  # one point
        ([0.0, 1.0, 2.0], [0.1, 0.2], {}, "values"),  # mismatched
        ([0.0, 1.0, 2.0], [0.1, np.nan, 0.3], {}, "values"),
        ([0.0, 1.0, 2.0], [0.1, 1.2, 0.3], {}, "values"),  # above n_channels = 1
        ([0.0, 1.0, 2.0], [0.1, -1e-3, 0.3], {}, "values"),
        ([0.0, 1.0, 2.0], [0.1, 2.5, 0.3], {"n_channels": 2}, "values"),
        ([0.0, 1.0, 2.0], [0.1, 0.2, 0.3], {"n_channels": 0}, "n_channels"),
        ([0.0, 1.0, 2.0], [0.1, 0.2, 0.3], {"n_channels": 1.5}, "n_channels"),
    ],
)
def test_tabulated_rejects_bad_input(energies, values, kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        Tabulated(np.asarray(energies), np.asarray(values), **kwargs)


def test_tabulated_traced_bad_values_raise_at_run_time():
    x = np.array([0.0, 1.0, 2.0])
    with pytest.raises(Exception, match="values"):
        jax.block_until_ready(_evaluator(1)(x, np.array([0.1, 1.5, 0.2]), 0.5))
    with pytest.raises(Exception, match="energies"):
        jax.block_until_ready(_evaluator(1)(np.array([0.0, 2.0, 1.0]), np.array([0.1, 0.2, 0.3]), 0.5))


# --- hints and transformations ------------------------------------------------------------


def test_quadrature_hints():
    h = quadrature_hints(Lorentzian(0.3, 0.02))
    assert isinstance(h, QuadratureHints)
    np.testing.assert_array_equal(h.centers, [0.3])
    np.testing.assert_array_equal(h.scales, [0.02])
    assert h.breakpoints.shape == (0,) and float(h.lower) == -np.inf
    x = np.array([0.0, 1.0, 2.5])
    np.testing.assert_array_equal(quadrature_hints(Tabulated(x, [0.0, 0.5, 1.0])).breakpoints, x)
    plain = quadrature_hints(lambda e: e**2)  # any callable: empty hints
    assert plain.centers.shape == plain.scales.shape == plain.breakpoints.shape == (0,)
    assert float(plain.lower) == -np.inf
    jitted = jax.jit(lambda e0, g: quadrature_hints(BreitWigner(e0, g)))(0.1, 0.2)
    np.testing.assert_array_equal(jitted.centers, [0.1])
    assert issubclass(Tabulated, AbstractTransmission) and issubclass(Lorentzian, AbstractTransmission)


def test_transmissions_under_jit_vmap_grad():
    E = jnp.linspace(-1.0, 1.0, 5)
    x_tab, y_tab = np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.8, 0.3])
    lor = lorentzian_derivatives(np.asarray(E), 0.1, 0.2)
    references = {
        "lorentzian": (Lorentzian(0.1, 0.2), lor[0], lor[1]),
        "breit-wigner": (BreitWigner(0.1, 0.2), lor[0], lor[1]),
        "table": (Tabulated(x_tab, y_tab), pchip_reference(x_tab, y_tab, np.asarray(E)),
                  PchipInterpolator(x_tab, y_tab).derivative()(np.asarray(E))),
    }

    def evaluate(T, e):  # the module is a pytree argument (its float fields are leaves)
        return T(e), jax.vmap(T)(e), jax.vmap(jax.grad(T))(e), derivative(T, e)

    # the complex Breit–Wigner amplitude: jit, vmap, and d Re t/dE vs finite differences
    bw = BreitWigner(0.1, 0.2)
    t = jax.jit(jax.vmap(lambda b, e: b.amplitude(e), in_axes=(None, 0)))(bw, E)
    np.testing.assert_allclose(t, -0.2j / (np.asarray(E) - 0.1 + 0.2j), rtol=1e-15)
    dre = jax.jit(jax.vmap(jax.grad(lambda e: bw.amplitude(e).real)))(E)
    h = 1e-6
    fd = (np.asarray(bw.amplitude(E + h)).real - np.asarray(bw.amplitude(E - h)).real) / (2 * h)
    np.testing.assert_allclose(dre, fd, rtol=1e-7, atol=1e-9)

    for name, (T, value, slope) in references.items():
        jit = eqx.filter_jit if name == "table" else jax.jit
        direct, mapped, grads, deriv = jit(evaluate)(T, E)
        for got in (direct, mapped):
            np.testing.assert_allclose(got, value, rtol=1e-13, atol=1e-15, err_msg=name)
        for got in (grads, deriv):
            np.testing.assert_allclose(got, slope, rtol=1e-12, atol=1e-14, err_msg=name)

    # vmap over parameters builds one module per element
    widths = jnp.array([0.05, 0.1, 0.4])
    batched = jax.jit(jax.vmap(lambda g: BreitWigner(0.2, g)(E)))(widths)
    ref = np.stack([lorentzian_derivatives(np.asarray(E), 0.2, float(g))[0] for g in widths])
    np.testing.assert_allclose(batched, ref, rtol=1e-14)
    tables = jnp.array([[0.0, 0.5, 1.0], [1.0, 0.2, 0.9]])
    batched = jax.jit(jax.vmap(lambda v: Tabulated(x_tab, v)(E)))(tables)
    for row, v in zip(batched, tables):
        np.testing.assert_allclose(row, pchip_reference(x_tab, np.asarray(v), np.asarray(E)),
                                   rtol=1e-13, atol=1e-15)

    # gradient w.r.t. the module itself (every float field), and of derivative() in a parameter
    grads = eqx.filter_jit(eqx.filter_grad(lambda T: jnp.sum(T(E))))(Lorentzian(0.1, 0.2))
    u, s2 = np.asarray(E) - 0.1, (np.asarray(E) - 0.1) ** 2 + 0.04
    np.testing.assert_allclose([grads.eps0, grads.gamma],
                               [np.sum(0.08 * u / s2**2), np.sum(0.4 * u**2 / s2**2)], rtol=1e-13)
    d2 = jax.jit(jax.vmap(jax.grad(lambda g: derivative(Lorentzian(0.0, g), 0.3, 1))))(widths)
    h = 1e-6
    fd = [(lorentzian_derivatives(0.3, 0.0, float(g) + h)[1] - lorentzian_derivatives(0.3, 0.0, float(g) - h)[1])
          / (2 * h) for g in widths]
    np.testing.assert_allclose(d2, fd, rtol=1e-7)


def test_reexported():
    assert jd.Lorentzian is Lorentzian and jd.Tabulated is Tabulated and jd.derivative is derivative
