"""Two-terminal Landauer–Büttiker currents and dissipated powers (landauer.py, QPC Sec. 2).

Checked: the sum rule P_L + P_R = bias·I, particle–hole symmetry (P_A = 0 for constant T),
the small-bias (Eqs. 7–8) and low-temperature (Eqs. 14, 16, 17) expansions as limits of the
full integrals, the quadrature against closed forms and adaptive quadrature, the fixed sweep
grid against the per-point grid, two-terminal heat-current identities and signs, and
jit/vmap/grad against finite differences. Spin 2 and h = 1 unless stated, so
P_{L/R} ≈ T(μ̄)·bias² and P_A ≈ T'(μ̄)·bias³/3 at small bias.

Most evaluations go through a few jitted, vmapped helpers that take the transmission as a
pytree argument: one compilation per kind of transmission for the whole file.
"""

from functools import partial

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest
from scipy import integrate
from scipy.special import expit

import jaxdiss as jd

mp.mp.dps = 30

LOR = jd.Lorentzian(0.3, 0.2)
QPC = jd.AbruptQPC()
STEP = jd.SaddleQPC(v0=-1.5, omega_x=0.05, omega_y=3.0, n_modes=1)  # unit step at E = 0
FIELDS = jd.Dissipation._fields


def _constant(E):
    return 0.7 + 0.0 * E


@partial(jax.jit, static_argnames=("spin",))
def dissipation(T, mubar, bias, kT, spin=2):
    return jax.vmap(lambda m, b, t: jd.landauer_dissipation(T, m, b, t, spin=spin))(mubar, bias, kT)


@jax.jit
@partial(jax.vmap, in_axes=(0, 0, 0))
def dissipation_constant(mubar, bias, kT):
    return jd.landauer_dissipation(_constant, mubar, bias, kT)


def run(T, points, spin=2):
    """Dissipation records at rows (mubar, bias, kT), as a dict of NumPy arrays."""
    p = np.asarray(points, dtype=float)
    fn = dissipation_constant if T is _constant else partial(dissipation, T, spin=spin)
    r = fn(jnp.asarray(p[:, 0]), jnp.asarray(p[:, 1]), jnp.asarray(p[:, 2]))
    return {k: np.asarray(v) for k, v in r._asdict().items()}


@jax.jit
def low_bias(T, mubar, bias):
    return jd.low_bias_dissipation(T, mubar, bias)


@jax.jit
def transmission(T, E):
    return T(E)


@jax.jit
def low_temperature(T, mubar, bias, kT):
    return jd.low_temperature_correction(T, mubar, bias, kT)


def fermi_np(E, mu, kT):
    return expit(-(E - mu) / kT) if kT > 0 else float(E < mu) + 0.5 * float(E == mu)


def reference_moments(T_scalar, mu_left, mu_right, kT_left, kT_right=None, points=(), lower=-np.inf):
    """s∫T(f_L − f_R) and s∫E·T(f_L − f_R) by adaptive quadrature (scipy), s = 2."""
    kT_right = kT_left if kT_right is None else kT_right
    a = max(min(mu_left - 40 * kT_left, mu_right - 40 * kT_right), lower)
    b = max(mu_left + 40 * kT_left, mu_right + 40 * kT_right)
    pts = sorted({p for p in list(points) + [mu_left, mu_right] if a < p < b})

    def w(E):
        return fermi_np(E, mu_left, kT_left) - fermi_np(E, mu_right, kT_right)

    opts = dict(points=pts, epsabs=0.0, epsrel=1e-13, limit=1000)
    i0 = integrate.quad(lambda E: T_scalar(E) * w(E), a, b, **opts)[0]
    i1 = integrate.quad(lambda E: E * T_scalar(E) * w(E), a, b, **opts)[0]
    return 2 * i0, 2 * i1


# --- sum rule and symmetry --------------------------------------------------------------------

SUM_RULE_POINTS = [
    (0.1, 0.5, 0.0), (0.3, 1e-3, 0.0), (1.0, -0.7, 0.0), (1.1, 0.4, 0.0), (4.3, 2.0, 0.0),
    (0.1, 0.5, 0.04), (1.1, 0.4, 0.01), (1.1, -0.4, 0.04), (4.3, 2.0, 0.08), (6.0, 0.05, 0.3),
    (0.0, 0.0, 0.0), (0.0, 0.0, 0.1),
]


