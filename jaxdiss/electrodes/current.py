"""The bias at a prescribed current density: eV for a given j in the EL constant-ℓ model.

`solve_electrodes` takes eV and returns j (the explicit characteristic, EL Eq. A15). The
inverse — which eV carries a given j — is a one-dimensional root find, here Newton's method
(`jaxdiss.solve.newton`, optimistix) on

    r(x) = (j(x·μ0) − j*)/|j*|,     eV = x·μ0,

started at x = 0: the first step is the linear-response bias j*/(dj/deV at 0). r is the
relative error of the current, so the tolerances are relative (Newton stops when the step
in x is below atol + rtol·|x| and |r| < atol). Derivatives of the result with respect to
j*, kT, μ0, ℓ, L, k_s, the permittivities, constants and the parameters of T are implicit
(implicit function theorem, through optimistix' adjoint of the root find): d(eV)/dj* =
1/(dj/d(eV)) holds to rounding. The returned solution is `solve_electrodes` at the root, so
its fields carry the root's motion too.

The characteristic need not be monotonic (a narrow resonance leaving the transport window
gives negative differential conductance): where Newton fails, or a current cannot be
carried, ``converged`` is False (and ``throw=True`` raises for an unbatched call).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Int

from .._checks import check_finite, check_scalar, is_concrete
from ..solve import newton
from .exact import ElectrodeSolution, _arguments, _check_transmission, _solve

__all__ = ["BiasForCurrentDensity", "bias_for_current_density"]


class BiasForCurrentDensity(eqx.Module):
    """eV carrying a prescribed current density (`bias_for_current_density`).

    `bias`: eV (energy unit of the arguments; pass it to `solve_electrodes`);
    `solution`: the `ElectrodeSolution` at that eV (``solution.current_density`` reproduces
    the target); `converged`: Newton converged and the current is reproduced to 1e-10
    relative; `steps`: Newton steps taken.
    """

    bias: Array
    solution: ElectrodeSolution
    converged: Bool[Array, ""]
    steps: Int[Array, ""]


def _residual(x, args):
    T, target, scale, rest = args
    mu0 = rest[1]
    return (_solve(T, x * mu0, *rest).current_density - target) / scale


@eqx.filter_jit
def _core(T, target, rest, rtol, atol, max_steps):
    """Newton for eV (implicit derivatives through optimistix) and the solution there."""
    scale = jax.lax.stop_gradient(jnp.where(target != 0.0, jnp.abs(target), 1.0))
    root = newton(_residual, jnp.zeros_like(target), (T, target, scale, rest), rtol=rtol,
                  atol=atol, max_steps=max_steps)
    bias = root.root * rest[1]
    solution = _solve(T, bias, *rest)
    matched = jnp.abs(solution.current_density - target) <= 1e-10 * scale
    converged = root.converged & matched & jnp.isfinite(bias)
    return BiasForCurrentDensity(bias=bias, solution=solution, converged=converged,
                                 steps=root.steps)


def bias_for_current_density(T, current_density, kT, *, mu0=1.0, mean_free_path,
                             scatterer_length, permittivity=1.0, permittivity_scatterer=1.0,
                             charge=1.0, mass=1.0, hbar=1.0, area=1.0, screening=None,
                             order: int = 16, levels: int = 10, tail: float = 40.0,
                             subdivisions: int = 8, rtol: float = 1e-13, atol: float = 1e-13,
                             max_steps: int = 32, throw: bool = False) -> BiasForCurrentDensity:
    """The bias eV at which the EL constant-ℓ model carries the current density j*.

    Arguments as for `solve_electrodes` (same units and meanings), with `current_density`
    j* (any sign; j* = 0 gives eV = 0) in place of `bias`, and:

    * `rtol`, `atol`: Newton stops when the step in eV/μ0 is below atol + rtol·|eV/μ0| and
      the relative current error |j(eV) − j*|/|j*| is below `atol` (module docstring);
      `max_steps`: Newton iterations at most;
    * `throw`: raise `RuntimeError` when an unbatched call did not converge.

    Returns a `BiasForCurrentDensity` (eV, the solution there, `converged`, `steps`).
    Works under ``jit``, ``vmap`` (use ``throw=False``; failures come back flagged) and
    ``grad``/``jacfwd`` with implicit derivatives (module docstring). Raises `ValueError`
    for invalid arguments, naming them.
    """
    target = check_scalar("current_density", check_finite("current_density", current_density))
    args = _arguments(T, None, kT, mu0, mean_free_path, scatterer_length, permittivity,
                      permittivity_scatterer, charge, mass, hbar, area, screening, order,
                      levels, tail, subdivisions)
    rest = args[1:]
    _check_transmission(T, jnp.asarray(0.0), args[1], args[2])
    rtol, atol = float(rtol), float(atol)
    if not (np.isfinite(rtol) and rtol >= 0.0):
        raise ValueError(f"`rtol` must be non-negative, got {rtol!r}")
    if not (np.isfinite(atol) and atol > 0.0):
        raise ValueError(f"`atol` must be positive, got {atol!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) \
            or max_steps < 1:
        raise ValueError(f"`max_steps` must be an int >= 1, got {max_steps!r}")
    result = _core(T, target, rest, rtol, atol, int(max_steps))
    if throw and is_concrete(result.converged) and not bool(result.converged):
        raise RuntimeError(
            f"no bias found for current density {float(target):.6g}: Newton stopped after "
            f"{int(result.steps)} steps at eV = {float(result.bias):.6g}, where j = "
            f"{float(result.solution.current_density):.6g}")
    return result
