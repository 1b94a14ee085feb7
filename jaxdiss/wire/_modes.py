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
from the pole it is nearest to (its *origin* o), ν = ν_o + δ, found by a
safeguarded Newton iteration on G(δ) = a_o + δ R(δ), R(δ) = Σ_{j≠o} a_j/(ν_o − ν_j + δ),
inside a bracket that shrinks with every step (geometric mid points while it spans
decades). The start is the root of a two-pole model, a_o/δ + a_n/(δ + ν_o − ν_n) + ψ = 0
(n the interval's other pole, ψ the rest of h at the interval's middle, from the same pass
that decides the origin): a quadratic, accurate to ~1e-2 in the bulk and to first order in
the tails. The iteration stops once a Newton step is below 1e-4 of δ (the error is then
≲ 1e-8) and one last Newton step, taken with the inputs live, brings every root to rounding
and gives the derivatives with respect to the grid (hence to kT and the bias) by the
implicit function theorem. Three iterations on the BW grids, each O(N) per root; with the
start and the last step the whole solve costs five passes over the N × N pole differences.
Every difference ν − ν_i is formed as (ν_o − ν_i) + δ with ν_o − ν_i = (l_o − l_i)(l_o + l_i):
no digits are lost anywhere. At the root R = −a_o/δ exactly, which gives R without
another pass.

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
from jaxtyping import Array, Bool, Float, Int

__all__ = ["SecularRoots", "Modes", "secular_roots", "discrete_modes",
           "constant_length_modes"]

_MAX_ITERATIONS = 100  # safeguarded Newton steps at most (3 on the BW grids at N = 256)
_LOOSE = 1e-4  # the loop ends at a Newton step below this fraction of |δ| (error ≲ 1e-8)
_POLISHED = 1e-6  # the last step's correction must be below this fraction of |δ|
_T_FLOOR = 2.0 ** -1000  # fallback steps stay above |δ| = 2^-1000·Δ/2, clear of underflow
_EPS = float(jnp.finfo(jnp.float64).eps)


class SecularRoots(eqx.Module):
    """The N − 1 non-zero eigenvalues ν = L² of the discrete problem, as pole offsets.

    `origin` (int, N − 1): index o of the pole each root is referred to (k or k + 1 for the
    root in (ν_k, ν_{k+1})); `offset` δ = ν − ν_o; `remainder` R = Σ_{j≠o} a_j/(ν − ν_j),
    equal to −a_o/δ at the root; `length` L = √ν (decay length of the mode);
    `converged`: every root met the iteration's stopping rule within its step limit.
    """

    origin: Int[Array, " m"]
    offset: Float[Array, " m"]
    remainder: Float[Array, " m"]
    length: Float[Array, " m"]
    converged: Bool[Array, ""]


def _pole_differences(l):
    """ν_i − ν_j = (l_i − l_j)(l_i + l_j), with full relative precision."""
    return (l[:, None] - l[None, :]) * (l[:, None] + l[None, :])


def _remainder(a, D_o, delta, not_o):
    """R(δ) = Σ_{j≠o} a_j/(ν_o − ν_j + δ), dR/dδ and Σ_{j≠o} |a_j/(ν_o − ν_j + δ)| (the
    rounding scale of R), one row per root (one division per element)."""
    inv = jnp.where(not_o, 1.0 / (D_o + delta[:, None]), 0.0)
    q = a[None, :] * inv
    return (jnp.sum(q, axis=1), -jnp.sum(q * inv, axis=1),
            jnp.sum(jnp.abs(q), axis=1))


