"""Scattering matrices of multi-port elements and their composition; the DI diode conductor.

Conventions (all functions here):

- An element with n ports is an ``(..., n, n)`` complex array ``S`` mapping incoming to
  outgoing flux-normalised amplitudes, ``out = S @ in``; ``S[k, j]`` is the amplitude for
  j → k, so ``|S[k, j]|²`` is the probability of DI Eq. (1). Leading axes are batch axes
  (energies, devices) and broadcast against each other.
- A two-port is ``[[r, t'], [t, r']]``: port 0 on the left, port 1 on the right; ``t`` carries
  left → right.
- Energies E, ε, Γ, U and `cavity_energy` share one unit (e.g. k_BT = 1); lead band bottoms
  are 0, so E is absolute.
- Everything is complex128 (float64 is enabled on importing jaxdiss), jit/vmap/grad-able,
  and differentiable with respect to every float argument (see the two exceptions below).

Elements: `resonant_barrier` (DI Eq. 4), `propagation` (free motion across region 2),
`probe_splitter` (Büttiker's thermalisation probe). `block_diag` and `compose` join
elements into a network; `diode_smatrix` is the DI conductor of Fig. 1(b, c).

Modelling choices (the paper's supplement is not available):

- **Barrier reflection.** A point-like symmetric barrier with t = t' = τ is unitary only
  for r = r' = ±(1 + τ); we take r = r' = 1 + τ = (E − ε)/(E − ε + iΓ) at both barriers
  (r = τ − 1 is not unitary). Taking −(1 + τ) at both instead multiplies each S_kj of the
  diode by a constant ±1 (every path between two channels has the same parity of
  reflections), so |S_kj|² and the injectivities are unchanged. Γ does not depend on E
  (no band-edge velocity factors).
- **Probe.** Region 2 holds one point-like probe, by default at its centre: a 4-port real
  orthogonal splitter on ports (a, b, p1, p2) (a faces barrier 1, b faces barrier 3) that
  passes a ↔ b with amplitude c = √(1 − λ) and absorbs into the probe channels p1 (from a)
  and p2 (from b) with amplitude s = √λ [Büttiker, PRB 33, 3020 (1986); IBM J. Res. Dev.
  32, 63 (1988)]. The diode's |S_kj|² depend on region 2's phases only through the total
  k d, so the probe's position does not change the currents at fixed U, nor region 2's
  total density of states Σ_j ν_j2; it does change the partial injectivities ν_j2 (DI
  Eq. 6) for λ > 0 — e.g. at λ = 1 a wave from L fills only the part of region 2 left of
  the probe — and hence the screened potentials out of equilibrium (DI Fig. 4).
  `diode_smatrix(..., probe_position=0.5)` exposes the choice.
- **Below region 2's band bottom** (E < U₂) region 2 is a tunnel barrier: the link carries
  the analytic continuation e^{ikd} → e^{−κd} with no reflection at the band edge. The
  network is then contractive (‖S‖₂ ≤ 1) but not unitary: flux is lost rather than
  reflected. For the DI settings (μ ≈ 40 k_BT ≫ U₂) this only touches the deep Fermi sea.
- **Non-smooth points.** At E = U₂ exactly the one-sided derivatives of e^{ikd} diverge like
  1/√|E − U₂|; the value there is 1 and the returned derivative 0. At λ = 0 (λ = 1) exactly,
  ∂s/∂λ (∂c/∂λ) is +∞ (−∞); the value there is exact and the returned derivative of the
  vanishing amplitude is 0, so gradients never contain NaN (also not the forward-mode
  tangents of the other parameters, which would otherwise pick up 0·∞). λ-gradients are
  therefore meaningful only for 0 < λ < 1; at the end points use a one-sided finite
  difference of a probability (|S_kj|² is smooth in λ on [0, 1]).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .._checks import check_finite, check_in_range, check_nonnegative, check_positive

__all__ = [
    "DIODE_CHANNEL_TERMINALS",
    "resonant_barrier",
    "propagation",
    "probe_splitter",
    "block_diag",
    "compose",
    "diode_smatrix",
]

DIODE_CHANNEL_TERMINALS: tuple[str, str, str, str] = ("L", "R", "p", "p")
"""Terminal of each external channel of `diode_smatrix` (order L, R, p1, p2)."""


def _complex(x):
    x = jnp.asarray(x)
    return x.astype(jnp.result_type(x, 1j))  # complex128 for float64 and integer input


def _two_port(r, tp, t, rp):
    """Stack amplitudes (broadcast together) into ``[[r, t'], [t, r']]`` of shape (..., 2, 2)."""
    r, tp, t, rp = jnp.broadcast_arrays(*(_complex(v) for v in (r, tp, t, rp)))
    return jnp.stack([jnp.stack([r, tp], -1), jnp.stack([t, rp], -1)], -2)


def _safe_sqrt(x):
    """√x for x ≥ 0 with derivative 0 (instead of +∞) at x = 0 exactly; never NaN."""
    pos = x > 0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


# --- elements ------------------------------------------------------------------------------


@jax.jit
def _barrier(E, eps, gamma):
    x = E - eps
    den = x + 1j * gamma
    tau = -1j * gamma / den
    r = x / den  # = 1 + τ, without the cancellation near resonance
    return _two_port(r, tau, tau, r)


def resonant_barrier(E, eps, gamma):
    """Point-like resonant-tunnelling barrier (Breit–Wigner), DI Eq. (4).

    t = t' = τ = −iΓ/(E − ε + iΓ), r = r' = 1 + τ = (E − ε)/(E − ε + iΓ): symmetric and
    unitary. `eps` is the resonance energy including the band shift, ε = ε⁰ + U_α;
    `gamma` = Γ > 0 (energy; the inverse lifetime is Γ/ħ). Returns shape
    ``broadcast(E, eps, gamma).shape + (2, 2)``.
    """
    E = check_finite("E", E)
    eps = check_finite("eps", eps)
    gamma = check_positive("gamma", gamma)
    return _barrier(E, eps, gamma)


def _link(E, band_bottom, cavity_energy, fraction):
    """Transmission amplitude e^{i k d·fraction} (e^{−κ d·fraction} below the band bottom)."""
    x = (E - band_bottom) / cavity_energy
    above = x > 0
    below = x < 0
    kd = jnp.where(above, jnp.sqrt(jnp.where(above, x, 1.0)), 0.0)
    kappad = jnp.where(below, jnp.sqrt(jnp.where(below, -x, 1.0)), 0.0)
    return jnp.exp(fraction * (1j * kd - kappad))


@jax.jit
def _propagation(E, band_bottom, cavity_energy, fraction):
    t = _link(E, band_bottom, cavity_energy, fraction)
    zero = jnp.zeros_like(t)
    return _two_port(zero, t, t, zero)


def propagation(E, band_bottom, cavity_energy, fraction=1.0):
    """Free propagation across a fraction of region 2: reflectionless two-port.

    t = t' = e^{i k d·fraction}, r = r' = 0, with k d = √((E − U₂)/cavity_energy) for
    E > U₂ and the evanescent factor e^{−κ d·fraction}, κ d = √((U₂ − E)/cavity_energy),
    below. `band_bottom` = U₂ (energy); `cavity_energy` = ħ²/(2 m d²) > 0 (energy; the
    DI Fig. 3 length d = 2ħ/√(8 m k_BT) gives cavity_energy = k_BT); `fraction` ≥ 0 of the
    length d. Unitary for E > U₂ only. At E = U₂ the value is 1 and the derivative is
    returned as 0 (the one-sided ones diverge as 1/√|E − U₂|). Returns shape
    ``broadcast(E, band_bottom, cavity_energy, fraction).shape + (2, 2)``.
    """
    E = check_finite("E", E)
    band_bottom = check_finite("band_bottom", band_bottom)
    cavity_energy = check_positive("cavity_energy", cavity_energy)
    fraction = check_nonnegative("fraction", fraction)
    return _propagation(E, band_bottom, cavity_energy, fraction)


@jax.jit
def _splitter(coupling):
    lam = jnp.asarray(coupling)
    s = _safe_sqrt(lam)
    c = _safe_sqrt(1.0 - lam)
    z = jnp.zeros_like(lam)
    rows = [[z, c, s, z], [c, z, z, s], [s, z, z, -c], [z, s, -c, z]]
    return jnp.stack([jnp.stack(row, -1) for row in rows], -2)


def probe_splitter(coupling):
    """Büttiker's thermalisation probe in region 2: a real 4-port on (a, b, p1, p2).

    With c = √(1 − λ) and s = √λ (λ = `coupling` ∈ [0, 1])::

        [[0, c, s,  0],
         [c, 0, 0,  s],
         [s, 0, 0, -c],
         [0, s, -c, 0]]

    symmetric and its own inverse (orthogonal, hence unitary). A wave arriving at a (from
    barrier 1) passes on to b with amplitude c and is absorbed into p1 with amplitude s;
    likewise b → a, p2; nothing is reflected. λ = 0: transparent (p1 ↔ p2 closed on
    themselves with amplitude −1); λ = 1: everything entering region 2 is absorbed.
    Real float array of shape ``coupling.shape + (4, 4)``. At λ = 0 (1) exactly the
    derivative of s (c) is +∞ (−∞) and is returned as 0: differentiate in λ only for
    0 < λ < 1 (module docstring).
    """
    return _splitter(check_in_range("coupling", coupling, 0.0, 1.0))


# --- networks ------------------------------------------------------------------------------


@jax.jit
def _block_diag(*blocks):
    batch = jnp.broadcast_shapes(*(b.shape[:-2] for b in blocks))
    dtype = jnp.result_type(*blocks)
    sizes = [b.shape[-1] for b in blocks]
    rows = []
    for k, b in enumerate(blocks):
        row = [
            jnp.broadcast_to(b, batch + (m, m)).astype(dtype)
            if l == k
            else jnp.zeros(batch + (sizes[k], m), dtype)
            for l, m in enumerate(sizes)
        ]
        rows.append(jnp.concatenate(row, axis=-1))
    return jnp.concatenate(rows, axis=-2)


def block_diag(*blocks):
    """Block-diagonal S of several elements, ports numbered in order (batch axes broadcast).

    Each block has shape ``(..., n_k, n_k)``; the result ``(..., N, N)``, N = Σ n_k, with the
    ports of block k at offsets Σ_{l<k} n_l.
    """
    if not blocks:
        raise ValueError("`blocks` must hold at least one element")
    blocks = [_complex(b) for b in blocks]
    for k, b in enumerate(blocks):
        if b.ndim < 2 or b.shape[-1] != b.shape[-2]:
            raise ValueError(f"`blocks[{k}]` must have shape (..., n, n), got {b.shape}")
    return _block_diag(*blocks)


def _port(name, value, n):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"`{name}` must be a port index (int), got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"`{name}` = {value} is not a port of an S with {n} ports")
    return int(value)


def _bookkeeping(n, connections, external):
    """Static checks; return external ports, internal ports, [(i, j, link index or None)]
    and the links (complex arrays)."""
    if isinstance(external, (int, np.integer)) or not isinstance(external, Sequence):
        raise ValueError(f"`external` must be a sequence of port indices, got {external!r}")
    ext = tuple(_port(f"external[{k}]", p, n) for k, p in enumerate(external))
    if isinstance(connections, (str, bytes)) or not isinstance(connections, Sequence):
        raise ValueError(f"`connections` must be a sequence of (i, j[, link]), got {connections!r}")
    pairs, links, internal = [], [], []
    for k, conn in enumerate(connections):
        if not isinstance(conn, (tuple, list)) or len(conn) not in (2, 3):
            raise ValueError(f"`connections[{k}]` must be (i, j) or (i, j, link), got {conn!r}")
        i = _port(f"connections[{k}][0]", conn[0], n)
        j = _port(f"connections[{k}][1]", conn[1], n)
        if i == j:
            raise ValueError(f"`connections[{k}]` joins port {i} to itself")
        link = None
        if len(conn) == 3 and conn[2] is not None:
            l = _complex(conn[2])
            if l.ndim < 2 or l.shape[-2:] != (2, 2):
                raise ValueError(
                    f"`connections[{k}][2]` (link) must have shape (..., 2, 2), got {l.shape}"
                )
            links.append(l)
            link = len(links) - 1
        pairs.append((i, j, link))
        internal += [i, j]
    used = list(ext) + internal
    seen = set()
    for p in used:
        if p in seen:
            raise ValueError(f"port {p} is used more than once in `external` and `connections`")
        seen.add(p)
    missing = sorted(set(range(n)) - seen)
    if missing:
        raise ValueError(f"ports {missing} are neither `external` nor in `connections`")
    return ext, tuple(internal), pairs, links


def compose(S, connections, external):
    """External S-matrix of a network of elements joined at internal ports.

    `S`: ``(..., N, N)`` S-matrix of all elements over all their ports (usually
    `block_diag` of the elements). `connections`: sequence of ``(i, j)`` or
    ``(i, j, link)``: what leaves port i enters port j and vice versa, directly or through a
    two-port ``link`` of shape ``(..., 2, 2)`` (link port 0 faces i, port 1 faces j; e.g.
    `propagation`; reflections allowed). `external`: the ports left open, in the order of
    the result. Every port is external or in exactly one connection. Port bookkeeping is
    static (Python ints).

    With ``in_I = C out_I`` on the internal ports and ``out = S in``,
    S_ext = S_EE + S_EI (1 − C S_II)⁻¹ C S_IE (one batched linear solve). Returns
    ``(..., len(external), len(external))``; unitary when every element and link is.
    """
    S = _complex(S)
    if S.ndim < 2 or S.shape[-1] != S.shape[-2]:
        raise ValueError(f"`S` must have shape (..., N, N), got {S.shape}")
    ext, internal, pairs, links = _bookkeeping(S.shape[-1], connections, external)
    e_idx = np.asarray(ext, dtype=int)
    S_EE = S[..., e_idx[:, None], e_idx[None, :]]
    if not internal:
        return S_EE
    return _compose(S, tuple(links), ext=ext, internal=internal, pairs=tuple(pairs))


@functools.partial(jax.jit, static_argnames=("ext", "internal", "pairs"))
def _compose(S, links, *, ext, internal, pairs):
    e_idx = np.asarray(ext, dtype=int)
    batch = jnp.broadcast_shapes(S.shape[:-2], *(l.shape[:-2] for l in links))
    dtype = jnp.result_type(S, *links)
    S = jnp.broadcast_to(S, batch + S.shape[-2:]).astype(dtype)
    i_idx = np.asarray(internal, dtype=int)
    pos = {p: q for q, p in enumerate(internal)}
    n_i = len(internal)
    zero, one = jnp.zeros(batch, dtype), jnp.ones(batch, dtype)
    C = [[zero] * n_i for _ in range(n_i)]
    for i, j, link in pairs:
        a, b = pos[i], pos[j]
        if link is None:
            C[a][b] = C[b][a] = one
        else:
            l = jnp.broadcast_to(links[link], batch + (2, 2))
            C[a][a], C[a][b] = l[..., 0, 0], l[..., 0, 1]
            C[b][a], C[b][b] = l[..., 1, 0], l[..., 1, 1]
    C = jnp.stack([jnp.stack(row, -1) for row in C], -2)
    S_EE = S[..., e_idx[:, None], e_idx[None, :]]
    S_EI = S[..., e_idx[:, None], i_idx[None, :]]
    S_IE = S[..., i_idx[:, None], e_idx[None, :]]
    S_II = S[..., i_idx[:, None], i_idx[None, :]]
    A = jnp.eye(n_i, dtype=dtype) - C @ S_II
    X = jnp.linalg.solve(A, C @ S_IE)
    return S_EE + S_EI @ X


# --- the DI diode --------------------------------------------------------------------------

# ports of block_diag(barrier 1, splitter, barrier 3):
# 0 = L, 1 = barrier 1 right | 2 = a, 3 = b, 4 = p1, 5 = p2 | 6 = barrier 3 left, 7 = R
_DIODE_EXTERNAL = (0, 7, 4, 5)


def diode_network(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, U1, U2, U3, x):
    """The DI conductor as a network of elements joined by `compose` (reference form).

    Same arguments and result as `_diode`, which evaluates the closed form of this network
    (about 20× faster); the tests check that the two agree to rounding.
    """
    b1 = _barrier(E, eps1 + U1, gamma1)
    b3 = _barrier(E, eps3 + U3, gamma3)
    left = _propagation(E, U2, cavity_energy, x)
    right = _propagation(E, U2, cavity_energy, 1.0 - x)
    S = block_diag(b1, _splitter(coupling), b3)
    return compose(S, ((1, 2, left), (3, 6, right)), _DIODE_EXTERNAL)


def _reciprocal(z):
    """1/z as conj(z)/|z|²: fewer operations (and derivative terms) than complex division;
    |z| stays far from under/overflow here."""
    re, im = jnp.real(z), jnp.imag(z)
    d = re * re + im * im
    return jax.lax.complex(re / d, -im / d)


def _barrier_amplitudes(E, level, gamma):
    """(t, r) of a Breit–Wigner barrier at resonance `level` (DI Eq. 4, r = 1 + t)."""
    x = E - level
    inv = _reciprocal(x + 1j * gamma)
    return -1j * gamma * inv, x * inv


def _diode_entries(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, U1, U2, U3, x):
    """Closed form of `diode_network` as a 4×4 nested list ``S[k][j]`` of complex arrays.

    Multiple reflections in region 2 are summed exactly. With the amplitudes entering the
    splitter from the left (α, at port a) and from the right (β, at port b), A = φ_l² r₁ and
    B = φ_r² r₃ (a round trip from the splitter to a barrier and back), the splitter
    relations give (1 − c²AB) α = φ_l t₁ in_L + cAφ_r t₃ in_R + sA in_p1 + csAB in_p2 and
    the mirror relation for β; every outgoing amplitude follows from α and β. Kept as a
    list so that hot loops can form |S_kj|² or injectivities before anything is stacked
    (stacking complex arrays is slow on the CPU backend).
    """
    t1, r1 = _barrier_amplitudes(E, eps1 + U1, gamma1)
    t3, r3 = _barrier_amplitudes(E, eps3 + U3, gamma3)
    pl = _link(E, U2, cavity_energy, x)
    pr = _link(E, U2, cavity_energy, 1.0 - x)
    lam = jnp.asarray(coupling)
    s = _safe_sqrt(lam)
    c = _safe_sqrt(1.0 - lam)
    A = pl * pl * r1
    B = pr * pr * r3
    inv = _reciprocal(1.0 - c * c * A * B)
    csAB = c * s * A * B * inv
    # columns: incoming channel L, R, p1, p2
    alpha = [pl * t1 * inv, c * A * pr * t3 * inv, s * A * inv, csAB]
    beta = [c * B * pl * t1 * inv, pr * t3 * inv, csAB, s * B * inv]
    out_a = [c * v for v in beta]  # leaves a towards barrier 1 (+ s from p1)
    out_a[2] = out_a[2] + s
    out_b = [c * v for v in alpha]  # leaves b towards barrier 3 (+ s from p2)
    out_b[3] = out_b[3] + s
    row_L = [t1 * pl * o for o in out_a]
    row_L[0] = row_L[0] + r1
    row_R = [t3 * pr * o for o in out_b]
    row_R[1] = row_R[1] + r3
    row_p1 = [s * v for v in alpha]
    row_p1[3] = row_p1[3] - c
    row_p2 = [s * v for v in beta]
    row_p2[2] = row_p2[2] - c
    shape = jnp.shape(inv)
    return [[jnp.broadcast_to(_complex(v), shape) for v in row]
            for row in (row_L, row_R, row_p1, row_p2)]


def _coherent_entries(E, eps1, eps3, gamma1, gamma3, cavity_energy, U1, U2, U3):
    """The λ = 0 diode (no probe): 2×2 nested list ``S[k][j]`` over (L, R), Fabry–Perot.

    With A = φ_l² r₁, B = φ_r² r₃ and D = 1 − AB (φ_l φ_r = e^{ikd}): S_RL = S_LR =
    t₁t₃φ_lφ_r/D, S_LL = r₁ + t₁²φ_l²B/D, S_RR = r₃ + t₃²φ_r²A/D — the L, R block of
    `_diode_entries` at coupling 0, with a quarter of its work (the probe position only
    splits the phase, so the whole cavity is one link here).
    """
    t1, r1 = _barrier_amplitudes(E, eps1 + U1, gamma1)
    t3, r3 = _barrier_amplitudes(E, eps3 + U3, gamma3)
    ph = _link(E, U2, cavity_energy, 1.0)
    ph2 = ph * ph
    inv = _reciprocal(1.0 - ph2 * r1 * r3)
    t = t1 * t3 * ph * inv
    return [[r1 + t1 * t1 * ph2 * r3 * inv, t], [t, r3 + t3 * t3 * ph2 * r1 * inv]]


@jax.jit
def _diode(*args):
    """S over (L, R, p1, p2), shape (..., 4, 4): the stacked `_diode_entries`."""
    rows = _diode_entries(*args)
    return jnp.stack([jnp.stack(row, -1) for row in rows], -2)


def _abs2(z):
    return jnp.real(z) ** 2 + jnp.imag(z) ** 2


# channel groups of the terminals (L, R, p) among the channels (L, R, p1, p2)
_DIODE_GROUPS = ((0,), (1,), (2, 3))


def _transmission_list(rows):
    """Terminal transmissions T_kj as a nested list from S entries: over (L, R, p) for the
    4-channel diode, over (L, R) for the 2-channel coherent one."""
    P = [[_abs2(v) for v in row] for row in rows]
    groups = _DIODE_GROUPS if len(rows) == 4 else ((0,), (1,))
    return [[sum(P[a][b] for a in gk for b in gj) for gj in groups] for gk in groups]


def _diode_transmissions(*args):
    """Terminal transmissions T_kj over (L, R, p) from `_diode_entries`, shape (..., 3, 3).

    Equal to ``transmission_matrix(_diode(...), DIODE_CHANNEL_TERMINALS)``, formed from
    |S_ab|² before anything is stacked.
    """
    T = _transmission_list(_diode_entries(*args))
    return jnp.stack([jnp.stack(row, -1) for row in T], -2)


def _cavity_resonances(eps1, eps3, gamma1, gamma3, coupling, cavity_energy, U1, U2, U3,
                       n_levels: int, iterations: int = 8):
    """Fabry–Perot resonances of region 2: positions E_n and half widths, n = 1 … n_levels.

    The round trip across region 2 has amplitude ρ = c² r₁ r₃ e^{2ikd} (see `_diode_entries`);
    transmission peaks where its phase Φ(E) = 2kd + arg r₁ + arg r₃ equals 2πn, with
    arg r_α = −arctan(Γ_α/(E − ε_α − U_α)). Newton from the bare levels U₂ + cavity_energy·(nπ)²
    (a fixed number of steps, differentiable). Half width ≈ (1 − |ρ|)/(√|ρ| Φ'(E_n)); it is
    capped at 1e6 when |ρ| ≈ 0 (no interference, e.g. at λ = 1). Used to place quadrature
    ladders on peaks much narrower than kT (opaque barriers); not a public API.
    """
    n = jnp.arange(1, n_levels + 1, dtype=float)
    target = 2.0 * jnp.pi * n
    floor = U2 + 1e-9 * cavity_energy

    def phase(E):
        kd = jnp.sqrt(jnp.maximum(E - U2, 0.0) / cavity_energy)
        x1 = E - (eps1 + U1)
        x3 = E - (eps3 + U3)
        args = sum(jnp.where(x < 0, jnp.pi, 0.0) - jnp.arctan2(g, x)
                   for x, g in ((x1, gamma1), (x3, gamma3)))
        slope = (1.0 / jnp.sqrt(cavity_energy * jnp.maximum(E - U2, 1e-300))
                 + gamma1 / (x1**2 + gamma1**2) + gamma3 / (x3**2 + gamma3**2))
        return 2.0 * kd + args, slope

    E = U2 + cavity_energy * (jnp.pi * n) ** 2
    for _ in range(iterations):
        phi, slope = phase(E)
        E = jnp.maximum(E - (phi - target) / slope, floor)
    _, slope = phase(E)
    c2 = 1.0 - jnp.asarray(coupling)
    rho = c2 * jnp.abs(E - eps1 - U1) / jnp.hypot(E - eps1 - U1, gamma1) \
        * jnp.abs(E - eps3 - U3) / jnp.hypot(E - eps3 - U3, gamma3)
    ok = rho > 1e-6
    width = jnp.where(ok, (1.0 - rho) / (jnp.sqrt(jnp.where(ok, rho, 1.0)) * slope), 1e6)
    return E, jnp.minimum(width, 1e6)


def _potentials(potentials):
    if isinstance(potentials, (tuple, list)):
        if len(potentials) != 3:
            raise ValueError(f"`potentials` must be (U_1, U_2, U_3), got {len(potentials)} values")
        return tuple(check_finite(f"potentials[{k}]", u) for k, u in enumerate(potentials))
    U = check_finite("potentials", potentials)
    if U.ndim < 1 or U.shape[-1] != 3:
        raise ValueError(f"`potentials` must have a last axis of length 3, got shape {U.shape}")
    return U[..., 0], U[..., 1], U[..., 2]


def diode_smatrix(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy,
                  potentials=(0.0, 0.0, 0.0), *, probe_position=0.5):
    """S-matrix of the DI conductor, L–[barrier 1]–region 2 (with the probe)–[barrier 3]–R.

    Barriers α = 1, 3 are `resonant_barrier` s with ε_α = `eps{α}` + U_α and Γ_α =
    `gamma{α}` (DI Eq. 4, ε_α here is the paper's ε_α⁰ + U_α^eq); region 2 is
    `propagation` over x·d, `probe_splitter` (λ = `coupling`), `propagation` over (1 − x)·d,
    with band bottom U₂ and phase k d = √((E − U₂)/`cavity_energy`), x = `probe_position`
    ∈ [0, 1] (default ½, the centre; it changes only phases, see the module docstring).
    `potentials` = (U₁, U₂, U₃): a 3-tuple of scalars/arrays or an array with last axis 3
    (differentiate it with `jax.jacfwd` for the injectivities, DI Eq. 6).

    Returns the ``(..., 4, 4)`` complex S over the external channels (L, R, p1, p2) with
    ``...`` the broadcast shape of all arguments (E first); p1 and p2 both belong to the
    probe terminal (`DIODE_CHANNEL_TERMINALS`). λ = 0: the probe channels decouple and
    S_RL is the Fabry–Perot amplitude of the two barriers; λ = 1: no direct L ↔ R
    transmission and |S_p1,L|² + |S_p2,L|² = |τ₁|². Unitary and symmetric (no magnetic
    field) for E > U₂.
    """
    E = check_finite("E", E)
    eps1 = check_finite("eps1", eps1)
    eps3 = check_finite("eps3", eps3)
    gamma1 = check_positive("gamma1", gamma1)
    gamma3 = check_positive("gamma3", gamma3)
    coupling = check_in_range("coupling", coupling, 0.0, 1.0)
    cavity_energy = check_positive("cavity_energy", cavity_energy)
    U1, U2, U3 = _potentials(potentials)
    x = check_in_range("probe_position", probe_position, 0.0, 1.0)
    return _diode(E, eps1, eps3, gamma1, gamma3, coupling, cavity_energy, U1, U2, U3, x)
