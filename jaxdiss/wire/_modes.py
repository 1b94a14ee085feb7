"""Decaying eigenmodes of the discretised linearized Boltzmann equation (BW App. A, D).

On a momentum grid with nodes p_i and quadrature weights w_i the symmetric deviation
δf^s(p_i, x) = τ_i g_i e^{−|x|/L} solves the discrete form of BW Eq. (A6)/(D7),

    (1 − l_i²/L²) g_i = C_i Σ_j w_j g_j,        Σ_j w_j C_j = 1,

with l_i = l(p_i) the electron–phonon scattering length and C the normalised kernel of
Eq. (A4) (C_τ of Eq. D8 for a momentum-dependent τ). The kernel is rank one, so the problem
is solved exactly on the grid: besides the zero mode (1/L = 0, g = C, left out of every
expansion) the eigenvalues ν = L² are the N − 1 roots of the secular equation

    h(ν) = Σ_j a_j/(ν − ν_j) = 0,      a_j = w_j C_j l_j²,  ν_j = l_j²,

one in each interval between neighbouring poles ν_j (h falls from +∞ to −∞ there), and
the eigenvector is g_i ∝ C_i ν/(ν − ν_i). Solving the discrete problem exactly, instead of
discretising the continuum eigenfunctions (A7) with their principal values, makes the
discrete current-conservation property Σ_i w_i l_i² g_i = ν h(ν) = 0 (A11) hold to
rounding — which is what keeps the matching equations exactly redundant (BW App. B).

Precision: where a_j is tiny (thermal tails, C ~ 1e-15) a root lies within ~1e-20 of a
pole, far below the spacing of ν in float64. Each root is therefore stored as an offset δ
from the pole it is nearest to (its *origin* o), ν = ν_o + δ, found by bisection in
log|δ| on G(δ) = a_o + δ R(δ), R(δ) = Σ_{j≠o} a_j/(ν_o − ν_j + δ), then polished by Newton
steps. Every difference ν − ν_i is formed as (ν_o − ν_i) + δ with ν_o − ν_i = (l_o − l_i)
(l_o + l_i): no digits are lost anywhere. Derivatives of the roots with respect to the
grid (hence to kT and the bias) follow from one final Newton step taken with the converged
root held fixed (implicit function theorem).

Constant mean free path (τ ∝ 1/p, l_i = ℓ for every node; BW App. D, last paragraphs):
all poles coincide and the secular equation degenerates, so this case has its own exact
construction, `constant_length_modes`. Written as κ² g = (D − B wᵀ) g with κ = 1/L,
D = 1/ℓ² and B = C/ℓ², the operator is the identity/ℓ² plus a rank-one kernel, so its
eigenvectors are (i) every g in the (N − 1)-dimensional space orthogonal to the kernel's left
vector w, Σ_j w_j g_j = 0, all with the one decay length L = ℓ, and (ii) the span of the
kernel's right vector B ∝ C, which here holds only the zero mode g = C (κ² = (1 − Σ w C)/ℓ²
= 0), left out as for l ≠ const. For a mode of (i) the local equilibrium does not move,
δμ + eφ = κ Σ w g = 0 (Eq. D3a), and at L = l the incoming movers carry no δf at all.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

__all__ = ["SecularRoots", "Modes", "secular_roots", "discrete_modes",
           "constant_length_modes"]

_BISECTIONS = 64  # on t ∈ [0, _T_MAX]: t resolved to _T_MAX/2^64 ≈ 5e-17, δ to ~4e-17 relative
_T_MAX = 1000.0   # |δ| ≥ (Δ/2)·2^-1000 ≈ 1e-301 Δ, above the float64 underflow
_POLISH = 2       # Newton steps after the bisection (quadratic convergence from ~1e-16)


class SecularRoots(eqx.Module):
    """The N − 1 non-zero eigenvalues ν = L² of the discrete problem, as pole offsets.

    `origin` (int, N − 1): index o of the pole each root is referred to (k or k + 1 for the
    root in (ν_k, ν_{k+1})); `offset` δ = ν − ν_o; `remainder` R = Σ_{j≠o} a_j/(ν − ν_j),
    equal to −a_o/δ at the root; `length` L = √ν (decay length of the mode).
    """

    origin: Int[Array, " m"]
    offset: Float[Array, " m"]
    remainder: Float[Array, " m"]
    length: Float[Array, " m"]


def _pole_differences(l):
    """ν_i − ν_j = (l_i − l_j)(l_i + l_j), with full relative precision."""
    return (l[:, None] - l[None, :]) * (l[:, None] + l[None, :])


def _remainder(a, D_o, delta, not_o):
    """R(δ) = Σ_{j≠o} a_j/(ν_o − ν_j + δ) and dR/dδ, one row per root."""
    den = jnp.where(not_o, D_o + delta[:, None], 1.0)
    q = jnp.where(not_o, a[None, :] / den, 0.0)
    return jnp.sum(q, axis=1), -jnp.sum(jnp.where(not_o, q / den, 0.0), axis=1)


def secular_roots(l, a) -> SecularRoots:
    """All N − 1 roots of h(ν) = Σ_j a_j/(ν − l_j²) = 0 (module docstring).

    `l`: (N,) strictly increasing positive scattering lengths; `a`: (N,) non-negative
    residues. A zero residue is allowed (its root sits on the pole, δ = 0). Static sizes;
    jit/vmap/grad-able (gradients through the implicit final Newton step).
    """
    n = l.shape[0]
    D = _pole_differences(l)
    k = jnp.arange(n - 1)
    gap = D[k + 1, k]  # ν_{k+1} − ν_k > 0
    # sign of h at the middle of each interval decides which half holds the root
    mid_den = D[k, :] + 0.5 * gap[:, None]
    h_mid = jnp.sum(a[None, :] / mid_den, axis=1)
    upper = h_mid >= 0.0
    origin = jnp.where(upper, k + 1, k)
    side = jnp.where(upper, -1.0, 1.0)  # sign of δ
    half = 0.5 * gap

    not_o = jnp.arange(n)[None, :] != origin[:, None]

    def G(delta, a_, D_o):
        R, dR = _remainder(a_, D_o, delta, not_o)
        return a_[origin] + delta * R, R + delta * dR

    # bisection on δ = side·half·2^{−t}: G ≤ 0 at t = 0 (the mid point), G → a_o ≥ 0 as t → ∞
    D_o_fixed = jax.lax.stop_gradient(D[origin, :])
    a_fixed = jax.lax.stop_gradient(a)
    side_half = jax.lax.stop_gradient(side * half)

    def bisect(_, bounds):
        lo, hi = bounds
        t = 0.5 * (lo + hi)
        g, _ = G(side_half * jnp.exp2(-t), a_fixed, D_o_fixed)
        positive = g > 0.0
        return jnp.where(positive, lo, t), jnp.where(positive, t, hi)

    lo0 = jnp.zeros(n - 1)
    hi0 = jnp.full(n - 1, _T_MAX)
    lo, hi = jax.lax.fori_loop(0, _BISECTIONS, bisect, (lo0, hi0))
    delta = side_half * jnp.exp2(-0.5 * (lo + hi))
    # bracket in δ for the safeguarded Newton polish
    d_far = side_half * jnp.exp2(-lo)
    d_near = side_half * jnp.exp2(-hi)
    d_min = jnp.minimum(d_far, d_near)
    d_max = jnp.maximum(d_far, d_near)

    def polish(_, d):
        g, dg = G(d, a_fixed, D_o_fixed)
        step = jnp.where(dg != 0.0, g / jnp.where(dg != 0.0, dg, 1.0), 0.0)
        new = d - step
        inside = (new >= d_min) & (new <= d_max) & jnp.isfinite(new)
        return jnp.where(inside, new, d)

    delta = jax.lax.fori_loop(0, _POLISH, polish, delta)
    delta = jax.lax.stop_gradient(delta)
    # final Newton step with the inputs live: value unchanged (G ≈ 0), exact implicit gradient
    D_o = D[origin, :]
    g, dg = G(delta, a, D_o)
    delta = delta - g / dg
    R, _ = _remainder(a, D_o, delta, not_o)
    nu = l[origin] ** 2 + delta
    return SecularRoots(origin=origin, offset=delta, remainder=R, length=jnp.sqrt(nu))


class Modes(eqx.Module):
    """The decaying modes of one half-wire evaluated at the scatterer.

    Amplitude convention: mode k is scaled so that the δ-function part of its outgoing
    distribution (BW Eq. A7) is the discrete δ, 1/w_o at its origin node; the zero mode is
    excluded. For a mode of amplitude A, the deviations from f0 ± δf_D at the scatterer are
    A·`incoming` (particles moving towards the scatterer) and A·`outgoing` (moving away),
    each including the −eφ ∂f0/∂μ0 term of BW Eq. (11). Shapes: (N, N − 1).

    `potential` (N − 1): eφ(0) per unit amplitude (Eqs. A10, D2 with δn = 0);
    `chemical` (N − 1): δμ(0) + eφ(0) per unit amplitude (Eq. D3a); `length`: decay
    lengths L_k; `roots`: the `SecularRoots` (None for a constant mean free path, where
    the modes come from `constant_length_modes` and each one's δf^s at 0± is a column of an
    orthonormal basis instead of a δ-function plus its scattered part).
    """

    incoming: Float[Array, "n m"]
    outgoing: Float[Array, "n m"]
    potential: Float[Array, " m"]
    chemical: Float[Array, " m"]
    length: Float[Array, " m"]
    roots: SecularRoots | None


def discrete_modes(l, w, tau, d) -> Modes:
    """Modes of one half-wire on a given grid, strong-Coulomb limit (BW App. A; App. D for
    a momentum-dependent τ).

    `l` (N,): scattering lengths l(p_i) = p_i τ_i/m, strictly increasing; `w`: quadrature
    weights of ∫dp/h (any common unit); `tau`: τ(p_i) (in the unit of τ in l); `d`:
    ∂f0/∂μ0 at the nodes. The kernel C_τ = (d/τ)/Σ w d/τ (Eqs. A4, D8) is normalised on
    this grid, and ∂n0/∂μ0 = 2 Σ w d.

    With g_i = c C_i ν/(ν − ν_i) and δf^s = τ g e^{−|x|/L} (Eq. D12) the boundary values of
    f − f0 ∓ δf_D are, on either side (the left wire's modes grow as e^{x/L} towards 0⁻,
    the right wire's decay as e^{−x/L} from 0⁺),

        incoming: ½ c τ_i C_i L/(L + l_i) − ∂f0/∂μ0|_i eφ_k,
        outgoing: ½ c τ_i C_i L/(L − l_i) − ∂f0/∂μ0|_i eφ_k,

    with eφ_k = Σ w τ g/(∂n0/∂μ0) (Eq. D2, δn = 0). They are evaluated as
    ∓ ½cτC·l/(L ± l) (the second written as l(L + l)/(ν − ν_i)) plus ½cτC − ∂f0/∂μ0 eφ_k,
    which vanishes identically for constant τ (then these are BW Eqs. A12). The normalisation
    c = −2 l_o/(R τ_o (L + l_o)) makes the first part of the outgoing value exactly 1/w_o at
    the origin node, without ever dividing by a tiny C_o or δ.
    """
    u_weight = d / tau
    C = u_weight / jnp.sum(w * u_weight)
    dn0 = 2.0 * jnp.sum(w * d)
    roots = secular_roots(l, w * C * l**2)
    o = roots.origin
    L = roots.length
    lo = l[o]
    c = -2.0 * lo / (roots.remainder * tau[o] * (L + lo))
    D = _pole_differences(l)
    n = l.shape[0]
    # ν − ν_i = (ν_o − ν_i) + δ, shape (N, m); at i = o it is δ itself
    nu_minus = D[o, :].T + roots.offset[None, :]
    at_origin = jnp.arange(n)[:, None] == o[None, :]
    safe = jnp.where(at_origin, 1.0, nu_minus)
    half_ctC = 0.5 * c[None, :] * (tau * C)[:, None]
    # Σ_j w_j τ_j g_j: the origin term c w_o τ_o C_o ν/δ equals 2ν/(l_o (L + l_o)) at the root
    nu = L**2
    g_sum = jnp.where(
        at_origin,
        (2.0 * nu / (lo * (L + lo)))[None, :],
        (w * tau * C)[:, None] * c[None, :] * nu[None, :] / safe,
    ).sum(axis=0)
    potential = g_sum / dn0
    common = half_ctC - d[:, None] * potential[None, :]
    incoming = -half_ctC * l[:, None] / (L[None, :] + l[:, None]) + common
    outgoing = jnp.where(
        at_origin,
        1.0 / w[:, None],
        half_ctC * l[:, None] * (L[None, :] + l[:, None]) / safe,
    ) + common
    # δμ + eφ = κ Σ w δf^s/τ = κ c (Eq. D3a), κ = 1/(2 Σ w d/τ)
    chemical = c / (2.0 * jnp.sum(w * u_weight))
    return Modes(incoming=incoming, outgoing=outgoing, potential=potential, chemical=chemical,
                 length=L, roots=roots)


def constant_length_modes(ell, w, tau, d) -> Modes:
    """Modes of one half-wire for a constant mean free path l(p) = `ell` (τ ∝ 1/p; BW
    App. D, the degenerate case of `discrete_modes`), strong-Coulomb limit. Same arguments
    (`ell` a scalar), same `Modes` layout (N, N − 1) and conventions; `roots` is None.

    Every non-zero mode has the decay length ℓ and spans the space Σ_j w_j g_j = 0 (module
    docstring). With L = l = ℓ, δf^s = τ g e^{−|x|/ℓ} and δf^a = −l ∂x δf^s, the outgoing
    movers carry δf = τ g e^{−|x|/ℓ} and the incoming ones none; writing X = τ g, the modes
    are an orthonormal basis of {X : Σ_j (w_j/τ_j) X_j = 0}, the columns j ≠ p of the
    Householder reflection H = 1 − q qᵀ/(1 + v̂_p), q = v̂ + e_p, v̂ = v/|v|, v = w/τ,
    p = argmax v̂: H e_j = e_j − q v̂_j/(1 + v̂_p) is a discrete δ at node j plus a rank-one
    correction, and v̂ᵀ H e_j = v̂_j − v̂_j = 0 holds to rounding. Hence, per mode,

        outgoing = X − ∂f0/∂μ0 eφ,   incoming = −∂f0/∂μ0 eφ,   eφ = Σ w X/(∂n0/∂μ0),

    δμ + eφ = 0, and the current Σ 2u w (outgoing − incoming) = 2 Σ u w X is, for
    l = uτ/m = const, proportional to the constraint: it vanishes to rounding (Eq. D11), so
    the matching equations stay exactly redundant. The kernel C_τ ∝ ∂f0/τ only enters the
    zero mode and is not needed.
    """
    v = w / tau
    v_hat = v / jnp.linalg.norm(v)
    n = v.shape[0]
    p = jnp.argmax(v_hat)
    keep = jnp.arange(n - 1)
    keep = keep + (keep >= p)                      # the N − 1 nodes other than the pivot
    q = v_hat.at[p].add(1.0)
    X = jnp.eye(n)[:, keep] - q[:, None] * (v_hat[keep] / (1.0 + v_hat[p]))[None, :]
    dn0 = 2.0 * jnp.sum(w * d)
    potential = (w @ X) / dn0
    incoming = -d[:, None] * potential[None, :]
    outgoing = X + incoming
    ell = jnp.asarray(ell, dtype=X.dtype)
    return Modes(incoming=incoming, outgoing=outgoing, potential=potential,
                 chemical=jnp.zeros(n - 1, dtype=X.dtype), length=jnp.full(n - 1, ell),
                 roots=None)
