"""Bitwise batch invariance on the CPU: a vmapped or sharded sweep equal to the point loop.

jaxdiss sums every energy integral in a fixed binary tree (`jaxdiss.quad.pairwise_sum`), so
the order of additions does not depend on how a computation is batched. One source of
batch dependence remains: on x86-64 CPUs with FMA units, XLA lets LLVM contract a
multiply followed by an add into one fused multiply-add, which rounds once instead of
twice. Whether a given multiply-add is contracted depends on how XLA fuses the program,
and that depends on the array shapes, so `jax.jit(jax.vmap(f))` and `jax.jit(f)` can
differ in the last bit of a few intermediate values (≈ 1e-15 relative in a transmission,
≈ 1e-15 in a rectification coefficient after a Newton solve).

Capping XLA's instruction set at AVX (``--xla_cpu_max_isa=AVX``; AVX has no FMA) removes
the contraction. Then a vmapped sweep, any chunk size and a sharded sweep over host
devices equal the point-by-point loop bit for bit (tested for the probe, coherent and
screened diode solves). It did not slow the DI Fig. 2 map down here (6.1 ms per point
with the cap, 6.8 ms without). The flag is read once, when JAX creates its CPU backend, so
`enable_batch_invariance` must run before the first JAX computation of the process;
``jaxdiss reproduce`` calls it. It has no effect on GPUs, where results stay equal to the
loop to rounding (≈ 1e-15 relative).
"""

from __future__ import annotations

import os
import platform

__all__ = ["enable_batch_invariance", "BATCH_INVARIANT_FLAG"]

BATCH_INVARIANT_FLAG = "--xla_cpu_max_isa=AVX"
# instruction-set caps without FMA (the x86 names XLA accepts)
_NO_FMA = ("SSE4_2", "AVX")


def _backends_initialised() -> bool:
    from jax._src import xla_bridge

    return bool(getattr(xla_bridge, "_backends", {}))


def enable_batch_invariance() -> bool:
    """Make CPU results independent of batching, bit for bit (see the module docstring).

    Adds ``--xla_cpu_max_isa=AVX`` to ``XLA_FLAGS``. Returns True when the flag (or another
    cap without FMA) is in force for this process, False on a non-x86 CPU, where the flag
    does not apply. Raises `RuntimeError` when JAX has already created its backends without
    the flag (the flag would be ignored), and `ValueError` when ``XLA_FLAGS`` already caps
    the instruction set at one with FMA (AVX2, AVX512).
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    flags = os.environ.get("XLA_FLAGS", "").split()
    caps = [f.split("=", 1)[1] for f in flags if f.startswith("--xla_cpu_max_isa=")]
    if caps:
        if caps[-1].upper() not in _NO_FMA:
            raise ValueError(
                f"XLA_FLAGS caps the CPU instruction set at {caps[-1]!r}, which has FMA; "
                f"batch invariance needs {BATCH_INVARIANT_FLAG}")
        return True
    if _backends_initialised():
        raise RuntimeError(
            "enable_batch_invariance() must be called before the first JAX computation "
            f"(or set XLA_FLAGS={BATCH_INVARIANT_FLAG} in the environment)")
    os.environ["XLA_FLAGS"] = " ".join(flags + [BATCH_INVARIANT_FLAG])
    return True
