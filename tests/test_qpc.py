"""Quantum point contact transmissions (scattering/qpc.py).

AbruptQPC (QPC paper Sec. 3.1, with the slab-matching form of Eq. 19 from DESIGN.md):
the closed-form averaged wavevector against direct quadrature, the channel transmission
against the textbook slab formula evaluated independently in complex arithmetic, bounds,
steps and plateaus, the Kwant reference data, and derivatives in E and in the length.
SaddleQPC: Büttiker's closed form. Units: E in E1, lengths in the half width w.
"""

import pathlib

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

import jaxdiss as jd

mp.mp.dps = 30
DATA = pathlib.Path(__file__).parent / "data" / "kwant-abrupt-qpc-L2w-W5w.csv"

# The default model (L = 2w, 10 channels) and a jitted evaluation for the dense grids.
QPC = jd.AbruptQPC()


@jax.jit
def _total(qpc, E):
    return qpc(E)


@jax.jit
def _channels(qpc, E):
    return qpc.channel_transmissions(E)


@jax.jit
def _averaged(qpc, E):
    return qpc.averaged_wavevector(E)


def first_crossing(E, T, level):
    """Energy of the first upward crossing of `level` (linear interpolation)."""
    i = int(np.argmax(T > level))
    assert i > 0 and T[i] > level
    return E[i - 1] + (level - T[i - 1]) * (E[i] - E[i - 1]) / (T[i] - T[i - 1])


def mp_averaged_wavevector(n, E):
    """(1/π)∫_{Q_{n-1}}^{Q_{n+1}} √(k² − q²) dq by mpmath, principal branch, k² = π²E/4."""
    k2 = mp.pi**2 * mp.mpf(E) / 4
    a, b = mp.pi * (n - 1) / 2, mp.pi * (n + 1) / 2
    pts = [a, b]
    if k2 > 0 and a < mp.sqrt(k2) < b:
        pts = [a, mp.sqrt(k2), b]  # the integrand's branch point
    return mp.quad(lambda q: mp.sqrt(k2 - q**2), pts) / mp.pi


def slab_transmission(K2, cal_k, L):
    """τ² with τ = 4|K| Re(𝒦)/|D|, D = (K + 𝒦)² e^{−iKL} − (K − 𝒦)² e^{iKL} (QPC Eq. 20)."""
    K = np.sqrt(complex(K2, 0.0))  # principal branch: +i√|K²| for a closed channel
    D = (K + cal_k) ** 2 * np.exp(-1j * K * L) - (K - cal_k) ** 2 * np.exp(1j * K * L)
    return (4 * abs(K) * cal_k.real / abs(D)) ** 2


# --- averaged wavevector ------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, k",
    [
        (1, 0.3), (1, 1.0), (1, np.pi / 2), (1, 2.5), (1, 4.0),  # inside, at Q_1, above
        # below, at the lower edge, inside, at the upper edge, above
        (3, 0.5), (3, 2.0), (3, np.pi), (3, 4.5), (3, 2 * np.pi), (3, 7.0),
        (6, 1.0), (6, 9.0), (6, 20.0),
    ],
)
def test_averaged_wavevector_matches_quadrature(n, k):
    """Closed-form 𝒦_n = quadrature of its integral, k below/in/above [Q_{n−1}, Q_{n+1}]."""
    E = (2 * k / np.pi) ** 2
    got = complex(_averaged(jd.AbruptQPC(n_modes=6), E)[n - 1])
    ref = complex(mp_averaged_wavevector(n, E))
    assert abs(got - ref) <= 1e-12 * abs(ref)


def test_averaged_wavevector_branches():
    """Real below the interval (k > Q_{n+1}: fully propagating), imaginary when k < Q_{n−1}."""
    q = jd.AbruptQPC(n_modes=4)
    kk = np.asarray(_averaged(q, 30.0))  # k = 8.6 > Q_5 = 7.85: every 𝒦_n real and positive
    assert np.all(np.abs(kk.imag) <= 1e-14 * np.abs(kk)) and np.all(kk.real > 0)
    kk = np.asarray(_averaged(q, 0.5))  # k = 1.11 < Q_2: 𝒦_3, 𝒦_4 purely imaginary
    assert np.all(np.abs(kk[2:].real) <= 1e-14 * np.abs(kk[2:])) and np.all(kk[2:].imag > 0)


@pytest.mark.parametrize("E", [0.0, -0.7, -5.0])
def test_averaged_wavevector_below_band(E):
    """E ≤ 0 (k² ≤ 0): the analytic continuation i(1/π)∫√(q² − k²) dq, not a placeholder."""
    q = jd.AbruptQPC(n_modes=6)
    got = np.asarray(_averaged(q, E))
    ref = np.array([complex(mp_averaged_wavevector(n, E)) for n in range(1, 7)])
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)
    # continuous through E = 0 from above
    np.testing.assert_allclose(_averaged(q, 1e-14), _averaged(q, 0.0), rtol=1e-13)


