"""Cost of one Jacobian of the blind-profile model relative to one model evaluation.

    python benchmarks/thermometry.py [--n-momentum 256] [--repeat 5]

Model: `NanowireThermometry` at the laboratory conditions of fits/data/thermometry-
nanowire-A.csv (241 positions; eV from the measured current by Newton at every call),
θ at the blind fit's optimum. Times (after compilation, best of `repeat`): one evaluation,
the autodiff Jacobian (`jax.jacfwd`, 5 columns: what `fit_profile` uses), and for context
the one-sided finite-difference Jacobian a SciPy fit would use (6 evaluations). Prints
wall and process-CPU times and the ratios; compile times are printed too.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fits"))
from nanowire_A import DATA, lab_model  # noqa: E402

from jaxdiss.thermometry import load_profile  # noqa: E402

THETA = (1.2104, 0.15007, 119.42, 59.81, 4.9834)


def _best(fn, repeat):
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        jax.block_until_ready(fn())
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-momentum", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    profile = load_profile(DATA)
    model = lab_model(profile, args.n_momentum)
    x = jnp.asarray(profile.x_nm)
    theta = jnp.asarray(THETA)
    evaluate = eqx.filter_jit(lambda t: model(t, x)[0])
    jacobian = eqx.filter_jit(jax.jacfwd(lambda t: model(t, x)[0]))

    t0 = time.perf_counter()
    jax.block_until_ready(evaluate(theta))
    compile_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    jax.block_until_ready(jacobian(theta))
    compile_jac = time.perf_counter() - t0

    steps = [theta] + [theta.at[i].multiply(1 + 1e-7) for i in range(theta.size)]
    ev = _best(lambda: evaluate(theta), args.repeat)
    jac = _best(lambda: jacobian(theta), args.repeat)
    fd = _best(lambda: [evaluate(s) for s in steps], args.repeat)
    print(f"n_momentum = {args.n_momentum}, {x.size} positions, jax {jax.__version__}")
    print(f"first call (compile + run): evaluation {compile_eval:.1f} s, "
          f"Jacobian {compile_jac:.1f} s")
    print(f"evaluation            {ev[0] * 1e3:8.1f} ms  (cpu {ev[1] * 1e3:.1f} ms)")
    print(f"Jacobian (jacfwd)     {jac[0] * 1e3:8.1f} ms  (cpu {jac[1] * 1e3:.1f} ms)  "
          f"ratio {jac[0] / ev[0]:.2f} (cpu {jac[1] / ev[1]:.2f}); target <= 5")
    print(f"finite differences    {fd[0] * 1e3:8.1f} ms  (cpu {fd[1] * 1e3:.1f} ms)  "
          f"ratio {fd[0] / ev[0]:.2f} (context: 6 evaluations)")
    agree = np.max(np.abs(np.asarray(jacobian(theta)))) > 0
    print(f"Jacobian non-zero: {bool(agree)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
