"""Test configuration: four CPU host devices (for sharding tests), float64, and the
heaviest test files scheduled first.

XLA_FLAGS must be set before JAX initialises its backend, hence before importing jax.
(A persistent compilation cache shared by the workers would not help: JAX does not cache
programs with host callbacks, which every solver has through `equinox.error_if`.)

Order: with ``--dist loadfile`` a file runs on one worker from start to end; the files
that take longest (each one to four minutes, mostly one large compilation) are collected
first so that they do not start last and leave one worker idle.
"""

import os

os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"
).strip()
os.environ.setdefault("MPLBACKEND", "Agg")

import jax  # noqa: E402

import jaxdiss  # noqa: E402,F401  (enables float64)

assert jax.config.jax_enable_x64

# heaviest first (measured on 2 cores; see the module docstring)
_HEAVY = ("test_screening_gradients.py", "test_batch_invariance.py", "test_wire_voltage.py",
          "test_screening_solve.py", "test_cli.py", "test_diode.py", "test_diode_lines.py",
          "test_boltzmann.py", "test_design.py", "test_electrodes.py", "test_thermometry.py")


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        name = item.path.name
        return _HEAVY.index(name) if name in _HEAVY else len(_HEAVY)

    items.sort(key=rank)   # stable: the order inside each file is kept
