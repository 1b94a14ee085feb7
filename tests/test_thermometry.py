"""Thermometry forward model: kernels, closed-form responses, the BW wire profile."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import exponnorm

import jaxdiss as jd
from jaxdiss.thermometry import (
    NanowireThermometry,
    exponential_response,
    modes_temperature,
    tip_kernel,
    wire_kernel,
    wire_temperature,
)

HEALING, SIGMA = 120.0, 40.0


def _total_kernel(u, healing=HEALING, sigma=SIGMA):
    """K_σ ∗ K_λ from scipy's exponentially modified Gaussian (independent closed form)."""
    k = healing / sigma
    return 0.5 * (exponnorm.pdf(u, k, scale=sigma) + exponnorm.pdf(-u, k, scale=sigma))


@pytest.fixture(scope="module")
def wire():
    # kT/μ0 = 0.35 and eV as in the blind profile; coarse grid (the identities are exact
    # for the discretised problem at any grid)
    return jd.solve_wire(jd.Lorentzian(1.2, 0.15), 0.25, 0.35, n_momentum=64, throw=True)


def test_kernels_have_unit_area():
    # tolerance: quad's own error (≈ 1e-14 here)
    for healing in (0.3, 50.0, 700.0):
        area = 2.0 * quad(lambda x: float(wire_kernel(x, healing)), 0.0, np.inf,
                          epsabs=0.0, epsrel=1e-13)[0]
        assert area == pytest.approx(1.0, rel=1e-12, abs=0.0)
    for sigma in (0.5, 40.0):
        area = quad(lambda x: float(tip_kernel(x, sigma)), -np.inf, np.inf,
                    epsabs=0.0, epsrel=1e-13)[0]
        assert area == pytest.approx(1.0, rel=1e-12, abs=0.0)


@pytest.mark.parametrize("length", [0.01, 3.0, 50.0, HEALING, HEALING * (1 + 3e-6), 400.0])
def test_exponential_response_equals_quadrature(length):
    # one-sided source θ(y) e^{−y/L} through K_σ ∗ K_λ, against scipy's EMG kernel and
    # adaptive quadrature; L = λ and L ≈ λ take the midpoint branch of the divided difference
    for x in (-300.0, -20.0, 0.0, 35.0, 500.0):
        cuts = np.unique([0.0, min(50.0 * length, 20_000.0), max(x, 0.0), 20_000.0])
        ref = sum(quad(lambda y: _total_kernel(x - y) * np.exp(-y / length), a, b,
                       epsabs=0.0, epsrel=1e-13, limit=500)[0]
                  for a, b in zip(cuts[:-1], cuts[1:]))
        value = float(exponential_response(x, length, HEALING, SIGMA))
        assert value == pytest.approx(ref, rel=1e-10, abs=1e-300)


def test_uniform_heating_gives_the_far_field_rise():
    # P_ph ≡ P_ext: the two one-sided steps (L = ∞) add up to ΔT/ΔT_∞ = 1 everywhere
    x = jnp.linspace(-3000.0, 3000.0, 41)
    total = (exponential_response(x, jnp.inf, HEALING, SIGMA)
             + exponential_response(-x, jnp.inf, HEALING, SIGMA))
    np.testing.assert_allclose(total, 1.0, rtol=2e-16 * 8, atol=0)
    empty = jd.HeatingModes(jnp.ones(3), jnp.zeros(3), jnp.ones(3), jnp.zeros(3))
    dT = modes_temperature(empty, 0.7, x, vF_tau=100.0, healing=HEALING, sigma=SIGMA,
                           far_field_rise=4.5)
    np.testing.assert_allclose(dT, 4.5, rtol=1e-15, atol=0)


