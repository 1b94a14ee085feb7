"""Tip-thermometer radial profile around a QPC in a 2DEG (QPC Sec. 4 + DESIGN.md §4).

Hot electrons injected through the QPC release their excess energy at the distance
l(ε) of QPC Eq. (23); the power per unit distance p_R(r) (Eq. 25,
`jaxdiss.radial_power_density`) heats the sheet, whose phonons spread it with the K_0
kernel of healing length λ and leak it to the substrate (conductance g per area). The
tip's radial profile (azimuthal average, Gaussian resolution σ) is
`sheet.sheet_temperature(p_R, ρ, λ, σ)/g`.

`QPCThermometry` is the forward model in laboratory units: the QPC geometry (half width w
in nm, E1 from the GaAs effective mass), the mean electrochemical potential μ̄ and kT (in
E1) and the tip σ (nm) are known; the parameters are θ = (eV/E1, a, λ [nm],
g [pW/(mK µm²)]).
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp

from .._checks import check_positive
from ..hotspot import radial_power_density
from ..scattering import AbruptQPC
from ..units import GAAS_2DEG, MEV, Material, joule_to_energy, power_to_watt, transverse_energy
from .sheet import sheet_temperature

__all__ = ["QPCThermometry", "QPC_PARAMETERS"]

#: fit parameters of `QPCThermometry`, in the order of its parameter vector
QPC_PARAMETERS = ("bias", "a", "healing_nm", "conductance")

# W/nm² → pW/µm²
_AREAL = 1e12 * 1e6


class QPCThermometry(eqx.Module):
    """Forward model ΔT(ρ) (mK) of the azimuthally averaged tip profile around a QPC.

    Fields: `mubar` μ̄ and `kT` (E1), `half_width_nm` w, `e1_meV` E1, `tip_sigma_nm` σ,
    `transmission` T(E) with E in E1 (default the abrupt QPC of length 2w), radial support
    `r_min_nm`, `r_max_nm` of p_R (module `sheet`), spin 2. Call `model(theta, rho_nm)`
    with θ = (eV/E1, a, λ [nm], g [pW/(mK µm²)]); returns (ΔT in mK, True).
    """

    mubar: float
    kT: float
    half_width_nm: float
    e1_meV: float
    tip_sigma_nm: float
    transmission: eqx.Module
    r_min_nm: float = eqx.field(static=True)
    r_max_nm: float = eqx.field(static=True)
    quadrature: tuple[int, int, int, int] = eqx.field(static=True, default=(12, 20, 6, 6))

    @classmethod
    def from_lab(cls, *, width_nm, mubar, kT, tip_sigma_nm, transmission=None,
                 material: Material = GAAS_2DEG, r_min_nm=None, r_max_nm=30_000.0,
                 quadrature=(12, 20, 6, 6)):
        """From the QPC's full width 2w (nm), μ̄ and kT in E1, and the tip σ (nm).
        `r_min_nm` defaults to w (p_R vanishes well outside l(μ_L + 40 kT) for eV ≲ 3 E1
        and a ≲ 0.1). `quadrature`: (order, panels, levels, blur_panels) of
        `sheet_temperature` (defaults ≈ 1e-12 relative; (8, 12, 4, 4) is ~10× cheaper)."""
        width = float(check_positive("width_nm", width_nm))
        e1 = float(joule_to_energy(transverse_energy(width * 1e-9, material)))
        half = 0.5 * width
        T = AbruptQPC(length=2.0, n_modes=4) if transmission is None else transmission
        return cls(float(check_positive("mubar", mubar)), float(check_positive("kT", kT)),
                   half, e1, float(check_positive("tip_sigma_nm", tip_sigma_nm)), T,
                   half if r_min_nm is None else float(r_min_nm), float(r_max_nm),
                   tuple(int(n) for n in quadrature))

    def power(self, theta, r_nm):
        """p_R(r) in W/nm for θ's bias and a (QPC Eq. 25, spin 2)."""
        p = radial_power_density(self.transmission, r_nm / self.half_width_nm, self.mubar,
                                 theta[0], self.kT, theta[1])
        return power_to_watt(p, unit=self.e1_meV * MEV) / self.half_width_nm

    def __call__(self, theta, rho_nm):
        theta = jnp.asarray(theta, dtype=float)
        order, panels, levels, blur = self.quadrature
        q = sheet_temperature(lambda r: self.power(theta, r), rho_nm, theta[2],
                              self.tip_sigma_nm, r_min=self.r_min_nm, r_max=self.r_max_nm,
                              order=order, panels=panels, levels=levels, blur_panels=blur)
        return q * _AREAL / theta[3], jnp.asarray(True)