@pytest.mark.parametrize("T", [LOR, QPC], ids=["lorentzian", "abrupt-qpc"])
def test_power_sum_rule(T):
    """P_L + P_R = bias·I, P_L = μ_L I − J, P_R = J − μ_R I, P_R − P_L = P_A (zero bias: all 0)."""
    p = np.asarray(SUM_RULE_POINTS)
    r = run(T, p)
    mubar, bias = p[:, 0], p[:, 1]
    work = bias * r["current"]
    assert np.all(np.abs(r["power_left"] + r["power_right"] - work) <= 1e-12 * np.abs(work))
    np.testing.assert_allclose(r["power_total"], work, rtol=1e-15, atol=0)
    mu_l, mu_r = mubar + bias / 2, mubar - bias / 2
    scale = np.abs(mu_l * r["current"]) + np.abs(r["energy_current"]) + np.abs(work)
    current, energy = r["current"], r["energy_current"]
    assert np.all(np.abs(mu_l * current - energy - r["power_left"]) <= 1e-13 * scale)
    assert np.all(np.abs(energy - mu_r * current - r["power_right"]) <= 1e-13 * scale)
    assert np.all(np.abs(r["power_right"] - r["power_left"] - r["asymmetry"]) <= 1e-12 * np.abs(work))
    zero = bias == 0
    assert np.all(np.stack([r[k][zero] for k in FIELDS]) == 0.0)  # not NaN at zero bias
    assert np.all(r["current"][~zero] * bias[~zero] > 0)  # current follows the bias


@pytest.mark.parametrize("kT", [0.0, 0.05, 1.0])
def test_constant_transmission_is_symmetric(kT):
    """T = const: P_A = 0 to rounding, I = s·T·bias and P_L = P_R = T·bias², at any kT."""
    bias = np.array([0.01, 0.5, 3.0, -0.8])
    p = np.stack([np.array([0.2, -1.0, 5.0, 0.4]), bias, np.full(4, kT)], axis=1)
    r = run(_constant, p)
    # rounding scale of the P_A integrand s∫|E − μ̄|T|f_L − f_R|: ≈ P_T + s·T·|bias|·kT
    scale = r["power_total"] + 2 * 0.7 * np.abs(bias) * kT
    assert np.all(np.abs(r["asymmetry"]) <= 1e-14 * scale)
    np.testing.assert_allclose(r["current"], 2 * 0.7 * bias, rtol=1e-13)
    np.testing.assert_allclose(r["power_left"], 0.7 * bias**2, rtol=1e-13)
    np.testing.assert_allclose(r["power_right"], 0.7 * bias**2, rtol=1e-13)


def test_spin_factor():
    """spin = 1 halves every current and power."""
    pts = [(0.1, 0.3, 0.05), (0.4, -0.2, 0.0)]
    two, one = run(LOR, pts), run(LOR, pts, spin=1)
    for k in FIELDS:
        np.testing.assert_allclose(one[k], 0.5 * two[k], rtol=1e-15)


# --- small-bias expansion, Eqs. (7)-(8) ---------------------------------------------------------


@pytest.mark.parametrize("T, mubar", [(LOR, 0.1), (QPC, 1.1), (QPC, 4.3)],
                         ids=["lorentzian", "qpc-step-1", "qpc-step-2"])
def test_low_bias_expansion(T, mubar):
    """kT = 0: P_{L/R} ∝ bias², P_A ∝ bias³ with prefactors T(μ̄) and T'(μ̄)/3 (Eqs. 7, 8)."""
    bias = np.array([1e-4, 2e-4, 4e-4, 8e-4, 1e-5])
    p = np.stack([np.full(5, mubar), bias, np.zeros(5)], axis=1)
    r = run(T, p)
    fit = slice(0, 4)
    for key, power in [("power_left", 2), ("power_right", 2), ("asymmetry", 3)]:
        slope = np.polyfit(np.log(bias[fit]), np.log(np.abs(r[key][fit])), 1)[0]
        assert abs(slope - power) < 1e-3, (key, slope)
    # the next order is a relative (T'/T)·bias/6 for P_{L/R} and O(bias²) for P_A
    eq7 = low_bias(T, mubar, 1e-5)
    np.testing.assert_allclose(r["power_left"][4], eq7.power, rtol=1e-4)
    np.testing.assert_allclose(r["power_right"][4], eq7.power, rtol=1e-4)
    eq8 = low_bias(T, mubar, 1e-4)
    np.testing.assert_allclose(r["asymmetry"][0], eq8.asymmetry, rtol=1e-4)
    # the prefactors are T(μ̄) and T'(μ̄)/3 (T' here by 4th-order differences)
    h = 1e-4
    t = np.asarray(transmission(T, mubar + h * jnp.array([0.0, -2.0, -1.0, 1.0, 2.0])))
    T1 = (t[1] - 8 * t[2] + 8 * t[3] - t[4]) / (12 * h)
    np.testing.assert_allclose(eq7.power, t[0] * 1e-10, rtol=1e-14)
    np.testing.assert_allclose(eq8.asymmetry, T1 * 1e-12 / 3, rtol=1e-8)


