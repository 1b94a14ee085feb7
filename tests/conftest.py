"""Test configuration: four CPU host devices (for sharding tests) and float64.

XLA_FLAGS must be set before JAX initialises its backend, hence before importing jax.
"""

import os

os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"
).strip()
os.environ.setdefault("MPLBACKEND", "Agg")

import jax  # noqa: E402

import jaxdiss  # noqa: E402,F401  (enables float64)

assert jax.config.jax_enable_x64