def test_wire_temperature_equals_direct_quadrature(wire):
    # ΔT/ΔT_∞ = ∫ K(x − y) P_ph(y)/P_ext dy with P_ph from the profile record `at` (not the
    # mode amplitudes) and K from scipy; Gauss–Legendre on panels graded towards y = 0±,
    # where the short modes live. Tolerance 1e-6 (issue acceptance): quadrature error here
    # is ≲ 1e-9.
    vF_tau = 90.0
    x_obs = np.array([-400.0, -60.0, -5.0, 0.0, 25.0, 150.0, 900.0])
    nodes, weights = np.polynomial.legendre.leggauss(20)
    edges = np.concatenate([[0.0], np.geomspace(1e-9, 40.0, 60)]) * vF_tau  # y in nm
    y, wts = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        y.append(0.5 * (b - a) * nodes + 0.5 * (a + b))
        wts.append(0.5 * (b - a) * weights)
    y, wts = np.concatenate(y), np.concatenate(wts)
    prof_right = wire.at(y / vF_tau)
    prof_left = wire.at(-y / vF_tau)
    ext = float(prof_right.heating_external)
    excess_r = np.asarray(prof_right.heating) / ext - 1.0
    excess_l = np.asarray(prof_left.heating) / ext - 1.0
    ref = np.array([1.0 + np.sum(wts * (_total_kernel(x - y) * excess_r
                                        + _total_kernel(x + y) * excess_l)) for x in x_obs])
    value = wire_temperature(wire, x_obs, vF_tau=vF_tau, healing=HEALING, sigma=SIGMA)
    np.testing.assert_allclose(value, ref, rtol=1e-6, atol=0)
    assert np.ptp(ref) > 0.1   # the scatterer's heating is visible (the test can fail)


def test_wire_temperature_under_jit_vmap(wire):
    x = jnp.linspace(-500.0, 500.0, 9)

    def profile(h):
        return wire_temperature(wire, x, vF_tau=100.0, healing=h, sigma=SIGMA)

    healings = jnp.array([30.0, HEALING, 500.0])
    batched = jax.jit(jax.vmap(profile))(healings)
    for h, row in zip(healings, batched):
        np.testing.assert_allclose(row, profile(h), rtol=1e-14)


@pytest.fixture(scope="module")
def lab_model():
    return NanowireThermometry.from_lab(current_nA=58.6, mu0_meV=20.0,
                                        bath_temperature_K=81.23, tip_sigma_nm=40.0,
                                        n_momentum=48)


def test_from_lab_units(lab_model):
    # I h/(e μ0) with μ0 = 20 meV; kT/μ0 with k_B = 8.617333e-2 meV/K
    h, e = 6.62607015e-34, 1.602176634e-19
    assert lab_model.current == pytest.approx(58.6e-9 * h / (e * 20e-3 * e), rel=1e-12)
    assert lab_model.kT == pytest.approx(81.23 * 8.617333262e-2 / 20.0, rel=1e-9)
    two = NanowireThermometry.from_lab(current_nA=58.6, mu0_meV=20.0,
                                       bath_temperature_K=81.23, tip_sigma_nm=40.0, spin=2)
    assert two.current == pytest.approx(lab_model.current / 2, rel=1e-15)


@pytest.mark.parametrize("name, kwargs", [
    ("current_nA", dict(current_nA=-1.0)),
    ("mu0_meV", dict(mu0_meV=0.0)),
    ("bath_temperature_K", dict(bath_temperature_K=float("nan"))),
    ("tip_sigma_nm", dict(tip_sigma_nm=-40.0)),
])
def test_from_lab_rejects_bad_values(name, kwargs):
    args = dict(current_nA=58.6, mu0_meV=20.0, bath_temperature_K=81.23, tip_sigma_nm=40.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        NanowireThermometry.from_lab(**args)


def test_lab_model_gradients_match_finite_differences(lab_model):
    # ∂ΔT(x)/∂θ for every fit parameter (ε0, Γ, v_Fτ, λ, ΔT_∞), through the Newton solve for
    # eV, against central differences; rtol 1e-5 (step error ∝ h², h = 1e-5 relative)
    x = jnp.array([-300.0, -30.0, 10.0, 80.0, 400.0])
    theta = jnp.array([1.2, 0.15, 120.0, 60.0, 5.0])
    f = eqx.filter_jit(lambda t, v: jax.jvp(lambda t: lab_model(t, x)[0], (t,), (v,)))
    assert bool(lab_model(theta, x)[1])
    for i in range(5):
        e = jnp.zeros(5).at[i].set(1.0)
        h = 1e-5 * float(theta[i])
        derivative = np.asarray(f(theta, e)[1])
        fd = (np.asarray(f(theta + h * e, e)[0]) - np.asarray(f(theta - h * e, e)[0])) / (2 * h)
        np.testing.assert_allclose(derivative, fd, rtol=1e-5, atol=1e-7 * np.abs(fd).max())