def test_zero_bias_derivatives_at_zero_temperature():
    """Autodiff at bias = 0, kT = 0: the conductance dI/dbias = sT(μ̄) and d²P_L/dbias² = sT(μ̄)."""
    mubar = 0.1

    def field(name):
        return lambda b: getattr(jd.landauer_dissipation(LOR, mubar, b, 0.0), name)

    @jax.jit
    @jax.vmap
    def derivatives(b):
        return jax.grad(field("current"))(b), jax.jacfwd(jax.jacfwd(field("power_left")))(b)

    g1, g2 = derivatives(jnp.array([0.0, 1e-9, -1e-9]))
    T0 = 0.04 / 0.08  # T(0.1) of Lorentzian(0.3, 0.2)
    np.testing.assert_allclose(g1, 2 * T0, rtol=1e-12)
    np.testing.assert_allclose(g2, 2 * T0, rtol=1e-7)


# --- low-temperature expansion, Eqs. (14), (16), (17) -------------------------------------------


@pytest.mark.parametrize(
    "T, mubar, bias",
    [(LOR, 0.1, 0.3), (jd.SaddleQPC(0.0, 0.5, 1.0, n_modes=2), 0.6, 0.4)],
    ids=["lorentzian", "saddle"],
)
def test_low_temperature_correction(T, mubar, bias):
    """ΔP_{L,R}(kT) = P(kT) − P(0) → Eqs. (14), (16); the error shrinks like kT⁴ (÷16 per halving)."""
    kTs = np.array([0.01, 0.005, 0.0025])
    p = np.array([(mubar, bias, kT) for kT in np.concatenate([[0.0], kTs])])
    r = run(T, p)
    errors = []
    for i, kT in enumerate(kTs, start=1):
        c = low_temperature(T, mubar, bias, kT)
        dl, dr = r["power_left"][i] - r["power_left"][0], r["power_right"][i] - r["power_right"][0]
        errors.append([dl - float(c.delta_left), dr - float(c.delta_right)])
        # the correction is the leading term: its relative error is O(kT²), 5 % at kT = 0.01
        assert abs(errors[-1][0]) < 0.05 * (kT / 0.01) ** 2 * abs(dl)
        assert abs(errors[-1][1]) < 0.05 * (kT / 0.01) ** 2 * abs(dr)
    errors = np.abs(np.array(errors))
    ratios = errors[:-1] / errors[1:]
    assert np.all((ratios > 13.0) & (ratios < 17.0)), ratios
    assert np.all((ratios[-1] > 15.5) & (ratios[-1] < 16.5)), ratios


def test_step_temperature_correction():
    """A unit step between μ_R and μ_L: ΔP_{L/R} = ∓(π²/3)kT² (Eq. 17), for every bias."""
    rows = [(0.0, b, kT) for b in (0.6, 1.0, 1.4) for kT in (0.0, 0.01, 0.02)]
    r = run(STEP, rows)
    for j in range(0, len(rows), 3):
        for i, kT in ((j + 1, 0.01), (j + 2, 0.02)):
            c = jd.step_temperature_correction(kT)
            np.testing.assert_allclose(c.delta_left, -np.pi**2 / 3 * kT**2, rtol=1e-15)
            delta_l = r["power_left"][i] - r["power_left"][j]
            delta_r = r["power_right"][i] - r["power_right"][j]
            np.testing.assert_allclose(delta_l, c.delta_left, rtol=1e-6)
            np.testing.assert_allclose(delta_r, c.delta_right, rtol=1e-6)
    # Eqs. (14), (16) reduce to Eq. (17) for this step
    general = low_temperature(STEP, 0.0, 1.0, 0.02)
    np.testing.assert_allclose(general.delta_right, jd.step_temperature_correction(0.02).delta_right,
                               rtol=1e-12)


