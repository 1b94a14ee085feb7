"""The ``jaxdiss`` console script: ``reproduce --quick`` end to end, usage errors, failures.

The quick reproduction runs once per session (module fixture, ≈ 30–50 s on 2 cores, mostly
XLA compilation) over the figures in `IN_SUITE`, and the tests inspect its PNGs, printed
table and summary files. The screened DI figures (Figs. 3, 4) and the design example are
left out of the suite for time (their solvers compile for 1–2 minutes each): the physics
they draw is tested in test_screening_solve.py, test_design.py and test_diode_lines.py;
so are DI Fig. 2 (test_diode.py) and the BW figures, whose solver each file compiles anew
(tested in test_boltzmann.py, spots and asymmetries in test_wire_spots.py and
test_wire_asymmetry.py),
and `test_every_registered_example_imports` checks their modules; README command 1
(`jaxdiss reproduce`) runs them all. The EL figures (el_profiles, el_asymmetry) stay in the
suite: their quick variants take ≈ 5 s each, compilation included.
"""

from __future__ import annotations

import importlib
import io
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from matplotlib import image as mpimg

from jaxdiss import cli

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
ANCHOR = "anchor r*"
IN_SUITE = [e.name for e in cli.REGISTRY
            if e.name not in ("di_fig2", "di_fig3", "di_fig4", "di_design", "bw_fig3", "bw_fig4",
                              "bw_fig5", "bw_fig7", "bw_fig9")]
SUITE = [e for e in cli.REGISTRY if e.name in IN_SUITE]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    capture = pytest.MonkeyPatch()
    stdout, stderr = io.StringIO(), io.StringIO()
    capture.setattr(sys, "stdout", stdout)
    capture.setattr(sys, "stderr", stderr)
    try:
        code = cli.main(["reproduce", "--quick", "--out", str(out), "--only", *IN_SUITE])
    finally:
        capture.undo()
    return code, out, stdout.getvalue(), stderr.getvalue()


def test_every_registered_example_imports():
    # as `reproduce` does: from a source checkout jaxdiss.examples needs the folder mapping
    cli._ensure_examples_package()
    for example in cli.REGISTRY:
        module = importlib.import_module(example.module)
        assert callable(getattr(module, "run")), example.name


def test_quick_reproduce_succeeds(quick_run):
    code, _, _, err = quick_run
    assert code == 0, err[-4000:]
    for k, example in enumerate(SUITE, 1):
        assert f"[{k}/{len(SUITE)}] {example.name}: ok in" in err


@pytest.mark.parametrize("name", IN_SUITE)
def test_png_written_and_nontrivial(quick_run, name):
    _, out, _, _ = quick_run
    path = out / f"{name}.png"
    assert path.is_file()
    assert path.stat().st_size > 20_000
    img = mpimg.imread(path)
    assert img.ndim == 3 and min(img.shape[:2]) > 300
    # drawn content: many distinct colours, not a blank canvas
    pixels = img[..., :3].reshape(-1, 3)
    assert np.std(pixels) > 0.05
    assert len(np.unique(np.round(pixels[::7] * 255), axis=0)) > 50


def test_summary_printed_with_anchor(quick_run):
    _, _, stdout, _ = quick_run
    lines = stdout.splitlines()
    assert any(line.split()[:3] == ["figure", "quantity", "value"] for line in lines)
    for example in SUITE:
        assert any(line.startswith(example.name) for line in lines), example.name
    anchor = [line for line in lines if ANCHOR in line]
    assert len(anchor) == 1
    value = float(anchor[0].split()[-1])  # μm
    assert 1.8 < value < 2.6  # paper: r* ≈ 2 μm; DESIGN.md: ≈ 2.2 μm for this geometry


def test_summary_files(quick_run):
    _, out, stdout, _ = quick_run
    text = (out / "summary.txt").read_text(encoding="utf-8")
    assert ANCHOR in text
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["quick"] is True and data["failed"] == []
    assert [f["name"] for f in data["figures"]] == IN_SUITE
    assert all(f["status"] == "ok" and f["files"] for f in data["figures"])
    rows = {(r["figure"], r["quantity"]): r["value"] for r in data["rows"]}
    anchor = [v for (fig, q), v in rows.items() if fig == "qpc_fig5" and q.startswith(ANCHOR)]
    assert len(anchor) == 1 and 1.8 < float(anchor[0]) < 2.6


def test_unknown_only_name_errors_cleanly(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        cli.main(["reproduce", "--only", "qpc_fig2", "no_such_figure", "--out", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown figure name(s): no_such_figure" in err
    assert "qpc_fig2" in err  # lists what is available
    assert "Traceback" not in err
    assert not (tmp_path / "summary.txt").exists()


def test_help(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    assert "reproduce" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        cli.main(["reproduce", "--help"])
    assert info.value.code == 0
    assert "--quick" in capsys.readouterr().out


def test_list(capsys):
    assert cli.main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(e.name in out for e in cli.REGISTRY)


def test_failing_figure_sets_exit_status(monkeypatch, capsys, tmp_path):
    broken = cli.Example("broken", "jaxdiss.examples.no_such_module", "always fails")
    monkeypatch.setattr(cli, "REGISTRY", cli.REGISTRY + [broken])
    code = cli.main(["reproduce", "--only", "broken", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1
    assert "FAILED: broken" in captured.err
    assert "ModuleNotFoundError" in captured.out  # the error is in the summary table
    data = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data["failed"] == ["broken"] and data["figures"][0]["status"] == "failed"


def test_register_rejects_duplicate_names():
    with pytest.raises(ValueError, match="already registered"):
        cli.register(cli.Example("qpc_fig2", "x", "duplicate"))


def test_example_runs_as_script(tmp_path):
    script = EXAMPLES / "qpc_transmission.py"
    proc = subprocess.run([sys.executable, str(script), "--out", str(tmp_path), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "qpc_transmission.png").stat().st_size > 20_000
    assert "T = 1.5 crossing" in proc.stdout
