"""The README quick start and CI agree, and the README example runs."""

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)


def test_quick_start_has_exactly_two_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "jaxdiss reproduce" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _quick_start_commands()[1] in ci.splitlines()


def test_readme_example_runs():
    text = (ROOT / "README.md").read_text()
    code = text.split("## Example", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace("jnp.linspace(0.5, 10, 200), jnp.linspace(0.01, 1, 200)",
                        "jnp.linspace(0.5, 10, 4), jnp.linspace(0.01, 1, 3)")
    scope: dict = {}
    exec(compile(code, "README example", "exec"), scope)
    assert scope["out"].power_right.shape == (4, 3)
    assert np.all(np.isfinite(np.asarray(scope["out"].asymmetry)))
    assert np.isfinite(float(scope["dPA"]))