# --- quadrature accuracy ------------------------------------------------------------------------


def lorentzian_exact(eps0, gamma, mubar, bias):
    """kT = 0 closed forms (30 digits): I = 2γ[atan]_{μR}^{μL}, ∫(E − μ̄)T from the log."""
    eps0, gamma, mubar, bias = (mp.mpf(x) for x in (eps0, gamma, mubar, bias))
    mu_l, mu_r = mubar + bias / 2, mubar - bias / 2
    m0 = gamma * (mp.atan((mu_l - eps0) / gamma) - mp.atan((mu_r - eps0) / gamma))
    m1 = gamma**2 / 2 * mp.log(((mu_l - eps0) ** 2 + gamma**2) / ((mu_r - eps0) ** 2 + gamma**2))
    m1 += (eps0 - mubar) * m0
    return {
        "current": 2 * m0,
        "power_left": 2 * (bias / 2 * m0 - m1),
        "power_right": 2 * (m1 + bias / 2 * m0),
        "asymmetry": 4 * m1,
    }


@pytest.mark.parametrize(
    "eps0, gamma, mubar, bias",
    [(0.3, 0.2, 0.1, 0.5), (0.3, 0.2, 1.0, -0.7), (0.3, 0.2, 0.35, 3.0), (0.0, 1e-3, 0.05, 0.2),
     (0.0, 1e-3, 0.0015, 0.004)],
)
def test_lorentzian_zero_temperature_closed_form(eps0, gamma, mubar, bias):
    """kT = 0: every field equals the arctan/log closed form to 1e-12 (incl. a narrow resonance)."""
    r = run(jd.Lorentzian(eps0, gamma), [(mubar, bias, 0.0)])
    exact = lorentzian_exact(eps0, gamma, mubar, bias)
    for key, value in exact.items():
        assert abs(r[key][0] - float(value)) <= 1e-12 * abs(float(value)), key


@pytest.mark.parametrize("mubar, bias, kT", [(0.1, 0.5, 0.05), (0.3, 0.1, 0.02), (1.0, -0.7, 0.3),
                                             (-0.5, 0.2, 0.01)])
def test_lorentzian_finite_temperature_quadrature(mubar, bias, kT):
    """kT > 0: current, energy current and P_A equal adaptive quadrature to 1e-10."""
    r = run(LOR, [(mubar, bias, kT)])
    ref_i, ref_j = reference_moments(lambda E: float(LOR(E)), mubar + bias / 2,
                                     mubar - bias / 2, kT, points=[0.3])
    assert abs(r["current"][0] / ref_i - 1) < 1e-10
    assert abs(r["energy_current"][0] - ref_j) < 1e-10 * (abs(ref_j) + abs(mubar * ref_i))
    asym = 2 * (ref_j - mubar * ref_i)
    assert abs(r["asymmetry"][0] - asym) < 1e-10 * abs(bias * ref_i)


_qpc_scalar = jax.jit(lambda E: QPC(E))


@pytest.mark.parametrize("mubar, bias, kT", [(1.0, 0.3, 0.0), (4.0, 0.5, 0.04), (2.0, 2.5, 0.08),
                                             (0.2, 0.6, 0.1), (8.9, 1.0, 0.0)])
def test_abrupt_qpc_quadrature(mubar, bias, kT):
    """AbruptQPC: current and P_A equal scipy quad with breakpoints at the thresholds to 1e-9."""
    r = run(QPC, [(mubar, bias, kT)])
    ref_i, ref_j = reference_moments(lambda E: float(_qpc_scalar(E)), mubar + bias / 2,
                                     mubar - bias / 2, kT, points=[m * m for m in range(12)],
                                     lower=0.0)
    assert abs(r["current"][0] / ref_i - 1) < 1e-9
    asym = 2 * (ref_j - mubar * ref_i)
    assert abs(r["asymmetry"][0] - asym) < 1e-9 * abs(asym)


