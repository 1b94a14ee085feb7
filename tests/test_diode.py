"""Thermal / thermoelectric diode with a thermalization probe (DI paper, no screening).

Units: k_B T = 1, μ = 40 (DI Fig. 2), Γ = 3, ΔT/T = 1 unless stated. Where results are
compared across the antisymmetric line, the lead band bottom (E = 0, 40 kT below μ) breaks
electron–hole symmetry at the e^{-40/2} ≈ 2e-9 level (the hot reservoir has kT = 2):
those comparisons use 1e-8 relative.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss import diode as di

MU, KT, DT, GAMMA = 40.0, 1.0, 1.0, 3.0


def _device(e1, e3, coupling=1.0, gamma1=GAMMA, gamma3=GAMMA, cavity_energy=1.0):
    return di.ThermalDiode(e1, e3, gamma1, gamma3, coupling=coupling, cavity_energy=cavity_energy)


@jax.jit
def RECT(e1, e3, coupling, delta):
    """Rectification at the DI Fig. 2 parameters as a function of the swept quantities."""
    return di.rectification(_device(e1, e3, coupling), MU, KT, delta)


def _fd(f, x, h):
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


@pytest.mark.parametrize("e", [36.0, 40.0, 44.5])
def test_no_rectification_for_inversion_symmetric_device(e):
    """ε1 = ε3 (and Γ1 = Γ3): the device is L↔R symmetric, so X^B = −X^F and R_X = 0."""
    r = RECT(e, e, 1.0, DT)
    assert bool(r.forward.converged) and bool(r.backward.converged)
    # compare currents, not R_X: at ε = μ the particle current itself vanishes (e–h symmetry)
    # and R_I is 0/0 (DESIGN §4); 1e-2 is the scale of particle currents on the Fig. 2 map
    f, b = r.forward, r.backward
    scale_i = max(abs(float(f.particle_current)) + abs(float(b.particle_current)), 1e-2)
    assert abs(float(f.particle_current + b.particle_current)) < 1e-10 * scale_i
    assert abs(float(r.R_J)) < 1e-10
    assert float(f.heat_current) > 0 > float(b.heat_current)


@pytest.mark.parametrize("offset", [2.0, 4.8, 8.7])
def test_antisymmetric_line(offset):
    """ε1 + ε3 = 2μ: I^F = I^B, kT_p^F = kT_p^B, μ_p^F + μ_p^B = 2μ (DI text below Eq. 4)."""
    r = RECT(MU + offset, MU - offset, 1.0, DT)
    f, b = r.forward, r.backward
    assert float(f.particle_current) == pytest.approx(float(b.particle_current), rel=1e-8)
    assert float(f.kT_probe) == pytest.approx(float(b.kT_probe), rel=1e-9)
    assert float(f.mu_probe + b.mu_probe) == pytest.approx(2 * MU, rel=1e-11)
    # far from linear response the probe is hotter than kT + ΔT/2 (DESIGN §4: ≈ 1.50–1.65)
    assert 1.49 < float(f.kT_probe) < 1.66


def test_linear_response_vanishes_on_antisymmetric_line():
    """L^(1) = dI^F/dΔT at ΔT = 0 vanishes for ε1 + ε3 = 2μ but not off the line
    (implicit differentiation through the probe Newton solve)."""
    slope = jax.grad(lambda d, e1, e3: RECT(e1, e3, 1.0, d).forward.particle_current)
    on = float(slope(0.0, MU + 4.8, MU - 4.8))
    off = float(slope(0.0, MU + 4.8, MU - 2.0))
    assert abs(off) > 1e-3
    assert abs(on) < 1e-8 * abs(off)


def test_probe_temperature_linear_response():
    """On the antisymmetric line kT_p → kT + ΔT/2 as ΔT → 0, with an O(ΔT²) error."""
    errs = []
    for d in (0.02, 0.01):
        r = RECT(MU + 4.8, MU - 4.8, 1.0, d)
        errs.append(abs(float(r.forward.kT_probe) - (KT + d / 2)))
    assert errs[1] < 0.3 * errs[0]  # ≈ 1/4 for a quadratic error
    assert errs[1] < 0.01 * 0.01


def test_equation_3_with_transparent_region_3():
    """DI Eq. (3), λ = 1, region 3 transparent (Γ3 → ∞), μ ≫ kT: I = 2(μ_p − μ) exactly;
    the heat relation in its complete form J = (μ_p − μ)² + (π²/3)(kT_p² − kT_R²) (the printed
    one omits the first term, which follows from ∫(E − μ)(f_p − f_R)dE)."""
    dev = _device(MU + 2.0, MU, gamma1=GAMMA, gamma3=1e9)
    for kT_left, kT_right in ((2.0, 1.0), (1.0, 2.0)):
        s = di.diode_currents(dev, MU, kT_left, kT_right)
        assert bool(s.converged)
        dmu = float(s.mu_probe) - MU
        assert abs(dmu) > 1e-3  # the relation is tested with a finite μ_p − μ
        assert float(s.particle_current) == pytest.approx(2 * dmu, rel=1e-6)
        heat = dmu**2 + np.pi**2 / 3 * (float(s.kT_probe) ** 2 - kT_right**2)
        assert float(s.heat_current) == pytest.approx(heat, rel=1e-6)
        printed = np.pi**2 / 3 * (float(s.kT_probe) ** 2 - kT_right**2)
        assert abs(float(s.heat_current) - printed) > 1e3 * 1e-6 * abs(heat)  # omission matters


def test_conservation_and_probe_residual_at_solution():
    """Σ_j I_j = 0, Σ_j (J_j + μ_j I_j) = 0 over (L, R, p); probe residual below 1e-12."""
    for coupling in (1.0, 0.5):
        r = RECT(MU + 3.0, MU - 6.0, coupling, DT)
        for s in (r.forward, r.backward):
            I = np.asarray(s.particle_currents)
            J = np.asarray(s.heat_currents)
            mus = np.array([MU, MU, float(s.mu_probe)])
            scale = np.max(np.abs(J)) + MU * np.max(np.abs(I))
            assert abs(I.sum()) < 1e-12 * np.max(np.abs(I))
            assert abs((J + mus * I).sum()) < 1e-12 * scale
            assert float(s.residual) < 1e-12


def test_fig2_map_newton_steps_rectification_and_vmap():
    """A coarse DI Fig. 2 map: every point converges in ≤ 8 Newton steps from the natural
    initial guess; heat currents never change sign with ΔT; the largest |R_J| is ≈ 15 %;
    the vmapped map equals the point-by-point loop."""
    e = MU + jnp.linspace(-10.0, 10.0, 11)
    e1, e3 = jnp.meshgrid(e, e, indexing="ij")
    m = jd.sweep(lambda a, b: RECT(a, b, 1.0, DT), e1, e3)
    assert bool(jnp.all(m.forward.converged & m.backward.converged))
    assert int(jnp.max(jnp.maximum(m.forward.steps, m.backward.steps))) <= 8
    assert bool(jnp.all(m.forward.heat_current > 0)) and bool(jnp.all(m.backward.heat_current < 0))
    rj = float(jnp.max(jnp.abs(m.R_J)))
    assert 0.10 < rj < 0.20
    # vmapped map vs single points under the default XLA flags: equal to rounding (XLA
    # contracts multiply-adds into FMAs differently for a batch and for one point); bit for
    # bit with jd.enable_batch_invariance(), see test_batch_invariance.py
    for i, j in [(0, 3), (5, 9), (10, 10)]:
        single = RECT(e1[i, j], e3[i, j], 1.0, DT)
        assert float(single.R_I) == pytest.approx(float(m.R_I[i, j]), rel=1e-13)
        assert float(single.forward.heat_current) == pytest.approx(
            float(m.forward.heat_current[i, j]), rel=1e-13)


def test_coherent_device_does_not_rectify_and_matches_landauer():
    """λ = 0, no screening: non-interacting two-terminal transport, so R_X = 0 and the current
    equals the two-terminal Landauer current with T = |S_RL|² (Fabry–Perot)."""
    dev = _device(MU + 2.0, MU - 5.0, coupling=0.0)
    r = di.rectification(dev, MU, KT, DT)
    assert abs(float(r.R_I)) < 1e-10 and abs(float(r.R_J)) < 1e-10
    T = lambda E: dev.transmissions(E)[..., 1, 0]
    ref = jd.two_terminal_currents(T, MU, MU, KT + DT, KT, grid=di.diode_grid(dev, MU, KT, KT + DT))
    assert float(r.forward.particle_current) == pytest.approx(float(ref.particle_current), rel=1e-12)
    assert float(r.forward.heat_current) == pytest.approx(float(ref.heat_left), rel=1e-12)


@pytest.mark.parametrize("coupling", [1.0, 0.5])
def test_rectification_gradients_match_finite_differences(coupling):
    """d R_I, d R_J w.r.t. (ε1, ε3, Γ, λ, cavity_energy) through the probe solve."""
    x0 = np.array([MU + 3.0, MU - 6.0, GAMMA, coupling, 1.0])

    def rect(x):
        dev = di.ThermalDiode(x[0], x[1], x[2], x[2], coupling=x[3], cavity_energy=x[4])
        r = di.rectification(dev, MU, KT, DT)
        return jnp.stack([r.R_I, r.R_J])

    f = jax.jit(rect)
    jac = np.asarray(jax.jit(jax.jacfwd(rect))(x0))
    for k in range(5):
        if coupling == 1.0 and k == 3:
            continue  # λ = 1 is the end of the allowed range: one-sided only
        e = np.zeros(5)
        e[k] = 1.0
        h = 1e-3 * (1.0 if k != 3 else 0.1)
        fd = _fd(lambda t: np.asarray(f(x0 + (t - x0[k]) * e)), x0[k], h)
        np.testing.assert_allclose(jac[:, k], fd, rtol=1e-5, atol=1e-9, err_msg=str(k))


@pytest.mark.parametrize(
    "kwargs,name",
    [(dict(gamma1=0.0), "gamma1"), (dict(coupling=1.5), "coupling"),
     (dict(cavity_energy=-1.0), "cavity_energy"), (dict(eps1=float("nan")), "eps1")],
)
def test_bad_device_rejected(kwargs, name):
    args = dict(eps1=40.0, eps3=40.0, gamma1=1.0, gamma3=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        di.ThermalDiode(**args)


def test_bad_screening_arguments_rejected():
    with pytest.raises(ValueError, match="gate_capacitance"):
        di.ThermalDiode(40.0, 40.0, 1.0, 1.0, gate_capacitance=1.0)
    with pytest.raises(ValueError, match="capacitance"):
        di.ThermalDiode(40.0, 40.0, 1.0, 1.0, capacitance=-1.0)
    with pytest.raises(ValueError, match="diagonal"):
        di.ThermalDiode(40.0, 40.0, 1.0, 1.0, capacitance=np.eye(3))
    with pytest.raises(ValueError, match="symmetric"):
        di.ThermalDiode(40.0, 40.0, 1.0, 1.0, capacitance=np.triu(np.ones((3, 3)), 1))
    with pytest.raises(ValueError, match="grid_options"):
        di.diode_currents(_device(MU, MU), MU, 1.0, 2.0, grid_options={"panels": 3})


def test_bad_operating_point_rejected():
    dev = _device(MU, MU)
    with pytest.raises(ValueError, match="kT_left"):
        di.diode_currents(dev, MU, -1.0, 1.0)
    with pytest.raises(ValueError, match="mu"):
        di.diode_currents(dev, -5.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="kT_right"):
        di.rectification(dev, MU, 1.0, -2.0)


def test_sequential_closed_form_equals_the_probe_network():
    """λ = 1: the closed-form T_kj (|τ₁|², |τ₃|², unitarity) equals the one formed from the
    4×4 S-matrix network above region 2's band bottom (1e-13), below it the probe absorbs
    nothing; at the default U₂ = 0 the whole diode grid lies above."""
    E = jnp.linspace(-3.0, 95.0, 3001)
    U = jnp.array([0.4, 1.3, -0.6])
    dev = jd.ThermalDiode(MU - 2.5, MU + 4.0, 3.0, 2.2, coupling=1.0, cavity_energy=0.7)
    assert dev.structure == "sequential"
    fast, full = dev.transmissions(E, U), dev.as_general().transmissions(E, U)
    above = np.asarray(E >= U[1])
    np.testing.assert_allclose(fast[above], full[above], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(fast[~above][:, :2, 2], 0.0)
    np.testing.assert_allclose(fast.sum(axis=-1), np.broadcast_to([1, 1, 2], (E.size, 3)),
                               rtol=0, atol=1e-14)
    g = di.diode_grid(dev, MU, KT, KT + DT)
    assert float(jnp.min(g.nodes)) >= 0.0
    np.testing.assert_allclose(dev.transmissions(g.nodes), dev.as_general().transmissions(g.nodes),
                               rtol=0, atol=1e-13)
