"""Heating and cooling spots of the phonon heating profile P_ph(x) (BW Sec. III, Figs. 5, 6).

On each side of the scatterer the profile of a `WireSolution` is a finite sum of decaying
exponentials in the distance d = |x| (BW Eq. 37 and Sec. IV C; the decay lengths L_k are the
solver's discrete eigenmodes):

    P_ph(d) = P_ext + Σ_k c_k e^{−d/L_k},
    right wire: c_k = (J_k + I eφ_k)/L_k,   left wire: c_k = −(J_k + I eφ_k)/L_k,

with J_k and eφ_k the heat current and potential each mode carries at 0± (Eqs. 23–26). So
dP/dd = −Σ (c_k/L_k) e^{−d/L_k} and d²P/dd² = Σ (c_k/L_k²) e^{−d/L_k} are exact, and the
extrema are found as follows (static sizes throughout, so everything works under ``jit``
and ``vmap`` over solutions, e.g. for the maps of Figs. 5, 6 over (√(ε0/μ0), Γ/μ0)):

1. dP/dd is sampled on `n_scan` points spaced geometrically in [`x_min`, `x_max`] (dense
   near the scatterer, where the short modes live); each sign change brackets one
   stationary point (+ → − a local maximum, − → + a local minimum). Two stationary points
   closer than one scan step (ratio (x_max/x_min)^{1/(n_scan−1)}, 1.9 % by default) form
   no sign change and are missed; such a pair is a flat shoulder, not a spot.
2. Of the brackets, the 8 with the largest |P_ph| at their ends are refined by 60
   bisections of the exact derivative (position to rounding, ~1e-15 relative), then one
   Newton step with the solution's data live, so that the positions and amplitudes are
   differentiable (implicit function theorem) with respect to everything the solution
   depends on.

Which extrema count (BW Fig. 5 caption: heating spots are "positive maxima", cooling
spots "negative minima" of P_ph): a local maximum at 0 < |x0| < `x_max` with
P_ph(x0) > `threshold`·P_ext is a heating spot, a local minimum with
P_ph(x0) < −`threshold`·P_ext a cooling spot. The default `threshold` = 0 is the caption's
definition; `threshold` = 1 keeps only the extrema that the colour scale of Fig. 5,
±[|P_ph(x0)|/P_ext − 1]^{1/5}, can display (|P_ph(x0)| > P_ext). Of the spots on one side
only the dominant one — the largest |P_ph(x0)| — is reported, as in Figs. 5 and 6. The
extremum at the scatterer itself (x → 0±) is not a spot; neither is anything closer than
`x_min` (default 1e-3 v_F τ: P^(φ)_ph converges slowly right at 0±).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, Int

from .._checks import check_static_int
from .boltzmann import WireSolution

__all__ = ["Spot", "WireSpots", "wire_spots"]

_CANDIDATES = 8     # brackets refined per side
_BISECTIONS = 60    # each halves a bracket of relative width ≤ 2 %: 2^-60·0.02 ≈ 2e-20


class Spot(eqx.Module):
    """The dominant spot on one side of the scatterer.

    `kind`: +1 heating spot (local maximum of P_ph), −1 cooling spot (local minimum),
    0 none (then `position` and `amplitude` are 0); `position` x0 in v_F τ (negative on the
    left wire); `amplitude` P_ph(x0)/P_ext (dimensionless, the quantity of BW Fig. 5:
    its colour is sign·[|amplitude| − 1]^{1/5}).
    """

    kind: Int[Array, ""]
    position: Float[Array, ""]
    amplitude: Float[Array, ""]


class WireSpots(eqx.Module):
    """Dominant heating/cooling spots of a `WireSolution`: `left` (x < 0) and `right`
    (x > 0), each a `Spot`."""

    left: Spot
    right: Spot


def _slope(d, c, L):
    """dP/dd and d²P/dd² at distances `d` (any shape) for P = Σ c e^{−d/L}."""
    e = jnp.exp(-d[..., None] / L)
    return -(e @ (c / L)), e @ (c / L**2)


def _side_spot(c, L, ext, distances, threshold, sign) -> Spot:
    """Dominant spot of P = ext + Σ c e^{−d/L} on the scan grid `distances` (module
    docstring); `sign` −1 for the left wire (positions x = −d)."""
    cs, Ls = jax.lax.stop_gradient(c), jax.lax.stop_gradient(L)
    e = jnp.exp(-distances[:, None] / Ls)
    P = ext + e @ cs
    g = -(e @ (cs / Ls))
    up, down = g[:-1] > 0.0, g[:-1] < 0.0
    bracket = (up & (g[1:] <= 0.0)) | (down & (g[1:] >= 0.0))
    score = jnp.where(bracket, jnp.maximum(jnp.abs(P[:-1]), jnp.abs(P[1:])), -1.0)
    _, idx = jax.lax.top_k(score, _CANDIDATES)
    lo, hi = distances[idx], distances[idx + 1]
    rising = g[idx] > 0.0          # P increases into the bracket: a local maximum

    def bisect(_, bounds):
        a, b = bounds
        m = 0.5 * (a + b)
        gm, _ = _slope(m, cs, Ls)
        same = (gm > 0.0) == rising
        return jnp.where(same, m, a), jnp.where(same, b, m)

    lo, hi = jax.lax.fori_loop(0, _BISECTIONS, bisect, (lo, hi))
    mid = jax.lax.stop_gradient(0.5 * (lo + hi))
    # one Newton step with c, L live: the value stays (g ≈ 0), the gradient is implicit;
    # kept inside the refined bracket (masked candidates must not produce inf/NaN)
    g0, h0 = _slope(mid, c, L)
    step = mid - g0 / jnp.where(h0 != 0.0, h0, 1.0)
    d0 = jnp.where((step >= 0.5 * lo) & (step <= 2.0 * hi), step, mid)
    P0 = ext + jnp.exp(-d0[:, None] / L) @ c
    valid = bracket[idx] & jnp.where(rising, P0 > threshold * ext, P0 < -threshold * ext)
    best = jnp.argmax(jnp.where(valid, jnp.abs(P0), -1.0))
    found = valid[best]
    kind = jnp.where(found, jnp.where(rising[best], 1, -1), 0).astype(jnp.int32)
    return Spot(kind=kind,
                position=jnp.where(found, sign * d0[best], 0.0),
                amplitude=jnp.where(found, P0[best] / ext, 0.0))


@eqx.filter_jit
def _spots(w: WireSolution, distances, threshold) -> WireSpots:
    ext = w.heating_external
    cR = (w.heat_modes_right + w.current * w.potential_modes_right) / w.length_right
    cL = -(w.heat_modes_left + w.current * w.potential_modes_left) / w.length_left
    return WireSpots(
        left=_side_spot(cL, w.length_left, ext, distances, threshold, -1.0),
        right=_side_spot(cR, w.length_right, ext, distances, threshold, 1.0),
    )


def wire_spots(w: WireSolution, *, x_max: float = 20.0, x_min: float = 1e-3,
               n_scan: int = 512, threshold: float = 0.0) -> WireSpots:
    """Dominant heating and cooling spots on both sides of the scatterer (BW Figs. 5, 6).

    `w`: a `WireSolution` (from `solve_wire`, `solve_wire_linear` or
    `bias_for_current(...).solution`; batched solutions are handled with ``jax.vmap``).
    Static options: spots are searched at `x_min` < |x| < `x_max` (v_F τ; BW Figs. 5, 6
    use |x| < 20 l(p_F)); `n_scan` geometric scan points; `threshold` (≥ 0) the size, in
    P_ext, an extremum must have to count (module docstring: 0 is the Fig. 5 caption's
    definition, 1 the extrema its colour scale shows).

    Returns `WireSpots` (`left`, `right`), each a `Spot(kind, position, amplitude)`:
    kind +1 heating spot (local maximum of P_ph with P_ph(x0) > threshold·P_ext), −1 cooling
    spot (local minimum with P_ph(x0) < −threshold·P_ext), 0 none; position x0 (v_F τ,
    signed) exact to rounding; amplitude P_ph(x0)/P_ext. No NaN: without a spot position
    and amplitude are 0. Differentiable with respect to everything `w` depends on.
    """
    x_min, x_max, threshold = float(x_min), float(x_max), float(threshold)
    if not (np.isfinite(x_min) and x_min > 0.0):
        raise ValueError(f"`x_min` must be positive, got {x_min!r}")
    if not (np.isfinite(x_max) and x_max > x_min):
        raise ValueError(f"`x_max` must be finite and exceed `x_min` = {x_min!r}, got {x_max!r}")
    if not (np.isfinite(threshold) and threshold >= 0.0):
        raise ValueError(f"`threshold` must be non-negative, got {threshold!r}")
    n_scan = check_static_int("n_scan", n_scan, _CANDIDATES + 2)
    distances = jnp.asarray(np.geomspace(x_min, x_max, n_scan))
    return _spots(w, distances, threshold)
