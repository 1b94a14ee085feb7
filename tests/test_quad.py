"""Composite graded Gauss–Legendre quadrature (quad.py).

Every accuracy check is against a closed form or mpmath and asks for <= 1e-10 relative
error (most land at 1e-14). The integrals are evaluated under ``jax.jit`` (one compile
per signature).
"""

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.quad import EnergyGrid, gauss_legendre, graded_edges, integrate, panel_grid

RTOL = 1e-10


@pytest.fixture(autouse=True)
def _mp_precision():
    """30-digit mpmath references, without changing mpmath's global state for other files."""
    with mp.workdps(30):
        yield


def rel(value, ref):
    return abs(float(value) / float(ref) - 1.0)


# --- building blocks ------------------------------------------------------------------


def test_gauss_legendre_is_exact_for_degree_2n_minus_1():
    for order in (1, 4, 16):
        x, w = gauss_legendre(order)
        assert x.shape == w.shape == (order,)
        for k in range(2 * order):
            exact = (1 - (-1) ** (k + 1)) / (k + 1)
            assert abs(np.sum(w * x**k) - exact) < 1e-14


@pytest.mark.parametrize("bad", [0, -3, 2.0, True, None])
def test_gauss_legendre_rejects_bad_order(bad):
    with pytest.raises(ValueError, match="order"):
        gauss_legendre(bad)


def test_panel_grid_is_a_composite_rule():
    edges = jnp.array([-1.0, -0.25, 0.5, 0.5, 2.0])  # includes an empty panel
    grid = panel_grid(edges, order=5)
    assert isinstance(grid, EnergyGrid)
    assert grid.size == 4 * 5
    np.testing.assert_allclose(jnp.sum(grid.weights), 3.0, rtol=1e-15)
    # exact for polynomials of degree 9 on every panel
    assert rel(grid.integrate(grid.nodes**9), (2.0**10 - 1.0) / 10) < 1e-14
    # EnergyGrid.integrate along another axis
    values = jnp.stack([grid.nodes, grid.nodes**2], axis=0).T  # (n, 2)
    np.testing.assert_allclose(grid.integrate(values, axis=0), [(4 - 1) / 2, (8 + 1) / 3], rtol=1e-14)


def test_graded_edges_layout():
    edges = graded_edges(
        -1.0, 3.0, breakpoints=jnp.array([0.7, 5.0]), centers=jnp.array([1.0]),
        scales=jnp.array([0.01]), subdivide=(-1.0, 1.0, 4), levels=5,
    )
    e = np.asarray(edges)
    assert e.shape == (2 + 2 + (1 + 2 * 5) + 3,)
    assert np.all(np.diff(e) >= 0) and e[0] == -1.0 and e[-1] == 3.0
    for point in (0.7, 1.0, -0.5, 0.0, 0.5):  # breakpoint, centre, subdivisions
        assert np.any(e == point)
    # ladder: offsets geometric from scale/2 to the reach (4), clipped to the window
    offsets = np.geomspace(0.005, 4.0, 5)
    for o in offsets:
        assert np.any(np.isclose(e, 1.0 + o, rtol=1e-14) | (1.0 + o > 3.0))
        assert np.any(np.isclose(e, 1.0 - o, rtol=1e-14) | (1.0 - o < -1.0))
    assert np.sum(e == 3.0) == 3  # hi, the breakpoint 5 and the rung at 1 + 4
    # a scale 0 (kink) ladder starts at min_fraction·reach
    e0 = np.asarray(graded_edges(0.0, 2.0, centers=jnp.array([1.0]), scales=0.0, levels=3,
                                 min_fraction=1e-4))
    # offsets 2e-4, sqrt(2e-4·2) = 0.02, 2 (the last one clipped to the window: 1)
    np.testing.assert_allclose(np.sort(np.abs(e0[1:-1] - 1.0))[1::2], [2e-4, 0.02, 1.0], rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [dict(levels=-1), dict(levels=2.0), dict(min_fraction=0.0), dict(min_fraction=2.0),
     dict(centers=jnp.array([0.5]))],
)
def test_graded_edges_rejects_bad_options(kwargs):
    name = "scales" if "centers" in kwargs else next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        graded_edges(0.0, 1.0, **kwargs)


def test_edge_count_is_static_under_jit_and_vmap():
    def edges(lo, hi, c, s):
        return graded_edges(lo, hi, centers=jnp.stack([c]), scales=jnp.stack([s]), levels=4,
                            subdivide=(lo, hi, 3))

    one = jax.jit(edges)(0.0, 1.0, 0.5, 0.1)
    many = jax.jit(jax.vmap(edges))(jnp.array([0.0, -2.0]), jnp.array([1.0, 5.0]),
                                    jnp.array([0.5, 9.0]), jnp.array([0.1, 0.0]))
    assert one.shape == (2 + 1 + 8 + 2,) and many.shape == (2,) + one.shape
    np.testing.assert_array_equal(many[0], one)
    assert np.all(np.diff(many, axis=1) >= 0) and np.all(many[1] >= -2.0) and np.all(many[1] <= 5.0)


