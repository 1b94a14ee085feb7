"""Multi-terminal Landauer–Büttiker currents (multiterminal.py, DI Eq. 1).

Checked: terminal transmissions from a channel S-matrix (explicit sums, unitarity sum rules,
terminal order, gradient at S_ab = 0), current and energy conservation for random
energy-dependent unitary S-matrices, agreement with the two-terminal model (finite kT and
the kT = 0 closed form), zero currents at equilibrium, Onsager(–Casimir) symmetry of the
linear-response matrix, tabulated input = callable input, current densities, the
`device_grid` (static size, traced construction), jit/vmap/grad against finite differences,
and argument errors. Spin 2 and h = 1 unless stated.

The random S-matrices are U(E) = V diag(exp(iθE)) W with Haar-random V, W (QR of complex
Gaussians) and phase rates θ; S = U (no time-reversal symmetry) or S = U Uᵀ (unitary and
symmetric, i.e. time-reversal symmetric).
"""

from functools import partial

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import expit

import jaxdiss as jd
from jaxdiss import multiterminal as mt

CHANNELS = ("L", "R", "p", "p")  # 3 terminals, probe with two channels
CHANNELS4 = ("a", "b", "c", "d", "c")  # 4 terminals, one with two channels
GRID = mt.device_grid(-30.0, 30.0, kT_min=0.3)  # random S: smooth, no resonances


def haar(rng, m):
    z = (rng.standard_normal((m, m)) + 1j * rng.standard_normal((m, m))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


class RandomS(eqx.Module):
    """S(E) = U₁(E) U₂(E)ᵀ with U_i(E) = V_i diag(exp(iθ_i E)) W_i: unitary; symmetric
    (time-reversal symmetric) when U₁ = U₂. One module type for every case, so that all
    tests share their compilations."""

    theta: jax.Array  # (2, M)
    V: jax.Array  # (2, M, M)
    W: jax.Array  # (2, M, M)

    def __call__(self, E):
        phase = jnp.exp(1j * self.theta * jnp.asarray(E)[..., None, None])  # (..., 2, M)
        U = jnp.einsum("iab,...ib,ibc->...iac", self.V, phase, self.W)
        return U[..., 0, :, :] @ jnp.swapaxes(U[..., 1, :, :], -1, -2)

    def transposed(self):
        """Sᵀ(E) = U₂ U₁ᵀ: the S-matrix with the magnetic field reversed."""
        flip = lambda x: x[::-1]  # noqa: E731
        return RandomS(flip(self.theta), flip(self.V), flip(self.W))


def random_s(seed, m, symmetric=False):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.2, 1.2, (2, m))
    V = np.stack([haar(rng, m), haar(rng, m)])
    W = np.stack([haar(rng, m), haar(rng, m)])
    if symmetric:
        theta[1], V[1], W[1] = theta[0], V[0], W[0]
    return RandomS(jnp.asarray(theta), jnp.asarray(V), jnp.asarray(W))


class TwoTerminalS(eqx.Module):
    """Unitary symmetric 2×2 S with t = Breit–Wigner amplitude, r = (E − ε0)/(E − ε0 + iγ)."""

    bw: jd.BreitWigner

    def __call__(self, E):
        t = self.bw.amplitude(E)
        r = (E - self.bw.eps0) / (E - self.bw.eps0 + 1j * self.bw.gamma)
        return jnp.stack([jnp.stack([r, t], -1), jnp.stack([t, r], -1)], -2)


class TerminalT(eqx.Module):
    """T_kj(E) of a channel S-matrix callable."""

    S: eqx.Module
    channels: tuple = eqx.field(static=True)

    def __call__(self, E):
        return mt.transmission_matrix(self.S(E), self.channels)


@partial(jax.jit, static_argnames=("channels",))
def currents(S, channels, mus, kTs):
    return mt.smatrix_currents(S, channels, mus, kTs, GRID)


