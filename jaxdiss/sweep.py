"""Evaluate any jaxdiss function over a parameter grid: vmap in memory-bounded chunks,
optional progress display, optional sharding over several devices.

    mu, v = jnp.meshgrid(mus, biases, indexing="ij")
    out = jd.sweep(lambda m, b: jd.landauer_dissipation(T, m, b, 0.04, grid=g), mu, v)
    out.power_right.shape == mu.shape

Every chunk has the same shape (the last one is padded by repeating its final point), so
the batched function is compiled once. jaxdiss' energy integrals use batch-invariant
pairwise sums, so results equal the point-by-point loop to rounding, and bit for bit on a
CPU after `jaxdiss.enable_batch_invariance()` (which stops XLA from forming fused
multiply-adds differently for different batch shapes; see `jaxdiss.batch_invariance`).
With ``devices`` (a list of devices, or an int for the first n) each chunk is split over a
1-D mesh with axis "sweep"; the partitioned program may round a few ulp differently
(≤ 1e-14 relative, tested).
"""

from __future__ import annotations

import sys
import time
import weakref
from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

__all__ = ["sweep", "Progress"]


class Progress:
    """Minimal text progress bar on stderr (no dependency); a no-op when disabled."""

    def __init__(self, total: int, label: str = "", enabled: bool = True, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.perf_counter()
        self.done = 0

    def update(self, n: int = 1):
        self.done += n
        if not self.enabled:
            return
        frac = self.done / self.total
        width = 30
        bar = "#" * int(round(width * frac)) + "." * (width - int(round(width * frac)))
        elapsed = time.perf_counter() - self.start
        end = "\n" if self.done >= self.total else ""
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:6.1f}s{end}"
        )
        self.stream.flush()


def _mesh(devices):
    if isinstance(devices, int):
        available = jax.devices()
        if devices > len(available):
            raise ValueError(f"`devices` asks for {devices} devices, only {len(available)} exist")
        devices = available[:devices]
    devices = list(devices)
    return Mesh(
        np.array(devices), ("sweep",), axis_types=(jax.sharding.AxisType.Auto,)
    )


_COMPILED: "weakref.WeakKeyDictionary[Callable, Callable]" = weakref.WeakKeyDictionary()


def _batched(fn: Callable) -> Callable:
    """jit(vmap(fn)), cached per function object so repeated sweeps compile once."""
    try:
        return _COMPILED[fn]
    except (KeyError, TypeError):
        pass
    batched = jax.jit(jax.vmap(fn))
    try:
        _COMPILED[fn] = batched
    except TypeError:  # not weak-referenceable: no caching
        pass
    return batched


def sweep(
    fn: Callable,
    *args,
    chunk_size: int | None = 4096,
    progress: bool | str = False,
    devices: int | Sequence | None = None,
):
    """Map `fn` over the elements of `args` (arrays broadcast to one shape).

    `fn` takes one scalar (or trailing-shaped) element per argument and returns a pytree of
    arrays; the result has the same pytree with the grid shape prepended to every leaf,
    equal to calling ``jax.jit(fn)`` point by point. `chunk_size` bounds the number of
    points evaluated at once (None: all). `progress` shows a bar (a string is its label).
    `devices` shards each chunk over that many (or those) devices.
    """
    if not args:
        raise ValueError("`sweep` needs at least one array argument")
    arrays = [jnp.asarray(a) for a in args]
    shape = jnp.broadcast_shapes(*(a.shape for a in arrays))
    flat = [jnp.broadcast_to(a, shape).reshape(-1) for a in arrays]
    n = flat[0].shape[0]
    if n == 0:
        raise ValueError("`sweep` got an empty grid")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"`chunk_size` must be a positive int or None, got {chunk_size!r}")
    mesh = _mesh(devices) if devices is not None else None
    ndev = mesh.devices.size if mesh is not None else 1
    size = n if chunk_size is None else min(chunk_size, n)
    size = -(-size // ndev) * ndev
    chunks = -(-n // size)
    pad = chunks * size - n
    if pad:
        flat = [jnp.concatenate([a, jnp.repeat(a[-1:], pad)]) for a in flat]
    batched = _batched(fn)
    sharding = NamedSharding(mesh, PartitionSpec("sweep")) if mesh is not None else None
    label = progress if isinstance(progress, str) else "sweep"
    bar = Progress(chunks, label, enabled=bool(progress))
    outs = []
    for c in range(chunks):
        part = [a[c * size:(c + 1) * size] for a in flat]
        if sharding is not None:
            part = [jax.device_put(p, sharding) for p in part]
        out = batched(*part)
        out = jax.tree_util.tree_map(np.asarray, out)  # blocks; frees device memory
        outs.append(out)
        bar.update()
    joined = jax.tree_util.tree_map(lambda *xs: np.concatenate(xs)[:n], *outs)
    return jax.tree_util.tree_map(
        lambda x: jnp.asarray(x.reshape(shape + x.shape[1:])), joined
    )
