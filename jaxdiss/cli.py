"""Command line: ``jaxdiss reproduce`` regenerates the papers' figures.

    jaxdiss reproduce [--quick] [--out DIR] [--only NAME ...] [--list]

Every registered example (`REGISTRY`) is a module exposing
``run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]`` that writes
its PNG file(s) into `out_dir` and returns summary rows (quantity, value). The command runs
them in order, reports progress and timing on stderr, prints a summary table
(figure, quantity, value) on stdout and writes it to ``summary.txt`` and ``summary.json``
in the output folder. The exit status is 0 when every figure succeeded, 1 when one
failed (the others still run), 2 for a usage error such as an unknown ``--only`` name.

New models add their figures with `register` (or by appending to `REGISTRY`).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import json
import pathlib
import sys
import time
import traceback
from typing import Sequence

from .batch_invariance import enable_batch_invariance

__all__ = ["Example", "REGISTRY", "register", "main"]


@dataclasses.dataclass(frozen=True)
class Example:
    """A reproducible figure: `name` (used by ``--only``), the `module` exposing ``run``,
    and a one-line `title`."""

    name: str
    module: str
    title: str


REGISTRY: list[Example] = [
    Example("qpc_transmission", "jaxdiss.examples.qpc_transmission",
            "QPC: abrupt-QPC transmission vs Kwant"),
    Example("qpc_fig2", "jaxdiss.examples.qpc_fig2",
            "QPC Fig. 2: P_L, P_R, P_A vs mean electrochemical potential"),
    Example("qpc_fig3", "jaxdiss.examples.qpc_fig3",
            "QPC Fig. 3: P_R and P_A maps vs (eV, mean potential), kT = 0"),
    Example("qpc_fig4", "jaxdiss.examples.qpc_fig4",
            "QPC Fig. 4: P_R, P_L, P_A vs temperature"),
    Example("qpc_fig5", "jaxdiss.examples.qpc_fig5",
            "QPC Fig. 5: hot-spot distance r* vs bias"),
    Example("di_fig2", "jaxdiss.examples.di_fig2",
            "DI Fig. 2: thermalization diode, currents and R_I, R_J maps"),
    Example("di_fig3", "jaxdiss.examples.di_fig3",
            "DI Fig. 3: screening diode (lambda = 0), maps, T(E) and temperature dependence"),
    Example("di_fig4", "jaxdiss.examples.di_fig4",
            "DI Fig. 4: mixed configuration, screening with thermalization (lambda = 1)"),
    Example("di_design", "jaxdiss.examples.di_design",
            "DI inverse design: (eps1, eps3) trajectories on the R_J and bipolar maps"),
    Example("bw_fig3", "jaxdiss.examples.bw_fig3",
            "BW Fig. 3: phonon heating profiles, transmission peak above mu0"),
    Example("bw_fig4", "jaxdiss.examples.bw_fig4",
            "BW Fig. 4: phonon heating profiles, transmission peak below mu0"),
    Example("bw_fig5", "jaxdiss.examples.bw_fig5",
            "BW Figs. 5, 6: heating and cooling spot maps over (eps0, Gamma)"),
    Example("bw_fig7", "jaxdiss.examples.bw_fig7",
            "BW Fig. 7: left-right heating asymmetry vs temperature, vs Landauer"),
    Example("bw_fig9", "jaxdiss.examples.bw_fig9",
            "BW Fig. 9: current-voltage characteristics of wire + scatterer"),
    Example("el_profiles", "jaxdiss.examples.el_profiles",
            "EL: potential, Landauer dipole, power densities and thermal spots (exact, const. l)"),
    Example("el_asymmetry", "jaxdiss.examples.el_asymmetry",
            "EL: power asymmetry vs temperature and bias, exact model vs WELT closed forms"),
]


def register(example: Example) -> Example:
    """Add `example` to `REGISTRY` (names must be unique); returns it."""
    if any(e.name == example.name for e in REGISTRY):
        raise ValueError(f"an example named {example.name!r} is already registered")
    REGISTRY.append(example)
    return example


def _ensure_examples_package() -> None:
    """Make ``jaxdiss.examples`` importable from a source checkout.

    pyproject maps the repository's ``examples/`` folder to ``jaxdiss.examples``. An install
    (editable or not) provides that mapping, but when ``jaxdiss`` itself is imported from
    the checkout's source tree — e.g. ``python -m pytest`` run in the repository root after
    a non-editable ``pip install .``, where the current directory comes first on sys.path —
    the subpackage is missing. Load it from ``<checkout>/examples`` in that case.
    """
    try:
        if importlib.util.find_spec("jaxdiss.examples") is not None:
            return
    except ModuleNotFoundError:
        pass
    folder = pathlib.Path(__file__).resolve().parent.parent / "examples"
    init = folder / "__init__.py"
    if not init.is_file():
        return  # the import below then fails with the usual error
    spec = importlib.util.spec_from_file_location(
        "jaxdiss.examples", init, submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["jaxdiss.examples"] = module
    spec.loader.exec_module(module)
    import jaxdiss

    jaxdiss.examples = module


def _load(example: Example):
    """Import the module of `example`."""
    if example.module.startswith("jaxdiss.examples."):
        _ensure_examples_package()
    return importlib.import_module(example.module)


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="jaxdiss",
        description="jaxdiss: power dissipation around nanoscale conductors (JAX).",
    )
    parser.add_argument("--version", action="version", version=f"jaxdiss {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    rep = sub.add_parser(
        "reproduce",
        help="regenerate the papers' figures and a summary table",
        description="Run the registered figure scripts, write PNGs and a summary "
                    "(summary.txt, summary.json) into the output folder.",
        epilog="figures: " + ", ".join(e.name for e in REGISTRY),
    )
    rep.add_argument("--quick", action="store_true",
                     help="coarse grids: a smoke test in a few minutes instead of half an hour")
    rep.add_argument("--out", type=pathlib.Path, default=pathlib.Path("jaxdiss-output"),
                     metavar="DIR", help="output folder (default ./jaxdiss-output)")
    rep.add_argument("--only", nargs="+", metavar="NAME", default=None,
                     help="run only these figures (see --list)")
    rep.add_argument("--list", action="store_true", help="list the figures and exit")
    return parser, rep


def _select(parser, only: Sequence[str] | None) -> list[Example]:
    if not only:
        return list(REGISTRY)
    known = {e.name: e for e in REGISTRY}
    unknown = [n for n in only if n not in known]
    if unknown:
        parser.error(
            f"unknown figure name(s): {', '.join(unknown)}; available: {', '.join(known)}"
        )
    seen, chosen = set(), []
    for n in only:  # keep the user's order, drop repeats
        if n not in seen:
            seen.add(n)
            chosen.append(known[n])
    return chosen


def _table(rows) -> str:
    from .plotting import format_table

    return format_table(rows, header=("figure", "quantity", "value"))


def reproduce(examples: Sequence[Example], out_dir: pathlib.Path, quick: bool,
              stream=None) -> int:
    """Run `examples`, write PNGs and summary files into `out_dir`; returns the exit code."""
    err = sys.stderr if stream is None else stream
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    mode = "quick" if quick else "full"
    err.write(f"jaxdiss reproduce ({mode}): {len(examples)} figure(s) -> {out_dir}\n")
    err.flush()
    start = time.perf_counter()
    records, rows, failed = [], [], []
    for k, ex in enumerate(examples, 1):
        err.write(f"[{k}/{len(examples)}] {ex.name}: {ex.title} ...\n")
        err.flush()
        t0 = time.perf_counter()
        wall0 = time.time()
        status, fig_rows, error = "ok", [], None
        try:
            module = _load(ex)
            fig_rows = [(str(q), str(v)) for q, v in module.run(out_dir, quick=quick)]
        except Exception as exc:  # noqa: BLE001  (report and go on with the others)
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            traceback.print_exc(file=err)
            failed.append(ex.name)
        seconds = time.perf_counter() - t0
        files = sorted(p.name for p in out_dir.glob("*.png")
                       if p.stat().st_mtime >= wall0 - 1.0 and p.name.startswith(ex.name))
        if status == "ok" and not files:
            status, error = "failed", "no PNG file written"
            failed.append(ex.name)
        err.write(f"[{k}/{len(examples)}] {ex.name}: {status} in {seconds:.1f} s "
                  f"(elapsed {time.perf_counter() - start:.1f} s)"
                  + (f" -> {', '.join(files)}" if files else "") + "\n")
        err.flush()
        if error is not None:
            fig_rows = fig_rows + [("ERROR", error)]
        fig_rows.append(("run time [s]", f"{seconds:.1f}"))
        rows.extend((ex.name, q, v) for q, v in fig_rows)
        records.append({
            "name": ex.name, "title": ex.title, "module": ex.module, "status": status,
            "seconds": round(seconds, 2), "files": files,
            "rows": [{"quantity": q, "value": v} for q, v in fig_rows],
        })

    from . import __version__

    table = _table(rows)
    total = time.perf_counter() - start
    header = f"jaxdiss {__version__} reproduce ({mode}), {total:.1f} s"
    (out_dir / "summary.txt").write_text(header + "\n\n" + table + "\n", encoding="utf-8")
    summary = {
        "jaxdiss_version": __version__, "quick": quick, "seconds": round(total, 2),
        "failed": failed, "figures": records,
        "rows": [{"figure": f, "quantity": q, "value": v} for f, q, v in rows],
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    print(header)
    print(table)
    err.write(f"summary written to {out_dir / 'summary.txt'} and summary.json\n")
    if failed:
        err.write(f"FAILED: {', '.join(failed)}\n")
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jaxdiss`` console script; returns the exit status."""
    parser, rep = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "reproduce":
        try:  # figures independent of chunking, bit for bit (CPU; see batch_invariance)
            enable_batch_invariance()
        except RuntimeError:  # JAX already running in this process (called as a library)
            pass
        examples = _select(rep, args.only)
        if args.list:
            for e in examples:
                print(f"{e.name:20s} {e.title}")
            return 0
        return reproduce(examples, args.out, args.quick)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