# --- channel transmission: slab formula -----------------------------------------------------


@pytest.mark.parametrize("L", [0.7, 2.0, 5.0])
def test_channel_transmission_is_slab_formula(L):
    """T_n = (4|K_n| Re𝒦_n/|D_n|)², D_n of Eq. 20 in complex arithmetic, 𝒦_n by quadrature."""
    q = jd.AbruptQPC(L, n_modes=4)
    energies = [0.37, 0.93, 1.3, 2.5, 3.7, 4.4, 6.2, 8.6, 9.5, 12.0, 15.3, 20.0]
    got = np.asarray(_channels(q, jnp.asarray(energies)))
    for i, E in enumerate(energies):
        k2 = np.pi**2 * E / 4
        for n in range(1, 5):
            ref = slab_transmission(k2 - (np.pi * n / 2) ** 2,
                                    complex(mp_averaged_wavevector(n, E)), L)
            assert abs(got[i, n - 1] - ref) <= 1e-12 * ref + 1e-300, (E, n)


@pytest.mark.parametrize("L", [0.7, 2.0, 5.0])
def test_channel_transmission_threshold_limit(L):
    """At K_n = 0 (E = n²): T_n = [2Re𝒦/(|𝒦||2 − i𝒦L|)]², and T_n is continuous there."""
    q = jd.AbruptQPC(L, n_modes=4)
    for n in range(1, 5):
        E = float(n * n)
        cal_k = complex(mp_averaged_wavevector(n, E))
        ref = (2 * cal_k.real / (abs(cal_k) * abs(2 - 1j * cal_k * L))) ** 2
        at = float(_channels(q, E)[n - 1])
        assert abs(at - ref) <= 1e-12 * ref
        side = np.asarray(_channels(q, jnp.array([E - 1e-8, E + 1e-8])))[:, n - 1]
        assert np.all(np.abs(side - ref) < 3e-8)  # |T_n'| δE with T_n' = O(1)
        assert abs(side.mean() - ref) <= 1e-11 * ref  # T_n is smooth through its own threshold


# --- bounds, steps, plateaus ------------------------------------------------------------------


@pytest.mark.parametrize("L", [0.2, 1.0, 2.0, 8.0, 40.0])
def test_channel_transmissions_bounded(L):
    """0 ≤ T_n ≤ 1 for every channel on a dense grid (below and inside the model's range)."""
    q = jd.AbruptQPC(L, n_modes=8)
    E = jnp.linspace(-2.0, 64.0, 20001)
    Tn = np.asarray(_channels(q, E))
    assert np.all(np.isfinite(Tn))
    assert Tn.min() >= 0.0 and Tn.max() <= 1.0 + 1e-12
    assert np.all(Tn[np.asarray(E) <= 0] == 0.0)
    # each channel opening below 64 reaches full transmission (resonance or plateau)
    assert np.all(Tn[:, :7].max(axis=0) > 0.999)


@pytest.mark.parametrize("L", [0.5, 1.0, 2.0, 4.0])
def test_steps_and_plateaus(L):
    """T crosses n − ½ within a quarter plateau above E = n²; plateau means are n within 4 %."""
    q = jd.AbruptQPC(L, n_modes=6)
    E = np.linspace(0.0, 26.0, 26001)
    T = np.asarray(_total(q, jnp.asarray(E)))
    for n in range(1, 6):
        cross = first_crossing(E, T, n - 0.5)
        assert n * n <= cross <= n * n + 0.25 * (2 * n + 1), (n, cross)
        assert T[np.searchsorted(E, n * n - 0.3)] < n - 0.5  # still closed just below
    for n in range(1, 5):
        middle = (E >= n * n + 0.3 * (2 * n + 1)) & (E <= (n + 1) ** 2 - 0.1 * (2 * n + 1))
        assert abs(T[middle].mean() - n) < 0.04 * n, (n, T[middle].mean())


def test_fabry_perot_ripples():
    """T is monotone up to Fabry–Perot dips, which vanish for a short constriction and grow with L."""
    E = jnp.linspace(0.0, 16.0, 16001)
    dips = []
    for L in (0.5, 1.0, 2.0, 4.0):
        T = np.asarray(_total(jd.AbruptQPC(L, n_modes=6), E))
        dips.append(np.max(np.maximum.accumulate(T) - T))
    assert dips[0] < 0.05 and dips[2] < 0.35
    assert np.all(np.diff(dips) > 0)


