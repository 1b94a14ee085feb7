"""SI conversions and material presets (units.py), against hand-computed CODATA values
and the numbers quoted in the QPC paper (Sec. 3.1)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdiss import units as u

E_CHARGE = 1.602176634e-19
H = 6.62607015e-34
K_B = 1.380649e-23
M_E = 9.1093837015e-31
HBAR = H / (2 * np.pi)


def test_constants():
    assert u.ELEMENTARY_CHARGE == E_CHARGE and u.PLANCK == H and u.BOLTZMANN == K_B
    assert u.ELECTRON_MASS == M_E
    assert u.HBAR == pytest.approx(1.054571817e-34, rel=1e-9)
    assert u.MEV == pytest.approx(1.602176634e-22, rel=1e-15)


def test_energy_round_trip():
    meV = np.array([1e-3, 0.5, 3.5, 1e4])
    joule = u.energy_to_joule(meV)
    np.testing.assert_allclose(joule, meV * E_CHARGE * 1e-3, rtol=1e-15)
    np.testing.assert_allclose(u.joule_to_energy(joule), meV, rtol=1e-15)
    # another unit: eV
    np.testing.assert_allclose(u.energy_to_joule(2.0, unit=E_CHARGE), 2 * E_CHARGE, rtol=1e-15)


def test_kelvin_energy():
    # k_B · 1 K = 86.17333 µeV
    np.testing.assert_allclose(u.kelvin_to_energy(1.0), 0.08617333262, rtol=1e-10)
    # QPC Sec. 3.1: kT = 0.1 E1 with E1 ≈ 3.5 meV is ≈ 4 K
    assert u.energy_to_kelvin(0.35) == pytest.approx(4.06, rel=1e-2)
    T = np.array([0.01, 4.2, 300.0])
    np.testing.assert_allclose(u.energy_to_kelvin(u.kelvin_to_energy(T)), T, rtol=1e-15)


def test_current_to_ampere():
    # a particle current of 1 meV/h is e·(1 meV)/h = e²/h · 1 mV ≈ 38.74 nA
    np.testing.assert_allclose(u.current_to_ampere(1.0), E_CHARGE * 1e-3 * E_CHARGE / H, rtol=1e-15)
    np.testing.assert_allclose(u.current_to_ampere(1.0), 3.874045865e-8, rtol=1e-9)
    # conductance quantum check: spin 2 · T = 1 at 1 mV bias gives 2e²/h · 1 mV
    np.testing.assert_allclose(u.current_to_ampere(2.0) / 1e-3, 7.748091729e-5, rtol=1e-9)


def test_power_to_watt():
    # (1 meV)²/h = 38.74 pW; an energy current [meV²/h] times 1/meV is [meV/h]
    np.testing.assert_allclose(u.power_to_watt(1.0), (E_CHARGE * 1e-3) ** 2 / H, rtol=1e-15)
    np.testing.assert_allclose(u.power_to_watt(1.0), 3.874045865e-11, rtol=1e-9)
    # P = I V for a T = 1 single channel at bias 1 meV: power 1 meV²/h = current · 1 mV
    np.testing.assert_allclose(u.power_to_watt(1.0), u.current_to_ampere(1.0) * 1e-3, rtol=1e-15)


def test_transverse_energy_gaas_qpc():
    E1 = u.transverse_energy(40e-9)
    exact = HBAR**2 * np.pi**2 / (8 * 0.067 * M_E * (20e-9) ** 2)
    np.testing.assert_allclose(E1, exact, rtol=1e-14)
    # QPC Sec. 3.1: E1 ≈ 3.5 meV for 2w = 40 nm and E1 ≈ 5.6 eV nm²/(2w)²
    assert float(u.joule_to_energy(E1)) == pytest.approx(3.5, rel=0.01)
    for width_nm in (20.0, 40.0, 100.0):
        E1_eV = float(u.transverse_energy(width_nm * 1e-9)) / E_CHARGE
        assert E1_eV == pytest.approx(5.6 / width_nm**2, rel=0.01)
    # InAs has a lighter mass: larger E1 in proportion
    ratio = float(u.transverse_energy(40e-9, u.INAS_NANOWIRE) / E1)
    assert ratio == pytest.approx(0.067 / 0.023, rel=1e-14)
    assert u.GAAS_2DEG.mass == pytest.approx(0.067 * M_E, rel=1e-15)


def test_fermi_energy_density_round_trip():
    n = 2e11 * 1e4  # 2e11 cm^-2 in m^-2
    EF = u.fermi_energy_2d(n)
    np.testing.assert_allclose(EF, np.pi * HBAR**2 * n / (0.067 * M_E), rtol=1e-14)
    assert float(u.joule_to_energy(EF)) == pytest.approx(7.15, rel=0.01)  # ≈ 7.1 meV
    np.testing.assert_allclose(u.density_2d(EF), n, rtol=1e-15)
    dens = np.array([1e14, 3e15, 1e16])
    np.testing.assert_allclose(u.density_2d(u.fermi_energy_2d(dens, u.INAS_NANOWIRE), u.INAS_NANOWIRE),
                               dens, rtol=1e-15)


@pytest.mark.parametrize(
    "fn, x",
    [
        (u.energy_to_joule, 2.0), (u.joule_to_energy, 3e-22), (u.kelvin_to_energy, 4.2),
        (u.energy_to_kelvin, 0.3), (u.current_to_ampere, 0.7), (u.power_to_watt, 0.7),
        (u.transverse_energy, 4e-8), (u.fermi_energy_2d, 2e15), (u.density_2d, 1e-21),
    ],
)
def test_units_under_jit_vmap_grad(fn, x):
    xs = x * jnp.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(jax.jit(fn)(x), fn(x), rtol=1e-15)
    np.testing.assert_allclose(jax.vmap(fn)(xs), [fn(v) for v in xs], rtol=1e-15)
    g = jax.grad(fn)(x)
    h = 1e-6 * x
    np.testing.assert_allclose(g, (fn(x + h) - fn(x - h)) / (2 * h), rtol=1e-8)
