"""Sheet thermometry (DESIGN.md §4 Thermometry): K_0 kernel, Graf-reduced radial profile,
radial Gaussian blur, QPC hot-spot source (QPC Eq. 25)."""

import importlib.util
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special as sp
from scipy import integrate

import jaxdiss as jd


def _load_sheet():
    """jaxdiss.thermometry.sheet, also before the package exports it."""
    try:
        from jaxdiss.thermometry import sheet
        return sheet
    except ImportError:  # pragma: no cover - package __init__ not written yet
        path = pathlib.Path(jd.__file__).parent / "thermometry" / "sheet.py"
        spec = importlib.util.spec_from_file_location("jaxdiss.thermometry.sheet", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


sh = _load_sheet()

# smooth compact source p(r) = r² e^{−r/ℓ}/(2ℓ³) (unit total power), q = p/(2πr)
ELL, LAM, SIG = 1.0, 2.0, 1.0
R_MAX = 60.0  # e^{−60}·60² ≈ 3e-23 of the total power is cut


def _smooth_power(r):
    return r**2 * jnp.exp(-r / ELL) / (2 * ELL**3)


SMOOTH = jax.jit(lambda rho, lam, sig: sh.sheet_temperature(
    _smooth_power, rho, lam, sig, r_min=0.0, r_max=R_MAX))
SMOOTH_SHARP = jax.jit(lambda rho, lam: sh.sheet_temperature(  # a concrete σ = 0: no blur
    _smooth_power, rho, lam, 0.0, r_min=0.0, r_max=R_MAX))


K0E, K1E = jax.jit(sh._k0e), jax.jit(sh._k1e)


def test_bessel_k_matches_scipy():
    x = np.geomspace(1e-8, 1e4, 2001)
    np.testing.assert_allclose(np.asarray(K0E(x)), sp.k0e(x), rtol=1e-13, atol=0)
    np.testing.assert_allclose(np.asarray(K1E(x)), sp.k1e(x), rtol=1e-13, atol=0)
    # documented wider range and the branch point x = 2 (same shape: no recompilation)
    x = np.concatenate([np.geomspace(1e-14, 1e10, 1998), np.nextafter(2.0, [0.0, 3.0]), [2.0]])
    np.testing.assert_allclose(np.asarray(K0E(x)), sp.k0e(x), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(K1E(x)), sp.k1e(x), rtol=1e-14)


def test_bessel_k_derivatives():
    """custom_jvp: (K0e)' = K0e − K1e, (K1e)' = K1e − K0e − K1e/x, and to second order
    (K0e)'' = 2 K0e − 2 K1e + K1e/x; also against central differences."""
    x = np.geomspace(1e-6, 1e3, 41)
    k0, k1 = sp.k0e(x), sp.k1e(x)
    d0, d1, dd0 = jax.jit(lambda x: (jax.vmap(jax.grad(sh._k0e))(x), jax.vmap(jax.grad(sh._k1e))(x),
                                     jax.vmap(jax.jacfwd(jax.grad(sh._k0e)))(x)))(x)
    # the derivatives are differences of K0e and K1e: rounding is relative to those terms
    scale = np.maximum(k0, k1)
    assert np.all(np.abs(np.asarray(d0) - (k0 - k1)) <= 1e-13 * scale)
    assert np.all(np.abs(np.asarray(d1) - (k1 - k0 - k1 / x)) <= 1e-13 * (scale + k1 / x))
    assert np.all(np.abs(np.asarray(dd0) - (2 * k0 - 2 * k1 + k1 / x)) <= 1e-12 * (scale + k1 / x))
    h = 1e-5 * x
    for f, d in ((K0E, d0), (K1E, d1)):
        fd = (np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2 * h)
        np.testing.assert_allclose(np.asarray(d), fd, rtol=1e-8)


def test_sheet_kernel_values_and_unit_area():
    lam = 3.0
    r = np.array([1e-6, 0.1, 3.0, 40.0, 900.0])
    kernel = jax.jit(sh.sheet_kernel)
    np.testing.assert_allclose(np.asarray(kernel(r, lam)),
                               sp.k0(r / lam) / (2 * np.pi * lam**2), rtol=1e-13)
    # ∫ 2πr K dr over log-graded Gauss–Legendre panels from 1e-12 λ to 60 λ
    x, w = np.polynomial.legendre.leggauss(20)
    edges = lam * np.concatenate([np.geomspace(1e-12, 1.0, 40), np.linspace(1.0, 60.0, 60)[1:]])
    a, b = edges[:-1, None], edges[1:, None]
    nodes = (0.5 * (a + b) + 0.5 * (b - a) * x).ravel()
    weights = (0.5 * (b - a) * w).ravel()
    area = np.sum(weights * 2 * np.pi * nodes * np.asarray(kernel(nodes, lam)))
    assert area == pytest.approx(1.0, abs=1e-10)


def test_uniform_disc_exact():
    """p = 2πr q0 on [0, R]: g ΔT = q0 [1 − (R/λ) I_0(ρ/λ) K_1(R/λ)] inside, q0 (R/λ)
    I_1(R/λ) K_0(ρ/λ) outside (K ∗ disc, exact). Blurred, well inside the disc
    (R − ρ − 9σ ≥ 40λ) the edge terms are < 1e-16 and the profile equals q0. Tolerance
    1e-12: the rounding of a sum over ~400 nodes."""
    q0, R = 2.5, 100.0
    f = jax.jit(lambda rho, lam, sig: sh.sheet_temperature(
        lambda r: 2 * np.pi * r * q0, rho, lam, sig, r_min=0.0, r_max=R))
    rho = np.array([[0.0, 0.3, 5.0], [60.0, 99.0, 130.0]])  # any shape is kept
    lam = 5.0
    got = np.asarray(f(rho, lam, None))
    assert got.shape == rho.shape
    x, c = rho / lam, R / lam
    exact = np.where(rho <= R, q0 * (1 - c * sp.i0(x) * sp.k1(c)), q0 * c * sp.i1(c) * sp.k0(x))
    np.testing.assert_allclose(got, exact, rtol=1e-12)
    blurred = np.asarray(f(np.array([[0.0, 0.5, 3.0], [10.0, 15.0, 20.0]]), 1.5, 0.8))
    np.testing.assert_allclose(blurred, q0, rtol=1e-12)


def _brute_force_2d(rho):
    """(K ∗ q)(ρ) by dblquad in polar coordinates (s, φ) around the observation point, with
    no Graf reduction: the weight s K_0(s/λ) removes the logarithmic singularity."""
    def integrand(phi, s):
        y = np.sqrt(max(rho * rho + s * s + 2 * rho * s * np.cos(phi), 0.0))
        q = y * np.exp(-y / ELL) / (2 * ELL**3) / (2 * np.pi)
        return 2 * s * sp.k0(s / LAM) / (2 * np.pi * LAM**2) * q

    inner = integrate.dblquad(integrand, 0, rho, 0, np.pi, epsabs=1e-15, epsrel=1e-11)[0]
    outer = integrate.dblquad(integrand, rho, 80.0, 0, np.pi, epsabs=1e-15, epsrel=1e-11)[0]
    return inner + outer


def _hankel(rho, sigma):
    """G_σ ∗ K ∗ q in Fourier space (no Graf, no radial blur formula):
    (1/2π) ∫ k J_0(kρ) q̂(k) e^{−σ²k²/2}/(1 + λ²k²) dk, with
    q̂(k) = ∫ p(r) J_0(kr) dr = (2β² − k²)/(β² + k²)^{5/2}/(2ℓ³), β = 1/ℓ."""
    b = 1.0 / ELL

    def integrand(k):
        qhat = (2 * b * b - k * k) / (b * b + k * k) ** 2.5 / (2 * ELL**3)
        return (k * sp.j0(k * rho) * qhat * np.exp(-0.5 * (sigma * k) ** 2)
                / (1 + (LAM * k) ** 2) / (2 * np.pi))

    return integrate.quad(integrand, 0.0, 12.0 / sigma, epsabs=1e-16, epsrel=1e-13, limit=400)[0]


def test_smooth_source_matches_2d_quadrature():
    rho = np.array([0.0, 0.7, 2.5, 6.0])
    got = np.asarray(SMOOTH_SHARP(rho, LAM))
    np.testing.assert_allclose(got, [_brute_force_2d(r) for r in rho], rtol=1e-9)
    blurred = np.asarray(SMOOTH(rho, LAM, SIG))
    np.testing.assert_allclose(blurred, [_hankel(r, SIG) for r in rho], rtol=1e-9)


def test_radial_blur_of_gaussian_is_exact():
    """A 2D Gaussian (std s) blurred by the tip (std σ) is a Gaussian of variance s² + σ²."""
    s, sigma = 1.5, 0.7
    rho = jnp.array([0.0, 0.4, 2.0, 5.0])
    blur = jax.jit(lambda rho, sigma: sh._blur(lambda r: jnp.exp(-0.5 * (r / s) ** 2), rho, sigma,
                                               12, 6))
    got = blur(rho, sigma)
    v = s**2 + sigma**2
    np.testing.assert_allclose(np.asarray(got), s**2 / v * np.exp(-0.5 * np.asarray(rho) ** 2 / v),
                               rtol=1e-13, atol=1e-16)


def test_rho_derivative():
    """jit(vmap(grad)): d/dρ vanishes at ρ = 0 (the profile is even in ρ; ρ and r_min = 0
    are tied panel edges there) and matches central differences elsewhere."""
    d = jax.jit(jax.vmap(jax.grad(SMOOTH_SHARP), in_axes=(0, None)))
    rho = np.array([0.0, 1e-3, 0.7, 2.5])
    got = np.asarray(d(rho, LAM))
    scale = float(SMOOTH_SHARP(0.0, LAM)) / LAM
    assert abs(got[0]) < 1e-14 * scale
    h = 1e-5
    up, down = SMOOTH_SHARP(rho[1:] + h, LAM), SMOOTH_SHARP(rho[1:] - h, LAM)
    fd = (np.asarray(up) - np.asarray(down)) / (2 * h)
    np.testing.assert_allclose(got[1:], fd, rtol=1e-7, atol=1e-9 * scale)


# QPC source (Eq. 25): mubar = 4, bias = 1, kT = a = 0.04 in units of E1 and w; r* ≈ 141 w.
# p(r) < 1e-12 of its peak below l(μ_L + 40 kT) ≈ 21 w and falls as r^−2 beyond r*, so
# r_max ≥ ρ + 9σ + 35λ cuts nothing the kernel would see.
QPC = jd.AbruptQPC(length=2.0, n_modes=3)
MUBAR, KT = 4.0, 0.04
R_MIN_QPC = float(jd.inelastic_length(MUBAR + 0.5 + 40 * KT, MUBAR, 1.0, 0.04))
R_MAX_QPC = 2500.0


def _qpc_profile(x):
    bias, a, healing, sigma, rho = x
    p = lambda r: jd.radial_power_density(QPC, r, MUBAR, bias, KT, a)  # noqa: E731
    return sh.sheet_temperature(p, rho, healing, sigma, r_min=R_MIN_QPC, r_max=R_MAX_QPC)


QPC_VALUE_AND_GRAD = jax.jit(jax.value_and_grad(_qpc_profile))


def test_qpc_hot_spot_profile_gradients():
    """Under jit, reverse-mode derivatives with respect to bias, a (through p), λ, σ and ρ
    equal central differences (h = 1e-4 relative; their own error is ~1e-8)."""
    x0 = np.array([1.0, 0.04, 50.0, 20.0, 150.0])  # bias, a, λ, σ, ρ (ρ ≈ r*)
    value, grad = QPC_VALUE_AND_GRAD(x0)
    assert np.isfinite(value) and value > 0
    for i in range(len(x0)):
        e = np.zeros_like(x0)
        e[i] = h = 1e-4 * x0[i]
        fd = (QPC_VALUE_AND_GRAD(x0 + e)[0] - QPC_VALUE_AND_GRAD(x0 - e)[0]) / (2 * h)
        assert float(grad[i]) == pytest.approx(float(fd), rel=1e-6), i
    # the blurred profile is even in ρ: flat at the QPC
    value0, grad0 = QPC_VALUE_AND_GRAD(np.array([1.0, 0.04, 50.0, 20.0, 0.0]))
    assert abs(float(grad0[4])) < 1e-12 * float(value0) / 50.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(rho=-1.0), "rho"),
        (dict(healing=0.0), "healing"),
        (dict(sigma=-0.5), "sigma"),
        (dict(r_min=-1.0), "r_min"),
        (dict(r_max=0.0), "r_max"),
        (dict(r_min=5.0, r_max=5.0), "r_max"),
        (dict(order=0), "order"),
        (dict(power=3.0), "power"),
    ],
)
def test_argument_validation(kwargs, name):
    args = dict(power=_smooth_power, rho=1.0, healing=1.0, sigma=None, r_min=0.0, r_max=10.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"`{name}`"):
        sh.sheet_temperature(**args)
