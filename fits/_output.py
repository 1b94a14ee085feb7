"""Shared output step of the fits/ scripts: figure and JSON written atomically."""

from __future__ import annotations

import json
import pathlib

from jaxdiss import plotting
from jaxdiss.thermometry import write_atomic


def write_results(out, name: str, figure, summary: dict, log=print, **extra: dict) -> None:
    """Save `figure` as out/name.png, `summary` as out/name.json and each `extra` mapping
    as out/name.<key>.json (never partial files), then log the summary."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plotting.save(figure, out, name)
    for key, value in extra.items():
        write_atomic(out / f"{name}.{key}.json", json.dumps(value, indent=2) + "\n")
    write_atomic(out / f"{name}.json", json.dumps(summary, indent=2) + "\n")
    log(json.dumps(summary, indent=2))