def test_fixed_grid_matches_per_point_grid():
    """A sweep-wide `fixed_grid` gives the per-point results to 1e-10 relative (AbruptQPC, kT = 0.04)."""
    points = np.array([(0.5, 0.2), (1.0, 0.5), (4.0, 1.0), (6.5, 0.1), (9.0, 2.0), (1.0, -0.4),
                       (3.0, 1e-3), (1.2, 0.05)])
    kT = 0.04
    grid = jd.fixed_grid(QPC, -2.0, 14.0, kT)
    fixed = jax.jit(jax.vmap(lambda m, b: jd.landauer_dissipation(QPC, m, b, kT, grid=grid)))
    r_fixed = {k: np.asarray(v) for k, v in fixed(points[:, 0], points[:, 1])._asdict().items()}
    r_point = run(QPC, np.column_stack([points, np.full(len(points), kT)]))
    for k in FIELDS:
        np.testing.assert_allclose(r_fixed[k], r_point[k], rtol=1e-10, atol=0, err_msg=k)


# --- two-terminal currents ----------------------------------------------------------------------


@jax.jit
def currents(T, mu_l, mu_r, kT_l, kT_r):
    return jd.two_terminal_currents(T, mu_l, mu_r, kT_l, kT_r)


def test_two_terminal_identities():
    """heat_R − heat_L = (μ_L − μ_R)I; J by quadrature at kT_L ≠ kT_R; = landauer at equal kT."""
    mu_l, mu_r, kT_l, kT_r = 0.45, 0.1, 0.08, 0.02
    c = currents(LOR, mu_l, mu_r, kT_l, kT_r)
    ref_i, ref_j = reference_moments(lambda E: float(LOR(E)), mu_l, mu_r, kT_l, kT_r, points=[0.3])
    np.testing.assert_allclose(c.particle_current, ref_i, rtol=1e-10)
    np.testing.assert_allclose(c.energy_current, ref_j, rtol=1e-10)
    np.testing.assert_allclose(c.heat_right - c.heat_left, (mu_l - mu_r) * c.particle_current,
                               rtol=1e-13)
    np.testing.assert_allclose(c.heat_left, c.energy_current - mu_l * c.particle_current, rtol=1e-12)
    # equal temperatures: the heat currents are −P_L and P_R
    c = currents(LOR, mu_l, mu_r, 0.05, 0.05)
    d = run(LOR, [(0.5 * (mu_l + mu_r), mu_l - mu_r, 0.05)])
    np.testing.assert_allclose(c.particle_current, d["current"][0], rtol=1e-14)
    np.testing.assert_allclose(c.energy_current, d["energy_current"][0], rtol=1e-14)
    np.testing.assert_allclose(-c.heat_left, d["power_left"][0], rtol=1e-12)
    np.testing.assert_allclose(c.heat_right, d["power_right"][0], rtol=1e-12)


@pytest.mark.parametrize("T", [LOR, QPC], ids=["lorentzian", "abrupt-qpc"])
def test_heat_flows_from_hot_to_cold(T):
    """Equal μ, kT_L ≠ kT_R: heat leaves the hot reservoir and enters the cold one."""
    mu = 0.35 if T is LOR else 1.1
    hot_left = currents(T, mu, mu, 0.1, 0.02)
    hot_right = currents(T, mu, mu, 0.02, 0.1)
    assert hot_left.heat_left > 0 and hot_left.heat_right > 0
    assert hot_right.heat_left < 0 and hot_right.heat_right < 0
    np.testing.assert_allclose(hot_left.heat_left, hot_left.heat_right, rtol=1e-14)


def test_onsager_reciprocity():
    """Linear response at equilibrium: kT·∂I/∂kT_L = ∂(heat_left)/∂μ_L (both = s∫(E − μ)T(−f′))."""
    mu, kT = 0.25, 0.1

    @jax.jit
    def jacobian(x):  # x = (μ_L, μ_R, kT_L, kT_R)
        return jax.jacfwd(lambda y: jnp.stack(jd.two_terminal_currents(LOR, *y)))(x)

    jac = np.asarray(jacobian(jnp.array([mu, mu, kT, kT])))
    dI_dkT, dQ_dmu = jac[0, 2], jac[2, 0]
    E = np.linspace(mu - 40 * kT, mu + 40 * kT, 200001)
    integrand = 2 * (E - mu) * np.asarray(LOR(E)) * 0.25 / kT / np.cosh((E - mu) / (2 * kT)) ** 2
    expected = integrate.simpson(integrand, x=E)
    np.testing.assert_allclose(kT * dI_dkT, dQ_dmu, rtol=1e-10)
    np.testing.assert_allclose(dQ_dmu, expected, rtol=1e-8)


