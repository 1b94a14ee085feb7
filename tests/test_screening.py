"""Injectivities of the DI diode (DI Eq. 6). The self-consistent screening solve is tested in
test_screening_solve.py."""

import jax
import jax.numpy as jnp
import numpy as np

from jaxdiss.diode import ThermalDiode
from jaxdiss.scattering.smatrix import diode_smatrix
from jaxdiss.screening import injectivities, region_dos

E = jnp.linspace(30.0, 50.0, 41) + 0.013
U = jnp.array([0.3, -0.2, 0.1])


def _dev(coupling):
    return ThermalDiode(41.0, 44.0, 1.0, 1.5, coupling=coupling, cavity_energy=1.0)


def _fd_injectivities(dev, h=1e-6):
    out = []
    for a in range(3):
        dU = jnp.zeros(3).at[a].set(h)
        S = lambda u: diode_smatrix(E, dev.eps1, dev.eps3, dev.gamma1, dev.gamma3, dev.coupling,
                                    dev.cavity_energy, u)
        dS = (S(U + dU) - S(U - dU)) / (2 * h)
        per = -jnp.sum(jnp.imag(jnp.conj(S(U)) * dS), axis=-2) / (2 * np.pi)  # (N, 4)
        out.append(jnp.stack([per[:, 0], per[:, 1], per[:, 2] + per[:, 3]], -1))
    return jnp.stack(out, -1)


def test_injectivities_match_finite_differences():
    for lam in (0.0, 0.4, 1.0):
        dev = _dev(lam)
        nu = injectivities(dev, E, U)
        assert nu.shape == (41, 3, 3)
        np.testing.assert_allclose(nu, _fd_injectivities(dev), atol=1e-7)


def test_sum_rule_uniform_shift_is_minus_energy_derivative():
    for lam in (0.0, 0.5, 1.0):
        dev = _dev(lam)
        S = lambda e: diode_smatrix(e, dev.eps1, dev.eps3, dev.gamma1, dev.gamma3, dev.coupling,
                                    dev.cavity_energy, U)
        dSdE = jax.vmap(jax.jacfwd(S))(E)
        per = jnp.sum(jnp.imag(jnp.conj(S(E)) * dSdE), axis=-2) / (2 * np.pi)
        expect = jnp.stack([per[:, 0], per[:, 1], per[:, 2] + per[:, 3]], -1)
        np.testing.assert_allclose(jnp.sum(injectivities(dev, E, U), -1), expect, atol=1e-12)


def test_breit_wigner_closed_form_at_full_absorption():
    # λ = 1: barrier 1 sits between lead L and an absorbing region 2, so its injectivities are
    # those of an isolated Breit–Wigner barrier: ν_L1 = ν_p1 = Γ/(2π(x² + Γ²)), ν_R1 = 0.
    dev = _dev(1.0)
    nu = injectivities(dev, E, U)
    x = E - dev.eps1 - U[0]
    bw = dev.gamma1 / (2 * np.pi * (x**2 + dev.gamma1**2))
    np.testing.assert_allclose(nu[:, 0, 0], bw, atol=1e-13)
    np.testing.assert_allclose(nu[:, 2, 0], bw, atol=1e-13)
    np.testing.assert_allclose(nu[:, 1, 0], 0.0, atol=1e-13)
    # one state per spin over the resonance, non-negative density
    assert np.all(np.asarray(region_dos(dev, E, U)[:, 0]) >= 0)
