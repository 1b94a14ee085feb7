"""Hot-spot estimate of QPC Sec. 4: inelastic length, radial power density, r*."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate

import jaxdiss as jd
from jaxdiss import hotspot as hs
from jaxdiss import units

QPC = jd.AbruptQPC()
# one compiled function per quantity, shared by the tests (compiling the QPC's
# derivatives is the expensive part)
SPOT = jax.jit(lambda m, b, k, a: hs.hot_spot(QPC, m, b, k, a))
DENSITY = jax.jit(lambda r, m, b, k: hs.radial_power_density(QPC, r, m, b, k))


def _fd(f, x, h):
    """Fourth-order central finite difference."""
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


def test_inelastic_length_matches_si_evaluation():
    """l = v τ_i with τ_i = ħ/2Γ, Γ = a μ_R (ε/μ_R − 1)², in SI, equals l/w of Eq. (23)."""
    width = 40e-9
    w = width / 2
    e1 = float(units.transverse_energy(width))
    m = units.GAAS_2DEG.mass
    eps, mubar, bias, a = 4.3, 4.0, 1.1, 0.04
    mu_r = mubar - bias / 2
    v = np.sqrt(2 * (eps + bias / 2) * e1 / m)
    gamma = a * mu_r * e1 * (eps / mu_r - 1) ** 2
    l_si = v * units.HBAR / (2 * gamma)
    got = float(hs.inelastic_length(eps, mubar, bias, a))
    assert got == pytest.approx(l_si / w, rel=1e-12)


def test_inelastic_length_in_density_units():
    """With b built from the 2DEG Fermi energy, l/(n_e w³) is independent of the density."""
    width, a = 40e-9, 0.04
    w = width / 2
    e1 = float(units.transverse_energy(width))
    m = units.GAAS_2DEG.mass
    eps, mubar, bias = 4.3, 4.0, 1.1
    for density in (2e15, 1e16):  # m^-2
        ef = float(units.fermi_energy_2d(density))
        b = units.HBAR * ef / (a * np.sqrt(2 * m))
        l_si = b * np.sqrt((eps + bias / 2) * e1) / ((eps - mubar + bias / 2) * e1) ** 2
        got = float(hs.inelastic_length(eps, mubar, bias, a, unit="n_e w^3"))
        assert got == pytest.approx(l_si / (density * w**3), rel=1e-12)


def _p_right(eps, mubar, bias, kT):
    """Independent NumPy p_R(ε) of QPC Eq. (3b), spin 2, h = 1."""
    mu_l, mu_r = mubar + bias / 2, mubar - bias / 2
    fl = 1 / (np.exp((eps - mu_l) / kT) + 1)
    fr = 1 / (np.exp((eps - mu_r) / kT) + 1)
    return 2 * (eps - mu_r) * np.asarray(QPC(eps)) * (fl - fr)


@pytest.mark.parametrize("mubar,bias", [(4.0, 1.14), (1.0, 0.3), (2.5, 0.6)])
def test_hot_spot_solves_printed_condition(mubar, bias):
    """ε* satisfies the transcendental condition below Eq. (26) (p_R' by finite differences)."""
    kT = 0.04
    spot = SPOT(mubar, bias, kT, 0.04)
    assert bool(spot.converged)
    e = float(spot.energy)
    u, v = e + bias / 2, e - (mubar - bias / 2)
    p = _p_right(e, mubar, bias, kT)
    dp = _fd(lambda x: _p_right(x, mubar, bias, kT), e, 1e-4)
    terms = [(24 * u**2 - 8 * u * v - v**2) * p, 2 * u * v * (4 * u - v) * dp]
    assert abs(sum(terms)) < 1e-8 * max(abs(t) for t in terms)
    assert float(spot.distance) == pytest.approx(float(hs.inelastic_length(e, mubar, bias)), rel=1e-14)


def test_hot_spot_is_global_maximum_of_radial_density():
    """Brute force: the maximum of p_R(r) on a fine logarithmic r grid sits at r*."""
    mubar, bias, kT = 4.0, 1.14, 0.04
    r_star = float(SPOT(mubar, bias, kT, 0.04).distance)
    r = np.geomspace(r_star / 30, r_star * 30, 4001)
    p = np.asarray(DENSITY(r, mubar, bias, kT))
    assert r[np.argmax(p)] == pytest.approx(r_star, rel=2e-3)
    near = np.asarray(DENSITY(r_star * np.array([0.999, 1.0, 1.001]), mubar, bias, kT))
    assert near[1] >= near[0] and near[1] >= near[2]


def test_radial_density_integrates_to_hot_part_of_power():
    """Eq. (24)–(25) is a change of variables: ∫ p_R(r) dr = ∫_{μ_R}^∞ p_R(ε) dε."""
    mubar, bias, kT = 2.5, 0.6, 0.04
    mu_r = mubar - bias / 2
    t_lo, t_hi = np.log(1e-3), np.log(1e9)
    one = jax.jit(lambda t: jnp.exp(t) * DENSITY(jnp.exp(t), mubar, bias, kT))
    f_r = lambda t: float(one(t))
    lhs, _ = integrate.quad(f_r, t_lo, t_hi, limit=400, epsrel=1e-11, epsabs=0)
    rhs, _ = integrate.quad(lambda e: _p_right(e, mubar, bias, kT), mu_r, mu_r + bias + 40 * kT,
                            points=[mubar + bias / 2, 4.0], limit=400, epsrel=1e-12, epsabs=0)
    # the r range misses ε with l(ε) outside [1e-3, 1e9], a negligible sliver of the window
    assert lhs == pytest.approx(rhs, rel=1e-7)


def test_paper_anchor_two_micrometres():
    """QPC Sec. 4: 2w = 40 nm GaAs, μ̄ = 4E1, V = 4 mV, a = 0.04, kT = 0.04E1 → r* ≈ 2 μm."""
    r = float(hs.hot_spot_distance_si(QPC, width=40e-9, mubar=4.0, bias_voltage=4e-3, kT=0.04, a=0.04))
    assert abs(r / 2e-6 - 1) < 0.25


def test_large_bias_slope_approaches_minus_two():
    """d ln r*/d ln V by implicit differentiation through Newton, equal to finite differences."""
    log_r = jax.jit(lambda lb: jnp.log(SPOT(4.0, jnp.exp(lb), 0.04, 0.04).distance))
    slope = jax.grad(log_r)
    s_small, s_large = float(slope(np.log(0.1))), float(slope(np.log(2.0)))
    assert s_large < -1.7 < s_small
    fd = _fd(lambda x: float(log_r(x)), np.log(2.0), 1e-3)
    assert float(slope(np.log(2.0))) == pytest.approx(fd, rel=1e-6)


def test_hot_spot_gradients_match_finite_differences():
    """Gradient of r* w.r.t. (mubar, bias, kT, a), implicit through the Newton polish."""
    x0 = np.array([4.0, 1.14, 0.04, 0.04])
    grad = np.asarray(jax.jit(jax.grad(lambda x: SPOT(*x).distance))(x0))
    for i in range(4):
        e = np.zeros(4)
        e[i] = 1.0
        h = 1e-4 * x0[i]
        fd = _fd(lambda t: float(SPOT(*(x0 + (t - x0[i]) * e)).distance), x0[i], h)
        assert grad[i] == pytest.approx(fd, rel=1e-6), i


def test_hot_spot_vmap_equals_loop_and_converges_on_steep_steps():
    """Batched r* equals the loop; on the steep third step (μ̄ = 9.3, curvature ~1e2) the
    Newton polish still reports convergence at every bias."""
    biases = jnp.geomspace(0.02, 3.0, 8)
    batched = jax.jit(jax.vmap(lambda b: hs.hot_spot(QPC, 9.3, b, 0.04)))(biases)
    assert bool(jnp.all(batched.converged))
    loop = np.array([float(SPOT(9.3, b, 0.04, 0.04).distance) for b in biases])
    np.testing.assert_allclose(np.asarray(batched.distance), loop, rtol=1e-13)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(kT=0.0), "kT"),
        (dict(kT=-0.1), "kT"),
        (dict(bias=0.0), "bias"),
        (dict(mubar=float("nan")), "mubar"),
        (dict(a=0.0), "`a`"),
    ],
)
def test_bad_input_names_argument(kwargs, name):
    args = dict(mubar=4.0, bias=1.0, kT=0.04, a=0.04)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        hs.hot_spot(QPC, **args)


