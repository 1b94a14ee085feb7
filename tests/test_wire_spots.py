"""Heating and cooling spots of P_ph(x) (BW Sec. III, Figs. 3, 5, 6), `jaxdiss.wire.spots`.

Units: μ0 = 1, lengths in v_F τ, P_ph in units of P_ext. Scatterer of BW Fig. 3
(Lorentzian ε0 = 1.44, Γ = 0.08). Each tolerance is stated with what limits it.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.wire import solve_wire
from jaxdiss.wire.spots import _side_spot, wire_spots

EPS0, GAMMA = 1.44, 0.08
# (eps0, gamma, kT, eV): Fig. 3a (eV = 0.1) and 3b (eV = 0.4); the derivative stencil in kT;
# a 2×2 (ε0, Γ) grid at kT = 0.7, eV = 0.1 as in the maps of Figs. 5, 6
POINTS = [(EPS0, GAMMA, 0.1, 0.1), (EPS0, GAMMA, 0.5, 0.1), (EPS0, GAMMA, 0.7, 0.1),
          (EPS0, GAMMA, 0.5, 0.4), (EPS0, GAMMA, 0.7, 0.4),
          (EPS0, GAMMA, 0.7 * (1 + 1e-4), 0.1), (EPS0, GAMMA, 0.7 * (1 - 1e-4), 0.1)]
MAP = [(e, g, 0.7, 0.1) for e in (1.0, 1.44) for g in (0.08, 0.2)]


def _solve(eps0, gamma, kT, bias):
    return solve_wire(jd.Lorentzian(eps0, gamma), bias, kT)


def _pick(tree, i):
    return jax.tree_util.tree_map(lambda a: a[i], tree)


@pytest.fixture(scope="module")
def batch():
    """Solutions at POINTS + MAP (one jit(vmap) batch) and their spots (jax.vmap)."""
    ws = jax.jit(jax.vmap(_solve))(*jnp.asarray(POINTS + MAP).T)
    return ws, jax.vmap(wire_spots)(ws)


@pytest.fixture(scope="module")
def fig3(batch):
    ws, spots = batch
    return [(_pick(ws, i), _pick(spots, i)) for i in range(len(POINTS))]


def _side_arrays(spots, side):
    s = getattr(spots, side)
    return int(s.kind), float(s.position), float(s.amplitude)


# ---------------------------------------------------------------- synthetic profiles

_SIDE_SPOT = jax.jit(_side_spot)   # every argument traced: one compilation for all cases


@pytest.mark.parametrize("A1, A2, ext, threshold, kind", [
    (-3.0, 2.0, 1.0, 0.0, 1),    # BW Eq. (37): opposite signs, |A1| > (l1/l2)|A2|: maximum
    (-3.0, 2.0, 1.0, 1.0, 1),    # P(x0) = 1.83 P_ext > P_ext: shown by Fig. 5's colour scale
    (-3.0, 2.0, 1.0, 2.0, 0),    # … but not above 2 P_ext
    (3.0, -2.0, 1.0, 0.0, 0),    # minimum with P(x0) = 0.17 > 0: no cooling (caption)
    (3.0, -2.0, 0.1, 1.0, -1),   # minimum with P(x0) = −7.3 P_ext: cooling spot
    (-0.3, 2.0, 1.0, 0.0, 0),    # |A1| < (l1/l2)|A2|: monotonic, no extremum at x > 0
    (3.0, 2.0, 1.0, 0.0, 0),     # same signs: monotonic
])
@pytest.mark.parametrize("side", [-1.0, 1.0])
def test_two_exponentials(A1, A2, ext, threshold, kind, side):
    """P = P_ext + A1 e^{−d/l1} + A2 e^{−d/l2} (l1 = 0.5 < l2 = 2; BW Eq. 37): the extremum
    at d* = l1 l2 ln(−A1 l2/(A2 l1))/(l2 − l1) exists iff A1 A2 < 0 and |A1| l2 > |A2| l1;
    its position (sign of the side) and P(d*)/P_ext are found to 1e-12 relative."""
    l1, l2 = 0.5, 2.0
    c, L = jnp.array([A1, A2]), jnp.array([l1, l2])
    distances = jnp.asarray(np.geomspace(1e-3, 20.0, 512))
    spot = _SIDE_SPOT(c, L, ext, distances, threshold, side)
    assert int(spot.kind) == kind
    if kind == 0:
        assert float(spot.position) == 0.0 and float(spot.amplitude) == 0.0
        return
    d = l1 * l2 * np.log(-A1 * l2 / (A2 * l1)) / (l2 - l1)
    P = ext + A1 * np.exp(-d / l1) + A2 * np.exp(-d / l2)
    assert abs(float(spot.position) / (side * d) - 1.0) < 1e-12
    assert abs(float(spot.amplitude) / (P / ext) - 1.0) < 1e-12


# ---------------------------------------------------------------- BW Fig. 3

def test_fig3_spots_exist(fig3):
    """BW Fig. 3 (Sec. III A): no spot at kT = 0.1, eV = 0.1 (the profile decays
    monotonically on both sides); heating spots in the left wire at kT = 0.5 and 0.7 for
    eV = 0.1 and 0.4, with cooling spots in the right wire at eV = 0.1 (observed
    x0 = −1.97 (P/P_ext = 5.21) and +2.83 (−1.04) at kT = 0.5; −0.78 (25.8) and +1.18 (−15.5)
    at kT = 0.7; the near-threshold −1.04 is 4 % beyond P_ext, far above the grid error)."""
    (_, cold), *hot = fig3[:5]
    assert _side_arrays(cold, "left")[0] == 0 and _side_arrays(cold, "right")[0] == 0
    for (_, _, kT, bias), (_, spots) in zip(POINTS[1:5], hot):
        kind, x, amplitude = _side_arrays(spots, "left")
        assert kind == 1 and x < 0.0 and amplitude > 1.0, (kT, bias, kind, x, amplitude)
        if bias == 0.1:
            kind, x, amplitude = _side_arrays(spots, "right")
            assert kind == -1 and x > 0.0 and amplitude < -1.0, (kT, kind, x, amplitude)


def _brute_force(w, sign, n=40001):
    """Dominant extremum of P_ph/P_ext on one side from a dense scan of `w.at` (geometric,
    step ratio 1.0003 over 1e-3 ≤ d ≤ 20) refined by a parabola through the three nodes
    around each discrete extremum; counting rule of the module (threshold 0)."""
    d = np.geomspace(1e-3, 20.0, n)
    P = np.asarray(w.at(jnp.asarray(sign * d)).heating / w.heating_external)
    found = []
    for i in np.nonzero((np.diff(P)[:-1] * np.diff(P)[1:]) < 0)[0] + 1:
        x, y = d[i - 1:i + 2], P[i - 1:i + 2]
        a, b, c = np.polyfit(x - x[1], y, 2)
        x0 = x[1] - b / (2 * a)
        top = c - b**2 / (4 * a)
        kind = 1 if a < 0 else -1
        if (kind == 1 and top > 0) or (kind == -1 and top < 0):
            found.append((abs(top), kind, sign * x0, top))
    return max(found)[1:] if found else (0, 0.0, 0.0)


def test_positions_match_brute_force_and_are_stationary(fig3):
    """At every spot of the Fig. 3 points: kind, position and amplitude agree with a dense
    brute-force scan of ``w.at(x)`` (position to 1e-4, observed ≤ 1.4e-7, the parabola's own
    error; amplitude to 1e-6 relative, observed ≤ 4e-11), and P_ph is stationary there: the
    central difference (P(x0 + h) − P(x0 − h))/2h with h = 1e-4 is below 1e-6 of
    |P(x0) − P_ext| per unit length (observed ≤ 4e-9, its truncation error h²P\'\'\'/6; the
    same difference 1e-4 away from x0 is 5e-5…9e-5)."""
    checked = 0
    for i in range(5):
        w, spots = fig3[i]
        for side, sign in (("left", -1.0), ("right", 1.0)):
            kind, x0, amplitude = _side_arrays(spots, side)
            bf_kind, bf_x, bf_amplitude = _brute_force(w, sign)
            assert kind == bf_kind, (POINTS[i], side, kind, bf_kind)
            if kind == 0:
                continue
            checked += 1
            assert abs(x0 - bf_x) < 1e-4, (POINTS[i], side, x0, bf_x)
            assert abs(amplitude / bf_amplitude - 1.0) < 1e-6
            h = 1e-4
            P = np.asarray(w.at(jnp.array([x0 - h, x0, x0 + h])).heating)
            slope = (P[2] - P[0]) / (2 * h)
            scale = abs(P[1] - float(w.heating_external))
            assert abs(slope) < 1e-6 * scale, (POINTS[i], side, slope, scale)
            assert abs(P[1] / float(w.heating_external) - amplitude) < 1e-12 * abs(amplitude)
    assert checked == 7   # 4 heating (left) + 3 cooling (right) spots


def test_vmap_over_scatterers_matches_loop(batch):
    """jax.vmap of wire_spots over solutions (a 2×2 (ε0, Γ) grid at kT = 0.7, eV = 0.1, as
    in the maps of Figs. 5, 6, solved in one batch) equals the loop of unbatched
    solve_wire + wire_spots calls: the same kinds, positions and amplitudes to 1e-9
    relative (batched and unbatched solves differ by rounding, ~1e-13, which moves a
    stationary point by ~1e-12)."""
    _, spots = batch
    kinds = []
    for i, point in enumerate(MAP, start=len(POINTS)):
        single = wire_spots(_solve(*point))
        for side in ("left", "right"):
            b, s = getattr(spots, side), getattr(single, side)
            assert int(b.kind[i]) == int(s.kind)
            np.testing.assert_allclose(float(b.position[i]), float(s.position), rtol=1e-9)
            np.testing.assert_allclose(float(b.amplitude[i]), float(s.amplitude), rtol=1e-9)
            kinds.append(int(s.kind))
    assert set(kinds) >= {1, -1}   # the grid holds heating and cooling spots


def test_position_derivative(fig3):
    """d x0/d kT of the left heating spot at kT = 0.7, eV = 0.1 by forward-mode autodiff
    through solve_wire and wire_spots equals the central difference (relative step 1e-4,
    truncation ~1e-8) to 1e-5 relative."""
    def position(kT):
        return wire_spots(_solve(EPS0, GAMMA, kT, 0.1)).left.position

    tangent = jax.jit(lambda kT: jax.jvp(position, (kT,), (jnp.ones_like(kT),))[1])(0.7)
    plus, minus = fig3[5][1].left.position, fig3[6][1].left.position
    fd = float(plus - minus) / (2 * 0.7e-4)
    assert abs(float(tangent) / fd - 1.0) < 1e-5, (float(tangent), fd)
    assert abs(fd) > 0.1


def test_invalid_options_raise(fig3):
    w, _ = fig3[0]
    for kwargs, match in ((dict(x_min=0.0), "`x_min`"), (dict(x_max=1e-4), "`x_max`"),
                          (dict(threshold=-1.0), "`threshold`"), (dict(n_scan=4), "`n_scan`")):
        with pytest.raises(ValueError, match=match):
            wire_spots(w, **kwargs)