# --- jit, vmap, grad ----------------------------------------------------------------------------

_STENCIL = np.array([1.0, -8.0, 8.0, -1.0]) / 12.0
_STEPS = np.array([-2.0, -1.0, 1.0, 2.0])


def _lorentzian_fields(p):
    mubar, bias, kT, eps0, gamma = p
    return jnp.stack(jd.landauer_dissipation(jd.Lorentzian(eps0, gamma), mubar, bias, kT))


def _qpc_fields(p):
    mubar, bias, kT, length = p
    return jnp.stack(jd.landauer_dissipation(jd.AbruptQPC(length), mubar, bias, kT))


def _jacobian_and_batch(fields, reverse_jacobian=True):
    """One compilation: derivatives at p0 and the fields on a batch of points.

    With `reverse_jacobian` the full Jacobian by reverse mode (one jax.grad per field);
    otherwise jax.grad of Σ_f fields_f/|fields_f(p0)| (cheaper to compile for the QPC), so
    that every field's gradient enters at its own relative scale.
    """

    def derivatives(p0):
        if reverse_jacobian:
            return jax.jacrev(fields)(p0)
        weights = 1.0 / jnp.abs(jax.lax.stop_gradient(fields(p0)))
        return jax.grad(lambda p: jnp.sum(weights * fields(p)))(p0)[None, :]

    return jax.jit(lambda p0, batch: (derivatives(p0), jax.vmap(fields)(batch)))


_LORENTZIAN_JB = _jacobian_and_batch(_lorentzian_fields)
_QPC_JB = _jacobian_and_batch(_qpc_fields, reverse_jacobian=False)


def check_against_finite_differences(jac_and_batch, p0, h, columns):
    """Reverse-mode derivatives vs 4th-order central differences, to 1e-8 of each row's largest."""
    p0 = np.asarray(p0, dtype=float)
    # every parameter gets a row block (one compiled batch size); excluded ones are not moved
    shifted = np.array([p0] + [p0 + s * h * np.eye(p0.size)[c] * (c in columns)
                               for c in range(p0.size) for s in _STEPS])
    jac, values = (np.asarray(x) for x in jac_and_batch(p0, shifted))
    at_p0, values = values[0], values[1:].reshape(p0.size, 4, -1)[columns]
    fd = np.einsum("s,csf->fc", _STENCIL, values) / h
    if jac.shape[0] == 1:  # the weighted sum of the fields
        fd = np.sum(fd / np.abs(at_p0)[:, None], axis=0, keepdims=True)
    for f in range(jac.shape[0]):
        scale = np.max(np.abs(jac[f, columns]))
        np.testing.assert_allclose(jac[f, columns], fd[f], rtol=0, atol=1e-8 * scale,
                                   err_msg=FIELDS[f])


def test_gradients_lorentzian():
    """∂/∂(μ̄, bias, kT, ε0, γ) of every field = finite differences, at kT > 0 and at kT = 0."""
    check_against_finite_differences(_LORENTZIAN_JB, [0.2, 0.4, 0.05, 0.3, 0.2], 2.5e-4,
                                     columns=[0, 1, 2, 3, 4])
    # kT = 0: no difference across kT (kT < 0 is invalid); the kT column is the zero gradient
    check_against_finite_differences(_LORENTZIAN_JB, [0.2, 0.4, 0.0, 0.3, 0.2], 1e-3,
                                     columns=[0, 1, 3, 4])


def test_gradients_abrupt_qpc():
    """∂/∂(μ̄, bias, kT, L) for the AbruptQPC on its first step, at kT > 0 and at kT = 0."""
    check_against_finite_differences(_QPC_JB, [1.1, 0.4, 0.04, 2.0], 2.5e-4, columns=[0, 1, 2, 3])
    check_against_finite_differences(_QPC_JB, [1.1, 0.4, 0.0, 2.0], 1e-3, columns=[0, 1, 3])


