"""Scatterer between dissipative electrodes with a constant mean free path (EL paper, exact):
`jaxdiss.solve_electrodes`, `jaxdiss.bias_for_current_density`.

Units: natural Gaussian units (e = m = ħ = A = ε = 1), μ0 = 1, ℓ = 1 unless stated;
T(ε) = γ²/((ε − ε0)² + γ²) of the total energy ε from the midpoint. Each tolerance is
stated next to its assertion with what limits it.

Compilation budget (XLA compiles are the cost here): one unbatched solve (shared by every
unbatched call, including screening = None, k_s = ∞ and kT = 0, which are traced values of
one program), one jit(vmap) batch (every batched solve, the finite-difference stencils
included, goes through `_batch` in a single call), one jit(vmap(jacfwd)), one profile
program for each of two array shapes, one profile-derivative program, and the Newton core
of the inverse problem with one forward-mode derivative of it.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import quad

import jaxdiss as jd
from jaxdiss.electrodes import bias_for_current_density, solve_electrodes

NAN = float("nan")
# (eps0, gamma, eV, kT, ell, L, k_s (NaN: Eq. A4), eps_B)
POINTS = {
    "heat_left": (1.44, 0.08, 0.2, 0.3, 1.0, 0.3, 0.5, 2.0),     # heating spot, left
    "unit": (1.44, 0.08, 0.2, 0.3, 1.0, 0.3, 1.0, 2.0),          # k_s ℓ = 1: spot right
    "cool_left": (1.44, 0.08, 0.2, 0.3, 1.0, 0.3, 2.0, 2.0),     # cooling spot, left
    "metal": (1.44, 0.08, 0.2, 0.3, 1.0, 0.3, 20.0, 2.0),        # k_s ℓ ≫ 1
    "a4": (1.0, 0.3, -0.3, 0.1, 2.0, 0.5, NAN, 1.0),             # eV < 0, k_s from A4
    "cold": (1.2, 0.4, 0.15, 0.0, 1.5, 0.2, 3.0, 2.0),           # kT = 0 exactly
    "weak": (1.1, 0.5, 0.1, 0.2, 1.0, 0.4, 0.3, 1.0),            # k_s ℓ < 1
    "strong": (1.44, 0.08, 0.2, 0.3, 1.0, 0.3, np.inf, 2.0),     # strong Coulomb
}
# derivative checks (spots exist in the first three), with the relative step H
STENCIL = ("heat_left", "unit", "cool_left", "cold", "strong")
H = 1e-5


def _T(p):
    return jd.Lorentzian(p[0], p[1])


def _kw(p):
    ks = p[6]
    return dict(mean_free_path=p[4], scatterer_length=p[5],
                screening=None if np.isnan(ks) else ks, permittivity_scatterer=p[7])


def _solve(p):
    return solve_electrodes(_T(p), p[2], p[3], **_kw(p))


def _point(row):
    """Batched program: a solve from one row (eps0, gamma, eV, kT, ell, L, k_s, eps_B)."""
    sol = solve_electrodes(jd.Lorentzian(row[0], row[1]), row[2], row[3],
                           mean_free_path=row[4], scatterer_length=row[5], screening=row[6],
                           permittivity_scatterer=row[7])
    return dict(j=sol.current_density, nuL=sol.nu_left, nuR=sol.nu_right,
                PuL=sol.power_flow_left, PuR=sol.power_flow_right, PfL=sol.power_field_left,
                PfR=sol.power_field_right, NL=sol.dipole_left, zL=sol.spot_left,
                zR=sol.spot_right, kL=sol.spot_kind_left, kR=sol.spot_kind_right)


_VARS = (4, 6, 3, 2)     # ℓ, k_s, kT, eV: the derivative variables (row indices)


def _rows():
    """Every batched row: the finite-k_s points, then ± steps of each derivative variable."""
    base = [POINTS[k] for k in POINTS if np.isfinite(POINTS[k][6])]
    rows = list(base)
    for k in STENCIL:
        for v in _VARS:
            for s in (1.0, -1.0):
                r = list(POINTS[k])
                r[v] *= 1.0 + s * H       # kT = 0 stays 0 (one-sided there)
                rows.append(tuple(r))
    return base, rows


@pytest.fixture(scope="module")
def solutions():
    """Unbatched solves of every point (one compiled program)."""
    return {k: _solve(p) for k, p in POINTS.items()}


@pytest.fixture(scope="module")
def batch():
    """One jit(vmap) call over all batched rows."""
    base, rows = _rows()
    out = jax.jit(jax.vmap(_point))(jnp.asarray(rows))
    return base, rows, {k: np.asarray(v) for k, v in out.items()}


# ---------------------------------------------------------------- profile helpers
def _derivs(sol, z):
    """(eφ, eφ', eφ'', p^s, p^s', p^s'') at scalar z by nested forward-mode autodiff."""
    def second(f):
        def first(x):
            return jax.jvp(f, (x,), (jnp.ones_like(x),))
        (v, d1), (_, d2) = jax.jvp(first, (z,), (jnp.ones_like(z),))
        return v, d1, d2
    return (*second(lambda x: sol.at(x).potential_energy),
            *second(lambda x: sol.at(x).power))


_DERIVS = jax.jit(jax.vmap(_derivs, in_axes=(None, 0)))
_NDER = 512        # every call of _DERIVS uses this shape (one compilation)


def _derivatives(sol, z):
    z = np.asarray(z, dtype=float)
    out = []
    for k in range(0, z.size, _NDER):
        chunk = z[k:k + _NDER]
        pad = np.concatenate([chunk, np.full(_NDER - chunk.size, chunk[-1])])
        vals = _DERIVS(sol, jnp.asarray(pad))
        out.append(np.stack([np.asarray(v)[:chunk.size] for v in vals]))
    return np.concatenate(out, axis=1)


def _distance_rule(sol, n_panels=48, order=16):
    """Composite Gauss–Legendre nodes/weights in the distance d ≥ 0 from the scatterer:
    geometric panels from 1e-6 of the shortest decay length to 80 of the longest (e^-80)."""
    lengths = [float(sol.mean_free_path)]
    if np.isfinite(float(sol.screening)):
        lengths.append(1.0 / float(sol.screening))
    edges = np.concatenate([[0.0], np.geomspace(1e-6 * min(lengths), 80 * max(lengths),
                                                n_panels)])
    x, w = np.polynomial.legendre.leggauss(order)
    a, b = edges[:-1, None], edges[1:, None]
    return ((a + b) / 2 + (b - a) / 2 * x).ravel(), ((b - a) / 2 * w).ravel()


def _integrated(sol):
    """A∫ over each wire of δn/A (i.e. ∫δn dz), p^u, p^f by quadrature of the profile."""
    d, w = _distance_rule(sol)
    half = 0.5 * float(sol.scatterer_length)
    z = np.concatenate([-half - d, half + d])
    prof = sol.at(jnp.asarray(z))
    n = d.size
    out = {}
    for name in ("density", "power_flow", "power_field"):
        v = np.asarray(getattr(prof, name))
        out[name] = (np.sum(w * v[:n]), np.sum(w * v[n:]))
    return out


# ---------------------------------------------------------------- velocity integrals
@pytest.mark.parametrize("name", ["heat_left", "a4", "weak"])
def test_integrals_against_adaptive_quadrature(solutions, name):
    """Every velocity integral (Eqs. 12, 26, 28, A13, the I_V of Eq. 27 and the energy-flow
    integrals of Eq. 49) against scipy.integrate.quad in the momentum, split at the Fermi
    momenta, the total-reflection threshold and the resonance (epsrel 2e-14): 1e-12
    relative (observed ≲ 3e-15; the graded Gauss–Legendre panels are converged)."""
    p = POINTS[name]
    I = solutions[name].integrals
    eps0, gamma, V, kT = p[:4]
    mu0 = 1.0

    def T(e):
        return gamma**2 / ((e - eps0) ** 2 + gamma**2)

    def f(e):
        return 0.5 * (1.0 - np.tanh((e - mu0) / (2 * kT)))

    def fp(e):
        return -0.25 / kT / np.cosh((e - mu0) / (2 * kT)) ** 2

    def side(o, left):
        top = np.sqrt(2 * (max(mu0, mu0 - 2 * o) + 45 * kT))
        th = np.sqrt(2 * max(0.0, -2 * o))
        marks = [np.sqrt(2 * mu0), np.sqrt(2 * max(mu0 - 2 * o, 0)), np.sqrt(2 * max(eps0 - o, 0))]
        pts = sorted({th, top, *[m for m in marks if th < m < top]})

        def integral(g):
            return sum(quad(g, a, b, epsabs=0, epsrel=2e-14, limit=400)[0]
                       for a, b in zip(pts[:-1], pts[1:]))

        def ek(q):
            return q * q / 2

        def W(q):        # f(ε_L^c) − f(ε_R^c), ε_R^c = ε_L^c + eV
            eL = ek(q) if left else ek(q) - V
            return f(eL) - f(eL + V)

        def Tq(q):
            return T(ek(q) + o)

        return dict(
            Tk=integral(lambda q: Tq(q) * fp(ek(q))),
            To=integral(lambda q: Tq(q) * fp(ek(q) + 2 * o)),
            TW=integral(lambda q: Tq(q) * W(q)),
            pTk=integral(lambda q: q * Tq(q) * fp(ek(q))),
            pTW=integral(lambda q: q * Tq(q) * W(q)),
            xTW=integral(lambda q: q * (ek(q) - mu0) * Tq(q) * W(q)),
            xTk=integral(lambda q: q * (ek(q) - mu0) * Tq(q) * fp(ek(q))),
            xTo=integral(lambda q: q * (ek(q) - mu0) * Tq(q) * fp(ek(q) + 2 * o)),
        )

    L, R = side(V / 2, True), side(-V / 2, False)
    F0 = quad(lambda q: fp(q * q / 2), 0, np.sqrt(2 * mu0), epsabs=0, epsrel=2e-14)[0] + \
        quad(lambda q: fp(q * q / 2), np.sqrt(2 * mu0), np.sqrt(2 * (mu0 + 45 * kT)),
             epsabs=0, epsrel=2e-14)[0]
    f0 = f(0.0)
    pairs = [(I.F0, F0 / np.pi), (I.T_LL, L["Tk"] / np.pi), (I.T_LR, L["To"] / np.pi),
             (I.T_RL, R["To"] / np.pi), (I.T_RR, R["Tk"] / np.pi), (I.T_L, -L["pTk"] / f0),
             (I.T_R, -R["pTk"] / f0), (I.alpha_V, -L["TW"] / np.pi),
             (I.beta_V, -R["TW"] / np.pi), (I.current_V, L["pTW"] / np.pi),
             (I.current_V_right, R["pTW"] / np.pi), (I.flow_W_left, L["xTW"]),
             (I.flow_LL, L["xTk"]), (I.flow_LR, L["xTo"]), (I.flow_W_right, R["xTW"]),
             (I.flow_RR, R["xTk"]), (I.flow_RL, R["xTo"]),
             (I.J0, -f0 / np.pi),
             (I.flow_K, sum(quad(lambda e: (e - mu0) * fp(e), a, b, epsabs=0, epsrel=1e-13)[0]
                            for a, b in ((0, mu0), (mu0, mu0 + 45 * kT))))]
    for k, (got, ref) in enumerate(pairs):
        assert abs(float(got) - ref) <= 1e-12 * abs(ref), (k, float(got), ref)
    # T_L^R ≠ T_R^L: the integration variable sets the 1/v factor
    assert abs(float(I.T_LR) - float(I.T_RL)) > 1e-3 * abs(float(I.T_LR))


def test_integrals_at_zero_temperature(solutions):
    """kT = 0 exactly: f' = −δ(ε − μ0) gives point values, W the box window. Against the
    closed forms (rounding, 1e-13) and scipy for the box integrals (1e-12); and kT → 0 is
    continuous: the solution at kT = 1e-3 differs by O(kT²) (< 1e-4 relative here)."""
    p = POINTS["cold"]
    sol = solutions["cold"]
    I = sol.integrals
    eps0, gamma, V = p[:3]

    def T(e):
        return gamma**2 / ((e - eps0) ** 2 + gamma**2)

    pF, pL, pR = np.sqrt(2.0), np.sqrt(2 * (1 - V)), np.sqrt(2 * (1 + V))
    closed = [(I.F0, -1 / (np.pi * pF)), (I.J0, -1 / np.pi),
              (I.T_LL, -T(1 + V / 2) / (np.pi * pF)), (I.T_LR, -T(1 - V / 2) / (np.pi * pL)),
              (I.T_RR, -T(1 - V / 2) / (np.pi * pF)), (I.T_RL, -T(1 + V / 2) / (np.pi * pR)),
              (I.T_L, T(1 + V / 2)), (I.T_R, T(1 - V / 2)), (I.flow_K, 0.0)]
    for got, ref in closed:
        assert abs(float(got) - ref) <= 1e-13 * max(abs(ref), 1.0)
    box = quad(T, 1 - V / 2, 1 + V / 2, epsabs=0, epsrel=2e-14)[0] / np.pi
    assert abs(float(I.current_V) - box) < 1e-12 * box
    alpha = -quad(lambda q: T(q * q / 2 + V / 2), pL, pF, epsabs=0, epsrel=2e-14)[0] / np.pi
    assert abs(float(I.alpha_V) - alpha) < 1e-12 * abs(alpha)
    warm = solve_electrodes(_T(p), V, 1e-3, **_kw(p))
    for name in ("current_density", "nu_left", "power_flow_right"):
        a, b = float(getattr(sol, name)), float(getattr(warm, name))
        assert abs(a - b) < 1e-4 * abs(a), name


def test_plain_callable_transmission():
    """Any jnp-traceable T works (no quadrature hints): a smooth step
    T(ε) = 0.45(1 + tanh(4(ε − 1.1))) through `electrode_integrals`, against scipy for the
    Landauer current I_V, T_L^R and T_R (1e-12 relative; observed ~1e-15)."""
    V, kT = 0.25, 0.12

    def T(e):
        return 0.45 * (1.0 + jnp.tanh(4.0 * (e - 1.1)))

    def Tn(e):
        return 0.45 * (1.0 + np.tanh(4.0 * (e - 1.1)))

    I = jd.electrode_integrals(T, V, kT)
    f = lambda e: 0.5 * (1.0 - np.tanh((e - 1.0) / (2 * kT)))  # noqa: E731
    fp = lambda e: -0.25 / kT / np.cosh((e - 1.0) / (2 * kT)) ** 2  # noqa: E731
    top = 1.0 + V + 45 * kT
    IV = quad(lambda e: Tn(e) * (f(e - V / 2) - f(e + V / 2)), V / 2, top, epsabs=0,
              epsrel=2e-14, points=[1 - V / 2, 1 + V / 2, 1.1], limit=200)[0] / np.pi
    TLR = quad(lambda p: Tn(p * p / 2 + V / 2) * fp(p * p / 2 + V), 0, np.sqrt(2 * top),
               epsabs=0, epsrel=2e-14, points=[np.sqrt(2 * (1 - V))], limit=200)[0] / np.pi
    TR = -quad(lambda e: Tn(e) * fp(e + V / 2), V / 2, top, epsabs=0, epsrel=2e-14,
               points=[1 - V / 2], limit=200)[0] / f(0.0)
    for got, ref in ((I.current_V, IV), (I.T_LR, TLR), (I.T_R, TR)):
        assert abs(float(got) - ref) < 1e-12 * abs(ref)


def test_units_and_energy_scale(solutions):
    """Prefactors: with k_s, ℓ, L given, changing A, ħ, m and e (negative charge included)
    leaves j A ħ/e, ν, P ħ, eΔφ and the spot invariant and scales 𝒩_L, q as √m/(Aħ);
    scaling every energy (μ0, kT, eV, ε0, γ) by λ = 2 scales j and ν by λ, the powers by
    λ², q and 𝒩_L by √λ and leaves the spot in place (μ0 sets the energy unit). 1e-12
    relative (observed ~1e-15; the quadrature panels scale with the arguments)."""
    p = POINTS["cool_left"]
    ref = solutions["cool_left"]
    A, hbar, m, e = 2.5, 0.7, 1.9, -1.3
    sol = solve_electrodes(_T(p), p[2], p[3], area=A, hbar=hbar, mass=m, charge=e, **_kw(p))
    lam = 2.0
    big = solve_electrodes(jd.Lorentzian(lam * p[0], lam * p[1]), lam * p[2], lam * p[3],
                           mu0=lam, **_kw(p))
    dens = np.sqrt(m) / (A * hbar)
    checks = [
        (sol.current_density * A * hbar / e, ref.current_density, big.current_density / lam),
        (sol.nu_left, ref.nu_left, big.nu_left / lam),
        (sol.nu_right, ref.nu_right, big.nu_right / lam),
        (sol.power_flow_left * hbar, ref.power_flow_left, big.power_flow_left / lam**2),
        (sol.power_field_right * hbar, ref.power_field_right, big.power_field_right / lam**2),
        (sol.potential_drop * e, ref.potential_drop, big.potential_drop / lam),
        (sol.q_left / dens, ref.q_left, big.q_left / np.sqrt(lam)),
        (sol.dipole_left / dens, ref.dipole_left, big.dipole_left / np.sqrt(lam)),
        (sol.spot_left, ref.spot_left, big.spot_left),
    ]
    for k, (a, r, b) in enumerate(checks):
        a, r, b = float(a), float(r), float(b)
        assert abs(a - r) < 1e-12 * abs(r) and abs(b - r) < 1e-12 * abs(r), (k, a, r, b)


# ---------------------------------------------------------------- the linear system
@pytest.mark.parametrize("name", ["heat_left", "unit", "a4", "cold", "weak"])
def test_linear_system_as_printed(solutions, name):
    """Independent check of the elimination: Eqs. 24, A7 (with a, b of A8, γ of A6 and ω of
    Eq. 34 as printed) and 27 assembled as one 5×5 system in (j, ν_L, ν_R, q_L, q_R) from
    the solution's integrals (A12 corrected) and solved by numpy: 1e-12 relative (observed
    ~1e-15, conditioning of the small system)."""
    p = POINTS[name]
    sol = solutions[name]
    I = sol.integrals
    F0, J0 = float(I.F0), float(I.J0)
    ks = float(sol.screening)
    ell, L, eps, epsB, e, V = p[4], p[5], 1.0, p[7], 1.0, p[2]
    coupling = 4 * np.pi * e**2 / eps if np.isnan(p[6]) else ks**2 / (2 * abs(F0))
    if np.isnan(p[6]):   # A4
        assert abs(ks - np.sqrt(coupling * 2 * abs(F0))) < 1e-14 * ks
    omega = eps * ks * L + 2 * epsB
    a = coupling / ks * ell / (ks * ell + 1) * (eps * ks * L + epsB) / omega
    b = coupling / ks * ell / (ks * ell + 1) * epsB / omega
    gj, gV = eps * L / (2 * ell * omega), epsB * V / omega
    aj, bj = F0 - 0.5 * (float(I.T_LL) + float(I.T_LR)), F0 - 0.5 * (float(I.T_RR) + float(I.T_RL))
    TL, TR = float(I.T_L), float(I.T_R)
    M = np.array([
        [-aj / J0, -float(I.T_LL), float(I.T_LR), 1, 0],
        [-bj / J0, -float(I.T_RL), float(I.T_RR), 0, 1],
        [-gj / J0, 1, 0, a, -b],
        [gj / J0, 0, 1, b, -a],
        [1 - 0.5 * (TL + TR), J0 * TL, -J0 * TR, 0, 0]])
    rhs = np.array([float(I.alpha_V), float(I.beta_V), gV, -gV, float(I.current_V)])
    scale = np.array([abs(J0), 1, 1, 1 / (2 * abs(F0)), 1 / (2 * abs(F0))])  # O(1) columns
    x = np.linalg.solve(M * scale, rhs) * scale
    got = [sol.current_density, sol.nu_left, sol.nu_right, sol.q_left, sol.q_right]
    floor = np.array([0, 1, 1, 1 / (2 * abs(F0)), 1 / (2 * abs(F0))]) * 1e-3 * abs(V)
    ref_scale = np.abs(x) + floor
    np.testing.assert_array_less(np.abs(np.array([float(g) for g in got]) - x), 1e-12 * ref_scale)
    # γ of A6 and the potential drop Δφ = V − (ν_L − ν_R)/e
    assert abs(float(sol.gamma) - (gV + x[0] / J0 * gj)) <= 1e-13 * abs(V)
    assert abs(float(sol.potential_drop) - (V - (x[1] - x[2]))) <= 1e-13 * abs(V)


# ---------------------------------------------------------------- electrostatics, profiles
@pytest.mark.parametrize("name", ["heat_left", "unit", "metal", "a4", "weak"])
def test_poisson_matching_and_gauge(solutions, name):
    """The profile solves Poisson's equation eφ'' = −(4πe²/ε)δn (A1; with k_s given,
    4πe²/ε = k_s²/(2|F0|)) in both wires, the potential inside the scatterer is linear and
    ε φ'(z_∓) = ε_B φ_B' (continuity of the displacement: A5 follows), and the profile
    returns ν_{L,R} = δμ(z_∓) − eφ(z_∓) (Eq. 5, gauge δμ(z_∓) = ±eV/2) and Δφ. Relative
    1e-12 (observed ≲ 1e-14: closed forms, autodiff derivatives)."""
    p = POINTS[name]
    sol = solutions[name]
    F0 = float(sol.integrals.F0)
    ks = float(sol.screening)
    coupling = 4 * np.pi if np.isnan(p[6]) else ks**2 / (2 * abs(F0))
    L, epsB = p[5], p[7]
    zm, zp = -L / 2, L / 2
    d = np.array([0.0, 1e-3, 0.05, 0.3, 1.0, 3.0])
    z = np.concatenate([zm - d, zp + d, [zm + 0.25 * L, 0.0, zp - 0.1 * L]])
    phi, d1, d2, *_ = _derivatives(sol, z)
    dens = np.asarray(sol.at(jnp.asarray(z)).density)
    wires = slice(0, 2 * d.size)
    scale = np.max(np.abs(coupling * dens[wires]))
    assert np.max(np.abs(d2[wires] + coupling * dens[wires])) < 1e-12 * scale
    inside = slice(2 * d.size, None)
    slope = (phi[d.size] - phi[0]) / L          # φ_B' from the two wire ends
    assert np.max(np.abs(d1[inside] - slope)) < 1e-12 * abs(slope)
    assert np.max(np.abs(d2[inside])) < 1e-10 * abs(slope)
    assert np.all(dens[inside] == 0.0)
    assert abs(d1[0] - epsB * slope) < 1e-12 * abs(slope)            # ε = 1
    assert abs(d1[d.size] - epsB * slope) < 1e-12 * abs(slope)
    prof = sol.at(jnp.array([zm, zp]))
    nu = np.asarray(prof.electrochemical) - np.asarray(prof.potential_energy)
    V = p[2]
    np.testing.assert_allclose(np.asarray(prof.electrochemical), [V / 2, -V / 2], rtol=1e-15)
    assert abs(nu[0] - float(sol.nu_left)) < 1e-13 * abs(V)
    assert abs(nu[1] - float(sol.nu_right)) < 1e-13 * abs(V)
    drop = float(prof.potential[0] - prof.potential[1])
    assert abs(drop - float(sol.potential_drop)) < 1e-13 * abs(V)


@pytest.mark.parametrize("name", ["heat_left", "unit", "a4", "cold", "weak", "strong"])
def test_neutrality_and_power_sum_rules(solutions, name):
    """Global neutrality 𝒩_L + 𝒩_R = 0 from the quadrature of the δn profile (relative to
    |𝒩_L|; exactly 0 at strong Coulomb, where δn ≡ 0), 𝒩_L = `dipole_left`; the profile
    integrates to P^u and P^f (A∫p dz); P^u_T = A j V (Eq. 48), P^f_T = A j (ν_L − ν_R)/e,
    so P^s_T = A j V_tot/e; P^f_A of Eq. 50 (with A). All 1e-12 relative (observed
    ≲ 1e-14; the quadrature in z is converged to rounding)."""
    p = POINTS[name]
    sol = solutions[name]
    A, e, V = 1.0, 1.0, p[2]
    j = float(sol.current_density)
    got = _integrated(sol)
    NL, NR = got["density"]
    if name == "strong":
        assert NL == 0.0 and NR == 0.0 and float(sol.dipole_left) == 0.0
    else:
        assert abs(NL + NR) < 1e-12 * abs(NL)
        assert abs(NL - float(sol.dipole_left)) < 1e-12 * abs(NL)
    P = abs(A * j * V / e)
    for (nL, nR), (fL, fR) in [(got["power_flow"], (sol.power_flow_left, sol.power_flow_right)),
                               (got["power_field"], (sol.power_field_left, sol.power_field_right))]:
        assert abs(A * nL - float(fL)) < 1e-12 * P and abs(A * nR - float(fR)) < 1e-12 * P
    assert abs(float(sol.power_flow_total) - A * j * V / e) < 1e-12 * P
    assert abs(float(sol.power_field_total) - A * j * float(sol.nu_left - sol.nu_right) / e) \
        < 1e-14 * P
    assert abs(float(sol.power_total) - A * j * float(sol.bias_total) / e) < 1e-12 * P
    c = -0.5 / float(sol.integrals.F0)
    y = 1.0 / (float(sol.screening) * p[4])
    eq50 = -j * A * c / (1 + y) * float(sol.q_right - sol.q_left) / e
    assert abs(float(sol.power_field_asymmetry) - eq50) < 1e-12 * P


def test_against_printed_singular_forms(solutions):
    """Away from k_s ℓ = 1 the regular forms equal the paper's: φ of A3 with A_{L,R} of A5
    (1/(k_s²ℓ² − 1) and all), and the spot of Eq. 53 with its logarithm as printed, for
    k_s ℓ = 0.3, 0.5, 0.8, 1.5, 2, 20: 1e-12 relative (observed ≲ 1e-14; the printed forms
    lose ~|k_s²ℓ² − 1|⁻¹ digits, harmless here)."""
    near = []
    for ks in (0.8, 1.5):      # 2/3 < k_s ℓ < 2: D(t) from its regular (expm1) form
        q = list(POINTS["heat_left"])
        q[6] = ks
        near.append((q, _solve(q)))
    for name, (p, sol) in [(k, (POINTS[k], solutions[k]))
                           for k in ("heat_left", "cool_left", "weak", "metal")] + \
            [(f"ks={q[6]}", (q, s)) for q, s in near]:
        F0 = float(sol.integrals.F0)
        J0 = float(sol.integrals.J0)
        ks, ell, L, epsB = float(sol.screening), p[4], p[5], p[7]
        lam = ks**2 / (2 * abs(F0))                       # 4πe²/ε (e = 1)
        x = ks * ell
        omega = ks * L + 2 * epsB
        qL, qR, gam = float(sol.q_left), float(sol.q_right), float(sol.gamma)
        AL = -gam - (1 / omega) * lam / ks * ell * (qL * (ks * L / (x**2 - 1) + epsB / (x - 1))
                                                  + qR * epsB / (x + 1))
        AR = gam + (1 / omega) * lam / ks * ell * (qL * epsB / (x + 1)
                                                 + qR * (ks * L / (x**2 - 1) + epsB / (x - 1)))
        j = float(sol.current_density)
        s = j / (2 * J0 * ell)
        V = p[2]
        zm, zp = -L / 2, L / 2
        zl = zm - np.array([0.0, 0.1, 1.0, 4.0])
        zr = zp + np.array([0.0, 0.1, 1.0, 4.0])
        phiL = AL * np.exp(ks * (zl - zm)) + s * (zl - zm) + V / 2 \
            + lam * ell**2 / (x**2 - 1) * qL * np.exp((zl - zm) / ell)
        phiR = AR * np.exp(ks * (zp - zr)) + s * (zr - zp) - V / 2 \
            - lam * ell**2 / (x**2 - 1) * qR * np.exp((zp - zr) / ell)
        got = np.asarray(sol.at(jnp.asarray(np.concatenate([zl, zr]))).potential)
        ref = np.concatenate([phiL, phiR])
        assert np.max(np.abs(got - ref)) < 1e-12 * np.max(np.abs(ref)), name
        c = 1 / (2 * abs(F0))
        for A_, Pu, q, z0, sign, spot in ((AL, sol.power_flow_left, qL, zm, 1, sol.spot_left),
                                          (AR, sol.power_flow_right, qR, zp, -1, sol.spot_right)):
            arg = sign * A_ * x**2 / (float(Pu) / j - c * x**2 / (x**2 - 1) * q)
            if np.isfinite(float(spot)):
                zbar = z0 - sign * ell / (x - 1) * np.log(arg)
                assert abs(zbar - float(spot)) < 1e-12 * abs(zbar), name


def test_removable_singularity_at_unit_screening(solutions):
    """k_s ℓ = 1 (where 1/(k_s²ℓ² − 1) appears in A3, A5, Eq. 53) is regular: every output
    is finite and smooth there — the symmetric second difference f(1 + δ) + f(1 − δ) − 2f(1)
    at δ = 1e-9 (O(δ²) for a smooth f) is below 1e-13 relative (rounding: a wrong value at
    the point itself or a jump would show at the size of the error). The switch between the
    two evaluations of D(t) at k_s ℓ = 2 passes the same test with δ = 1e-12."""
    z = jnp.array([-5.0, -1.0, -0.15, 0.15, 0.4, 2.0, 8.0])
    scalars = ("current_density", "nu_left", "nu_right", "power_flow_left",
               "power_field_right", "dipole_left", "spot_right", "spot_left")
    for name, ks0, delta in (("unit", 1.0, 1e-9), ("cool_left", 2.0, 1e-12)):
        sols = []
        for ks in (ks0 - delta, ks0, ks0 + delta):
            q = list(POINTS[name])
            q[6] = ks
            sols.append(_solve(q))
        for field in scalars:
            v = [float(getattr(s, field)) for s in sols]
            if np.isnan(v[1]):
                assert np.all(np.isnan(v)), (name, field)
                continue
            assert np.all(np.isfinite(v)), (name, field)
            assert abs(v[0] + v[2] - 2 * v[1]) < 1e-13 * abs(v[1]), (name, field, v)
        for field in ("potential", "density", "power"):
            v = [np.asarray(getattr(s.at(z), field)) for s in sols]
            assert np.all(np.isfinite(v[1]))
            assert np.max(np.abs(v[0] + v[2] - 2 * v[1])) < 1e-13 * np.max(np.abs(v[1])), \
                (name, field)


# ---------------------------------------------------------------- thermal spots
def _extrema(sol, side):
    """Stationary points of p^s on one side: sign changes of dp^s/dz on a geometric scan
    from 1e-6 to 400 from the scatterer, refined by 60 bisections (relative width ~1e-20);
    returns positions and the sign of d²p^s/dz² there."""
    half = 0.5 * float(sol.scatterer_length)
    d = np.geomspace(1e-6, 400.0, 3 * _NDER)
    z = -half - d if side < 0 else half + d
    dp = _derivatives(sol, z)[4]
    idx = np.nonzero(np.sign(dp[1:]) != np.sign(dp[:-1]))[0]
    if idx.size == 0:
        return np.array([]), np.array([])
    a, b = z[idx], z[idx + 1]
    fa = np.sign(dp[idx])
    for _ in range(60):
        m = 0.5 * (a + b)
        fm = np.sign(_derivatives(sol, m)[4])
        move = fm == fa
        a, b = np.where(move, m, a), np.where(move, b, m)
    zs = 0.5 * (a + b)
    return zs, np.sign(_derivatives(sol, zs)[5])


@pytest.mark.parametrize("name", ["heat_left", "unit", "cool_left", "metal", "a4", "weak",
                                  "strong"])
def test_spots_are_the_extrema_of_the_profile(solutions, name):
    """Eq. 53 (existence as corrected in DESIGN §4) against the numerically located extrema
    of p^s(z) (`_extrema`): the same number of spots per side (0 or 1), positions to 1e-10
    relative (observed ~1e-15: bisection to rounding), and the kind: +1 (heating) at a
    maximum (p^s'' < 0), −1 (cooling) at a minimum. No spot at strong Coulomb (App. C)."""
    sol = solutions[name]
    found = 0
    for side, spot, kind in ((-1, sol.spot_left, sol.spot_kind_left),
                             (1, sol.spot_right, sol.spot_kind_right)):
        zs, curv = _extrema(sol, side)
        assert zs.size <= 1
        if zs.size == 0:
            assert np.isnan(float(spot)) and int(kind) == 0
        else:
            found += 1
            assert abs(zs[0] - float(spot)) < 1e-10 * abs(zs[0])
            assert int(kind) == -int(curv[0])
    expected = {"heat_left": 1, "unit": 1, "cool_left": 1, "metal": 1, "a4": 0, "weak": 0,
                "strong": 0}
    assert found == expected[name]
    if name == "heat_left":
        assert int(sol.spot_kind_left) == 1       # a heating spot (maximum), upstream


# ---------------------------------------------------------------- transformations
def test_vmap_equals_loop(solutions, batch):
    """jit(vmap) over the finite-k_s points equals the unbatched calls to 1e-12 relative
    (observed ≲ 1e-15: the same program up to batching; spots NaN where both are NaN)."""
    base, _, out = batch
    names = [k for k in POINTS if np.isfinite(POINTS[k][6])]
    for i, name in enumerate(names):
        sol = solutions[name]
        ref = _point_from(sol)
        for k, v in ref.items():
            got = out[k][i]
            if np.isnan(v):
                assert np.isnan(got), (name, k)
            else:
                assert abs(got - v) <= 1e-12 * max(abs(v), 1e-300), (name, k, got, v)


def _point_from(sol):
    return dict(j=float(sol.current_density), nuL=float(sol.nu_left),
                nuR=float(sol.nu_right), PuL=float(sol.power_flow_left),
                PuR=float(sol.power_flow_right), PfL=float(sol.power_field_left),
                PfR=float(sol.power_field_right), NL=float(sol.dipole_left),
                zL=float(sol.spot_left), zR=float(sol.spot_right),
                kL=float(sol.spot_kind_left), kR=float(sol.spot_kind_right))


def _current_and_spot(x, row):
    """(j, spot position) at the parameters `row` with the entries _VARS replaced by x."""
    r = row.at[jnp.array(_VARS)].set(x)
    sol = solve_electrodes(jd.Lorentzian(r[0], r[1]), r[2], r[3], mean_free_path=r[4],
                           scatterer_length=r[5], screening=r[6], permittivity_scatterer=r[7])
    spot = jnp.where(jnp.isnan(sol.spot_left), sol.spot_right, sol.spot_left)
    return jnp.stack([sol.current_density, spot])


def test_reverse_derivatives_match_finite_differences(batch):
    """Reverse mode (jacrev) of j and of the spot position w.r.t. (ℓ, k_s, kT, eV) at the
    first stencil point against the same central differences as the forward-mode test
    (rtol 1e-6)."""
    base, rows, out = batch
    name = STENCIL[0]
    row = jnp.asarray(POINTS[name])
    jac = np.asarray(jax.jit(jax.jacrev(_current_and_spot))(row[jnp.array(_VARS)], row))
    n0 = len(base)
    for k, v in enumerate(_VARS):
        plus = n0 + k * 2
        h = H * POINTS[name][v]
        spot = [out["zL"][r] if np.isfinite(out["zL"][r]) else out["zR"][r]
                for r in (plus, plus + 1)]
        for m, (a, b) in enumerate(((out["j"][plus], out["j"][plus + 1]), spot)):
            fd = (a - b) / (2 * h)
            scale = max(abs(jac[m, k]), 1e-6 * np.nanmax(abs(jac[m])))
            assert abs(jac[m, k] - fd) < 1e-6 * scale, (name, m, v, jac[m, k], fd)


def test_forward_derivatives_match_finite_differences(batch):
    """jacfwd of the current density and of the spot position w.r.t. (ℓ, k_s, kT, eV) at
    three points (a heating spot, k_s ℓ = 1 exactly, a cooling spot) against central
    differences with relative step 1e-5 from the batched solves: rtol 1e-6 (truncation
    ~1e-10, rounding ~1e-11 relative; observed ≲ 1e-8). At kT = 0 (no spot) the derivatives
    of j w.r.t. ℓ, k_s and eV match too, and d j/d kT = 0 there (the step's derivative,
    DESIGN §2; < 1e-12 of |dj/deV|). At k_s = ∞ (no spot) the derivatives w.r.t. ℓ, kT, eV
    are finite and match (the electrostatics are written in 1/k_s, so ∞·0 never occurs);
    j does not depend on ℓ there."""
    base, rows, out = batch
    f = _current_and_spot
    pts = jnp.asarray([POINTS[k] for k in STENCIL])
    x0 = pts[:, jnp.array(_VARS)]
    jac = np.asarray(jax.jit(jax.vmap(jax.jacfwd(f)))(x0, pts))        # (5, 2, 4)
    assert np.all(np.isfinite(jac[:, 0]))
    n0 = len(base)
    for i, name in enumerate(STENCIL):
        for k, v in enumerate(_VARS):
            plus = n0 + (i * len(_VARS) + k) * 2
            h = H * POINTS[name][v]
            for m, key in enumerate(("j", "spot")):
                if (name in ("cold", "strong") and key == "spot") or h == 0 \
                        or not np.isfinite(h):
                    continue
                def val(r):
                    if key == "j":
                        return out["j"][r]
                    return out["zL"][r] if np.isfinite(out["zL"][r]) else out["zR"][r]
                fd = (val(plus) - val(plus + 1)) / (2 * h)
                scale = max(abs(jac[i, m, k]), 1e-6 * np.nanmax(abs(jac[i, m])))
                assert abs(jac[i, m, k] - fd) < 1e-6 * scale, (name, key, v, jac[i, m, k], fd)
    cold = STENCIL.index("cold")
    assert abs(jac[cold, 0, _VARS.index(3)]) < 1e-12 * abs(jac[cold, 0, _VARS.index(2)])
    strong = STENCIL.index("strong")
    assert jac[strong, 0, _VARS.index(4)] == 0.0 and jac[strong, 0, _VARS.index(6)] == 0.0


# ---------------------------------------------------------------- inverse problem
def test_bias_for_current_density_round_trip(batch):
    """j → eV → j: `bias_for_current_density` recovers the bias of the forward solve to
    1e-12 relative (Newton converges quadratically; it stops on a relative current error
    of 1e-13), for both signs, a large and a tiny current, and j = 0 (eV = 0 exactly); the
    returned solution carries the target current (1e-13). Every call is a forward-mode
    derivative (one compiled program: the primal is the round trip), and the implicit
    derivative d(eV)/dj equals 1/(dj/d(eV)) of the forward model, the latter by central
    differences from the batched solves (1e-8 relative: the difference quotient's error is
    ~1e-10)."""
    p = POINTS["cool_left"]
    T, kT, kw = _T(p), p[3], _kw(p)

    def inverse(j):
        return jax.jvp(lambda c: bias_for_current_density(T, c, kT, **kw), (j,), (1.0,))

    for V in (0.2, -0.35, 0.9, 1e-7, 0.0):
        j = solve_electrodes(T, V, kT, **kw).current_density
        r, dr = inverse(j)
        assert bool(r.converged)
        if V == 0.0:
            assert float(r.bias) == 0.0
            continue
        assert abs(float(r.bias) - V) < 1e-12 * abs(V)
        assert abs(float(r.solution.current_density - j)) < 1e-13 * abs(float(j))
        if V == 0.2:
            dV = float(dr.bias)
    base, rows, out = batch
    i = len(base) + (STENCIL.index("cool_left") * len(_VARS) + _VARS.index(2)) * 2
    assert rows[i][2] == 0.2 * (1 + H) and rows[i + 1][2] == 0.2 * (1 - H)
    dj = (out["j"][i] - out["j"][i + 1]) / (2 * 0.2 * H)
    assert abs(dV * dj - 1.0) < 1e-8


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs, name", [
    (dict(kT=-0.1), "kT"),
    (dict(kT=float("nan")), "kT"),
    (dict(bias=float("nan")), "bias"),
    (dict(bias=float("inf")), "bias"),
    (dict(mean_free_path=0.0), "mean_free_path"),
    (dict(mean_free_path=-1.0), "mean_free_path"),
    (dict(scatterer_length=-0.1), "scatterer_length"),
    (dict(mu0=0.0), "mu0"),
    (dict(permittivity=-1.0), "permittivity"),
    (dict(permittivity_scatterer=0.0), "permittivity_scatterer"),
    (dict(charge=0.0), "charge"),
    (dict(mass=-1.0), "mass"),
    (dict(hbar=0.0), "hbar"),
    (dict(area=float("nan")), "area"),
    (dict(screening=0.0), "screening"),
    (dict(screening=-2.0), "screening"),
    (dict(screening=float("nan")), "screening"),
    (dict(screening=float("inf"), scatterer_length=0.0), "scatterer_length"),
    (dict(bias=jnp.ones(2)), "bias"),
    (dict(order=0), "order"),
    (dict(tail=-1.0), "tail"),
    (dict(T=lambda e: 2.0 + 0.0 * e), "T"),
    (dict(T=lambda e: jnp.nan * e), "T"),
    (dict(T=3.0), "T"),
])
def test_invalid_arguments_raise(kwargs, name):
    """Bad input raises ValueError naming the argument (before anything is compiled)."""
    args = dict(T=jd.Lorentzian(1.2, 0.3), bias=0.1, kT=0.1, mean_free_path=1.0,
                scatterer_length=0.2)
    args.update(kwargs)
    T, bias, kT = args.pop("T"), args.pop("bias"), args.pop("kT")
    with pytest.raises(ValueError, match=f"`{name}`"):
        solve_electrodes(T, bias, kT, **args)


def test_inverse_invalid_arguments_raise():
    """`bias_for_current_density` validates like `solve_electrodes`, plus its own options."""
    T = jd.Lorentzian(1.2, 0.3)
    kw = dict(mean_free_path=1.0, scatterer_length=0.2)
    for extra, name in ((dict(current_density=float("nan")), "current_density"),
                        (dict(kT=-1.0), "kT"), (dict(atol=0.0), "atol"),
                        (dict(max_steps=0), "max_steps")):
        args = dict(current_density=0.01, kT=0.1)
        args.update(extra)
        with pytest.raises(ValueError, match=f"`{name}`"):
            bias_for_current_density(T, args.pop("current_density"), args.pop("kT"),
                                     **kw, **args)
