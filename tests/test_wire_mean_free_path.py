"""Constant mean free path, s = −1 (τ ∝ 1/p, l(p) = v_F τ0 = ℓ): BW App. D, solved exactly.

All non-zero modes share the decay length ℓ (the secular equation of s > −1 degenerates);
`_modes.constant_length_modes` builds them as an orthonormal basis of Σ w g = 0. Units as
in test_boltzmann.py (μ0 = 1, lengths in v_F τ0 = ℓ). Each tolerance is stated next to its
assertion together with what limits it.
"""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.wire import solve_wire, solve_wire_linear
from jaxdiss.wire._grid import wire_grids
from jaxdiss.wire._modes import constant_length_modes
from jaxdiss.wire.boltzmann import _common_arguments

FIG3A = (1.44, 0.08, 0.1, 0.3)      # eps0, gamma, bias, kT (BW Fig. 3a)
FIG4B_COLD = (0.64, 0.08, 0.4, 0.2)  # BW Fig. 4b at kT = 0.2
S = -1.0


def _solve(point, s=S, n=256):
    eps0, gamma, bias, kT = point
    return solve_wire(jd.Lorentzian(eps0, gamma), bias, kT, relaxation_exponent=s,
                      n_momentum=n)


def _d_mu(u, kT):
    x = (u**2 - 1.0) / kT
    return jax.nn.sigmoid(x) * jax.nn.sigmoid(-x) / kT


@pytest.fixture(scope="module")
def fig3a():
    return _solve(FIG3A)


# ---------------------------------------------------------------- degenerate modes

def test_modes_span_the_degenerate_space():
    """On a real grid (right wire: reflected + transmitted nodes, kT = 0.3): the discrete
    operator K = (1 − C wᵀ)/ℓ² (BW Eq. D7 for l ≡ ℓ) has the eigenvalue 1/ℓ² on the N − 1
    modes and 0 only on the kernel's right vector C (the zero mode). The modes X = δf^s(0)
    = τg are orthonormal, satisfy Σ w g = 0, carry no current and are neutral, all to
    rounding (1e-13); every decay length is exactly ℓ; δμ + eφ = 0."""
    _, grid = wire_grids(0.1, 0.3, 96, 24, 36.0)
    u, w = np.asarray(grid.momentum), np.asarray(grid.weight)
    tau, d = 1.0 / u, np.asarray(_d_mu(u, 0.3))
    ell = 1.0
    modes = jax.jit(constant_length_modes)(ell, w, tau, d)
    n = u.shape[0]
    X = np.asarray(modes.outgoing - modes.incoming)       # δf of the outgoing movers
    np.testing.assert_array_equal(modes.length, np.full(n - 1, ell))
    np.testing.assert_array_equal(modes.chemical, 0.0)
    np.testing.assert_allclose(X.T @ X, np.eye(n - 1), atol=1e-14)
    g = X / tau[:, None]
    C = (d / tau) / np.sum(w * d / tau)
    K = (np.eye(n) - np.outer(C, w)) / ell**2
    assert np.max(np.abs(K @ g - g / ell**2)) < 1e-13 * np.max(np.abs(g))
    assert np.max(np.abs(K @ C)) < 1e-13 * np.max(np.abs(C))      # zero mode
    # the modes and the zero mode together are a basis: K is diagonalisable, rank N − 1
    assert np.linalg.matrix_rank(np.column_stack([g, C])) == n
    ev = np.sort(np.linalg.eigvals(K).real)
    np.testing.assert_allclose(ev, np.r_[0.0, np.ones(n - 1)], atol=1e-12)
    flux = (2.0 * u * w)[:, None] * (np.asarray(modes.outgoing) - np.asarray(modes.incoming))
    assert np.all(np.abs(flux.sum(0)) <= 1e-13 * np.abs(flux).sum(0))
    charge = w[:, None] * (np.asarray(modes.outgoing) + np.asarray(modes.incoming))
    assert np.all(np.abs(charge.sum(0)) <= 1e-13 * np.abs(charge).sum(0))