def secular_roots(l, a, max_steps: int = _MAX_ITERATIONS) -> SecularRoots:
    """All N − 1 roots of h(ν) = Σ_j a_j/(ν − l_j²) = 0 (module docstring).

    `l`: (N,) strictly increasing positive scattering lengths; `a`: (N,) non-negative
    residues; `max_steps`: limit of the Newton iteration (static). A zero residue is allowed
    (its root sits on the pole, δ = 0). Static sizes;
    jit/vmap/grad-able (gradients through the implicit final Newton step).
    """
    n = l.shape[0]
    D = _pole_differences(l)
    k = jnp.arange(n - 1)
    gap = D[k + 1, k]  # ν_{k+1} − ν_k > 0
    # one pass at the middle of each interval: the sign of h there decides which half holds
    # the root, and ψ = Σ_{j ∉ {k, k+1}} a_j/(ν − ν_j) seeds the start below
    q_mid = a[None, :] / (D[k, :] + 0.5 * gap[:, None])
    h_mid = jnp.sum(q_mid, axis=1)
    cols = jnp.arange(n)[None, :]
    psi = jnp.sum(jnp.where((cols == k[:, None]) | (cols == k[:, None] + 1), 0.0, q_mid),
                  axis=1)
    upper = h_mid >= 0.0
    origin = jnp.where(upper, k + 1, k)
    side = jnp.where(upper, -1.0, 1.0)  # sign of δ
    half = 0.5 * gap

    not_o = jnp.arange(n)[None, :] != origin[:, None]

    def G(delta, a_, D_o):
        """G(δ), dG/dδ, the rounding scale of G, and R(δ)."""
        R, dR, size = _remainder(a_, D_o, delta, not_o)
        return (a_[origin] + delta * R, R + delta * dR, a_[origin] + jnp.abs(delta) * size,
                R)

    # safeguarded Newton on t = |δ| ∈ (0, Δ/2] (Δ the interval's gap): G > 0 as t → 0
    # (G(0) = a_o ≥ 0), G ≤ 0 at t = Δ/2 (the mid point), and [lo, hi] brackets the root.
    # A Newton step beyond an end of the bracket moves to that end (once in a row: a root
    # within rounding of the end is then recognised by |G|); otherwise a step leaving the
    # bracket is replaced by its geometric mid point (arithmetic once it spans less than a
    # factor 4), or by a point a factor 1e3 below the upper end while no G > 0 is known.
    # Done when |G| is at its rounding level or the bracket is 2 ulp wide (t kept), or when a
    # Newton step inside the bracket is below _LOOSE·t (step taken; the last step polishes).
    D_o_fixed = jax.lax.stop_gradient(D[origin, :])
    a_fixed = jax.lax.stop_gradient(a)
    side_fixed = jax.lax.stop_gradient(side)
    half_fixed = jax.lax.stop_gradient(half)
    a_o = a_fixed[origin]

    # start: the root of a_o/δ + a_n/(δ + D) + ψ = 0 in the interval, D = ν_o − ν_n
    # (n the other pole), i.e. of ψ δ² + b δ + a_o D = 0, b = a_o + a_n + ψ D, taken from
    # q = −(b + sign(b)√disc)/2 as a_o D/q or q/ψ without cancellation
    a_n = a_fixed[jnp.where(upper, k, k + 1)]
    D_on = -side_fixed * jax.lax.stop_gradient(gap)
    psi = jax.lax.stop_gradient(psi)
    b = a_o + a_n + psi * D_on
    disc = jnp.sqrt(jnp.maximum(b * b - 4.0 * psi * a_o * D_on, 0.0))
    q = -0.5 * (b + jnp.where(b >= 0.0, disc, -disc))
    t1 = side_fixed * a_o * D_on / jnp.where(q != 0.0, q, 1.0)
    t2 = side_fixed * q / jnp.where(psi != 0.0, psi, 1.0)
    t0 = jnp.where((q != 0.0) & (t1 > 0.0) & (t1 < half_fixed), t1,
                   jnp.where((psi != 0.0) & (t2 > 0.0) & (t2 < half_fixed), t2,
                             0.5 * half_fixed))
    floor = _T_FLOOR * half_fixed

    def step(state):
        i, t, lo, hi, jumped, active = state
        g, dg, scale, _ = G(side_fixed * t, a_fixed, D_o_fixed)
        dg = side_fixed * dg                                   # dG/dt
        positive = g > 0.0
        lo = jnp.where(active & positive, t, lo)
        hi = jnp.where(active & ~positive, t, hi)
        newton = t - g / jnp.where(dg != 0.0, dg, 1.0)
        finite = (dg != 0.0) & jnp.isfinite(newton)
        inside = finite & (newton > lo) & (newton < hi)
        above = finite & (newton >= hi) & (t < hi) & ~jumped
        below = finite & (newton <= lo) & (t > lo) & (lo > 0.0) & ~jumped
        mid = jnp.where(hi > 4.0 * lo, jnp.sqrt(lo * hi), 0.5 * (lo + hi))
        mid = jnp.where(lo > 0.0, mid, jnp.maximum(1e-3 * hi, floor))
        new = jnp.where(inside, newton, jnp.where(above, hi, jnp.where(below, lo, mid)))
        exact = (jnp.abs(g) <= 4.0 * _EPS * scale) | (hi - lo <= 2.0 * _EPS * hi)
        small = inside & (jnp.abs(new - t) <= _LOOSE * t)
        t = jnp.where(active & ~exact, new, t)
        return i + 1, t, lo, hi, above | below, active & ~(exact | small)

    def more(state):
        return (state[0] < max_steps) & jnp.any(state[-1])

    # a zero residue puts the root on its pole: δ = 0 exactly, no iteration
    live = a_o > 0.0
    t0 = jnp.where(live, t0, 0.0)
    zeros = jnp.zeros(n - 1)
    _, t, _, _, _, unfinished = jax.lax.while_loop(
        more, step, (0, t0, zeros, half_fixed, jnp.zeros(n - 1, dtype=bool), live))
    delta = side_fixed * t
    delta = jax.lax.stop_gradient(delta)
    # last Newton step with the inputs live: polishes δ to rounding (quadratic convergence
    # from ≲ 1e-8) and carries the exact implicit gradient
    D_o = D[origin, :]
    g, dg, _, R_loop = G(delta, a, D_o)
    correction = g / dg
    delta = delta - correction
    polished = jnp.abs(correction) <= _POLISHED * jnp.abs(delta)
    # R = −a_o/δ at the root; a zero residue keeps δ = 0 and the R of the pass
    R = jnp.where(live, -a[origin] / jnp.where(live, delta, 1.0), R_loop)
    nu = l[origin] ** 2 + delta
    return SecularRoots(origin=origin, offset=delta, remainder=R, length=jnp.sqrt(nu),
                        converged=~jnp.any(unfinished | (live & ~polished)))