# --------------------------------------------------------------------------------------
# transmission matrix


def test_transmission_matrix_sums_and_order():
    S = random_s(0, 4)(jnp.linspace(-3, 3, 7))  # (7, 4, 4)
    T = np.asarray(mt.transmission_matrix(S, CHANNELS))
    assert T.shape == (7, 3, 3)
    P = np.abs(np.asarray(S)) ** 2
    groups = {"L": [0], "R": [1], "p": [2, 3]}
    names = ("L", "R", "p")
    for k, tk in enumerate(names):
        for j, tj in enumerate(names):
            want = P[:, groups[tk]][:, :, groups[tj]].sum(axis=(1, 2))
            np.testing.assert_allclose(T[:, k, j], want, rtol=1e-14, atol=1e-15)
    # unitarity: Σ_k T_kj = Σ_k T_jk = M_j
    np.testing.assert_allclose(T.sum(axis=1), np.broadcast_to([1, 1, 2], (7, 3)), rtol=1e-13)
    np.testing.assert_allclose(T.sum(axis=2), np.broadcast_to([1, 1, 2], (7, 3)), rtol=1e-13)
    # explicit terminal order: a permutation of rows and columns
    Tp = np.asarray(mt.transmission_matrix(S, CHANNELS, ("p", "L", "R")))
    order = [2, 0, 1]
    np.testing.assert_array_equal(Tp, T[:, order][:, :, order])
    # non-contiguous channels
    perm = [2, 0, 3, 1]
    Sq = np.asarray(S)[:, perm][:, :, perm]
    Tq = np.asarray(mt.transmission_matrix(Sq, tuple(CHANNELS[a] for a in perm), names))
    np.testing.assert_allclose(Tq, T, rtol=1e-14, atol=1e-15)
    assert mt.terminal_order(("p", "L", "p", "R")) == ("p", "L", "R")


def test_transmission_matrix_gradient_at_zero_amplitude():
    """|S_ab|² = Re² + Im²: finite (zero) gradient where an amplitude vanishes."""

    def f(x):
        S = jnp.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex) * x
        return mt.transmission_matrix(S, ("L", "R"))[0, 0] + mt.transmission_matrix(S, ("L", "R"))[1, 0]

    g = jax.grad(f)(1.0)
    assert np.isfinite(g) and abs(g - 2.0) < 1e-15


# --------------------------------------------------------------------------------------
# conservation, equilibrium, two terminals


@pytest.mark.parametrize(
    "seed, channels, mus, kTs",
    [
        (1, CHANNELS, [0.4, -0.3, 0.1], [0.5, 0.3, 0.9]),
        (2, CHANNELS, [5.0, 4.2, 4.7], [0.3, 1.2, 0.6]),  # μ far from 0: large energy currents
        (3, CHANNELS4, [0.2, -0.5, 0.9, 0.0], [0.4, 0.8, 0.3, 0.0]),  # one reservoir at kT = 0
        (4, CHANNELS4, [1e-6, 0.0, -2e-6, 0.0], [0.5, 0.5 + 1e-6, 0.5, 0.5]),  # linear response
    ],
)
def test_conservation(seed, channels, mus, kTs):
    S = random_s(seed, len(channels))
    r = currents(S, channels, jnp.asarray(mus), jnp.asarray(kTs))
    I, J, Ee = (np.asarray(x) for x in r)
    mus = np.asarray(mus)
    assert np.max(np.abs(I)) > 0
    assert abs(I.sum()) <= 1e-12 * np.max(np.abs(I))
    terms = np.concatenate([J, mus * I])
    assert abs((J + mus * I).sum()) <= 1e-12 * np.max(np.abs(terms))
    assert abs(Ee.sum()) <= 1e-12 * np.max(np.abs(Ee))
    np.testing.assert_allclose(Ee, J + mus * I, rtol=0, atol=1e-12 * np.max(np.abs(terms)))
    # second law: the dissipated power Σ μ_j I_j − ... ≥ 0 shows as Σ_j J_j/kT_j ≤ 0
    hot = np.asarray(kTs) > 0
    if hot.all():
        assert (J / np.asarray(kTs)).sum() <= 1e-12 * np.max(np.abs(J / np.asarray(kTs)))