def test_single_decay_length(fig3a):
    """Every mode of both wires decays on ℓ (= 1 exactly), so the profiles are pure
    exponentials: eφ(x) = eφ(0±)e^{−|x|}, P^s(x) = P^s_{L,R}e^{−|x|} (∫P^s = P^s_{L,R},
    Eq. 28), δμ(x) = −eφ(x) (Eq. D3a with Σ w g = 0), all to 1e-13."""
    w = fig3a
    np.testing.assert_array_equal(w.length_left, 1.0)
    np.testing.assert_array_equal(w.length_right, 1.0)
    x = jnp.array([-3.0, -0.7, -1e-3, -0.0, 0.0, 1e-3, 0.7, 3.0])
    p = w.at(x)
    e = np.exp(-np.abs(np.asarray(x)))
    left = np.signbit(np.asarray(x))
    phi0 = np.where(left, w.potential_left, w.potential_right)
    Ps = np.where(left, w.power_scatterer_left, w.power_scatterer_right)
    np.testing.assert_allclose(p.potential, phi0 * e, rtol=1e-13)
    np.testing.assert_allclose(p.heating_scatterer, Ps * e, rtol=1e-13)
    np.testing.assert_allclose(p.chemical_shift, -np.asarray(p.potential), rtol=1e-13)
    assert abs(float(w.potential_left)) > 1e-4 and abs(float(w.potential_right)) > 1e-4


# ---------------------------------------------------------------- conservation laws

def test_current_conservation(fig3a):
    """Eq. (20a) = Eq. (20b) = σF_ext/e to 1e-8 relative (observed ~1e-15: the modes are
    exact on the grid, so the matching system keeps its redundancy; residual < 1e-12)."""
    w = fig3a
    eps0, gamma, _, _ = FIG3A
    m = w.right.momentum.shape[0] - w.left.momentum.shape[0]
    T = jd.Lorentzian(eps0, gamma)(w.left.momentum**2)
    landauer = jnp.sum(w.left.energy_weight * T * (w.left.right_movers - w.right.left_movers[m:]))
    scale = abs(float(w.current))
    assert w.converged and float(w.residual) < 1e-12
    for c in (w.right.current, w.left.current, w.conductivity * w.F_ext, w.landauer_current):
        assert abs(float(landauer - c)) < 1e-8 * scale
    assert float(w.current) > 0.0


def test_reduces_to_three_unknowns(fig3a):
    """Independent check of the whole solve, without modes: at l ≡ ℓ the outgoing movers
    carry δf = X and the incoming ones none, so Eqs. (19) give X_{L,R} explicitly in terms
    of (F_ext, eφ(0−), eφ(0+)); Σ u w X = 0 on each side (particle conservation by the
    collision integral) and neutrality Σ w X = (∂n0/∂μ0) eφ give 4 equations, one
    redundant, for the 3 scalars — the EL paper's small linear system. Its solution must
    equal the solver's F_ext, eφ(0∓) and P^s_{L,R} to 1e-12."""
    w = fig3a
    eps0, gamma, bias, kT = FIG3A
    L, R = w.left, w.right
    m = R.momentum.shape[0] - L.momentum.shape[0]
    uL, wL, uR, wR = (np.asarray(a) for a in (L.momentum, L.weight, R.momentum, R.weight))
    dL, dR = np.asarray(_d_mu(uL, kT)), np.asarray(_d_mu(uR, kT))
    sigma = 4.0 * np.sum(wL * uL * dL)                       # Eq. (14), l ≡ 1
    dD = dR * sigma / (4.0 * np.sum(wR * uR * dR))           # right Drude carries the same σ
    T = np.asarray(jd.Lorentzian(eps0, gamma)(uL**2))
    Rt = 1.0 - T
    window = np.asarray(L.equilibrium) - np.asarray(R.equilibrium)[m:]
    dRt, dDt = dR[m:], dD[m:]
    # X = X0 + F·XF + φL·XL + φR·XR  (columns: constant, F, φL, φR)
    XR = np.zeros((R.momentum.shape[0], 4))
    XR[:m, 1] = -2.0 * dD[:m]                                # total reflection
    XR[m:] = np.column_stack([T * window, T * dL - (1.0 + Rt) * dDt, -T * dL, T * dRt])
    XL = np.column_stack([-T * window, (1.0 + Rt) * dL - T * dDt, T * dL, -T * dRt])
    dn0L, dn0R = 2.0 * np.sum(wL * dL), 2.0 * np.sum(wR * dR)
    A = np.stack([(wR * uR) @ XR, (wL * uL) @ XL,
                  wR @ XR - dn0R * np.array([0, 0, 0, 1.0]),
                  wL @ XL - dn0L * np.array([0, 0, 1.0, 0])])
    sol, *_ = np.linalg.lstsq(A[:, 1:], -A[:, 0], rcond=None)
    assert np.max(np.abs(A[:, 1:] @ sol + A[:, 0])) < 1e-14 * np.max(np.abs(A))  # compatible
    F, phiL, phiR = sol
    np.testing.assert_allclose([w.F_ext, w.potential_left, w.potential_right],
                               [F, phiL, phiR], rtol=1e-12)
    xR, xL = XR @ np.r_[1.0, sol], XL @ np.r_[1.0, sol]
    np.testing.assert_allclose(
        [w.power_scatterer_left, w.power_scatterer_right],
        [np.sum(2 * uL * wL * (uL**2 - 1) * xL), np.sum(2 * uR * wR * (uR**2 - 1) * xR)],
        rtol=1e-12)


