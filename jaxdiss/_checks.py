"""Argument validation shared by every public function.

Concrete (non-traced) values are checked eagerly and raise ``ValueError`` naming the
argument. Traced values cannot be inspected at trace time; for those the checks are
attached with ``equinox.error_if`` so that a bad value raises at run time instead of
propagating as NaN. The returned array must be used for the traced check to survive.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "is_concrete",
    "check_finite",
    "check_nonnegative",
    "check_positive",
    "check_in_range",
    "check_choice",
    "check_spin",
]


def is_concrete(x) -> bool:
    """True when ``x`` holds a value now (not a tracer inside jit/vmap/grad)."""
    return not isinstance(x, jax.core.Tracer)


def _check(name: str, x, bad_fn, what: str):
    x = jnp.asarray(x)  # first: lists/tuples have no dtype of their own
    x = x.astype(jnp.result_type(x, float))
    if is_concrete(x):
        value = np.asarray(x)
        if np.any(~np.isfinite(value)):
            raise ValueError(f"`{name}` must be finite, got {_show(value)}")
        if bad_fn is not None and np.any(bad_fn(value)):
            raise ValueError(f"`{name}` must be {what}, got {_show(value)}")
        return x
    bad = ~jnp.isfinite(x)
    if bad_fn is not None:
        bad = bad | bad_fn(x)
    return eqx.error_if(x, bad, f"`{name}` must be finite and {what}" if what else f"`{name}` must be finite")


def _show(value: np.ndarray) -> str:
    if value.size == 1:
        return repr(float(value.reshape(())))
    return f"an array with offending entries (shape {value.shape})"


def check_finite(name: str, x):
    """Return ``x`` as a float array; reject NaN and infinities."""
    return _check(name, x, None, "")


def check_nonnegative(name: str, x):
    """Return ``x``; reject non-finite or negative values."""
    return _check(name, x, lambda v: v < 0, "non-negative")


def check_positive(name: str, x):
    """Return ``x``; reject non-finite or non-positive values."""
    return _check(name, x, lambda v: v <= 0, "positive")


def check_in_range(name: str, x, lo: float, hi: float):
    """Return ``x``; reject values outside the closed interval [lo, hi]."""
    return _check(name, x, lambda v: (v < lo) | (v > hi), f"in [{lo}, {hi}]")


def check_choice(name: str, value, choices):
    """Reject an option that is not one of ``choices`` (static Python values)."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_scalar(name: str, x):
    """Return ``x``; reject arrays that are not 0-dimensional (batch with ``jax.vmap``)."""
    if jnp.ndim(x) != 0:
        raise ValueError(f"`{name}` must be a scalar, got shape {jnp.shape(x)}; map over "
                         "parameters with jax.vmap")
    return x


def check_static_int(name: str, value, minimum: int) -> int:
    """A static (Python or NumPy) int ≥ ``minimum``, returned as a Python int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_spin(spin):
    """Spin degeneracy factor: 1 or 2 (a Python or NumPy int), returned as a float array so
    that jit-compiled callers share one compilation for both values."""
    if isinstance(spin, bool) or spin not in (1, 2):
        raise ValueError(f"`spin` must be 1 or 2, got {spin!r}")
    return jnp.asarray(float(spin))