def test_equilibrium_gives_zero_currents():
    S = random_s(5, 4)
    r = currents(S, CHANNELS, jnp.asarray([0.37] * 3), jnp.asarray([0.6] * 3))
    for x in r:
        np.testing.assert_array_equal(np.asarray(x), 0.0)


def test_two_terminals_match_landauer():
    bw = jd.BreitWigner(0.3, 0.2)
    grid = mt.device_grid(-65.0, 65.0, kT_min=0.5, centers=[0.3], scales=[0.2])  # ±40 kT
    Tkj = TerminalT(TwoTerminalS(bw), ("L", "R"))
    for mu_l, mu_r, kT_l, kT_r in [(0.4, -0.1, 0.5, 0.7), (0.0, 0.0, 0.5, 1.5), (1.2, -0.8, 0.6, 0.6)]:
        mus, kTs = [mu_l, mu_r], [kT_l, kT_r]
        r = mt.smatrix_currents(TwoTerminalS(bw), ("L", "R"), mus, kTs, grid)
        ref = jd.two_terminal_currents(bw, mu_l, mu_r, kT_l, kT_r)  # on its own per-point grid
        I, J, Ee = (np.asarray(x) for x in r)
        np.testing.assert_allclose(I, [ref.particle_current, -ref.particle_current], rtol=1e-12)
        np.testing.assert_allclose(J, [ref.heat_left, -ref.heat_right], rtol=1e-12)
        np.testing.assert_allclose(Ee, [ref.energy_current, -ref.energy_current], rtol=1e-12)
        # the same transmission given as a callable T_kj(E) (tabulated: test_vmap_…)
        a = mt.multiterminal_currents(Tkj, mus, kTs, grid)
        for x, y in zip(a, r):
            np.testing.assert_allclose(np.asarray(y), np.asarray(x), rtol=1e-15, atol=0)
    # spin 1 halves every current exactly
    one = mt.smatrix_currents(TwoTerminalS(bw), ("L", "R"), mus, kTs, grid, spin=1)
    for x, y in zip(one, r):
        np.testing.assert_array_equal(2 * np.asarray(x), np.asarray(y))


def test_zero_temperature_closed_form():
    """kT = 0 everywhere: I = s γ[atan((μ_L − ε0)/γ) − atan((μ_R − ε0)/γ)] and
    J_L = s∫_{μ_R}^{μ_L}(E − μ_L)T dE, with the steps on panel edges (scale-0 centres)."""
    eps0, gamma, mu_l, mu_r = 0.3, 0.2, 0.5, -0.2
    bw = jd.BreitWigner(eps0, gamma)
    grid = mt.device_grid(-2.0, 2.0, n_panels=8, centers=[eps0, mu_l, mu_r], scales=[gamma, 0, 0])
    r = mt.smatrix_currents(TwoTerminalS(bw), ("L", "R"), [mu_l, mu_r], [0.0, 0.0], grid)
    a_l, a_r = np.arctan((mu_l - eps0) / gamma), np.arctan((mu_r - eps0) / gamma)
    I = 2 * gamma * (a_l - a_r)
    # ∫(E − ε0)T dE = (γ²/2) ln((E − ε0)² + γ²)
    m1 = gamma**2 * np.log(((mu_l - eps0) ** 2 + gamma**2) / ((mu_r - eps0) ** 2 + gamma**2))
    J_l = m1 - 2 * gamma * (mu_l - eps0) * (a_l - a_r)
    J_r = -m1 + 2 * gamma * (mu_r - eps0) * (a_l - a_r)
    np.testing.assert_allclose(np.asarray(r.particle), [I, -I], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(r.heat), [J_l, J_r], rtol=1e-12)