def test_default_model_complete():
    """No truncation below n_modes²: channel n is exactly closed (Re𝒦_n = 0) for k < Q_{n−1}."""
    E = jnp.linspace(0.01, 24.9, 3001)
    Tn = np.asarray(_channels(jd.AbruptQPC(n_modes=8), E))
    assert np.all(Tn[:, 6:] == 0.0)
    np.testing.assert_allclose(_total(jd.AbruptQPC(n_modes=6), E), Tn.sum(axis=1), rtol=1e-14)


# --- comparison with Kwant (acceptance) -------------------------------------------------------


def test_against_kwant():
    """Step positions within 7 % and plateau means within 0.03 of the tight-binding result."""
    data = np.loadtxt(DATA, delimiter=",", skiprows=1)
    E_k, T_k = data[:, 0], data[:, 1]
    # the reference data are what data/README.md says they are
    np.testing.assert_allclose(
        [first_crossing(E_k, T_k, lv) for lv in (0.5, 1.5, 2.5)], [1.103, 4.229, 9.270], atol=1e-3
    )
    E = np.linspace(0.5, 10.0, 9501)
    T = np.asarray(_total(QPC, jnp.asarray(E)))
    for level, expected in [(0.5, 1.168), (1.5, 4.243), (2.5, 9.297)]:
        model, kwant = first_crossing(E, T, level), first_crossing(E_k, T_k, level)
        assert abs(model / kwant - 1) < 0.07, (level, model, kwant)
        assert abs(model - expected) < 2e-3  # the approximation's own documented values
    T_at_k = np.asarray(_total(QPC, jnp.asarray(E_k)))
    for lo, hi in [(2.0, 3.8), (5.5, 8.5)]:
        sel = (E_k >= lo) & (E_k <= hi)
        assert abs(T_at_k[sel].mean() - T_k[sel].mean()) < 0.03


# --- derivatives ------------------------------------------------------------------------------
#
# T, T' and T'' come from one jitted call of `jd.derivative` on a fixed-size array (compiling
# the second derivative of the mode-matching formula is the expensive part of this file).

_NODES = 2048
_H = 1e-5  # finite-difference step in E
_THRESHOLDS = np.arange(0, 12) ** 2.0
_SMOOTH = np.array([0.6, 1.1, 2.7, 4.3, 6.6, 9.4, 12.0, 17.5, 22.2, 28.9])  # away from m²


@jax.jit
def _t012(qpc, E):
    return jnp.stack([jd.derivative(qpc, E, n) for n in range(3)])


def _derivatives(E):
    """(T, T', T'') of the default QPC at the points E (padded to the compiled size)."""
    E = np.asarray(E, dtype=float)
    assert E.size <= _NODES
    padded = np.concatenate([E, np.full(_NODES - E.size, 1.5)])
    return np.asarray(_t012(QPC, jnp.asarray(padded)))[:, : E.size]


def test_derivatives_finite_everywhere():
    """T, T', T'' finite on a dense grid, exactly at every threshold E = m² and below the band."""
    E = np.concatenate([np.linspace(-3.0, 120.0, 1231), _THRESHOLDS, [-1e-3, -1.0]])
    d = _derivatives(E)
    assert np.all(np.isfinite(d))
    np.testing.assert_array_equal(d[:, -2:], 0.0)  # T ≡ 0 below the band bottom
    # T' is continuous through the thresholds (the singularity is (E − m²)^{3/2})
    for m in range(1, 6):
        near = _derivatives([m * m - 1e-7, m * m, m * m + 1e-7])[1]
        np.testing.assert_allclose(near, near[1], rtol=1e-5)


def test_derivatives_match_finite_differences():
    """T' = 4th-order central differences of T, T'' = those of T', away from thresholds."""
    E = np.linspace(0.05, 30.0, 241)
    E = E[np.min(np.abs(np.sqrt(E)[:, None] - np.arange(7)), axis=1) > 0.01]
    E = np.concatenate([E, _SMOOTH])
    offsets = np.array([-2, -1, 1, 2]) * _H
    d = _derivatives(np.concatenate([E] + [E + o for o in offsets]))
    d = d.reshape(3, 5, E.size)  # (order, shift, point)
    stencil = np.array([1, -8, 8, -1]) / (12 * _H)
    fd1 = np.tensordot(stencil, d[0, 1:], axes=1)
    assert np.max(np.abs(d[1, 0] - fd1) / (np.abs(d[1, 0]) + 1.0)) < 1e-8
    fd2 = np.tensordot(stencil, d[1, 1:], axes=1)
    np.testing.assert_allclose(d[2, 0], fd2, rtol=1e-7, atol=1e-8)


@jax.jit
def _length_gradient(L, E):
    return jax.vmap(jax.grad(lambda L, e: jd.AbruptQPC(L)(e)), in_axes=(None, 0))(L, E)