def test_vmap_matches_single_points():
    """A vmapped batch of operating points equals one jitted call per point."""
    pts = np.array([(0.1, 0.5, 0.0), (1.1, 0.4, 0.04), (-0.3, -2.0, 0.08)])
    batched = run(LOR, pts)
    single = jax.jit(lambda m, b, t: jd.landauer_dissipation(LOR, m, b, t))
    for i, (m, b, t) in enumerate(pts):
        r = single(m, b, t)
        for k in FIELDS:
            np.testing.assert_allclose(batched[k][i], getattr(r, k), rtol=1e-14, atol=1e-300)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, -0.01), "kT"),
        (lambda: jd.landauer_dissipation(LOR, float("nan"), 0.2, 0.0), "mubar"),
        (lambda: jd.landauer_dissipation(LOR, float("inf"), 0.2, 0.0), "mubar"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, float("nan"), 0.0), "bias"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, -float("inf"), 0.0), "bias"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, float("nan")), "kT"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, 0.0, spin=3), "spin"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, 0.0, spin=0), "spin"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, 0.0, spin=1.5), "spin"),
        (lambda: jd.two_terminal_currents(LOR, float("nan"), 0.0, 0.1), "mu_left"),
        (lambda: jd.two_terminal_currents(LOR, 0.1, 0.0, 0.1, -0.1), "kT_right"),
        (lambda: jd.two_terminal_currents(LOR, 0.1, 0.0, -0.1), "kT_left"),
        (lambda: jd.low_bias_dissipation(LOR, 0.1, float("nan")), "bias"),
        (lambda: jd.low_bias_dissipation(LOR, 0.1, 0.2, spin=4), "spin"),
        (lambda: jd.low_temperature_correction(LOR, 0.1, 0.2, -1.0), "kT"),
        (lambda: jd.step_temperature_correction(-1.0), "kT"),
        (lambda: jd.landauer_dissipation(LOR, jnp.array([0.1, 0.2]), 0.2, 0.0), "mubar"),
        (lambda: jd.landauer_dissipation(LOR, 0.1, 0.2, jnp.array([0.0, 0.1])), "kT"),
        (lambda: jd.two_terminal_currents(LOR, 0.1, jnp.zeros(3), 0.1), "mu_right"),
        (lambda: jd.fixed_grid(QPC, 0.0, 5.0, 0.0), "kT_min"),
        (lambda: jd.fixed_grid(QPC, 5.0, 0.0, 0.1), "e_max"),
    ],
)
def test_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_traced_negative_temperature_raises():
    """Under jit the kT check survives as a runtime error naming the argument."""
    with pytest.raises(Exception, match="kT"):
        jax.block_until_ready(dissipation(LOR, jnp.array([0.1]), jnp.array([0.2]), jnp.array([-0.1])))


def test_symmetric_window_equals_fermi_window_with_full_precision():
    """The two-exponential equal-temperature window used by `landauer_dissipation` equals
    f_L − f_R (mpmath, 60 digits) to 1e-14 relative, in the tails and at tiny bias."""
    import mpmath

    from jaxdiss.landauer import _symmetric_window

    with mpmath.workdps(60):  # f_L − f_R ~ 1e-21 next to f ~ 1: needs > 40 digits
        cases = [(0.3, 0.2, 0.05), (0.3, 1e-9, 0.05), (0.3, -0.4, 0.02), (2.0, 3.0, 0.5)]
        for mubar, bias, kT in cases:
            E = np.array([mubar - 30 * kT, mubar - bias / 2, mubar + 0.1 * kT, mubar + 7 * kT,
                          mubar + 35 * kT, mubar + abs(bias) / 2 + 1e-3])
            got = np.asarray(_symmetric_window(jnp.asarray(E), mubar, bias, kT))
            for e, g in zip(E, got):
                ml = mpmath.mpf(mubar) + mpmath.mpf(bias) / 2
                mr = mpmath.mpf(mubar) - mpmath.mpf(bias) / 2
                ref = 1 / (mpmath.exp((mpmath.mpf(e) - ml) / kT) + 1) - 1 / (mpmath.exp((mpmath.mpf(e) - mr) / kT) + 1)
                assert abs(g - float(ref)) <= 1e-14 * abs(float(ref)) * (1 + abs(e - mubar) / kT), (mubar, bias, kT, e)
    # zero temperature: the box, with 1/2 on its edges
    E = jnp.array([-1.0, -0.1, 0.0, 0.1, 1.0])
    np.testing.assert_array_equal(np.asarray(_symmetric_window(E, 0.0, 0.2, 0.0)), [0, 0.5, 1, 0.5, 0])
    np.testing.assert_array_equal(np.asarray(_symmetric_window(E, 0.0, -0.2, 0.0)), [0, -0.5, -1, -0.5, 0])