# --------------------------------------------------------------------------------------
# Onsager


@partial(jax.jit, static_argnames=("channels",))
def response_matrix(S, channels, mu, kT):
    """L = [[∂I/∂μ, kT ∂I/∂kT], [∂J/∂μ, kT ∂J/∂kT]] at equilibrium (fluxes I, J; forces
    δμ, δkT/kT), by forward-mode autodiff."""
    n = len(dict.fromkeys(channels))

    def fluxes(x):
        r = mt.smatrix_currents(S, channels, x[:n], x[n:], GRID)
        return jnp.concatenate([r.particle, r.heat])

    x0 = jnp.concatenate([jnp.full(n, mu), jnp.full(n, kT)])
    jac = jax.jacfwd(fluxes)(x0)
    return jac.at[:, n:].multiply(kT)


@pytest.mark.parametrize("channels", [CHANNELS, CHANNELS4])
def test_onsager_symmetry(channels):
    m = len(channels)
    sym = np.asarray(response_matrix(random_s(6, m, symmetric=True), channels, 0.4, 0.7))
    scale = np.max(np.abs(sym))
    np.testing.assert_allclose(sym, sym.T, rtol=0, atol=1e-12 * scale)
    # current conservation: columns of the particle block sum to zero; uniform shifts of μ
    # (or kT) leave equilibrium: rows sum to zero
    n = sym.shape[0] // 2
    np.testing.assert_allclose(sym[:n].sum(axis=0), 0.0, atol=1e-12 * scale)
    np.testing.assert_allclose(sym[:, :n].sum(axis=1), 0.0, atol=1e-12 * scale)
    # without time-reversal symmetry L is not symmetric, but L(S) = L(Sᵀ)ᵀ (Onsager–Casimir)
    S = random_s(7, m)
    L = np.asarray(response_matrix(S, channels, 0.4, 0.7))
    Lt = np.asarray(response_matrix(S.transposed(), channels, 0.4, 0.7))
    scale = np.max(np.abs(L))
    assert np.max(np.abs(L - L.T)) > 1e-3 * scale
    np.testing.assert_allclose(L, Lt.T, rtol=0, atol=1e-12 * scale)


# --------------------------------------------------------------------------------------
# current density, grid


def test_current_density_integrates_to_current():
    S = random_s(8, 4)
    mus, kTs = jnp.array([0.4, -0.3, 0.1]), jnp.array([0.5, 0.3, 0.9])
    Tkj = mt.transmission_matrix(S(GRID.nodes), CHANNELS)
    dens = mt.current_density(Tkj, GRID.nodes, mus, kTs)
    assert dens.shape == (GRID.size, 3)
    r = currents(S, CHANNELS, mus, kTs)
    np.testing.assert_allclose(np.asarray(GRID.integrate(dens, axis=0)), np.asarray(r.particle),
                               rtol=1e-14, atol=1e-15)
    # by hand, with scipy's logistic function, at nodes near the Fermi edges
    i = np.searchsorted(np.asarray(GRID.nodes), [-0.5, 0.0, 0.3, 1.0])
    E, Tk = np.asarray(GRID.nodes)[i], np.asarray(Tkj)[i]
    f = expit(-(E[:, None] - np.asarray(mus)) / np.asarray(kTs))
    want = 2 * np.einsum("ekj,ejk->ej", Tk, f[:, :, None] - f[:, None, :])
    np.testing.assert_allclose(np.asarray(dens)[i], want, rtol=1e-12, atol=1e-16)