@jax.jit
def _total_vs_length(lengths, E):
    return jax.vmap(lambda L: jd.AbruptQPC(L)(E))(lengths)


def test_gradient_in_length():
    """∂T/∂L (autodiff) = 4th-order differences, also at thresholds; vmap over L = loop."""
    E = jnp.array([0.8, 1.0, 1.3, 4.0, 6.1, 9.0])
    g = np.asarray(_length_gradient(2.0, E))
    h = 1e-3
    lengths = 2.0 + h * jnp.array([-2.0, -1.0, 1.0, 2.0])
    T = np.asarray(_total_vs_length(lengths, E))
    fd = (T[0] - 8 * T[1] + 8 * T[2] - T[3]) / (12 * h)
    assert np.all(np.abs(g - fd) <= 1e-8 * np.maximum(np.abs(g), 1e-3))
    for i, L in enumerate(lengths):
        np.testing.assert_allclose(T[i], _total(jd.AbruptQPC(L), E), rtol=1e-14)


# --- saddle point -----------------------------------------------------------------------------


def test_saddle_closed_form_and_steps():
    """T_n = 1/(1 + exp(−2π(E − E_n)/ħω_x)), E_n = V0 + ħω_y(n + ½); T = n + ½ at E_n."""
    v0, wx, wy = 0.3, 0.4, 1.5
    s = jd.SaddleQPC(v0, wx, wy, n_modes=4)
    E = np.linspace(-2.0, 9.0, 301)
    En = v0 + wy * (np.arange(4) + 0.5)
    ref = 1.0 / (1.0 + np.exp(-2 * np.pi * (E[:, None] - En) / wx))
    # rtol: a few ulp times the condition number |x| ≲ 80 of exp(−x) in the deep tails
    np.testing.assert_allclose(_channels(s, E), ref, rtol=5e-14, atol=1e-300)
    np.testing.assert_allclose(_total(s, E), ref.sum(axis=1), rtol=5e-14, atol=1e-300)
    np.testing.assert_allclose(s.thresholds(), En, rtol=1e-15)
    # well-separated steps (ω_x ≪ ω_y): T = n + ½ at the n-th threshold, plateau n between
    np.testing.assert_allclose(_total(s, En), np.arange(4) + 0.5, atol=1e-6)
    np.testing.assert_allclose(_total(s, En[:-1] + wy / 2), np.arange(1, 4), atol=1e-4)
    # slope at a threshold: 2π/(4ħω_x)
    np.testing.assert_allclose(jax.grad(lambda e: s(e))(En[1]), np.pi / (2 * wx), rtol=1e-6)


def test_saddle_parameter_gradients():
    """Gradients with respect to v0, ω_x, ω_y agree with central differences."""
    E = 2.1

    def f(p):
        return jd.SaddleQPC(p[0], p[1], p[2], n_modes=3)(E)

    p = jnp.array([0.3, 0.4, 1.5])
    g = jax.jit(jax.grad(f))(p)
    h = 2e-4
    steps = np.array([-2.0, -1.0, 1.0, 2.0])
    shifts = h * (steps[:, None, None] * np.eye(3)).reshape(-1, 3)
    values = np.asarray(jax.jit(jax.vmap(f))(p + shifts)).reshape(4, 3)
    fd = np.array([1, -8, 8, -1]) @ values / (12 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-8)


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: jd.AbruptQPC(length=0.0), "length"),
        (lambda: jd.AbruptQPC(length=-2.0), "length"),
        (lambda: jd.AbruptQPC(length=float("nan")), "length"),
        (lambda: jd.AbruptQPC(n_modes=0), "n_modes"),
        (lambda: jd.AbruptQPC(n_modes=2.0), "n_modes"),
        (lambda: jd.AbruptQPC(n_modes=True), "n_modes"),
        (lambda: jd.SaddleQPC(omega_x=0.0), "omega_x"),
        (lambda: jd.SaddleQPC(omega_x=-1.0), "omega_x"),
        (lambda: jd.SaddleQPC(omega_y=0.0), "omega_y"),
        (lambda: jd.SaddleQPC(omega_y=float("nan")), "omega_y"),
        (lambda: jd.SaddleQPC(v0=float("nan")), "v0"),
        (lambda: jd.SaddleQPC(v0=float("inf")), "v0"),
        (lambda: jd.SaddleQPC(n_modes=0), "n_modes"),
    ],
)
def test_bad_arguments_raise(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_numpy_integer_mode_count():
    """A NumPy integer is a valid channel count (as in `Tabulated`)."""
    assert jd.AbruptQPC(n_modes=np.int64(3)).n_modes == 3
    assert jd.SaddleQPC(n_modes=np.int32(2)).n_modes == 2
