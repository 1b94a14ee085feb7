"""Self-consistent screening of the DI diode (DI Eqs. 5–7), alone (λ = 0, DI Fig. 3) and
with thermalization (λ = 1, "mixed", DI Fig. 4).

Units kT = 1; DI Fig. 3 parameters: μ = 40, Γ1 = Γ3 = 1, cavity_energy = 1
(d = 2ħ/√(8 m kT)), ΔT = 1, C → 0 (capacitance = 0: local neutrality). Particle currents on
these maps are ~3e-2 (kT/h): comparisons of currents use that scale (DESIGN §4: R_X is
ill-conditioned where both currents vanish).

Every evaluation goes through one jitted, vmapped function per coupling with a fixed batch
of 8 points, so each compiles once; capacitances and the charge cut are traced arguments.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss import diode as di
from jaxdiss.screening import capacitance_matrix

MU, KT, DT, GAMMA = 40.0, 1.0, 1.0, 1.0
SCALE = 3e-2  # particle-current scale of the Fig. 3 map
CHAIN = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
ZERO_C = np.zeros((3, 3))


def _device(e1, e3, coupling, C, Cg):
    return di.ThermalDiode(e1, e3, GAMMA, GAMMA, coupling=coupling, cavity_energy=1.0,
                           capacitance=C, gate_capacitance=Cg)


def _batched(coupling):
    def point(e1, e3, C, Cg, cut):
        return di.rectification(_device(e1, e3, coupling, C, Cg), MU, KT, DT, charge_cut=cut)

    return jax.jit(jax.vmap(point))


COHERENT = _batched(0.0)
MIXED = _batched(1.0)
CUT = float(di._charge_cut(_device(MU, MU, 0.0, 0.0, None), MU, KT + DT))


def _run(fn, points, C=None, Cg=None, cuts=None):
    """Evaluate `fn` on up to 8 (ε1 − μ, ε3 − μ) points (padded to 8: one compilation)."""
    pts = np.asarray(points, dtype=float)
    n = len(pts)
    assert n <= 8
    pad = np.vstack([pts, np.repeat(pts[-1:], 8 - n, axis=0)])
    C = np.repeat(ZERO_C[None], 8, 0) if C is None else np.asarray(C)
    Cg = np.zeros((8, 3)) if Cg is None else np.asarray(Cg)
    cuts = np.full(8, CUT) if cuts is None else np.asarray(cuts)
    out = fn(MU + pad[:, 0], MU + pad[:, 1], C, Cg, cuts)
    return jax.tree_util.tree_map(lambda x: np.asarray(x)[:n], out)


# points of the coherent (λ = 0) batch
MIRROR = [(5.0, 5.0), (-3.0, -3.0)]
CUT_82 = [(3.0, 8.2), (5.5, 8.2), (6.0, 8.2), (6.5, 8.2)]
DIAGONAL = [(6.0, 8.0), (8.0, 6.0)]


@pytest.fixture(scope="module")
def coherent():
    return _run(COHERENT, MIRROR + CUT_82 + DIAGONAL)


def _state(rc, which, k):
    s = getattr(rc, which)
    return jax.tree_util.tree_map(lambda x: x[k], s)


def test_coherent_converges_with_neutral_regions_and_conserved_currents(coherent):
    """Every point converges in a few Newton steps; δn_α = 0 to 1e-9 electrons; current and
    energy are conserved between L and R (λ = 0: the probe carries nothing)."""
    for which in ("forward", "backward"):
        s = getattr(coherent, which)
        assert np.all(s.converged)
        assert np.max(s.steps) <= 8
        assert np.max(np.abs(s.excess_charge)) < 1e-9
        I, J = s.particle_currents, s.heat_currents
        np.testing.assert_array_equal(I[:, 2], 0.0)
        assert np.max(np.abs(I[:, 0] + I[:, 1])) < 1e-12 * SCALE
        # both leads at μ: energy conservation is J_L + J_R + μ(I_L + I_R) = 0
        assert np.max(np.abs(J[:, 0] + J[:, 1] + MU * (I[:, 0] + I[:, 1]))) < 1e-11


def test_mirror_symmetric_device_does_not_rectify(coherent):
    """ε1 = ε3: the device is mirror symmetric, so the backward state is the mirror image of
    the forward one (U₁ ↔ U₃), X^B = −X^F and R_X = 0."""
    for k in range(len(MIRROR)):
        f, b = _state(coherent, "forward", k), _state(coherent, "backward", k)
        np.testing.assert_allclose(f.potentials, b.potentials[::-1], atol=1e-10)
        assert abs(f.particle_current + b.particle_current) < 1e-10 * SCALE
        assert abs(coherent.R_J[k]) < 1e-10
        # screening does shift the bands: a non-trivial solution
        assert np.max(np.abs(f.potentials)) > 0.1


def test_bipolar_points_on_the_fig3_cut(coherent):
    """Cut (ε3 − μ) = 8.2 with μ < ε1 < ε3 (DI Fig. 3a): at ε1 − μ = 5.5…6.5 the current
    flows the same way whichever lead is hot (I^F, I^B > 0, R_I = 1: bipolar); at
    ε1 − μ = 3 it reverses with the temperature bias as usual."""
    k0 = len(MIRROR)
    f = coherent.forward.particle_current[k0:k0 + 4]
    b = coherent.backward.particle_current[k0:k0 + 4]
    assert f[0] * b[0] < 0  # ordinary (reciprocal) point
    assert np.all(f[1:] > 0.05 * SCALE) and np.all(b[1:] > 0.05 * SCALE)
    np.testing.assert_allclose(coherent.R_I[k0 + 1:k0 + 4], 1.0, rtol=1e-12)


def test_heat_rectification_near_the_diagonal(coherent):
    """|R_J| ≈ 0.2 close to ε1 ≈ ε3 (DI Fig. 3d), odd under ε1 ↔ ε3; heat flows from the
    hot lead in both configurations."""
    k0 = len(MIRROR) + len(CUT_82)
    rj = coherent.R_J[k0:k0 + 2]
    assert 0.17 < rj[0] < 0.25
    assert rj[1] == pytest.approx(-rj[0], rel=1e-9)
    assert np.all(coherent.forward.heat_current > 0) and np.all(coherent.backward.heat_current < 0)


def test_results_do_not_depend_on_the_charge_cut():
    """The deep Fermi sea is counted as rigid (`jaxdiss.screening`, "Charges"): moving the
    cut within the gap below the first Fabry–Perot level (2.25 → 5.0) changes the currents
    by < 1e-4 of the map scale at λ = 0, and < 1e-7 at λ = 1 (where the sea is rigid up to
    the Fermi tail: cuts at 12 and 2.25 agree too)."""
    pts = [(3.0, 8.2), (-4.0, 6.0)]
    c = _run(COHERENT, pts * 2, cuts=[CUT, CUT, 5.0, 5.0] + [CUT] * 4)
    m = _run(MIXED, pts * 3, cuts=[CUT, CUT, 5.0, 5.0, 12.0, 12.0] + [CUT] * 2)
    for rc, tol, n in ((c, 1e-4, 2), (m, 1e-7, 3)):
        for which in ("forward", "backward"):
            s = getattr(rc, which)
            for j in range(1, n):
                d = np.abs(s.particle_current[2 * j:2 * j + 2] - s.particle_current[:2])
                assert np.max(d) < tol * SCALE, (which, j, d)
                # the cut does matter to the equilibrium charges it counts
                assert np.all(s.converged)


def test_mixed_case_is_dominated_by_thermalization():
    """λ = 1 with screening (DI Fig. 4): the probe and the potentials are solved together
    (5 unknowns); conservation over (L, R, p) and both residuals hold at the solution;
    mirror symmetry gives R_X = 0. Thermalization dominates (DI text on Fig. 4): on the
    antisymmetric line ε1 − μ = μ − ε3 the current is bipolar, I^F = I^B ≠ 0, as without
    screening; the interference-induced bipolar point of the coherent map (ε1 − μ = 6,
    ε3 − μ = 8.2, R_I = 1 there) is gone, R_I being that of the unscreened λ = 1 device."""
    pts = [(3.0, -6.0), (-6.0, 3.0), (4.8, -4.8), (4.0, 4.0), (6.0, 8.2)]
    m = _run(MIXED, pts)
    for which in ("forward", "backward"):
        s = getattr(m, which)
        assert np.all(s.converged) and np.max(s.steps) <= 10
        assert np.max(s.residual) < 1e-12
        assert np.max(s.charge_residual) < 1e-9
        I, J = s.particle_currents, s.heat_currents
        mus = np.stack([np.full(len(pts), MU), np.full(len(pts), MU), s.mu_probe], -1)
        assert np.max(np.abs(I.sum(-1))) < 1e-12 * SCALE
        assert np.max(np.abs((J + mus * I).sum(-1))) < 1e-11
    # mirror pair: swapping the barriers swaps the roles of F and B
    np.testing.assert_allclose(m.forward.particle_current[0], -m.backward.particle_current[1],
                               rtol=1e-8)
    assert abs(m.R_J[3]) < 1e-10
    # bipolar on the antisymmetric line
    f, b = m.forward.particle_current[2], m.backward.particle_current[2]
    assert abs(f) > 0.05 * SCALE and f == pytest.approx(b, rel=1e-8)
    # the coherent bipolar point is not bipolar with thermalization
    plain = di.rectification(di.ThermalDiode(MU + 6.0, MU + 8.2, GAMMA, GAMMA, coupling=1.0),
                             MU, KT, DT)
    assert m.R_I[4] < 0.5
    assert m.R_I[4] == pytest.approx(float(plain.R_I), abs=0.05)


def test_finite_capacitance_interpolates_between_neutrality_and_no_screening():
    """δn = K U^neq with a chain of capacitances and gates (DI Eq. 5): the solution satisfies
    it to 1e-9 electrons; a very large capacitance pins U^neq → 0 (currents → the
    unscreened device), and the shifts shrink monotonically as C grows."""
    cs = [0.0, 0.3, 3.0, 1e7]
    C = np.stack([c * CHAIN for c in cs] + [ZERO_C] * 4)
    Cg = np.stack([np.full(3, 0.1 * c) for c in cs] + [np.zeros(3)] * 4)
    r = _run(COHERENT, [(3.0, 8.2)] * 4, C=C[:8], Cg=Cg[:8])
    f = r.forward
    assert np.all(f.converged)
    K = [capacitance_matrix(c * CHAIN, np.full(3, 0.1 * c)) for c in cs]
    for k in range(4):
        np.testing.assert_allclose(f.excess_charge[k], np.asarray(K[k]) @ f.potentials[k],
                                   atol=1e-9)
    size = np.max(np.abs(f.potentials), axis=-1)
    assert np.all(np.diff(size) < 0) and size[-1] < 1e-6
    plain = di.rectification(di.ThermalDiode(MU + 3.0, MU + 8.2, GAMMA, GAMMA, coupling=0.0,
                                             cavity_energy=1.0), MU, KT, DT)
    assert f.particle_current[-1] == pytest.approx(float(plain.forward.particle_current),
                                                   rel=1e-5)


def test_cut_argument_validated():
    with pytest.raises(ValueError, match="charge_cut"):
        di.rectification(di.ThermalDiode(MU, MU, 1.0, 1.0), MU, KT, DT, charge_cut=3.0)
    dev = _device(MU, MU, 0.0, 0.0, None)
    with pytest.raises(ValueError, match="charge_cut"):
        di.rectification(dev, MU, KT, DT, charge_cut=float("nan"))
