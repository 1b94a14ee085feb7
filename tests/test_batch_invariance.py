"""Bitwise batch invariance with `jd.enable_batch_invariance` (no FMA contraction on CPU).

The check runs in a fresh interpreter: the flag is read when JAX creates its CPU backend,
which this test session has already done.
"""

import os
import subprocess
import sys
import textwrap

import pytest

import jaxdiss as jd
from jaxdiss import batch_invariance

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import jaxdiss as jd
    assert jd.enable_batch_invariance()
    import jax, jax.numpy as jnp

    MU = 40.0

    def rect(dev):
        r = jd.rectification(dev, MU, 1.0, 1.0)
        return dict(R_I=r.R_I, R_J=r.R_J, I=r.forward.particle_current,
                    J=r.backward.heat_current, mu_p=r.forward.mu_probe,
                    U=r.backward.potentials)

    def probe(a, b):          # DI Fig. 2: lambda = 1, no screening
        return rect(jd.ThermalDiode(a, b, 3.0, 3.0, coupling=1.0))

    def mixed(a, b):          # 0 < lambda < 1: general S-matrix network
        return rect(jd.ThermalDiode(a, b, 2.0, 2.5, coupling=0.5))

    def screened(a, b):       # DI Fig. 3: lambda = 0, C -> 0
        return rect(jd.ThermalDiode(a, b, 1.0, 1.0, coupling=0.0, cavity_energy=1.0,
                                    capacitance=0.0))

    def loop(fn, e1, e3):
        f = jax.jit(fn)
        outs = [f(a, b) for a, b in zip(e1.ravel(), e3.ravel())]
        return {k: np.stack([np.asarray(o[k]) for o in outs]) for k in outs[0]}

    def same(a, b, name):
        for k in a:
            x, y = np.asarray(a[k]).reshape(b[k].shape), b[k]
            assert np.array_equal(x, y), (name, k, np.max(np.abs(x - y)))

    e = MU + jnp.linspace(-9.0, 9.0, 4)
    e1, e3 = jnp.meshgrid(e, e + 0.7, indexing="ij")
    ref = loop(probe, e1, e3)
    # vmapped in chunks of 5 (the last one padded)
    same(jd.sweep(probe, e1, e3, chunk_size=5), ref, "probe chunk 5")
    # sharded over 4 host devices: the partitioned Newton loop rounds an iterate 1 ulp
    # differently now and then, so equal to rounding, relative to each field's largest value
    shard = jd.sweep(probe, e1, e3, chunk_size=8, devices=4)
    for k in ref:
        x = np.asarray(shard[k]).reshape(ref[k].shape)
        assert np.max(np.abs(x - ref[k])) <= 1e-14 * np.max(np.abs(ref[k])), ("sharded", k)
    a, b = jnp.array([38.0, 44.5, 47.0]), jnp.array([45.0, 41.0, 47.5])
    same(jax.jit(jax.vmap(mixed))(a, b), loop(mixed, a, b), "mixed")
    a, b = jnp.array([45.0, 47.0]), jnp.array([48.2, 46.0])
    same(jax.jit(jax.vmap(screened))(a, b), loop(screened, a, b), "screened")
    print("bitwise equal")
    """
)



def test_vmapped_sharded_and_chunked_maps_equal_point_loop_bit_for_bit():
    """With the FMA cap, DI maps (probe λ = 1, mixed λ = 0.5, screened λ = 0 with C → 0)
    computed vmapped and in chunks are bitwise equal to `jax.jit(point)` called point by
    point; sharded over 4 host devices they agree to 1e-14 of each field's scale."""
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "bitwise equal" in run.stdout


def test_enable_after_backend_start_raises_and_respects_existing_caps(monkeypatch):
    """Too late (backend running) → RuntimeError; an FMA-capable cap → ValueError naming
    it; a cap without FMA is accepted as is."""
    import jax.numpy as jnp

    jnp.zeros(1).block_until_ready()  # make sure the backend exists
    monkeypatch.setattr(batch_invariance.platform, "machine", lambda: "x86_64")
    monkeypatch.setenv("XLA_FLAGS", "--xla_force_host_platform_device_count=4")
    with pytest.raises(RuntimeError, match="before the first JAX computation"):
        jd.enable_batch_invariance()
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_max_isa=AVX512")
    with pytest.raises(ValueError, match="AVX512"):
        jd.enable_batch_invariance()
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_max_isa=SSE4_2")
    assert jd.enable_batch_invariance() is True
    monkeypatch.setattr(batch_invariance.platform, "machine", lambda: "arm64")
    assert jd.enable_batch_invariance() is False