def test_unknown_unit_rejected():
    with pytest.raises(ValueError, match="unit"):
        hs.hot_spot(QPC, 4.0, 1.0, 0.04, unit="nm")


def test_inverse_inelastic_length_round_trips():
    # v = ε − μ_R from log(r/c) (8 fixed Newton steps): r = c √(v + m)/v² back to rounding
    # over 30 decades of r, and the implicit derivatives equal central differences
    m = 3.4
    log_ratio = jnp.linspace(-35.0, 35.0, 141)
    t = hs._log_offset(log_ratio, m)
    v = jnp.exp(t)
    np.testing.assert_allclose(0.5 * jnp.log(v + m) - 2.0 * t, log_ratio, rtol=0,
                               atol=4e-15 * 35)
    d_ratio, d_m = jax.vmap(jax.grad(hs._log_offset, argnums=(0, 1)), (0, None))(log_ratio, m)
    h = 1e-6
    fd_ratio = (hs._log_offset(log_ratio + h, m) - hs._log_offset(log_ratio - h, m)) / (2 * h)
    hm = 1e-4   # larger step: t reaches ±17, whose rounding over 2h would swamp d_m ~ 1e-11
    fd_m = (hs._log_offset(log_ratio, m + hm) - hs._log_offset(log_ratio, m - hm)) / (2 * hm)
    np.testing.assert_allclose(d_ratio, fd_ratio, rtol=1e-8)
    np.testing.assert_allclose(d_m, fd_m, rtol=1e-6, atol=1e-10)
