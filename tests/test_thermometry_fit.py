"""Least-squares engine: exact on linear models, honest errors, clear failures."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdiss.thermometry import Parameter, exponential_response, fit_profile


class Line(eqx.Module):
    def __call__(self, theta, x):
        return theta[0] + theta[1] * x, jnp.asarray(True)


class Bump(eqx.Module):
    """A recorded profile of a one-sided exponential source on a uniform background:
    ΔT_∞ (1 + A R(x; L, λ, σ)) with θ = (L, λ, ΔT_∞), A and σ fixed."""

    def __call__(self, theta, x):
        bump = exponential_response(x, theta[0], theta[1], 40.0)
        return theta[2] * (1.0 + 3.0 * bump), jnp.asarray(True)


class NeverConverges(eqx.Module):
    def __call__(self, theta, x):
        return theta[0] + 0.0 * x, jnp.asarray(False)


def _line_data(seed=3):
    rng = np.random.default_rng(seed)
    x = np.linspace(-2.0, 3.0, 30)
    sigma = np.full_like(x, 0.2) * (1.0 + 0.5 * (x > 0))
    y = 1.5 - 0.7 * x + sigma * rng.standard_normal(x.size)
    return x, y, sigma


LINE = [Parameter("a", 0.0), Parameter("b", 1.0)]


def test_linear_model_matches_weighted_least_squares():
    # the closed-form weighted linear regression: values and (XᵀWX)⁻¹ χ²/dof to 1e-8
    x, y, sigma = _line_data()
    result = fit_profile(Line(), x, y, sigma, LINE)
    X = np.stack([np.ones_like(x), x], axis=1) / sigma[:, None]
    coef, *_ = np.linalg.lstsq(X, y / sigma, rcond=None)
    chi2 = float(np.sum((X @ coef - y / sigma) ** 2))
    cov = np.linalg.inv(X.T @ X) * chi2 / (x.size - 2)
    np.testing.assert_allclose(result.values, coef, rtol=1e-8)
    np.testing.assert_allclose(result.covariance, cov, rtol=1e-8)
    assert result.chi2 == pytest.approx(chi2, rel=1e-10)
    assert result.dof == x.size - 2 and result.converged
    np.testing.assert_allclose(np.diag(result.correlation), 1.0, rtol=1e-14)
    # a derived quantity a + 2b: linear propagation is exact here
    value, err = result.propagate(lambda t: t[0] + 2.0 * t[1])
    g = np.array([1.0, 2.0])
    assert value == pytest.approx(coef[0] + 2 * coef[1], rel=1e-8)
    assert err == pytest.approx(np.sqrt(g @ cov @ g), rel=1e-8)
    assert set(result.as_dict()) == {"a", "b"}


BUMP = [Parameter("length", 30.0, 0.0, np.inf, (10.0, 100.0)),
        Parameter("healing", 100.0, 1.0, 1e4, (30.0, 300.0)),
        Parameter("background", 4.0, 0.0, np.inf, (3.0, 7.0))]
TRUTH = np.array([50.0, 120.0, 5.0])


def _bump_data(rng, x):
    sigma = np.full_like(x, 0.05)
    clean = np.asarray(Bump()(jnp.asarray(TRUTH), x)[0])
    return clean + sigma * rng.standard_normal(x.size), sigma


def test_recovery_coverage_and_bounds():
    # 40 noisy replicas of a nonlinear model: every parameter stays in its range, and the 1σ
    # intervals cover the truth in 55–80 % of the cases (68 % expected; fixed seed)
    rng = np.random.default_rng(11)
    x = np.linspace(-600.0, 600.0, 49)
    covered = []
    for _ in range(40):
        y, sigma = _bump_data(rng, x)
        result = fit_profile(Bump(), x, y, sigma, BUMP)
        assert result.converged
        assert result.values[0] > 0 and 1.0 < result.values[1] < 1e4
        covered.append(np.abs(result.values - TRUTH) < result.stderr)
    fraction = np.mean(covered)
    assert 0.55 <= fraction <= 0.80, fraction


def test_random_starts_reach_one_minimum():
    rng = np.random.default_rng(5)
    x = np.linspace(-600.0, 600.0, 49)
    y, sigma = _bump_data(rng, x)
    lines = []
    result = fit_profile(Bump(), x, y, sigma, BUMP, n_random=5, seed=2, progress=lines.append)
    assert len(result.starts) == 6 and len(lines) == 6
    finals = np.array([s.final for s in result.starts if s.success])
    assert len(finals) >= 5
    np.testing.assert_allclose(finals, np.broadcast_to(result.values, finals.shape), rtol=1e-6)
    # staged starts (background first, lengths held) and screened starts end there too
    staged = fit_profile(Bump(), x, y, sigma, BUMP, n_random=3, seed=4, screen=4,
                         stages=[("background",)])
    assert all(s.success for s in staged.starts)
    np.testing.assert_allclose(staged.values, result.values, rtol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sigma=np.zeros(30)), "sigma"),
    (dict(y=np.full(30, np.nan)), "`y`"),
    (dict(x=np.zeros(29)), "shapes"),
    (dict(parameters=[Parameter("a", 0.0), Parameter("a", 1.0)]), "duplicated"),
    (dict(parameters=[Parameter("a", 2.0, 0.0, 1.0), Parameter("b", 0.5)]), "initial"),
    (dict(parameters=[Parameter("a", 0.5, 1.0, 0.0), Parameter("b", 0.5)]), "lower < upper"),
    (dict(parameters=[]), "at least one"),
    (dict(starts=[np.zeros(3)]), "shape"),
    (dict(stages=[("a", "c")]), "stages"),
    (dict(screen=0), "screen"),
])
def test_bad_input_is_rejected(kwargs, match):
    x, y, sigma = _line_data()
    args = dict(x=x, y=y, sigma=sigma, parameters=LINE)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fit_profile(Line(), args.pop("x"), args.pop("y"), args.pop("sigma"),
                    args.pop("parameters"), **args)


def test_too_few_points():
    with pytest.raises(ValueError, match="cannot fix"):
        fit_profile(Line(), [0.0, 1.0], [1.0, 2.0], [0.1, 0.1], LINE)


def test_non_converging_model_is_reported():
    x, y, sigma = _line_data()
    params = [Parameter("a", 0.0)]
    with pytest.raises(RuntimeError, match="no start of the fit converged"):
        fit_profile(NeverConverges(), x, y, sigma, params, max_steps=5)
    result = fit_profile(NeverConverges(), x, y, sigma, params, max_steps=5, throw=False)
    assert not result.converged
    assert np.all(np.isfinite(result.values)) and np.isfinite(result.chi2)


class HalfLine(eqx.Module):
    """A line whose model fails (converged = False) for a ≤ 0."""

    def __call__(self, theta, x):
        return theta[0] + theta[1] * x, theta[0] > 0


def test_random_starts_avoid_failing_models():
    x, y, sigma = _line_data()
    params = [Parameter("a", 1.0, start_range=(-1.0, 2.0)), Parameter("b", 1.0)]
    result = fit_profile(HalfLine(), x, y, sigma, params, n_random=6, seed=0)
    assert all(s.initial[0] > 0 for s in result.starts)
    assert all(s.success for s in result.starts)
    with pytest.raises(RuntimeError, match="failed at 50 random draws"):
        fit_profile(NeverConverges(), x, y, sigma, [Parameter("a", 0.0)], n_random=1,
                    throw=False)
