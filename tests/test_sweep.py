"""Chunked, optionally sharded parameter sweeps (jaxdiss.sweep)."""

import io

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxdiss as jd
from jaxdiss.sweep import Progress, sweep

QPC = jd.AbruptQPC()


def point(mubar, bias):
    return jd.landauer_dissipation(QPC, mubar, bias, 0.04)


def _grid(n_mu=6, n_v=5):
    mus = jnp.linspace(0.5, 10.0, n_mu)
    vs = jnp.linspace(0.01, 1.0, n_v)
    return jnp.meshgrid(mus, vs, indexing="ij")


def _loop(fn, *arrays):
    single = jax.jit(fn)
    flat = [np.asarray(a).ravel() for a in arrays]
    outs = [single(*xs) for xs in zip(*flat)]
    return jax.tree_util.tree_map(lambda *v: np.stack(v).reshape(arrays[0].shape), *outs)


@pytest.mark.parametrize("chunk_size", [None, 7, 30])
def test_sweep_equals_python_loop_exactly(chunk_size):
    """Every chunking gives bit-for-bit the point-by-point result (padding included)."""
    mu, v = _grid()
    got = sweep(point, mu, v, chunk_size=chunk_size)
    ref = _loop(point, mu, v)
    for name in got._fields:
        assert getattr(got, name).shape == mu.shape
        np.testing.assert_array_equal(np.asarray(getattr(got, name)), getattr(ref, name), err_msg=name)


def test_sweep_sharded_over_four_devices_equals_single_device():
    assert len(jax.devices()) >= 4, "conftest should provide 4 CPU host devices"
    mu, v = _grid(5, 5)  # 25 points: padded to a multiple of the device count
    one = sweep(point, mu, v, chunk_size=8)
    four = sweep(point, mu, v, chunk_size=8, devices=4)
    # Same results to the last bits: the SPMD-partitioned program is compiled for a
    # different per-device shape, and XLA's elementwise code generation (multiply-add
    # contraction, vectorisation) may round a few ulp differently. 1e-14 relative.
    for name in one._fields:
        a, b = np.asarray(getattr(four, name)), np.asarray(getattr(one, name))
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-14 * np.max(np.abs(b)))


def test_sweep_broadcasts_and_keeps_trailing_shapes():
    mus = jnp.linspace(1.0, 3.0, 4)[:, None]
    vs = jnp.array([0.1, 0.2, 0.3])[None, :]
    out = sweep(lambda m, b: jnp.stack([m + b, m * b]), mus, vs, chunk_size=5)
    assert out.shape == (4, 3, 2)
    np.testing.assert_array_equal(np.asarray(out[..., 0]), np.asarray(mus + vs))


def test_progress_bar_reports_every_chunk():
    stream = io.StringIO()
    bar = Progress(3, "test", stream=stream)
    for _ in range(3):
        bar.update()
    text = stream.getvalue()
    assert "1/3" in text and "3/3" in text and text.endswith("\n")


def test_sweep_shows_progress(capsys):
    sweep(lambda x: x**2, jnp.arange(10.0), chunk_size=4, progress="squares")
    err = capsys.readouterr().err
    assert "squares" in err and "3/3" in err


@pytest.mark.parametrize(
    "kwargs,match",
    [(dict(chunk_size=0), "chunk_size"), (dict(devices=64), "devices")],
)
def test_sweep_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sweep(lambda x: x, jnp.arange(3.0), **kwargs)


def test_sweep_rejects_empty_input():
    with pytest.raises(ValueError, match="empty"):
        sweep(lambda x: x, jnp.zeros((0,)))
    with pytest.raises(ValueError, match="at least one"):
        sweep(lambda x: x)
