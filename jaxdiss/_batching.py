"""Batching rules that run a function's batch elements one after another.

`jax.vmap` normally turns every array of a function into a batched array. For a function
whose work is dominated by large dense intermediates — the BW matching system is a
576 × 575 matrix per point, built, equilibrated and factorised in several passes — the
batched arrays of 16 points (40 MB each) no longer fit in cache and every pass runs at
memory speed: on the CPU a vmapped batch then costs twice as much as calling the compiled
point in a loop. `sequential(fn)` keeps the `vmap` interface but maps over the batch with
`jax.lax.map`, so each element runs the unbatched program, with its arrays in cache.

Derivatives are those of `fn` itself: the returned function is a `jax.custom_jvp` whose
rule is `jax.jvp(fn, ...)`, so `grad`, `jacfwd`, `jacrev` and their `vmap`s differentiate
`fn` as usual (batched derivatives take the ordinary batched path); only the primal
evaluation is sequential under `vmap`. Non-array arguments (Python numbers, callables,
static sizes) are closed over, array leaves are the traced inputs.
"""

from __future__ import annotations

import functools

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.custom_batching import custom_vmap

__all__ = ["sequential", "one_at_a_time"]


def _broadcast(args, in_batched, axis_size):
    return jax.tree_util.tree_map(
        lambda a, batched: a if batched else jnp.broadcast_to(a, (axis_size,) + jnp.shape(a)),
        args, in_batched)


def one_at_a_time(fn):
    """`fn` (positional array arguments, not differentiated through this wrapper) with a
    vmap rule mapping sequentially over the batch; unbatched arguments are broadcast."""
    wrapped = custom_vmap(fn)

    @wrapped.def_vmap
    def _rule(axis_size, in_batched, *args):
        args = _broadcast(list(args), list(in_batched), axis_size)
        out = jax.lax.map(lambda xs: wrapped(*xs), tuple(args))
        return out, jax.tree_util.tree_map(lambda _: True, out)

    return wrapped


def sequential(fn):
    """`fn(*args)` with a sequential `vmap` of its primal evaluation and ordinary
    derivatives (module docstring)."""

    @functools.wraps(fn)
    def call(*args):
        dynamic, static = eqx.partition(args, eqx.is_array)

        def plain(dyn):
            return fn(*eqx.combine(dyn, static))

        primal = one_at_a_time(plain)

        @jax.custom_jvp
        def run(dyn):
            return primal(dyn)

        @run.defjvp
        def _jvp(primals, tangents):
            return jax.jvp(plain, primals, tangents)

        return run(dynamic)

    return call
