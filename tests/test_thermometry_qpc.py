"""QPC tip-profile model: laboratory units and derivatives through the hot-spot density."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.thermometry import QPCThermometry, sheet_temperature

QUICK = (6, 6, 2, 2)   # small quadrature: these tests check the glue, not the accuracy


@pytest.fixture(scope="module")
def model():
    return QPCThermometry.from_lab(width_nm=40.0, mubar=4.0, kT=0.04, tip_sigma_nm=100.0,
                                   quadrature=QUICK)


def test_lab_units(model):
    # E1 = ħ²π²/(8 m* w²) for 2w = 40 nm in GaAs (QPC Sec. 3.1: ≈ 3.5 meV)
    hbar, me, mev = 6.62607015e-34 / (2 * np.pi), 9.1093837015e-31, 1.602176634e-22
    e1 = hbar**2 * np.pi**2 / (8 * 0.067 * me * (20e-9) ** 2) / mev
    assert model.e1_meV == pytest.approx(e1, rel=1e-9)
    assert model.half_width_nm == 20.0 and model.r_min_nm == 20.0
    # ΔT = (K ∗ q)/g with p in W/nm (E1²/h per w), q·1e18 in pW/µm², g in pW/(mK µm²)
    theta = jnp.array([1.14, 0.04, 400.0, 5.0])
    rho = jnp.array([0.0, 1500.0, 4000.0])
    scale = (e1 * mev) ** 2 / 6.62607015e-34 / 20.0

    def power(r):
        return jd.radial_power_density(model.transmission, r / 20.0, 4.0, 1.14, 0.04,
                                       0.04) * scale

    q = sheet_temperature(power, rho, 400.0, 100.0, r_min=20.0, r_max=30_000.0, order=6,
                          panels=6, levels=2, blur_panels=2)
    dT, ok = model(theta, rho)
    np.testing.assert_allclose(dT, q * 1e18 / 5.0, rtol=1e-12)
    assert bool(ok) and np.all(np.asarray(dT) > 0)


def test_gradients_match_finite_differences(model):
    # every fit parameter: eV, a, λ and the sheet conductance g
    rho = jnp.array([500.0, 2000.0, 5000.0])
    theta = jnp.array([1.14, 0.04, 400.0, 5.0])
    f = eqx.filter_jit(lambda t, v: jax.jvp(lambda t: model(t, rho)[0], (t,), (v,)))
    for i in range(4):
        e = jnp.zeros(4).at[i].set(1.0)
        h = 1e-5 * float(theta[i])
        fd = (np.asarray(f(theta + h * e, e)[0]) - np.asarray(f(theta - h * e, e)[0])) / (2 * h)
        np.testing.assert_allclose(f(theta, e)[1], fd, rtol=1e-6)


@pytest.mark.parametrize("kwargs, name", [
    (dict(width_nm=-40.0), "width_nm"), (dict(mubar=0.0), "mubar"),
    (dict(kT=-0.1), "kT"), (dict(tip_sigma_nm=float("nan")), "tip_sigma_nm")])
def test_bad_lab_values(kwargs, name):
    args = dict(width_nm=40.0, mubar=4.0, kT=0.04, tip_sigma_nm=100.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        QPCThermometry.from_lab(**args)