def test_device_grid_static_size_and_traced_construction():
    kw = dict(n_panels=20, scales=jnp.array([0.1, 0.3]), order=8, levels=6)
    a = mt.device_grid(-5.0, 5.0, centers=jnp.array([0.0, 1.0]), **kw)
    b = mt.device_grid(-5.0, 5.0, centers=jnp.array([-4.9, 4.99]), **kw)
    assert a.size == b.size
    np.testing.assert_allclose(float(jnp.sum(a.weights)), 10.0, rtol=1e-14)

    @jax.jit
    def integral(c):
        g = mt.device_grid(-5.0, 5.0, centers=jnp.stack([c, c + 1.0]), **kw)
        return g.integrate(0.1**2 / ((g.nodes - c) ** 2 + 0.1**2))

    want = lambda c: 0.1 * (np.arctan((5 - c) / 0.1) - np.arctan((-5 - c) / 0.1))  # noqa: E731
    np.testing.assert_allclose(float(integral(0.3)), want(0.3), rtol=1e-12)
    np.testing.assert_allclose(float(integral(-1.7)), want(-1.7), rtol=1e-12)
    # d/dc through the moving ladder
    np.testing.assert_allclose(float(jax.grad(integral)(0.3)),
                               0.1 * (-1 / (1 + (4.7 / 0.1) ** 2) + 1 / (1 + (5.3 / 0.1) ** 2)) / 0.1,
                               rtol=1e-6)
    # default panel count from kT_min
    g = mt.device_grid(0.0, 10.0, kT_min=0.5, panel_width=4.0, order=4)
    assert g.size == 5 * 4


# --------------------------------------------------------------------------------------
# transformations