class Modes(eqx.Module):
    """The decaying modes of one half-wire evaluated at the scatterer.

    Amplitude convention: mode k is scaled so that the δ-function part of its outgoing
    distribution (BW Eq. A7) is the discrete δ, 1/w_o at its origin node; the zero mode is
    excluded. For a mode of amplitude A, the deviations from f0 ± δf_D at the scatterer are
    A·`incoming` (particles moving towards the scatterer) and A·`outgoing` (moving away),
    each including the −eφ ∂f0/∂μ0 term of BW Eq. (11). Shapes: (N, N − 1).

    `potential` (N − 1): eφ(0) per unit amplitude (Eqs. A10, D2 with δn = 0);
    `chemical` (N − 1): δμ(0) + eφ(0) per unit amplitude (Eq. D3a); `length`: decay
    lengths L_k; `scale` (N − 1): a column scale that brings each mode's largest boundary
    value to O(1) (w_o, the δ-part being 1/w_o; 1 for the orthonormal constant-ℓ modes),
    which equilibrates the matching system as well as Ruiz scaling does without reading it;
    `roots`: the `SecularRoots` (None for a constant mean free path, where the modes come
    from `constant_length_modes` and each one's δf^s at 0± is a column of an orthonormal
    basis instead of a δ-function plus its scattered part).
    """

    incoming: Float[Array, "n m"]
    outgoing: Float[Array, "n m"]
    potential: Float[Array, " m"]
    chemical: Float[Array, " m"]
    length: Float[Array, " m"]
    scale: Float[Array, " m"]
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
    plus = L[None, :] + l[:, None]
    inv = 1.0 / (plus * safe)   # one division: 1/(ν − ν_i) = (L + l)·inv, 1/(L + l) = (ν − ν_i)·inv
    half_ctC = 0.5 * c[None, :] * (tau * C)[:, None]
    # Σ_j w_j τ_j g_j: the origin term c w_o τ_o C_o ν/δ equals 2ν/(l_o (L + l_o)) at the root
    nu = L**2
    g_sum = jnp.where(
        at_origin,
        (2.0 * nu / (lo * (L + lo)))[None, :],
        (w * tau * C)[:, None] * c[None, :] * nu[None, :] * plus * inv,
    ).sum(axis=0)
    potential = g_sum / dn0
    common = half_ctC - d[:, None] * potential[None, :]
    incoming = -half_ctC * l[:, None] * safe * inv + common
    outgoing = jnp.where(at_origin, 1.0 / w[:, None], half_ctC * l[:, None] * plus * plus * inv
                         ) + common
    # δμ + eφ = κ Σ w δf^s/τ = κ c (Eq. D3a), κ = 1/(2 Σ w d/τ)
    chemical = c / (2.0 * jnp.sum(w * u_weight))
    return Modes(incoming=incoming, outgoing=outgoing, potential=potential, chemical=chemical,
                 length=L, scale=jax.lax.stop_gradient(w[o]), roots=roots)


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
                 scale=jnp.ones(n - 1, dtype=X.dtype), roots=None)
