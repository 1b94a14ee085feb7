"""A scatterer between dissipative quasi-1D electrodes with a constant mean free path ℓ,
solved exactly (EL paper: Secs. II A, III A and Appendices A, C).

Model (EL Sec. II). Two semi-infinite wires of cross-section A (permittivity ε) meet a
neutral scatterer of length L on [z_−, z_+] = [−L/2, L/2] (permittivity ε_B) with
transmission T(ε). Carriers of charge e and mass m (spin degeneracy 2) relax in the wires
with a velocity-independent mean free path ℓ towards a local equilibrium; eV is the
kinetic-energy offset across the scatterer, ε^c_R = ε^c_L + eV, and ε = ε^c_L + eV/2 =
ε^c_R − eV/2 the total energy measured from the midpoint. With a constant ℓ the
electrochemical potential falls linearly, δμ'(z) = j/(2 J0 ℓ) (Eq. 20), and the problem
reduces to a few numbers: the current density j, ν_{L,R} = δμ(z_∓) − eφ(z_∓) (Eq. 5) and
the amplitudes q_{L,R} of the non-local density (Eq. 22). They solve the linear system of

* Eq. 24 (with α, β of Eq. 25; A12 as corrected in DESIGN §4): q in terms of ν and j,
* Eq. A7 (Poisson's equation A1 in the wires, matched to the linear potential inside the
  scatterer): ν in terms of q and j,
* Eq. 27 (current conservation, Eq. 23): j in terms of ν,

solved here by eliminating q and ν (two 2×2 systems, then one scalar equation: the
explicit characteristic A15), given eV. The coefficients are the velocity integrals of
`_integrals`. The inverse problem, eV at a given j, is `bias_for_current_density`.

Gauge (DESIGN §4): δμ_L(z_−) = +eV/2, δμ_R(z_+) = −eV/2 — the choice under which A5/A6
follow from the continuity of φ and εφ' at z_∓; the potential drop across the scatterer is
Δφ = φ_L(z_−) − φ_R(z_+) = V − (ν_L − ν_R)/e.

Electrostatics, regular at k_s ℓ = 1. With k_s the inverse screening length (A4:
k_s² = (4πe²/ε) 2|F0|, or given), y = 1/(k_s ℓ), c = 1/(2|F0|), r = ε_B/ε and
β_B = ε_B/ω = r/(k_s L + 2r) (ω of Eq. 34), A5 can be rearranged (A_L = −(G + c x q_L
/(x² − 1))/e with x = k_s ℓ) so that the potential of Eq. A3 reads, with t ≤ 0 the reduced
distance from the scatterer (t = (z − z_−)/ℓ on the left, (z_+ − z)/ℓ on the right) and
E_s = e^{t/y} = e^{−k_s|z − z_∓|}:

    eφ_L = eV/2 + s (z − z_−) − G E_s + c q_L R(t),
    eφ_R = −eV/2 + s (z − z_+) + G E_s − c q_R R(t),
    s = j/(2 J0 ℓ),  G = γ + β_B c (q_L + q_R)/(1 + y),  R(t) = e^t/(1 + y) + y D(t),

D(t) = (e^t − E_s)/(1 − y²) (`spots.screened_difference`, regular at y = 1), γ of Eq. A6.
At t = 0 this reproduces A7 (a = c(1 − β_B)/(1 + y), b = c β_B/(1 + y)). Likewise
δn_L = G E_s/c + q_L y (e^t/(1 + y) − D), δn_R = −(that with q_R) (Eq. 22); the field
power p^f = −jφ' − p^D = (j/e)[Ĝ E_s − c q D/ℓ] on both sides (Ĝ = k_s G, regular as
k_s → ∞); p^u = P^u e^t/(Aℓ) (Eq. 46); and the dipole 𝒩_L = G/(c k_s) = −𝒩_R: global
neutrality holds exactly. Every 1/(k_s²ℓ² − 1) of A3/A5 cancels in these forms.

Strong-Coulomb limit (EL App. C) as a parameter value of the same code: ``screening=inf``
gives y = 0, β_B = γ = G = 0 (L > 0), Ĝ finite, a = c, b = 0, so ν_{L,R} = ∓c q_{L,R}
(q = ±2F0 ν), δn ≡ 0 and eφ_{L,R} = δμ ± c q_{L,R} e^t = δμ ∓ q_{L,R} e^t/(2F0) (C5).
The electrostatics are written in the screening length u = 1/k_s (β_B = r u/(L + 2ru),
y = u/ℓ, Ĝ with the divisor L + 2ru), so derivatives stay finite at k_s = ∞.

Units: Gaussian, natural by default (charge = mass = ħ = A = ε = 1). Energies (eV, kT, μ0,
ν, eφ) share the user's unit; current density j in charge/(area·time) (with ħ = e = A = 1 the
Landauer part of Eq. 27 is I_V = (1/π)∫T(f_L − f_R)dε: spin 2, h = 2π); powers P in
energy/time; lengths in the user's unit. Signs: eV > 0 drives carriers from left to right
(j > 0 for e > 0); F0 < 0, and J0 has the sign of −e.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, Int

from .._checks import (
    check_finite,
    check_nonnegative,
    check_positive,
    check_scalar,
    check_static_int,
    is_concrete,
)
from ._integrals import ElectrodeIntegrals, _electrode_integrals
from .spots import screened_difference, screened_exp, spot_offset

__all__ = ["ElectrodeProfile", "ElectrodeSolution", "solve_electrodes"]


class ElectrodeProfile(eqx.Module):
    """Profiles at positions `position` z (left wire z < z_− = −L/2, right wire z > z_+;
    z_∓ itself belongs to its wire; with L = 0, z = 0 is the left wire's end).

    `potential` φ (Eq. A3; inside the scatterer the linear φ_B), `potential_energy` eφ,
    `electrochemical` δμ (energy; NaN inside the scatterer), `density` δn (Eq. 22, carriers
    per volume; 0 inside the neutral scatterer), `power` p^s = p^f + p^u (Eq. 42, the excess
    power density over the Drude value p^D; energy/(time·volume)), `power_flow` p^u
    (Eq. 46), `power_field` p^f = −jφ' − p^D (Eq. 41a, 42). Powers are 0 inside the
    (elastic) scatterer.
    """

    position: Float[Array, "..."]
    potential: Float[Array, "..."]
    potential_energy: Float[Array, "..."]
    electrochemical: Float[Array, "..."]
    density: Float[Array, "..."]
    power: Float[Array, "..."]
    power_flow: Float[Array, "..."]
    power_field: Float[Array, "..."]


class ElectrodeSolution(eqx.Module):
    """Solution of the EL constant-mean-free-path model at one bias (module docstring).

    Fields named by DESIGN §3: `current_density` j; `nu_left`, `nu_right` ν_{L,R} (Eq. 5,
    energy); `screening` k_s (A4, or as given; inf in the strong-Coulomb limit);
    `potential_drop` Δφ = V − (ν_L − ν_R)/e (potential across the scatterer);
    `dipole_left` 𝒩_L = ∫δn_L dz (Eq. 13a; 𝒩_R = −𝒩_L); `power_flow_left/right`
    P^u_{L,R} = A∫p^u dz (Eqs. 47, 49, exact: including the T-independent term of Eq. 47
    that Eq. 49 drops); `power_field_left/right` P^f_{L,R} = A∫p^f dz = ±A j ν_{L,R}/e;
    `spot_left`, `spot_right`: position z̄ of the thermal spot (Eq. 53, existence as in
    `spots`), NaN when there is none.

    Further fields: `spot_kind_left/right` (+1 heating spot = maximum of p^s, −1 cooling,
    0 none); `q_left`, `q_right` (Eq. 24, density/length units of δn); `gamma` γ (Eq. A6,
    energy); `screening_potential` G and `screening_field` Ĝ = k_s G (energy, energy/length;
    module docstring); `landauer_current` I_V/(1 − (T_L + T_R)/2), the four-point Landauer
    current of Eq. 27 at ν = 0; the operating point and parameters (`bias` eV, `kT`, `mu0`,
    `charge`, `area`, `mean_free_path`, `scatterer_length`); `integrals` (the
    `ElectrodeIntegrals`). Properties: totals and asymmetries of Eqs. 44–50 and
    `bias_total`.
    """

    current_density: Float[Array, ""]
    nu_left: Float[Array, ""]
    nu_right: Float[Array, ""]
    screening: Float[Array, ""]
    potential_drop: Float[Array, ""]
    dipole_left: Float[Array, ""]
    power_flow_left: Float[Array, ""]
    power_flow_right: Float[Array, ""]
    power_field_left: Float[Array, ""]
    power_field_right: Float[Array, ""]
    spot_left: Float[Array, ""]
    spot_right: Float[Array, ""]
    spot_kind_left: Int[Array, ""]
    spot_kind_right: Int[Array, ""]
    q_left: Float[Array, ""]
    q_right: Float[Array, ""]
    gamma: Float[Array, ""]
    screening_potential: Float[Array, ""]
    screening_field: Float[Array, ""]
    landauer_current: Float[Array, ""]
    bias: Float[Array, ""]
    kT: Float[Array, ""]
    mu0: Float[Array, ""]
    charge: Float[Array, ""]
    area: Float[Array, ""]
    mean_free_path: Float[Array, ""]
    scatterer_length: Float[Array, ""]
    integrals: ElectrodeIntegrals

    # ------------------------------------------------------------------ derived scalars
    @property
    def dipole_right(self):
        """𝒩_R = ∫δn_R dz (Eq. 13b) = −𝒩_L (global neutrality)."""
        return -self.dipole_left

    @property
    def potential_gradient(self):
        """s = δμ' = j/(2 J0 ℓ) (Eq. 20): energy per length (negative for j > 0, e > 0)."""
        return self.current_density / (2.0 * self.integrals.J0 * self.mean_free_path)

    @property
    def drude_power(self):
        """p^D = −jφ'(∓∞) = −j s/e: the Drude power density (energy/(time·volume))."""
        return -self.current_density * self.potential_gradient / self.charge

    @property
    def bias_total(self):
        """eV_tot = eV + ν_L − ν_R (energy): the whole drop the scatterer induces; the
        excess power is A j V_tot (Eq. 48 plus its field counterpart)."""
        return self.bias + self.nu_left - self.nu_right

    @property
    def power_left(self):
        """P^s_L = P^u_L + P^f_L (Eqs. 42, 45a with the factor A)."""
        return self.power_flow_left + self.power_field_left

    @property
    def power_right(self):
        """P^s_R = P^u_R + P^f_R."""
        return self.power_flow_right + self.power_field_right

    @property
    def power_total(self):
        """P^s_T = P^s_R + P^s_L (Eq. 44) = A j V_tot/e."""
        return self.power_right + self.power_left

    @property
    def power_asymmetry(self):
        """P^s_A = P^s_R − P^s_L (Eq. 44)."""
        return self.power_right - self.power_left

    @property
    def power_flow_total(self):
        """P^u_T = A j V (Eq. 48)."""
        return self.power_flow_right + self.power_flow_left

    @property
    def power_flow_asymmetry(self):
        """P^u_A = P^u_R − P^u_L."""
        return self.power_flow_right - self.power_flow_left

    @property
    def power_field_total(self):
        """P^f_T = A j (ν_L − ν_R)/e."""
        return self.power_field_right + self.power_field_left

    @property
    def power_field_asymmetry(self):
        """P^f_A = P^f_R − P^f_L = −A j (ν_L + ν_R)/e (Eq. 50 with the factor A)."""
        return self.power_field_right - self.power_field_left

    def at(self, z) -> ElectrodeProfile:
        """Profiles at positions `z` (any shape; see `ElectrodeProfile`). Compiled
        (``filter_jit``) once per shape of `z`."""
        return _profile(self, jnp.asarray(z, dtype=float))


# ---------------------------------------------------------------------- the profile
def _side_shapes(sol: ElectrodeSolution, t):
    """(E_s, e^t, R(t), D(t)) at reduced distances t ≤ 0."""
    y = (1.0 / sol.screening) / sol.mean_free_path   # via u = 1/k_s: finite derivatives at ∞
    E_s = screened_exp(t, y)
    D = screened_difference(t, y)
    et = jnp.exp(t)
    return y, E_s, et, et / (1.0 + y) + y * D, D


@eqx.filter_jit
def _profile(sol: ElectrodeSolution, z) -> ElectrodeProfile:
    """`ElectrodeSolution.at` (compiled)."""
    ell = sol.mean_free_path
    L = sol.scatterer_length
    zm, zp = -0.5 * L, 0.5 * L
    left = z <= zm
    right = (z >= zp) & ~left
    I = sol.integrals
    c = -0.5 / I.F0
    e = sol.charge
    j = sol.current_density
    s = sol.potential_gradient
    G, Gh = sol.screening_potential, sol.screening_field
    cqL, cqR = c * sol.q_left, c * sol.q_right
    # `where`, not minimum: at z = z_∓ the wire's own derivative (minimum splits it 1/2:1/2)
    tL = jnp.where(z <= zm, z - zm, 0.0) / ell
    tR = jnp.where(z >= zp, zp - z, 0.0) / ell
    y, EsL, etL, RL, DL = _side_shapes(sol, tL)
    _, EsR, etR, RR, DR = _side_shapes(sol, tR)
    half = 0.5 * sol.bias
    muL = half + s * (z - zm)
    muR = -half + s * (z - zp)
    phiL = muL - G * EsL + cqL * RL
    phiR = muR + G * EsR - cqR * RR
    # inside the neutral scatterer φ_B is linear between the wire ends
    phi_m = half - G + cqL / (1.0 + y)
    phi_p = -half + G - cqR / (1.0 + y)
    frac = (z - zm) / jnp.where(L > 0, L, 1.0)
    phiB = phi_m + (phi_p - phi_m) * frac
    eU = jnp.where(left, phiL, jnp.where(right, phiR, phiB))
    nL = G * EsL / c + sol.q_left * y * (etL / (1.0 + y) - DL)
    nR = -G * EsR / c - sol.q_right * y * (etR / (1.0 + y) - DR)
    pfL = (j / e) * (Gh * EsL - cqL * DL / ell)
    pfR = (j / e) * (Gh * EsR - cqR * DR / ell)
    puL = sol.power_flow_left * etL / (sol.area * ell)
    puR = sol.power_flow_right * etR / (sol.area * ell)
    pf = jnp.where(left, pfL, jnp.where(right, pfR, 0.0))
    pu = jnp.where(left, puL, jnp.where(right, puR, 0.0))
    return ElectrodeProfile(
        position=z,
        potential=eU / e,
        potential_energy=eU,
        electrochemical=jnp.where(left, muL, jnp.where(right, muR, jnp.nan)),
        density=jnp.where(left, nL, jnp.where(right, nR, 0.0)),
        power=pf + pu,
        power_flow=pu,
        power_field=pf,
    )


# ---------------------------------------------------------------------- the solve
def _solve2(B, r):
    """Solve the 2×2 system B x = r (Cramer's rule; r may carry trailing columns)."""
    det = B[0, 0] * B[1, 1] - B[0, 1] * B[1, 0]
    x0 = (B[1, 1] * r[0] - B[0, 1] * r[1]) / det
    x1 = (B[0, 0] * r[1] - B[1, 0] * r[0]) / det
    return jnp.stack([x0, x1]), det


def _electrostatics(F0, ell, L, eps, eps_b, e, screening):
    """k_s, the screening length u = 1/k_s, y = u/ℓ = 1/(k_s ℓ), r = ε_B/ε,
    β_B = ε_B/ω = r u/(L + 2 r u) and the divisor L + 2 r u of Ĝ.

    Everything is written in u, so that k_s = ∞ (u = 0) has finite derivatives with
    respect to the other parameters (k_s L would give ∞·dL). `screening` NaN (the internal
    marker of ``screening=None``) takes k_s from Eq. A4, so that both cases share one
    compiled program."""
    r = eps_b / eps
    a4 = jnp.sqrt(8.0 * jnp.pi * e**2 * jnp.abs(F0) / eps)
    ks = jnp.where(jnp.isnan(screening), a4, screening)
    u = 1.0 / ks                                 # screening length (0 at strong Coulomb)
    y = u / ell
    den = L + 2.0 * r * u
    return ks, u, y, r, r * u / den, den


@eqx.filter_jit
def _solve(T, bias, kT, mu0, ell, L, eps, eps_b, e, m, hbar, A, screening, quad):
    I = _electrode_integrals(T, bias, kT, mu0, e, m, hbar, A, *quad)
    c = -0.5 / I.F0                                     # 1/(2|F0|) > 0
    ks, u, y, r, beta_b, den_g = _electrostatics(I.F0, ell, L, eps, eps_b, e, screening)
    gam_V = bias * beta_b                               # A13c: (ε_B/ω) eV
    gam_j = 0.5 * (L / ell) * u / den_g                 # A12c: εL/(2ℓω)
    a = (1.0 - beta_b) / (1.0 + y)                      # A8a / c
    b = beta_b / (1.0 + y)                              # A8b / c
    # q̃ = c q = g + y_j h + Tm ν  (Eq. 24 · c; y_j = j/J0, an energy)
    g = c * jnp.stack([I.alpha_V, I.beta_V])
    h = c * jnp.stack([I.alpha_j, I.beta_j])
    Tm = c * jnp.array([[I.T_LL, -I.T_LR], [I.T_RL, -I.T_RR]])
    # ν = γ s − M q̃  (A7 / c), s = (1, −1)
    M = jnp.array([[a, -b], [b, -a]])
    sv = jnp.array([1.0, -1.0])
    B = jnp.eye(2) + M @ Tm
    rhs = jnp.stack([gam_V * sv - M @ g, gam_j * sv - M @ h], axis=1)
    nu_cols, _ = _solve2(B, rhs)                        # columns: ν^(V), ν^(j)
    nu_V, nu_j = nu_cols[:, 0], nu_cols[:, 1]
    # Eq. 27 / J0:  y_j (1 − (T_L + T_R)/2) + T_L ν_L − T_R ν_R = I_V / J0   (A15)
    den = 1.0 - 0.5 * (I.T_L + I.T_R) + I.T_L * nu_j[0] - I.T_R * nu_j[1]
    den = eqx.error_if(den, ~jnp.isfinite(den) | (den == 0.0),
                       "the linear system of EL Eqs. 24, A7, 27 is singular (e.g. a perfectly "
                       "transmitting scatterer at finite eV)")
    y_j = (I.current_V / I.J0 - I.T_L * nu_V[0] + I.T_R * nu_V[1]) / den
    j = I.J0 * y_j
    nu = nu_V + y_j * nu_j
    qt = g + y_j * h + Tm @ nu
    gamma = gam_V + y_j * gam_j
    G = gamma + beta_b * (qt[0] + qt[1]) / (1.0 + y)
    Gh = (bias * r + y_j * 0.5 * L / ell + r * (qt[0] + qt[1]) / (1.0 + y)) / den_g
    # energy flow, Eqs. 47/49 with the T-free term of Eq. 47 (K)
    pf = 1.0 / (jnp.pi * hbar)
    PuL = pf * (y_j * I.flow_K - I.flow_W_left + nu[0] * I.flow_LL - nu[1] * I.flow_LR
                - 0.5 * y_j * (I.flow_LL + I.flow_LR))
    PuR = pf * (-y_j * I.flow_K + I.flow_W_right - nu[0] * I.flow_RL + nu[1] * I.flow_RR
                + 0.5 * y_j * (I.flow_RL + I.flow_RR))
    # thermal spots (`spots`): p^s = Ĉ_s e^{t/y} + Ĉ_ℓ e^t − K D(t)
    Cs = (j / e) * Gh
    spots = []
    for Pu, q_c, z_edge, sign in ((PuL, qt[0], -0.5 * L, 1.0), (PuR, qt[1], 0.5 * L, -1.0)):
        t_star, exists, kind = spot_offset(Cs, Pu / (A * ell), (j / e) * q_c / ell, y)
        spots.append((jnp.where(exists, z_edge + sign * ell * t_star, jnp.nan), kind))
    return ElectrodeSolution(
        current_density=j,
        nu_left=nu[0],
        nu_right=nu[1],
        screening=ks,
        potential_drop=(bias - (nu[0] - nu[1])) / e,
        dipole_left=G * u / c,
        power_flow_left=PuL,
        power_flow_right=PuR,
        power_field_left=A * j * nu[0] / e,
        power_field_right=-A * j * nu[1] / e,
        spot_left=spots[0][0],
        spot_right=spots[1][0],
        spot_kind_left=spots[0][1],
        spot_kind_right=spots[1][1],
        q_left=qt[0] / c,
        q_right=qt[1] / c,
        gamma=gamma,
        screening_potential=G,
        screening_field=Gh,
        landauer_current=I.current_V / (1.0 - 0.5 * (I.T_L + I.T_R)),
        bias=bias,
        kT=kT,
        mu0=mu0,
        charge=e,
        area=A,
        mean_free_path=ell,
        scatterer_length=L,
        integrals=I,
    )


# ---------------------------------------------------------------------- validation
def _check_screening(screening, L):
    """k_s > 0, possibly +inf (strong Coulomb; then L > 0 is needed)."""
    x = jnp.asarray(screening)
    x = x.astype(jnp.result_type(x, float))
    check_scalar("screening", x)
    if is_concrete(x):
        v = float(x)
        if np.isnan(v) or not v > 0.0:
            raise ValueError(f"`screening` must be positive (or inf), got {v!r}")
        if np.isinf(v) and is_concrete(L) and not float(L) > 0.0:
            raise ValueError("`scatterer_length` must be positive in the strong-Coulomb "
                             "limit (screening = inf)")
        return x
    bad = jnp.isnan(x) | (x <= 0.0) | (jnp.isinf(x) & ~(L > 0.0))
    return eqx.error_if(x, bad, "`screening` must be positive (or inf with "
                        "scatterer_length > 0)")


def _check_charge(charge):
    charge = check_scalar("charge", check_finite("charge", charge))
    if is_concrete(charge):
        if float(charge) == 0.0:
            raise ValueError("`charge` must be nonzero, got 0.0")
        return charge
    return eqx.error_if(charge, charge == 0.0, "`charge` must be nonzero")


def _check_transmission(T, bias, kT, mu0):
    """With concrete arguments: T(ε) finite and in [0, 1] across the transport window."""
    if not all(is_concrete(v) for v in (bias, kT, mu0)):
        return
    lo = 0.5 * abs(float(bias))
    hi = float(mu0) + abs(float(bias)) + 40.0 * float(kT)
    energies = jnp.linspace(lo, max(hi, lo + 1e-12), 257)[1:]
    try:
        values = jnp.asarray(T(energies), dtype=float)
    except Exception as err:  # noqa: BLE001 - report any failure of the callable
        raise ValueError(f"`T` could not be evaluated on an array of energies: {err}") from err
    if not is_concrete(values):
        return
    v = np.asarray(values)
    if not np.all(np.isfinite(v)) or np.any(v < 0.0) or np.any(v > 1.0):
        raise ValueError("`T` must return finite values in [0, 1] (checked on the transport "
                         f"window ε ∈ [{lo:.4g}, {hi:.4g}])")


def _material(mean_free_path, scatterer_length, permittivity, permittivity_scatterer,
              charge, mass, hbar, area):
    """Validated (ℓ, L, ε, ε_B, e, m, ħ, A): the wire and scatterer parameters shared by
    the exact model and its closed forms (`welt`)."""
    def positive(name, x):
        return check_scalar(name, check_positive(name, x))

    return (positive("mean_free_path", mean_free_path),
            check_scalar("scatterer_length",
                         check_nonnegative("scatterer_length", scatterer_length)),
            positive("permittivity", permittivity),
            positive("permittivity_scatterer", permittivity_scatterer),
            _check_charge(charge), positive("mass", mass), positive("hbar", hbar),
            positive("area", area))


def _arguments(T, bias, kT, mu0, mean_free_path, scatterer_length, permittivity,
               permittivity_scatterer, charge, mass, hbar, area, screening, order, levels,
               tail, subdivisions):
    """Validation shared by `solve_electrodes` and `bias_for_current_density`."""
    if not callable(T):
        raise ValueError(f"`T` must be a callable T(ε), got {type(T).__name__}")
    kT = check_scalar("kT", check_nonnegative("kT", kT))
    mu0 = check_scalar("mu0", check_positive("mu0", mu0))
    ell, L, eps, eps_b, e, m, hbar, A = _material(
        mean_free_path, scatterer_length, permittivity, permittivity_scatterer, charge, mass,
        hbar, area)
    if screening is None:
        screening = jnp.asarray(np.nan, dtype=jnp.float64)  # Eq. A4 (`_electrostatics`)
    else:
        screening = _check_screening(screening, L)
    quad = (check_static_int("order", order, 2), check_static_int("levels", levels, 1),
            float(tail), check_static_int("subdivisions", subdivisions, 1))
    if not (np.isfinite(quad[2]) and quad[2] > 0.0):
        raise ValueError(f"`tail` must be positive, got {tail!r}")
    if bias is not None:
        bias = check_scalar("bias", check_finite("bias", bias))
    return (bias, kT, mu0, ell, L, eps, eps_b, e, m, hbar, A, screening, quad)


def solve_electrodes(T, bias, kT, *, mu0=1.0, mean_free_path, scatterer_length,
                     permittivity=1.0, permittivity_scatterer=1.0, charge=1.0, mass=1.0,
                     hbar=1.0, area=1.0, screening=None, order: int = 16, levels: int = 10,
                     tail: float = 40.0, subdivisions: int = 8) -> ElectrodeSolution:
    """Solve the EL constant-mean-free-path model exactly at a given eV (module docstring).

    Arguments (Gaussian units; energies in one unit):

    * `T`: any jnp-traceable callable T(ε) of the total energy ε measured from the midpoint,
      ε = ε^c_L + eV/2 = ε^c_R − eV/2 (values in [0, 1]; only evaluated above both band
      bottoms, ε > |eV|/2 — below, carriers are totally reflected). The library's
      transmissions declare their features for the quadrature (`quadrature_hints`).
    * `bias` eV (energy, any sign): V is the potential drop induced by the scatterer, the
      kinetic-energy offset ε^c_R − ε^c_L.
    * `kT` ≥ 0 (kT = 0 is evaluated exactly), `mu0` > 0: temperature and equilibrium
      chemical potential (measured from the band bottom).
    * `mean_free_path` ℓ > 0, `scatterer_length` L ≥ 0 (z_∓ = ∓L/2);
      `permittivity` ε and `permittivity_scatterer` ε_B > 0; `charge` e ≠ 0, `mass` m,
      `hbar` ħ, `area` A > 0 (defaults: natural units, all 1).
    * `screening`: None (default) computes k_s from Eq. A4; a positive value sets k_s
      directly (then the permittivities enter only through ε_B/ε), and ``jnp.inf`` is
      the strong-Coulomb limit of EL App. C (needs L > 0).
    * `order`, `levels`, `subdivisions` (static ints) and `tail` (Fermi tails cut at
      tail·kT): the velocity quadrature (`_integrals`); the defaults give ≲ 1e-14.

    Returns an `ElectrodeSolution`; ``sol.at(z)`` gives φ, δn and the power densities.
    Works under ``jit``, ``vmap`` and ``grad``/``jacfwd`` with respect to every float
    argument and the parameters of T (including the spot positions, away from the points
    where a spot appears or disappears). Raises `ValueError` naming the argument for
    invalid input (with concrete values; traced values are checked with
    ``equinox.error_if``), and at run time when the linear system is singular.
    """
    args = _arguments(T, bias, kT, mu0, mean_free_path, scatterer_length, permittivity,
                      permittivity_scatterer, charge, mass, hbar, area, screening, order,
                      levels, tail, subdivisions)
    _check_transmission(T, args[0], args[1], args[2])
    return _solve(T, *args)