# --- accuracy ---------------------------------------------------------------------------


def test_smooth_polynomial_times_gaussian():
    # ∫_a^b (1 + x + x²) e^{-x²} dx in closed form
    a, b = -4.0, 6.0
    sq = np.sqrt(np.pi)
    erf = lambda x: float(mp.erf(x))  # noqa: E731
    g0 = 0.5 * sq * (erf(b) - erf(a))
    g1 = 0.5 * (np.exp(-(a**2)) - np.exp(-(b**2)))
    g2 = 0.5 * g0 - 0.5 * (b * np.exp(-(b**2)) - a * np.exp(-(a**2)))
    fn = lambda x: (1 + x + x**2) * jnp.exp(-(x**2))  # noqa: E731
    value = jax.jit(lambda lo, hi: integrate(fn, lo, hi, subdivide=(lo, hi, 8)))(a, b)
    assert rel(value, g0 + g1 + g2) < 1e-14
    # a single 16-point panel is far off: the subdivision is what does the work
    assert rel(integrate(fn, a, b), g0 + g1 + g2) > 1e-4


def test_smooth_oscillatory():
    # ∫_0^{20} cos(3x) e^{-x/5} dx
    value = jax.jit(lambda: integrate(lambda x: jnp.cos(3 * x) * jnp.exp(-x / 5), 0.0, 20.0,
                                      subdivide=(0.0, 20.0, 10)))()
    s = 3.0 + 0.2j
    ref = ((np.exp(1j * s * 20.0) - 1) / (1j * s)).real
    assert rel(value, ref) < 1e-12


def test_box_window_at_zero_temperature():
    # ∫ T(E)(f_L - f_R) dE at kT = 0 over a wider window = ∫_{μR}^{μL} T dE
    T = lambda e: 1.0 / (1.0 + e**2)  # noqa: E731

    @jax.jit
    def current(mu_left, mu_right):
        window = lambda e: T(e) * jd.fermi_window(e, mu_left, mu_right, 0.0)  # noqa: E731
        return integrate(window, -3.0, 3.0, centers=jnp.stack([mu_left, mu_right]), scales=0.0)

    for mul, mur in [(0.7, -0.4), (-0.4, 0.7), (1.3, 1.2999)]:
        ref = mp.atan(mul) - mp.atan(mur)  # (arctan differences in doubles lose digits)
        assert rel(current(mul, mur), ref) < 1e-13
    # without edges at the box ends the jump spoils the rule
    no_edges = integrate(lambda e: T(e) * jd.fermi_window(e, 0.7, -0.4, 0.0), -3.0, 3.0)
    assert rel(no_edges, np.arctan(0.7) - np.arctan(-0.4)) > 1e-6
    # and directly between the box ends, including reversed limits
    direct = jax.jit(lambda lo, hi: integrate(T, lo, hi))
    assert rel(direct(-0.4, 0.7), np.arctan(0.7) - np.arctan(-0.4)) < 1e-14
    assert rel(direct(0.7, -0.4), np.arctan(-0.4) - np.arctan(0.7)) < 1e-14


@pytest.mark.parametrize("x0", [0.0, 0.37, -0.8, 0.999, 1.5])
def test_narrow_lorentzian(x0):
    # γ = 1e-3: full width 2e-3, 1000x narrower than the window [-1, 1]; also off-centre
    # and outside the window (x0 = 1.5: its tail only)
    gamma = 1e-3
    ref = gamma * (mp.atan((1 - x0) / mp.mpf(gamma)) - mp.atan((-1 - x0) / mp.mpf(gamma)))
    value = _lorentzian_integral(x0, gamma, -1.0, 1.0)
    assert rel(value, ref) < RTOL


@jax.jit
def _lorentzian_integral(x0, gamma, lo, hi):
    T = jd.Lorentzian(x0, gamma)
    return integrate(T, lo, hi, centers=jnp.stack([x0]), scales=jnp.stack([gamma]))


@pytest.mark.parametrize("E0", [0.0, 0.3, 0.77])
def test_three_halves_kink(E0):
    # (E - E0)_+^{3/2} cos E on [-1, 1]: the kink gets a scale-0 ladder
    ref = mp.quad(lambda x: (x - E0) ** 1.5 * mp.cos(x), [E0, 1])
    value = _kink_integral(E0)
    assert rel(value, ref) < RTOL


@jax.jit
def _kink_integral(E0):
    fn = lambda x: jnp.where(x > E0, jnp.abs(x - E0) ** 1.5, 0.0) * jnp.cos(x)  # noqa: E731
    return integrate(fn, -1.0, 1.0, centers=jnp.stack([E0]), scales=0.0)


def test_kink_without_ladder_is_inaccurate():
    # the same kink with one plain breakpoint only: the ladder is needed
    E0 = 0.3
    fn = lambda x: jnp.where(x > E0, jnp.abs(x - E0) ** 1.5, 0.0) * jnp.cos(x)  # noqa: E731
    ref = mp.quad(lambda x: (x - E0) ** 1.5 * mp.cos(x), [E0, 1])
    plain = integrate(fn, -1.0, 1.0, breakpoints=jnp.array([0.1]))
    assert rel(plain, ref) > 1e-7


