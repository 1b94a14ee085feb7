"""Perfect-diode and bipolar points (jaxdiss.diode_lines), DI Fig. 2a and its inset.

λ = 1, no screening, Γ1 = Γ3 = 3, μ = 40, kT = 1, ΔT = 1; the cut (ε3 − μ) = 4.8 of Fig. 2a.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import brentq

import jaxdiss as jd
from jaxdiss import diode_lines as L

MU, KT, DKT, GAMMA, CUT = 40.0, 1.0, 1.0, 3.0, 4.8
X = np.linspace(-15.0, 15.0, 61)  # ε1 − μ on the cut, spacing 0.5 kT


def _dev(e1=MU, e3=MU + CUT, gamma=GAMMA):
    return jd.ThermalDiode(e1, e3, gamma, gamma)


@pytest.fixture(scope="module")
def cut():
    return L.scan_cut(_dev(), "eps1", MU + X, MU, KT, DKT)


@pytest.fixture(scope="module")
def reference():
    """Zeros of I^F and I^B by bisection (Brent) on plain `rectification` calls, in the
    brackets read off the paper's inset (I^F vanishes left of I^B)."""
    def current(e1, which):
        rc = jd.rectification(_dev(MU + e1), MU, KT, DKT)
        return float(getattr(rc, which).particle_current)

    zf = brentq(current, -7.0, -5.0, args=("forward",), xtol=1e-13, rtol=1e-15)
    zb = brentq(current, -5.0, -3.0, args=("backward",), xtol=1e-13, rtol=1e-15)
    return zf, zb


def test_zeros_of_forward_and_backward_currents_differ(cut, reference):
    zf, zb = reference
    # a rough earlier run put them near −5.79 and −3.99; the inset shows two distinct zeros
    assert abs(zf + 5.79) < 0.05 and abs(zb + 3.99) < 0.05 and zb - zf > 1.5
    for pts, z in ((cut.forward_zeros, zf), (cut.backward_zeros, zb)):
        assert pts.value.shape == (1,)  # one zero of each current on the whole cut
        assert bool(pts.converged[0]) and bool(pts.nonzero[0])
        np.testing.assert_allclose(float(pts.value[0]) - MU, z, rtol=0, atol=1e-10)
    # the other current flows there, in the direction of the bipolar window
    assert float(cut.forward_zeros.backward[0]) > 0.01
    assert float(cut.backward_zeros.forward[0]) > 0.01


def test_bipolar_between_the_zeros(cut, reference):
    zf, zb = reference
    f, b = np.asarray(cut.forward), np.asarray(cut.backward)
    assert bool(jnp.all(cut.converged))
    inside = (X > zf) & (X < zb)
    outside = (X < zf) | (X > zb)
    assert inside.sum() >= 3
    assert np.all(np.sign(f[inside]) == np.sign(b[inside]))  # same direction: bipolar
    assert np.all(np.sign(f[outside]) == -np.sign(b[outside]))  # ordinary diode
    # the only crossing I^F = I^B on the cut is the antisymmetric point ε1 = 2μ − ε3
    bp = cut.bipolar_points
    assert bp.value.shape == (1,) and bool(bp.converged[0]) and bool(bp.nonzero[0])
    # exact for an electron-hole symmetric band; the lead band bottom at E = 0 breaks that
    # symmetry by ~e^(−μ/kT_hot) = e^(−20): I^F − I^B = −3.3e-11 at ε1 − μ = −4.8 (the
    # same with a finer energy grid), slope ≈ 0.05, so the root moves by ~6e-10
    np.testing.assert_allclose(float(bp.value[0]) - MU, -CUT, rtol=0, atol=1e-8)
    assert zf < float(bp.value[0]) - MU < zb
    np.testing.assert_allclose(float(bp.forward[0]), float(bp.backward[0]), rtol=1e-12)
    assert float(bp.current[0]) > 0.01