def fd(f, x, h):
    """Fourth-order central difference of a scalar function along each coordinate."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        out.flat[i] = (-f(x + 2 * e) + 8 * f(x + e) - 8 * f(x - e) + f(x - 2 * e)) / (12 * h)
    return out


def test_gradients_match_finite_differences():
    """Reverse-mode gradients with respect to μ_j, kT_j and the S-matrix parameters θ
    against fourth-order central differences (h = 1e-3)."""
    S = random_s(9, 4)
    mus, kTs = np.array([0.4, -0.3, 0.1]), np.array([0.5, 0.3, 0.9])

    def scalar(S, mus, kTs):
        r = currents(S, CHANNELS, mus, kTs)
        # a mix of every output, so that each block of the derivative is exercised
        return r.particle[0] - 0.7 * r.heat[2] + 0.3 * r.energy[1] + r.heat[0] * r.particle[2]

    g_S, g_mu, g_kT = jax.jit(jax.grad(scalar, argnums=(0, 1, 2)))(S, jnp.asarray(mus), jnp.asarray(kTs))
    f = lambda m: float(scalar(S, jnp.asarray(m), jnp.asarray(kTs)))  # noqa: E731
    np.testing.assert_allclose(np.asarray(g_mu), fd(f, mus, 1e-3), rtol=1e-9, atol=1e-11)
    f = lambda t: float(scalar(S, jnp.asarray(mus), jnp.asarray(t)))  # noqa: E731
    np.testing.assert_allclose(np.asarray(g_kT), fd(f, kTs, 1e-3), rtol=1e-9, atol=1e-11)
    f = lambda th: float(scalar(eqx.tree_at(lambda s: s.theta, S, jnp.asarray(th)),  # noqa: E731
                                jnp.asarray(mus), jnp.asarray(kTs)))
    np.testing.assert_allclose(np.asarray(g_S.theta), fd(f, np.asarray(S.theta), 1e-3),
                               rtol=1e-9, atol=1e-11)


def test_vmap_matches_single_points():
    """A sweep over operating points with T_kj tabulated once on the grid equals the
    point-by-point evaluation from the S-matrix callable."""
    S = random_s(10, 4)
    Tkj = mt.transmission_matrix(S(GRID.nodes), CHANNELS)
    rng = np.random.default_rng(11)
    mus = jnp.asarray(rng.uniform(-1, 1, (6, 3)))
    kTs = jnp.asarray(rng.uniform(0.3, 1.0, (6, 3)))
    many = jax.jit(jax.vmap(lambda m, t: mt.multiterminal_currents(Tkj, m, t, GRID)))(mus, kTs)
    for i in range(6):
        one = currents(S, CHANNELS, mus[i], kTs[i])
        for name in mt.MultiterminalCurrents._fields:
            x, y = np.asarray(getattr(many, name)[i]), np.asarray(getattr(one, name))
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-14 * np.max(np.abs(y)), err_msg=name)


# --------------------------------------------------------------------------------------
# errors


T3 = jnp.zeros((GRID.size, 3, 3))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: mt.multiterminal_currents(T3, [0.0, 0.0], [1.0, 1.0, 1.0], GRID), "mus"),
        (lambda: mt.multiterminal_currents(T3, [0.0, 0.0, 0.0], [1.0, 1.0], GRID), "kTs"),
        (lambda: mt.multiterminal_currents(T3, [0.0, 0.0, 0.0], [1.0, -1.0, 1.0], GRID), "kTs"),
        (lambda: mt.multiterminal_currents(T3, [0.0, np.nan, 0.0], [1.0, 1.0, 1.0], GRID), "mus"),
        (lambda: mt.multiterminal_currents(T3, 0.0, 1.0, GRID), "mus"),
        (lambda: mt.multiterminal_currents(T3, [0.0] * 3, [1.0] * 3, GRID, spin=3), "spin"),
        (lambda: mt.multiterminal_currents(T3, [0.0] * 3, [1.0] * 3, (GRID.nodes, GRID.weights)), "grid"),
        (lambda: mt.multiterminal_currents(T3[:-1], [0.0] * 3, [1.0] * 3, GRID), "T"),
        (lambda: mt.multiterminal_currents(T3[..., :2], [0.0] * 3, [1.0] * 3, GRID), "T"),
        (lambda: mt.smatrix_currents(jnp.eye(4), CHANNELS, [0.0] * 3, [1.0] * 3, GRID), "S"),
        (lambda: mt.smatrix_currents(lambda E: jnp.eye(4), CHANNELS, [0.0] * 3, [1.0] * 3, GRID), "S"),
        (lambda: mt.smatrix_currents(lambda E: E, CHANNELS, [0.0] * 2, [1.0] * 2, GRID), "mus"),
        (lambda: mt.transmission_matrix(jnp.eye(3), CHANNELS), "S"),
        (lambda: mt.transmission_matrix(jnp.eye(4), "LRpp"), "channel_terminals"),
        (lambda: mt.transmission_matrix(jnp.eye(4), CHANNELS, ("L", "R")), "channel_terminals"),
        (lambda: mt.transmission_matrix(jnp.eye(4), CHANNELS, ("L", "R", "p", "q")), "terminals"),
        (lambda: mt.transmission_matrix(jnp.eye(4), CHANNELS, ("L", "R", "R", "p")), "terminals"),
        (lambda: mt.device_grid(1.0, 0.0, kT_min=0.1), "hi"),
        (lambda: mt.device_grid(0.0, 1.0, kT_min=0.0), "kT_min"),
        (lambda: mt.device_grid(0.0, 1.0), "kT_min"),
        (lambda: mt.device_grid(0.0, 1.0, n_panels=0), "n_panels"),
        (lambda: mt.device_grid(0.0, 1.0, n_panels=4, centers=[0.5]), "scales"),
        (lambda: mt.device_grid(0.0, 1.0, n_panels=4, centers=[0.5, 0.6], scales=[0.1, -0.1]), "scales"),
        (lambda: mt.device_grid(0.0, 1.0, n_panels=4, centers=[0.5, 0.6], scales=[0.1, 0.1, 0.1]), "scales"),
    ],
)
def test_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        call()


def test_traced_negative_temperature_raises():
    f = jax.jit(lambda t: mt.multiterminal_currents(T3, jnp.zeros(3), t, GRID).particle)
    with pytest.raises(Exception, match="kTs"):
        f(jnp.array([1.0, -1.0, 1.0])).block_until_ready()
