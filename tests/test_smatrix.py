"""Scattering matrices (scattering/smatrix.py): elements, network composition and the DI
diode conductor — unitarity, symmetry, closed forms at λ = 0, 1 and in between, gradients
against finite differences, injectivity derivatives, batching and argument validation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.scattering.smatrix import (
    DIODE_CHANNEL_TERMINALS,
    block_diag,
    compose,
    diode_smatrix,
    probe_splitter,
    propagation,
    resonant_barrier,
)

L, R, P1, P2 = 0, 1, 2, 3  # external channels of the diode


def unitarity_error(S):
    S = np.asarray(S)
    eye = np.eye(S.shape[-1])
    return np.abs(np.conj(np.swapaxes(S, -1, -2)) @ S - eye).max()


def symmetry_error(S):
    S = np.asarray(S)
    return np.abs(S - np.swapaxes(S, -1, -2)).max()


def tau(E, eps, gamma):
    return -1j * gamma / (E - eps + 1j * gamma)


def random_devices(rng, n):
    """Random diodes around μ ≈ 40 (k_BT = 1 units, DI Figs. 2-4 scale)."""
    return dict(
        eps1=rng.uniform(30.0, 50.0, n),
        eps3=rng.uniform(30.0, 50.0, n),
        gamma1=rng.uniform(0.3, 4.0, n),
        gamma3=rng.uniform(0.3, 4.0, n),
        coupling=rng.uniform(0.0, 1.0, n),
        cavity_energy=rng.uniform(0.3, 3.0, n),
        potentials=rng.uniform(-2.0, 2.0, (n, 3)),
    )


# --- elements -----------------------------------------------------------------------------


def test_resonant_barrier_is_breit_wigner_and_unitary():
    rng = np.random.default_rng(0)
    E = rng.uniform(-20.0, 20.0, 200)
    eps, gamma = rng.uniform(-5.0, 5.0, 200), rng.uniform(0.01, 5.0, 200)
    S = np.asarray(resonant_barrier(E, eps, gamma))
    assert S.shape == (200, 2, 2) and S.dtype == np.complex128
    t = np.asarray(jd.BreitWigner(0.0, 1.0).amplitude((E - eps) / gamma))  # DI Eq. (4)
    np.testing.assert_allclose(S[:, 1, 0], t, rtol=1e-14)
    np.testing.assert_allclose(S[:, 0, 1], t, rtol=1e-14)
    np.testing.assert_allclose(S[:, 0, 0], 1.0 + t, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(S[:, 1, 1], S[:, 0, 0], rtol=0)
    assert unitarity_error(S) < 1e-14
    assert symmetry_error(S) == 0.0
    # on resonance: full transmission (t = -1), no reflection
    np.testing.assert_allclose(resonant_barrier(0.3, 0.3, 0.2), [[0, -1], [-1, 0]], atol=1e-16)
    # r = τ − 1 (the other guess) is not unitary
    bad = S.copy()
    bad[:, 0, 0] = bad[:, 1, 1] = t - 1.0
    assert unitarity_error(bad) > 0.1


def test_propagation_phase_and_evanescent_factor():
    U2, ce = 0.7, 1.9
    E = np.concatenate([np.linspace(-5.0, 0.69, 50), np.linspace(0.71, 30.0, 50)])
    for fraction in (1.0, 0.5, 0.0):
        S = np.asarray(propagation(E, U2, ce, fraction))
        x = (E - U2) / ce
        expected = np.where(
            x > 0, np.exp(1j * fraction * np.sqrt(np.abs(x))), np.exp(-fraction * np.sqrt(np.abs(x)))
        )
        np.testing.assert_allclose(S[:, 1, 0], expected, rtol=1e-14)
        np.testing.assert_allclose(S[:, 0, 1], expected, rtol=1e-14)
        assert np.all(S[:, 0, 0] == 0) and np.all(S[:, 1, 1] == 0)
        above = x > 0
        assert unitarity_error(S[above]) < 1e-15
        assert np.all(np.abs(S[~above, 1, 0]) <= 1.0)


def test_propagation_at_band_bottom_is_finite_with_finite_gradients():
    U2, ce = 0.4, 1.3
    np.testing.assert_allclose(propagation(U2, U2, ce), [[0, 1], [1, 0]], rtol=0)

    def parts(E, U2, ce):
        t = propagation(E, U2, ce, 0.5)[..., 1, 0]
        return jnp.stack([t.real, t.imag])

    jacs = [jax.jit(mode(parts, argnums=(0, 1, 2))) for mode in (jax.jacfwd, jax.jacrev)]
    for E in (U2, U2 + 1e-300, U2 - 1e-300, U2 + 1e-9, U2 - 1e-9, U2 + 0.2, U2 - 0.2):
        for jac in jacs:
            J = np.asarray(jac(E, U2, ce))
            assert np.all(np.isfinite(J)), E
    # away from the edge: central finite differences
    for E in (U2 + 0.2, U2 - 0.2):
        J = np.asarray(jacs[0](E, U2, ce))
        h = 1e-6
        for k, args in enumerate([(E, U2, ce)] * 3):
            plus, minus = list(args), list(args)
            plus[k] += h
            minus[k] -= h
            fd = (np.asarray(parts(*plus)) - np.asarray(parts(*minus))) / (2 * h)
            np.testing.assert_allclose(J[k], fd, rtol=1e-7, atol=1e-9)


def test_probe_splitter_is_symmetric_orthogonal_involution():
    lam = np.array([0.0, 1e-12, 0.25, 0.5, 0.9, 1.0 - 1e-12, 1.0])
    M = np.asarray(probe_splitter(lam))
    assert M.shape == (7, 4, 4) and M.dtype == np.float64
    for m in M:
        np.testing.assert_allclose(m @ m, np.eye(4), atol=2e-16)
        np.testing.assert_array_equal(m, m.T)
    c, s = np.sqrt(1 - lam), np.sqrt(lam)
    np.testing.assert_allclose(M[:, 0, 1], c, rtol=1e-15)  # a -> b
    np.testing.assert_allclose(M[:, 2, 0], s, rtol=1e-15)  # a -> p1
    np.testing.assert_allclose(M[:, 3, 1], s, rtol=1e-15)  # b -> p2
    np.testing.assert_allclose(M[:, 3, 2], -c, rtol=1e-15)  # p1 -> p2
    # λ = 0 transparent, λ = 1 all absorbed
    np.testing.assert_array_equal(M[0], [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, -1], [0, 0, -1, 0]])
    np.testing.assert_array_equal(M[-1], [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])


def test_probe_splitter_gradients():
    jac = jax.jit(jax.jacfwd(probe_splitter))
    for lam in (0.1, 0.5, 0.8):
        h = 1e-6
        fd = (np.asarray(probe_splitter(lam + h)) - np.asarray(probe_splitter(lam - h))) / (2 * h)
        np.testing.assert_allclose(jac(lam), fd, rtol=1e-8, atol=1e-10)
    # end points: values exact, derivative of the vanishing amplitude returned as 0 (documented
    # stand-in for ±∞), never NaN
    for lam in (0.0, 1.0):
        J = np.asarray(jac(lam))
        assert np.all(np.isfinite(J))
        assert np.all(np.isfinite(np.asarray(jax.jit(jax.jacrev(probe_splitter))(lam))))
    np.testing.assert_allclose(jac(0.0)[0, 1], -0.5)  # dc/dλ = -1/(2c) at c = 1
    np.testing.assert_allclose(jac(1.0)[2, 0], 0.5)  # ds/dλ = 1/(2s) at s = 1


# --- composition --------------------------------------------------------------------------


def random_symmetric_unitary(rng, n, batch=()):
    A = rng.normal(size=batch + (n, n)) + 1j * rng.normal(size=batch + (n, n))
    Q, _ = np.linalg.qr(A)
    return Q @ np.swapaxes(Q, -1, -2)  # U Uᵀ: unitary and symmetric


def test_block_diag_broadcasts_and_places_blocks():
    a = np.arange(4.0).reshape(2, 2)
    b = np.ones((3, 3, 3))  # batch 3
    out = np.asarray(block_diag(a, b))
    assert out.shape == (3, 5, 5)
    np.testing.assert_array_equal(out[:, :2, :2], np.broadcast_to(a, (3, 2, 2)))
    np.testing.assert_array_equal(out[:, 2:, 2:], b)
    assert np.all(out[:, :2, 2:] == 0) and np.all(out[:, 2:, :2] == 0)


def test_compose_random_network_is_unitary_and_symmetric():
    rng = np.random.default_rng(1)
    batch = (6,)
    A = random_symmetric_unitary(rng, 3, batch)
    B = random_symmetric_unitary(rng, 4, batch)
    C = random_symmetric_unitary(rng, 2, batch)
    link = random_symmetric_unitary(rng, 2, batch)  # a reflecting link
    S = block_diag(A, B, C)  # ports A: 0-2, B: 3-6, C: 7-8
    out = compose(S, [(1, 3), (2, 4, link), (6, 7)], external=(0, 8, 5))
    assert out.shape == (6, 3, 3)
    assert unitarity_error(out) < 1e-13
    assert symmetry_error(out) < 1e-13
    # without connections: the external block, reordered
    np.testing.assert_array_equal(compose(A, [], (2, 0, 1)), A[:, [2, 0, 1]][:, :, [2, 0, 1]])


def test_compose_link_equals_element():
    """A reflecting two-port passed as a link equals the same two-port as an element."""
    E = np.linspace(-3.0, 3.0, 9)
    b1, b2, b3 = resonant_barrier(E, -0.5, 0.4), resonant_barrier(E, 0.2, 0.7), resonant_barrier(E, 1.0, 0.3)
    as_elements = compose(block_diag(b1, b2, b3), [(1, 2), (3, 4)], (0, 5))
    as_link = compose(block_diag(b1, b3), [(1, 2, b2)], (0, 3))
    np.testing.assert_allclose(as_link, as_elements, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    "connections, external, match",
    [
        ([(1, 2)], (0, 3, 3), "more than once"),
        ([(1, 2)], (0,), r"neither"),
        ([(1, 1)], (0, 2, 3), "itself"),
        ([(1, 7)], (0, 2, 3), r"connections\[0\]\[1\]"),
        ([(1, 2)], (0, 3.0), r"external\[1\]"),
        ([(1,)], (0, 2, 3), r"connections\[0\]"),
        ([(1, 2, np.zeros((3, 3)))], (0, 3), r"connections\[0\]\[2\]"),
        ([(1, 2)], 0, "external"),
    ],
)
def test_compose_rejects_bad_bookkeeping(connections, external, match):
    S = block_diag(resonant_barrier(0.0, 0.0, 1.0), resonant_barrier(0.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=match):
        compose(S, connections, external)


# --- the diode ----------------------------------------------------------------------------


def test_channel_map():
    assert DIODE_CHANNEL_TERMINALS == ("L", "R", "p", "p")


def test_diode_unitary_and_symmetric_for_random_devices():
    rng = np.random.default_rng(2)
    dev = random_devices(rng, 64)
    dev["coupling"][:3] = [0.0, 1.0, 0.5]
    E = rng.uniform(0.0, 80.0, 64) + dev["potentials"][:, 1]  # E > U_2
    S = diode_smatrix(E, **dev)
    assert S.shape == (64, 4, 4) and S.dtype == jnp.complex128
    assert unitarity_error(S) < 1e-12
    assert symmetry_error(S) < 1e-13
    S = np.asarray(S)
    np.testing.assert_allclose(np.abs(S[:, L, R]), np.abs(S[:, R, L]), rtol=1e-12)


def test_diode_broadcasts_energy_against_parameters():
    E = np.linspace(30.0, 50.0, 5)
    eps1 = np.array([[36.0], [40.0], [44.0]])
    S = diode_smatrix(E, eps1, 41.0, 1.0, 2.0, 0.3, 1.0)
    assert S.shape == (3, 5, 4, 4)
    for k in range(3):
        np.testing.assert_array_equal(S[k], diode_smatrix(E, eps1[k, 0], 41.0, 1.0, 2.0, 0.3, 1.0))
    U = np.array([0.1, -0.2, 0.3])
    np.testing.assert_array_equal(
        diode_smatrix(E, 38.0, 41.0, 1.0, 2.0, 0.3, 1.0, U),
        diode_smatrix(E, 38.0, 41.0, 1.0, 2.0, 0.3, 1.0, tuple(U)),
    )


def test_diode_lambda0_is_fabry_perot():
    """λ = 0: probe decoupled; S_RL = τ₁τ₃e^{iφ}/(1 − r₁' r₃ e^{2iφ}), r₁' = 1 + τ₁ (barrier 1
    seen from region 2), r₃ = 1 + τ₃ (barrier 3 seen from region 2), φ = k d."""
    rng = np.random.default_rng(3)
    E = np.linspace(-1.0, 90.0, 801)
    for _ in range(4):
        e1, e3 = (float(v) for v in rng.uniform(30.0, 50.0, 2))
        g1, g3, ce = (float(v) for v in rng.uniform(0.3, 3.0, 3))
        U = tuple(float(v) for v in rng.uniform(-2.0, 2.0, 3))
        S = np.asarray(diode_smatrix(E, e1, e3, g1, g3, 0.0, ce, U))
        t1, t3 = tau(E, e1 + U[0], g1), tau(E, e3 + U[2], g3)
        x = (E - U[1]) / ce
        ph = np.where(x > 0, np.exp(1j * np.sqrt(np.abs(x))), np.exp(-np.sqrt(np.abs(x))))  # e^{iφ}
        amp = t1 * t3 * ph / (1.0 - (1.0 + t1) * (1.0 + t3) * ph**2)
        np.testing.assert_allclose(S[:, R, L], amp, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.abs(S[:, R, L]) ** 2, np.abs(amp) ** 2, rtol=1e-12, atol=1e-15)
        assert np.abs(S[:, 2:, :2]).max() == 0.0 and np.abs(S[:, :2, 2:]).max() == 0.0
        np.testing.assert_array_equal(S[:, P1, P2], -1.0)
        np.testing.assert_array_equal(S[:, P1, P1], 0.0)


def test_diode_lambda1_sequential():
    """λ = 1: no direct L → R, the probe takes |τ₁|² from L and |τ₃|² from R, region 2's
    phase (cavity_energy) drops out of everything seen from L and R."""
    E = np.linspace(0.5, 80.0, 801)
    U = (0.3, 0.2, -0.4)
    e1, e3, g1, g3 = 37.0, 44.0, 1.5, 2.5
    t1, t3 = tau(E, e1 + U[0], g1), tau(E, e3 + U[2], g3)
    ref = None
    for ce in (0.3, 1.0, 2.7):
        S = np.asarray(diode_smatrix(E, e1, e3, g1, g3, 1.0, ce, U))
        assert np.abs(S[:, R, L]).max() == 0.0 and np.abs(S[:, L, R]).max() == 0.0
        np.testing.assert_allclose(np.abs(S[:, P1, L]) ** 2 + np.abs(S[:, P2, L]) ** 2, np.abs(t1) ** 2, rtol=1e-13)
        np.testing.assert_allclose(np.abs(S[:, P1, R]) ** 2 + np.abs(S[:, P2, R]) ** 2, np.abs(t3) ** 2, rtol=1e-13)
        np.testing.assert_allclose(S[:, L, L], 1.0 + t1, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(S[:, R, R], 1.0 + t3, rtol=1e-13, atol=1e-15)
        probs = np.abs(S[:, :2, :]) ** 2  # from the leads' side: phase-free
        if ref is None:
            ref = probs
        np.testing.assert_allclose(probs, ref, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("lam", [0.0, 0.2, 0.65, 1.0])
def test_diode_partial_coupling_closed_forms(lam):
    """0 ≤ λ ≤ 1, probe at the centre (h = e^{iφ/2}), D = 1 − r₁r₃c²h⁴:
    S_RL = cτ₁τ₃h²/D, S_p1L = sτ₁h/D, S_p2L = s c r₃τ₁h³/D, S_LL = r₁ + c²r₃τ₁²h⁴/D."""
    E = np.linspace(20.0, 60.0, 801)
    e1, e3, g1, g3, ce = 39.0, 41.5, 1.2, 0.8, 0.9
    U = (0.2, -0.5, 0.1)
    S = np.asarray(diode_smatrix(E, e1, e3, g1, g3, lam, ce, U))
    t1, t3 = tau(E, e1 + U[0], g1), tau(E, e3 + U[2], g3)
    r1, r3 = 1.0 + t1, 1.0 + t3
    h = np.exp(0.5j * np.sqrt((E - U[1]) / ce))
    c, s = np.sqrt(1.0 - lam), np.sqrt(lam)
    D = 1.0 - r1 * r3 * c**2 * h**4
    np.testing.assert_allclose(S[:, R, L], c * t1 * t3 * h**2 / D, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(S[:, P1, L], s * t1 * h / D, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(S[:, P2, L], s * c * r3 * t1 * h**3 / D, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(S[:, L, L], r1 + c**2 * r3 * t1**2 * h**4 / D, rtol=1e-12, atol=1e-15)
    # probability sums: what leaves L goes somewhere; the probe takes what is not transmitted
    P = np.abs(S) ** 2
    np.testing.assert_allclose(P.sum(axis=-2), 1.0, rtol=1e-13)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0, rtol=1e-13)
    absorbed = P[:, P1, L] + P[:, P2, L]
    np.testing.assert_allclose(absorbed, 1.0 - P[:, L, L] - P[:, R, L], atol=1e-13)
    if 0.0 < lam < 1.0:
        assert absorbed.min() > 0 and P[:, R, L].min() > 0


def test_diode_below_band_bottom_is_contractive_and_finite():
    U = (0.0, 5.0, 0.0)
    E = np.concatenate([np.linspace(-10.0, 4.999, 40), [5.0], np.linspace(5.001, 8.0, 10)])
    for lam in (0.0, 0.4, 1.0):
        S = np.asarray(diode_smatrix(E, 3.0, 6.0, 1.0, 1.5, lam, 0.5, U))
        assert np.all(np.isfinite(S))
        sv = np.linalg.svd(S, compute_uv=False)
        assert sv.max() <= 1.0 + 1e-13
        assert unitarity_error(S[E > 5.0]) < 1e-12
    # at E = U₂ exactly: finite values and gradients in E, U and cavity_energy
    def T(E, U, ce):
        return jnp.abs(diode_smatrix(E, 3.0, 6.0, 1.0, 1.5, 0.4, ce, U)[..., R, L]) ** 2

    for mode in (jax.grad, jax.jacfwd):
        g = jax.jit(mode(T, argnums=(0, 1, 2)))(5.0, jnp.array(U), 0.5)
        assert all(np.all(np.isfinite(np.asarray(x))) for x in g)


# --- derivatives --------------------------------------------------------------------------

BASE = dict(eps1=39.0, eps3=41.5, gamma1=1.3, gamma3=0.9, coupling=0.35, cavity_energy=0.8)


def transmission(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, U1, U2, U3):
    S = diode_smatrix(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, (U1, U2, U3))
    return jnp.abs(S[..., R, L]) ** 2


def test_transmission_gradients_match_finite_differences():
    """∂|S_RL|²/∂p for p = ε₁, ε₃, Γ₁, Γ₃, λ (interior), cavity_energy, U₁, U₂, U₃: reverse
    and forward mode agree with each other and with central differences (rtol 1e-7)."""
    E = jnp.array([38.2, 40.7, 43.0])
    names = list(BASE) + ["U1", "U2", "U3"]
    args = list(BASE.values()) + [0.3, -0.6, 0.2]
    argnums = tuple(range(1, 10))
    rev = jax.jit(jax.vmap(jax.grad(transmission, argnums=argnums), in_axes=(0,) + (None,) * 9))(E, *args)
    fwd = jax.jit(jax.jacfwd(transmission, argnums=argnums))(E, *args)
    h = 1e-5
    for k, name in enumerate(names):
        plus, minus = list(args), list(args)
        plus[k] += h
        minus[k] -= h
        fd = (np.asarray(transmission(E, *plus)) - np.asarray(transmission(E, *minus))) / (2 * h)
        assert np.abs(fd).min() > 1e-4, name  # well away from stationary points
        np.testing.assert_allclose(rev[k], fd, rtol=1e-7, err_msg=name)
        np.testing.assert_allclose(fwd[k], rev[k], rtol=1e-12, err_msg=name)


def test_jacfwd_over_potentials_and_gauge_invariance():
    """dS/dU_α by forward mode (the ingredient of DI Eq. 6): matches finite differences, and
    shifting E and every U together leaves S unchanged, dS/dE + Σ_α dS/dU_α = 0."""
    E = np.linspace(35.0, 45.0, 7)
    U = jnp.array([0.3, -0.6, 0.2])

    def S_of(U, E=E):
        return diode_smatrix(E, **BASE, potentials=U)

    dS = np.asarray(jax.jit(jax.jacfwd(S_of))(U))
    assert dS.shape == (7, 4, 4, 3) and dS.dtype == np.complex128
    h = 1e-6
    for a in range(3):
        e = np.eye(3)[a] * h
        fd = (np.asarray(S_of(U + e)) - np.asarray(S_of(U - e))) / (2 * h)
        np.testing.assert_allclose(dS[..., a], fd, rtol=1e-6, atol=1e-8)
    # d/dδ S(E + δ, U + δ) at δ = 0 = ∂S/∂E + Σ_α ∂S/∂U_α
    shift = np.asarray(jax.jit(jax.jacfwd(lambda d: S_of(U + d, E + d)))(0.0))
    assert np.abs(shift).max() < 1e-12 * np.abs(dS).max()
    # injectivity-like combination −(1/2π) Σ_k Im(S_kj* ∂S_kj/∂U_α) is finite and real
    S = np.asarray(S_of(U))
    nu = -np.einsum("ekj,ekja->eja", np.conj(S), dS).imag / (2 * np.pi)
    assert np.all(np.isfinite(nu))


def injectivities_region2(E, lam, x, U):
    """−(1/2π) Σ_k Im(S_kj* ∂S_kj/∂U₂) (DI Eq. 6 for α = 2) per injecting channel j."""
    def S_of(U):
        return diode_smatrix(E, **dict(BASE, coupling=lam), potentials=U, probe_position=x)

    S, dS = S_of(U), jax.jacfwd(S_of)(U)[..., 1]
    return -jnp.einsum("ekj,ekj->ej", jnp.conj(S), dS).imag / (2 * jnp.pi), S


_injectivities = jax.jit(injectivities_region2)


def test_probe_position_changes_only_phases():
    """|S_kj|² and region 2's total density Σ_j ν_j2 do not depend on where the probe sits;
    the partial injectivities do. At λ = 1 they are ν_L2 = x|τ₁|²/(4π ε_c k d) and
    ν_R2 = (1 − x)|τ₃|²/(4π ε_c k d) (ε_c = cavity_energy; a wave from L dwells left of the
    probe only)."""
    E = jnp.linspace(34.0, 46.0, 7)
    U = jnp.array([0.3, -0.6, 0.2])
    for lam in (0.0, 0.4, 1.0):
        nu_a, S_a = _injectivities(E, lam, 0.5, U)
        nu_b, S_b = _injectivities(E, lam, 0.2, U)
        np.testing.assert_allclose(np.abs(S_a) ** 2, np.abs(S_b) ** 2, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nu_a.sum(-1), nu_b.sum(-1), rtol=1e-11)
        assert np.all(nu_a.sum(-1) > 0)
        if lam > 0:
            assert np.abs(nu_a - nu_b).max() > 1e-3 * np.abs(nu_a).max()
    kd = np.sqrt((E - U[1]) / BASE["cavity_energy"])
    t1 = tau(E, BASE["eps1"] + U[0], BASE["gamma1"])
    t3 = tau(E, BASE["eps3"] + U[2], BASE["gamma3"])
    for x in (0.5, 0.2, 0.0):
        nu, _ = _injectivities(E, 1.0, x, U)
        scale = 4 * np.pi * BASE["cavity_energy"] * kd
        np.testing.assert_allclose(nu[:, L], x * np.abs(t1) ** 2 / scale, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(nu[:, R], (1 - x) * np.abs(t3) ** 2 / scale, rtol=1e-12, atol=1e-16)


def test_jacobian_at_full_coupling_is_finite():
    """λ = 1 (ThermalDiode's default): forward-mode tangents of every parameter stay finite
    (no 0·∞ from √(1 − λ)) and agree with finite differences for the smooth parameters."""
    args = dict(BASE, coupling=1.0)

    def S(eps1, eps3, gamma1, gamma3, coupling, cavity_energy):
        return diode_smatrix(40.2, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, (0.1, 0.2, 0.3))

    J = jax.jit(jax.jacfwd(S, argnums=tuple(range(6))))(*args.values())
    assert all(np.all(np.isfinite(np.asarray(j))) for j in J)
    vals = list(args.values())
    h = 1e-6
    for k in (0, 1, 2, 3, 5):
        plus, minus = list(vals), list(vals)
        plus[k] += h
        minus[k] -= h
        fd = (np.asarray(S(*plus)) - np.asarray(S(*minus))) / (2 * h)
        np.testing.assert_allclose(J[k], fd, rtol=1e-6, atol=1e-9)


def test_vmap_over_devices_equals_loop():
    rng = np.random.default_rng(4)
    dev = random_devices(rng, 8)
    E = np.linspace(30.0, 50.0, 11)
    batched = jax.jit(jax.vmap(diode_smatrix, in_axes=(None, 0, 0, 0, 0, 0, 0, 0)))(
        E, *dev.values()
    )
    assert batched.shape == (8, 11, 4, 4)
    for k in range(8):
        one = diode_smatrix(E, *(v[k] for v in dev.values()))
        np.testing.assert_allclose(batched[k], one, rtol=1e-13, atol=1e-15)


# --- validation ---------------------------------------------------------------------------

GOOD = dict(E=40.0, eps1=39.0, eps3=41.0, gamma1=1.0, gamma3=1.0, coupling=0.5, cavity_energy=1.0)


@pytest.mark.parametrize(
    "name, value",
    [
        ("gamma1", 0.0),
        ("gamma3", -1.0),
        ("coupling", -0.1),
        ("coupling", 1.0 + 1e-12),
        ("cavity_energy", 0.0),
        ("cavity_energy", -2.0),
        ("eps1", np.nan),
        ("eps3", np.inf),
        ("E", np.array([1.0, np.nan])),
        ("gamma1", np.nan),
        ("probe_position", 1.5),
    ],
)
def test_diode_rejects_bad_arguments(name, value):
    with pytest.raises(ValueError, match=f"`{name}`"):
        diode_smatrix(**dict(GOOD, **{name: value}))


def test_bad_potentials_and_elements_rejected():
    with pytest.raises(ValueError, match=r"`potentials\[1\]`"):
        diode_smatrix(**GOOD, potentials=(0.0, np.nan, 0.0))
    with pytest.raises(ValueError, match="`potentials`"):
        diode_smatrix(**GOOD, potentials=np.array([0.0, np.nan, 0.0]))
    with pytest.raises(ValueError, match="`potentials`"):
        diode_smatrix(**GOOD, potentials=(0.0, 0.0))
    with pytest.raises(ValueError, match="`gamma`"):
        resonant_barrier(0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="`cavity_energy`"):
        propagation(1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="`fraction`"):
        propagation(1.0, 0.0, 1.0, -0.5)
    with pytest.raises(ValueError, match="`coupling`"):
        probe_splitter(1.5)


def test_traced_bad_argument_raises_at_run_time():
    f = jax.jit(lambda lam: diode_smatrix(40.0, 39.0, 41.0, 1.0, 1.0, lam, 1.0))
    assert np.all(np.isfinite(np.asarray(f(0.5))))
    with pytest.raises(Exception, match="coupling"):
        f(1.5).block_until_ready()


def test_closed_form_equals_network_composition():
    """The diode's closed-form S (multiple reflections summed by hand) equals the general
    network composition of its elements, for random devices, energies below and above U₂,
    every coupling and probe position."""
    from jaxdiss.scattering.smatrix import _diode, _diode_transmissions, diode_network
    from jaxdiss.multiterminal import transmission_matrix

    rng = np.random.default_rng(7)
    for k in range(6):
        p = (rng.uniform(20, 50), rng.uniform(20, 50), rng.uniform(0.3, 3), rng.uniform(0.3, 3),
             [0.0, 1.0, 0.37, 0.9, 0.05, 0.5][k], rng.uniform(0.3, 2), *rng.normal(0, 0.5, 3),
             rng.uniform())
        E = jnp.linspace(-3.0, 70.0, 401) + 0.01
        A, B = _diode(E, *p), diode_network(E, *p)
        assert float(jnp.max(jnp.abs(A - B))) < 1e-13
        T = transmission_matrix(B, DIODE_CHANNEL_TERMINALS)
        assert float(jnp.max(jnp.abs(_diode_transmissions(E, *p) - T))) < 1e-13


def test_coherent_entries_are_the_lambda0_block():
    from jaxdiss.scattering.smatrix import _coherent_entries, _diode

    rng = np.random.default_rng(11)
    E = jnp.linspace(-3.0, 70.0, 301) + 0.01
    for _ in range(4):
        e1, e3, g1, g3, ce = (rng.uniform(20, 50), rng.uniform(20, 50), rng.uniform(0.3, 3),
                              rng.uniform(0.3, 3), rng.uniform(0.3, 2))
        U = rng.normal(0, 0.5, 3)
        full = _diode(E, e1, e3, g1, g3, 0.0, ce, *U, rng.uniform())
        two = _coherent_entries(E, e1, e3, g1, g3, ce, *U)
        for k in range(2):
            for j in range(2):
                # rounding is amplified by 1/(1 − |ρ|) ~ 1e3 on sharp Fabry–Perot peaks
                assert float(jnp.max(jnp.abs(two[k][j] - full[:, k, j]))) < 1e-12