def test_neutrality_and_collision_integral_at_scatterer(fig3a):
    """At x = 0±: local neutrality Σ w (f(p) + f(−p) − 2f0) = 0 (1e-13 of the absolute
    sum) and the collision integral with the shifted local equilibrium,
    P^s = 2Σ w u² (f(p) + f(−p) − 2f0 − 2δμ ∂f0/∂μ0)/τ with 1/τ = u, equals −∂xJ_el of
    the mode sum to 1e-10; δμ = −eφ ≠ 0."""
    w = fig3a
    kT = FIG3A[3]
    for half, x in ((w.left, -0.0), (w.right, 0.0)):
        p = w.at(x)
        u = half.momentum
        X = half.right_movers + half.left_movers - 2.0 * half.equilibrium
        charge = half.weight * X
        assert abs(float(jnp.sum(charge))) < 1e-13 * float(jnp.sum(jnp.abs(charge)))
        collision = 2.0 * jnp.sum(half.weight * u**2 * (X - 2.0 * p.chemical_shift
                                                        * _d_mu(u, kT)) * u)
        assert abs(float(collision / p.heating_scatterer) - 1.0) < 1e-10
        assert abs(float(p.chemical_shift)) > 1e-4


def test_joule_sum_rule(fig3a):
    """P^s_L + P^s_R = IV (Eq. 30). The matching part J_el(0⁺) − J_el(0⁻) = IV is exact
    (1e-12; observed 1e-14). What remains, J_el(−∞) − J_el(+∞), is the two grids'
    quadrature of the Drude heat current ∝ ∫u(u² − 1)∂f0/∂μ0 du, odd in u at s = −1, so
    the midpoint grids' p → 0 end gives O(Δ²) (Δ^{3+s} for s > −1), ∝ ∂f0/∂μ0 at p = 0:
    1.6e-5 at Fig. 3a (kT = 0.3) on the default grid, 2e-6 at Fig. 4b (5e-7 with 512
    nodes). At Fig. 4b's point with kT = 0.2 the default grid gives below 1e-6 (observed
    2.0e-7), and halving the step shrinks it ≥ 3.5× (observed 4.4×)."""
    w = fig3a
    assert abs(float((w.heat_current_right - w.heat_current_left - w.power) / w.power)) < 1e-12

    def err(w):
        return abs(float((w.power_scatterer_left + w.power_scatterer_right - w.power) / w.power))

    coarse, fine = _solve(FIG4B_COLD, n=128), _solve(FIG4B_COLD, n=256)
    assert err(fine) < 1e-6
    assert err(coarse) > 3.5 * err(fine)


# ---------------------------------------------------------------- s → −1

