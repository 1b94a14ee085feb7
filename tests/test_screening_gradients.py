"""Gradients of R_I, R_J through the self-consistent screening (and probe) solves, and the
sharded diode map.

Derivatives with respect to (ε1, ε3, Γ, cavity_energy, λ) come from implicit
differentiation of the Newton solves (optimistix); they are compared with fourth-order
central differences of the same function at λ ∈ {0, 0.5, 1}, screened with C → 0 (DI Fig. 3
setting, μ = 40, kT = 1, ΔT = 1). The unscreened counterpart is in test_diode.py. λ is a
traced argument here, so the device has the "general" structure (probe unknowns and
cavity ladders at every λ) and one compiled function serves all three couplings; the λ
derivative is one-sided at the ends of [0, 1] and compared at λ = 0.5 only.
"""

import jax
import jax.numpy as jnp
import numpy as np

import jaxdiss as jd
from jaxdiss import diode as di

MU, KT, DT = 40.0, 1.0, 1.0
COUPLINGS = (0.0, 0.5, 1.0)
BASE = (MU + 2.0, MU + 7.0, 1.0, 1.0)  # ε1, ε3, Γ (both barriers), cavity_energy
H = 1e-3  # finite-difference step along each (scaled) direction


def _rect(x):
    dev = di.ThermalDiode(x[0], x[1], x[2], x[2], coupling=x[4], cavity_energy=x[3],
                          capacitance=0.0)
    r = di.rectification(dev, MU, KT, DT)
    R = jnp.stack([r.R_I, r.R_J])
    return R, (R, r.forward.converged & r.backward.converged)


def _directions(lam, rng):
    """Two random directions in (ε1, ε3, Γ, cavity_energy, λ), scaled to the parameters'
    sensitivity; no λ component at the ends of [0, 1]."""
    v = rng.normal(size=(2, 5)) * np.array([1.0, 1.0, 0.1, 0.1, 0.1])
    if lam in (0.0, 1.0):
        v[:, 4] = 0.0
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_screened_rectification_gradients_match_finite_differences():
    """Full Jacobians (jacfwd through the solves) at λ = 0, 0.5, 1, checked column by
    column where a column matters (each parameter moves R) and along two random
    directions with fourth-order central differences (rtol 1e-5). One compiled function
    (values ride along as auxiliary output) serves base and stencil points."""
    rng = np.random.default_rng(3)
    pts, dirs = [], []
    for lam in COUPLINGS:
        x0 = np.array(BASE + (lam,))
        pts.append(x0)
        for v in _directions(lam, rng):
            dirs.append(v)
            pts.extend(x0 + m * H * v for m in (2, 1, -1, -2))
    jac, (values, ok) = jax.jit(jax.vmap(jax.jacfwd(_rect, has_aux=True)))(jnp.asarray(pts))
    jac, values, ok = np.asarray(jac), np.asarray(values), np.asarray(ok)
    assert ok.all()
    row = 0
    for lam in COUPLINGS:
        J = jac[row]  # (2, 5) at the base point
        base = values[row]
        assert np.all(np.isfinite(J[:, :4]))
        assert 0.02 < np.max(np.abs(base)) < 0.95  # unsaturated, non-trivial point
        # every parameter moves the rectification (a zero column would hide a lost path)
        assert np.all(np.max(np.abs(J[:, :3]), axis=0) > 1e-4)
        row += 1
        for _ in range(2):
            v = dirs.pop(0)
            f2, f1, m1, m2 = values[row:row + 4]
            row += 4
            fd = (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * H)
            np.testing.assert_allclose(J @ v, fd, rtol=1e-5, atol=1e-8,
                                       err_msg=f"lambda={lam}, direction {v}")
    # the screened derivative differs from the unscreened one: the solve matters
    plain = jax.jacfwd(lambda e1: di.rectification(
        di.ThermalDiode(e1, BASE[1], 1.0, 1.0, coupling=0.5), MU, KT, DT).R_J)(BASE[0])
    assert abs(float(plain) - jac[9, 1, 0]) > 1e-3 * abs(jac[9, 1, 0])