def test_found_points_are_zeros_to_the_map_scale(cut):
    scale = float(jnp.max(jnp.abs(jnp.concatenate([cut.forward, cut.backward]))))
    assert scale > 0.1
    assert abs(float(cut.forward_zeros.forward[0])) < 1e-12 * scale
    assert abs(float(cut.backward_zeros.backward[0])) < 1e-12 * scale
    assert abs(float(cut.bipolar_points.forward[0] - cut.bipolar_points.backward[0])) \
        < 1e-12 * scale
    # the single-point functions find the same points from a guess inside the bracket
    for which, pts, guess in (("forward", cut.forward_zeros, -5.0),
                              ("backward", cut.backward_zeros, -4.5)):
        p = L.perfect_diode_point(_dev(), "eps1", MU, KT, DKT, MU + guess, which=which)
        assert bool(p.converged) and bool(p.nonzero) and int(p.steps) <= 8
        np.testing.assert_allclose(float(p.value), float(pts.value[0]), rtol=0, atol=1e-10)
        assert abs(float(getattr(p, which))) < 1e-12 * scale
    bp = cut.bipolar_points
    p = L.bipolar_point(_dev(), "eps1", MU, KT, DKT, MU - 4.0)
    assert bool(p.converged) and bool(p.nonzero)
    np.testing.assert_allclose(float(p.value), float(bp.value[0]), rtol=0, atol=1e-10)


def test_both_currents_vanishing_is_not_bipolar():
    # ε3 = μ: at ε1 = μ the device is symmetric and electron-hole symmetric, I^F = I^B = 0
    p = L.bipolar_point(_dev(e3=MU), "eps1", MU, KT, DKT, MU + 0.5)
    assert bool(p.converged)
    np.testing.assert_allclose(float(p.value), MU, rtol=0, atol=1e-9)
    assert not bool(p.nonzero)


def test_zero_is_differentiable_in_gamma_under_jit_and_vmap():
    """dε1*/dΓ of the zero of I^F (Γ1 = Γ3 = Γ): the implicit gradient through the outer
    Newton and both probe solves equals a central finite difference."""

    def zero(gamma):
        return L.perfect_diode_point(_dev(gamma=gamma), "eps1", MU, KT, DKT, MU - 5.0).value

    gammas = jnp.array([3.0, 2.5])
    grads = jax.jit(jax.vmap(jax.grad(zero)))(gammas)
    h = 1e-4
    for g, gamma in zip(np.asarray(grads), np.asarray(gammas)):
        fd = (float(zero(gamma + h)) - float(zero(gamma - h))) / (2 * h)
        assert abs(fd) > 1e-3
        np.testing.assert_allclose(g, fd, rtol=1e-5)


def test_validation():
    dev = _dev()
    args = (MU, KT, DKT, MU - 5.0)
    with pytest.raises(ValueError, match="`field`"):
        L.perfect_diode_point(dev, "epsilon1", *args)
    with pytest.raises(ValueError, match="`field`"):
        L.bipolar_point(dev, "mu", *args)
    with pytest.raises(ValueError, match="`which`"):
        L.perfect_diode_point(dev, "eps1", *args, which="both")
    with pytest.raises(ValueError, match="`delta_kT`"):
        L.perfect_diode_point(dev, "eps1", MU, KT, 0.0, MU - 5.0)
    with pytest.raises(ValueError, match="`guess`"):
        L.perfect_diode_point(dev, "eps1", MU, KT, DKT, np.nan)
    with pytest.raises(ValueError, match="`max_step`"):
        L.perfect_diode_point(dev, "eps1", *args, max_step=0.0)
    with pytest.raises(ValueError, match="`dev`"):
        L.bipolar_point("device", "eps1", *args)
    with pytest.raises(ValueError, match="`values`"):
        L.scan_cut(dev, "eps1", MU + np.array([1.0, 0.0]), MU, KT, DKT)
    with pytest.raises(ValueError, match="`field`"):
        L.scan_cut(dev, "gamma", MU + X, MU, KT, DKT)


def test_public_names():
    for name in ("perfect_diode_point", "bipolar_point", "scan_cut", "DiodeLinePoint",
                 "DiodeCut"):
        assert getattr(jd, name) is getattr(L, name)
        assert name in jd.__all__