@pytest.mark.parametrize("temps", [(0.05, 0.05), (0.08, 0.02), (0.0, 0.03)])
def test_fermi_window_integrand_vs_mpmath(temps):
    kl, kr = temps
    mul, mur, eps0, gamma = 0.3, -0.1, 0.2, 0.1

    def f_mp(E, mu, kT):
        if kT == 0:
            return 1 if E < mu else 0
        return 1 / (mp.exp((E - mu) / kT) + 1)

    def integrand(E):
        T = gamma**2 / ((E - eps0) ** 2 + gamma**2)
        return T * (f_mp(E, mul, kl) - f_mp(E, mur, kr))

    pts = sorted({-3, mur - 40 * max(kr, 0.01), mur, eps0, mul, mul + 40 * max(kl, 0.01), 3})
    ref = mp.quad(integrand, pts)
    value = _window_integral(mul, mur, kl, kr, eps0, gamma)
    assert rel(value, ref) < RTOL


@jax.jit
def _window_integral(mul, mur, kl, kr, eps0, gamma):
    T = jd.Lorentzian(eps0, gamma)
    lo = jnp.minimum(mul - 40 * kl, mur - 40 * kr)
    hi = jnp.maximum(mul + 40 * kl, mur + 40 * kr)
    return integrate(
        lambda e: T(e) * jd.fermi_window(e, mul, mur, kl, kr), lo, hi,
        centers=jnp.stack([mul, mur, eps0]), scales=jnp.stack([kl, kr, gamma]),
    )


# --- transformations --------------------------------------------------------------------


def test_vmap_over_window_ends():
    los = jnp.array([-1.0, -0.5, 0.2, 0.9])
    his = jnp.array([1.0, 0.1, 0.25, -0.3])  # includes a reversed window
    value = jax.jit(jax.vmap(lambda lo, hi: integrate(
        jd.Lorentzian(0.05, 1e-3), lo, hi, centers=jnp.array([0.05]), scales=jnp.array([1e-3]))))(los, his)
    g = 1e-3
    ref = g * (np.arctan((his - 0.05) / g) - np.arctan((los - 0.05) / g))
    np.testing.assert_allclose(value, ref, rtol=RTOL)
    # the grid size is fixed by order and the static counts alone
    grids = jax.jit(jax.vmap(lambda lo, hi: panel_grid(
        graded_edges(lo, hi, centers=jnp.array([0.0]), scales=0.0, levels=3), order=7)))(los, his)
    assert grids.nodes.shape == grids.weights.shape == (4, (2 + 1 + 6 - 1) * 7)
    # (graded_edges itself maps a reversed window to an empty one; integrate handles the sign)
    np.testing.assert_allclose(jnp.sum(grids.weights, axis=1), jnp.maximum(his - los, 0.0), rtol=1e-14)


def test_gradient_with_respect_to_parameters():
    lo, hi = -1.0, 1.0

    def ref(x0, g):
        return g * (jnp.arctan((hi - x0) / g) - jnp.arctan((lo - x0) / g))

    x0, g = 0.31, 2e-3
    grad = jax.jit(jax.grad(_lorentzian_integral, argnums=(0, 1)))(x0, g, lo, hi)
    exact = jax.grad(ref, argnums=(0, 1))(x0, g)
    np.testing.assert_allclose(np.array(grad), np.array(exact), rtol=1e-10)
    h = 1e-7
    fd_x0 = (_lorentzian_integral(x0 + h, g, lo, hi) - _lorentzian_integral(x0 - h, g, lo, hi)) / (2 * h)
    fd_g = (_lorentzian_integral(x0, g + h * g, lo, hi) - _lorentzian_integral(x0, g - h * g, lo, hi)) / (2 * h * g)
    np.testing.assert_allclose(grad[0], fd_x0, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad[1], fd_g, rtol=1e-6)


def test_gradient_with_respect_to_window_ends():
    fn = lambda e: jnp.cos(e)  # noqa: E731
    f = jax.jit(jax.grad(lambda lo, hi: integrate(fn, lo, hi, centers=jnp.stack([lo, hi]), scales=0.0),
                         argnums=(0, 1)))
    for lo, hi in [(-0.4, 0.9), (0.9, -0.4), (0.2, 0.2)]:  # normal, reversed, zero width
        dlo, dhi = f(lo, hi)
        np.testing.assert_allclose([dlo, dhi], [-np.cos(lo), np.cos(hi)], rtol=1e-13)


def test_zero_width_window_is_zero_not_nan():
    # e.g. a zero-temperature window at zero bias: every ladder collapses onto one point
    value = jax.jit(lambda m: integrate(lambda e: jnp.ones_like(e), m, m, centers=jnp.stack([m, m]),
                                        scales=0.0))(0.4)
    assert float(value) == 0.0