def test_continuous_limit(fig3a):
    """τ ∝ p^s (secular-equation modes) approaches the exact s = −1 solution linearly in
    δ = 1 + s: for the current, eφ(0⁺) and P_asym the deviations at δ = 1e-1, 1e-2, 1e-3
    fall by 10× per decade (each ratio within 20%; observed 9.6–10.9) and the log-log slope
    is 1 ± 0.1. Observed relative deviations at δ = 1e-3: current 5e-5, eφ(0⁺) 2e-4,
    P_asym 3e-4 (same grid, so discretisation cancels)."""
    deltas = (1e-1, 1e-2, 1e-3)
    ws = [_solve(FIG3A, s=-1.0 + d) for d in deltas]
    for name in ("current", "potential_right", "asymmetry"):
        ref = float(getattr(fig3a, name))
        dev = np.array([abs(float(getattr(w, name)) / ref - 1.0) for w in ws])
        ratios = dev[:-1] / dev[1:]
        assert np.all((ratios > 8.0) & (ratios < 12.0)), (name, dev)
        slope = np.polyfit(np.log(deltas), np.log(dev), 1)[0]
        assert abs(slope - 1.0) < 0.1, (name, slope, dev)


def test_linear_response():
    """`solve_wire_linear` at s = −1: Eqs. (20) = I to 1e-12 and the mirror symmetry of
    linear response (eφ odd, J_el even, 1e-12), with the single decay length."""
    w = solve_wire_linear(jd.Lorentzian(*FIG3A[:2]), FIG3A[3], relaxation_exponent=S,
                          n_momentum=64)
    assert w.converged and float(w.residual) < 1e-12
    for c in (w.landauer_current, w.left.current, w.right.current):
        assert abs(float(c) - 1.0) < 1e-12
    np.testing.assert_array_equal(w.length_left, 1.0)
    x = jnp.array([1e-3, 0.3, 2.0])
    p, m = w.at(x), w.at(-x)
    np.testing.assert_allclose(p.potential, -np.asarray(m.potential), rtol=1e-12)
    np.testing.assert_allclose(p.heat_current, m.heat_current, rtol=1e-12)
    assert float(w.bias) > 0.0


# ---------------------------------------------------------------- arguments

def test_exponent_arguments():
    """s = −1 is a static branch: a traced −1 is rejected at run time (s > −1 may be
    traced); s < −1 is not implemented."""
    T = jd.Lorentzian(*FIG3A[:2])
    with pytest.raises(NotImplementedError, match="`relaxation_exponent`"):
        solve_wire(T, 0.1, 0.3, relaxation_exponent=-1.5, n_momentum=16)
    # the argument check that every entry point runs (compiling it alone is cheap)
    f = eqx.filter_jit(lambda s: _common_arguments(T, 0.3, 1.0, s, 16, 36.0)[-1])
    assert float(f(jnp.asarray(-0.5))) == -0.5
    with pytest.raises(Exception, match="must exceed -1"):
        f(jnp.asarray(-1.0))


# ---------------------------------------------------------------- transformations

_N_SMALL = 48
_P0 = np.array([1.2, 0.2, 0.3, 0.2])   # eps0, gamma, kT, bias
_H = 1e-4                             # relative finite-difference step


def _outputs(p):
    eps0, gamma, kT, bias = p
    w = solve_wire(jd.Lorentzian(eps0, gamma), bias, kT, relaxation_exponent=S,
                   n_momentum=_N_SMALL)
    return jnp.stack([w.current, w.potential_left, w.potential_right, w.F_ext])


def test_jit_vmap_grad():
    """At s = −1: jit(vmap) over (ε0, Γ, kT, eV) equals the unbatched (jit(value_and_grad))
    value at the same point (1e-12), and jax.grad of the current equals central
    differences over the batch (step 1e-4 relative, truncation ~1e-8) to rtol 1e-5."""
    steps = np.diag(_H * _P0)
    points = np.concatenate([_P0 + steps, _P0 - steps, _P0[None]])
    values = np.asarray(jax.jit(jax.vmap(_outputs))(jnp.asarray(points)))
    value, grad = jax.jit(jax.value_and_grad(lambda p: _outputs(p)[0]))(jnp.asarray(_P0))
    np.testing.assert_allclose(values[-1, 0], value, rtol=1e-12)
    grad = np.asarray(grad)
    n = len(_P0)
    fd = (values[:n, 0] - values[n:2 * n, 0]) / (2 * _H * _P0)
    np.testing.assert_allclose(grad, fd, rtol=1e-5)
    assert np.all(np.abs(fd) > 1e-4)
