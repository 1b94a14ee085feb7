"""Scanning-thermometry line profiles: a validating CSV loader and an atomic writer.

File format (UTF-8, ``\\n`` or ``\\r\\n`` line endings; blank lines are ignored)::

    # current_nA: 58.6
    # mu0_meV: 20.0
    # bath_temperature_K: 81.2
    # tip_sigma_nm: 40.0
    # transmission: Lorentzian in the left-wire kinetic energy
    x_nm,dT_mK,sigma_mK
    -1500.0,4.970030,0.295401
    ...

* Lines starting with ``#`` before the column header hold metadata ``# key: value``
  (split at the first colon; the key has no spaces). A ``#`` line without a colon is a
  plain comment and is ignored. ``#`` lines after the header are an error.
* A numeric value needs a key ``<quantity>_<unit>`` with a known unit (see `UNITS`); it is
  converted to its kind's canonical unit (`CANONICAL_UNITS`: current nA, energy meV,
  temperature K, length nm) and stored under the bare quantity name, e.g.
  ``bath_temperature_mK: 500`` → ``metadata["bath_temperature"] == 0.5`` and
  ``units["bath_temperature"] == "K"``. Dimensionless keys (`DIMENSIONLESS`) keep their
  name and unit ``""``. A non-numeric value is free text, kept under the full key, unless
  the key ends in a unit (an error).
* The header names the columns, in any order; ``x_nm`` (tip position, nm), ``dT_mK``
  (temperature rise above the bath, mK) and ``sigma_mK`` (its standard deviation, mK) are
  required, other columns are ignored. Rows: finite numbers, ``sigma_mK > 0``, ``x_nm``
  strictly increasing, at least 3 rows.

Every violation raises ``ValueError`` naming the file and, where it applies, the line.
"""

from __future__ import annotations

import csv
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, Union

import numpy as np

__all__ = [
    "CANONICAL_UNITS",
    "UNITS",
    "DIMENSIONLESS",
    "COLUMNS",
    "MIN_POINTS",
    "ThermometryProfile",
    "load_profile",
    "make_profile",
    "save_profile", "write_atomic"]

CANONICAL_UNITS: Mapping[str, str] = MappingProxyType(
    {"current": "nA", "energy": "meV", "temperature": "K", "length": "nm"})
"""Kind of quantity -> the unit its metadata values are stored in."""

# unit -> (kind, power of ten of its size in the canonical unit); u, µ (U+00B5), μ (U+03BC)
_UNIT_EXPONENTS: dict[str, tuple[str, int]] = {
    "pA": ("current", -3), "nA": ("current", 0), "uA": ("current", 3),
    "µA": ("current", 3), "μA": ("current", 3), "mA": ("current", 6), "A": ("current", 9),
    "ueV": ("energy", -3), "µeV": ("energy", -3), "μeV": ("energy", -3),
    "meV": ("energy", 0), "eV": ("energy", 3),
    "mK": ("temperature", -3), "K": ("temperature", 0),
    "nm": ("length", 0), "um": ("length", 3), "µm": ("length", 3), "μm": ("length", 3),
    "mm": ("length", 6), "m": ("length", 9),
}

UNITS: Mapping[str, tuple[str, float]] = MappingProxyType(
    {u: (kind, 10.0**e) for u, (kind, e) in _UNIT_EXPONENTS.items()})
"""Metadata unit suffix -> (kind, factor): value in canonical unit = value × factor."""

DIMENSIONLESS: tuple[str, ...] = ("spin",)
"""Metadata keys whose numeric values carry no unit."""

COLUMNS: tuple[str, str, str] = ("x_nm", "dT_mK", "sigma_mK")
"""Required columns, in the order `save_profile` writes them."""

MIN_POINTS = 3
"""Fewest data rows a profile may have."""

_KEY = re.compile(r"[^\s:#,]+")
_MetaValue = Union[float, str]


class ThermometryProfile(NamedTuple):
    """A line profile ΔT(x) with its uncertainties and canonical-unit metadata.

    ``metadata`` maps quantity -> float (canonical unit) or key -> free text; ``units``
    maps each numeric quantity to its canonical unit (``""`` if dimensionless), which is
    what `save_profile` needs to write the profile back.
    """

    x_nm: np.ndarray
    dT_mK: np.ndarray
    sigma_mK: np.ndarray
    metadata: dict[str, _MetaValue]
    source: str = "<memory>"
    units: Mapping[str, str] = MappingProxyType({})


def _to_canonical(value: float, unit: str) -> float:
    """Convert with a correctly rounded multiplication or division by a power of ten."""
    e = _UNIT_EXPONENTS[unit][1]
    return value * 10.0**e if e >= 0 else value / 10.0 ** (-e)


def _parse_metadata(
    entries: list[tuple[str, str, str]],
) -> tuple[dict[str, _MetaValue], dict[str, str]]:
    """Turn ``(key, value text, location)`` triples into (metadata, units)."""
    metadata: dict[str, _MetaValue] = {}
    units: dict[str, str] = {}
    origin: dict[str, str] = {}  # stored name -> raw key that produced it
    for key, text, where in entries:
        if not _KEY.fullmatch(key) or not text:
            raise ValueError(f"malformed metadata line ({where}): expected '# key: value' "
                             f"with a non-empty key without spaces and a non-empty value, "
                             f"got key {key!r}, value {text!r}")
        try:
            number: float | None = float(text)
        except ValueError:
            number = None
        quantity, _, unit = key.rpartition("_")
        if number is not None and not math.isfinite(number):
            raise ValueError(f"non-finite value {text!r} for metadata key {key!r} ({where})")
        if key in DIMENSIONLESS:
            name, value, unit_of = key, number if number is not None else text, ""
        elif quantity and unit in UNITS:
            if number is None:
                raise ValueError(f"non-numeric value {text!r} for metadata key {key!r} "
                                 f"with unit {unit!r} ({where})")
            name, value = quantity, _to_canonical(number, unit)
            unit_of = CANONICAL_UNITS[UNITS[unit][0]]
        elif number is not None:
            if not quantity:
                raise ValueError(f"numeric metadata key {key!r} has no unit suffix ({where}); "
                                 f"name it <quantity>_<unit> with a known unit: "
                                 f"{', '.join(UNITS)} (dimensionless keys: "
                                 f"{', '.join(DIMENSIONLESS)})")
            raise ValueError(f"unknown unit {unit!r} in metadata key {key!r} ({where}); "
                             f"known units: {', '.join(UNITS)}")
        else:
            name, value, unit_of = key, text, None
        if name in metadata:
            raise ValueError(f"duplicate metadata key {key!r} ({where}): {name!r} already "
                             f"given by {origin[name]!r}")
        metadata[name], origin[name] = value, key
        if unit_of is not None and not isinstance(value, str):
            units[name] = unit_of
    return metadata, units


def _check_columns(columns: dict[str, np.ndarray], at: Callable[[int], str],
                   where: str) -> None:
    """Validate the three required 1-D float columns; ``at(i)`` locates row i."""
    x, sigma = columns["x_nm"], columns["sigma_mK"]
    if x.size < MIN_POINTS:
        raise ValueError(f"{where}: {x.size} data rows; at least {MIN_POINTS} are needed")
    for name in COLUMNS:
        bad = np.flatnonzero(~np.isfinite(columns[name]))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{at(i)}: non-finite {name} value {float(columns[name][i])!r}")
    bad = np.flatnonzero(sigma <= 0)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{at(i)}: sigma_mK must be > 0, got {float(sigma[i])!r}")
    step = np.diff(x)
    bad = np.flatnonzero(step <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        if step[i - 1] == 0:
            raise ValueError(f"{at(i)}: duplicated position x_nm={float(x[i])!r} "
                             f"(also at {at(i - 1)})")
        raise ValueError(f"{at(i)}: unsorted x_nm={float(x[i])!r} after "
                         f"{float(x[i - 1])!r}; positions must be strictly increasing")


def load_profile(path: str | os.PathLike[str]) -> ThermometryProfile:
    """Read and validate a thermometry CSV file (format in the module docstring)."""
    src = os.fspath(path)
    try:
        with open(src, encoding="utf-8-sig", newline=None) as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        raise FileNotFoundError(f"thermometry profile not found: {src}") from None

    entries: list[tuple[str, str, str]] = []
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    row_lines: list[int] = []
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if header is not None:
                raise ValueError(f"line {n} of {src}: '#' line after the column header; "
                                 f"metadata and comments must come before it")
            if ":" in line:
                key, _, text = line[1:].partition(":")
                entries.append((key.strip(), text.strip(), f"line {n} of {src}"))
            continue
        fields = [s.strip() for s in next(csv.reader([line]))]
        if header is None:
            header, header_line = fields, n
            continue
        if len(fields) != len(header):
            raise ValueError(f"line {n} of {src}: expected {len(header)} fields "
                             f"(as in the header), got {len(fields)}")
        rows.append(fields)
        row_lines.append(n)

    if header is None:
        what = "empty file" if not entries else "no column header line"
        raise ValueError(f"{src}: {what}; expected a header {','.join(COLUMNS)} and data rows")
    for name in header:
        if header.count(name) > 1:
            raise ValueError(f"duplicated column {name!r} in header (line {header_line} "
                             f"of {src})")
    for name in COLUMNS:
        if name not in header:
            raise ValueError(f"missing required column {name!r} in header (line "
                             f"{header_line} of {src}); found columns: {', '.join(header)}")
    if not rows:
        raise ValueError(f"{src}: no data rows after the header (line {header_line})")

    columns: dict[str, np.ndarray] = {}
    for name in COLUMNS:
        j = header.index(name)
        values = np.empty(len(rows))
        for i, fields in enumerate(rows):
            try:
                values[i] = float(fields[j])
            except ValueError:
                raise ValueError(f"line {row_lines[i]} of {src}: non-numeric {name} value "
                                 f"{fields[j]!r}") from None
        columns[name] = values
    _check_columns(columns, lambda i: f"line {row_lines[i]} of {src}", src)
    metadata, units = _parse_metadata(entries)
    return ThermometryProfile(columns["x_nm"], columns["dT_mK"], columns["sigma_mK"],
                              metadata, src, units)


def _as_column(values: object, name: str, where: str) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name} is not numeric") from None
    if array.ndim != 1:
        raise ValueError(f"{where}: {name} must be 1-D, got shape {array.shape}")
    return array


def _columns_from_arrays(x_nm: object, dT_mK: object, sigma_mK: object,
                         where: str) -> dict[str, np.ndarray]:
    columns = {name: _as_column(v, name, where)
               for name, v in zip(COLUMNS, (x_nm, dT_mK, sigma_mK))}
    n = columns["x_nm"].size
    for name in COLUMNS[1:]:
        if columns[name].size != n:
            raise ValueError(f"{where}: {name} has {columns[name].size} values but x_nm "
                             f"has {n}")
    _check_columns(columns, lambda i: f"{where}, index {i}", where)
    return columns


def _format_value(key: str, value: object, where: str) -> str:
    """The text written after ``# key:`` (floats in full precision)."""
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            raise ValueError(f"{where}: metadata value for {key!r} contains a line break")
        return value.strip()
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where}: metadata value for {key!r} must be a number or a "
                         f"string, got a bool")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    raise ValueError(f"{where}: metadata value for {key!r} must be a number or a string, "
                     f"got {type(value).__name__}")


def _entries_from_mapping(metadata: Mapping[str, object] | None,
                          where: str) -> list[tuple[str, str, str]]:
    entries = []
    for key, value in (metadata or {}).items():
        if not isinstance(key, str):
            raise ValueError(f"{where}: metadata keys must be strings, got {key!r}")
        entries.append((key, _format_value(key, value, where), f"metadata of {where}"))
    return entries


def _file_metadata(profile: ThermometryProfile, where: str) -> dict[str, object]:
    """A profile's metadata with unit suffixes, as it is written to a file."""
    out: dict[str, object] = {}
    canonical = set(CANONICAL_UNITS.values())
    for name, value in profile.metadata.items():
        if isinstance(value, str):
            out[name] = value
            continue
        unit = profile.units.get(name, "" if name in DIMENSIONLESS else None)
        if unit is None or (unit and unit not in canonical) or (not unit and
                                                                name not in DIMENSIONLESS):
            raise ValueError(f"{where}: numeric metadata {name!r} needs a canonical unit "
                             f"({', '.join(canonical)}) in profile.units, got {unit!r}")
        out[f"{name}_{unit}" if unit else name] = value
    return out


def make_profile(x_nm: object, dT_mK: object, sigma_mK: object,
                 metadata: Mapping[str, float | str] | None = None) -> ThermometryProfile:
    """Validate arrays and file-style metadata (``{"current_uA": 0.05}``) into a profile
    with ``source="<memory>"``, as `load_profile` would return it."""
    where = "make_profile"
    columns = _columns_from_arrays(x_nm, dT_mK, sigma_mK, where)
    meta, units = _parse_metadata(_entries_from_mapping(metadata, where))
    return ThermometryProfile(columns["x_nm"], columns["dT_mK"], columns["sigma_mK"],
                              meta, "<memory>", units)


def save_profile(
    path: str | os.PathLike[str],
    x_nm: ThermometryProfile | object,
    dT_mK: object = None,
    sigma_mK: object = None,
    metadata: Mapping[str, float | str] | None = None,
) -> Path:
    """Validate, then write a profile atomically (temp file + ``os.replace``).

    Either ``save_profile(path, profile)`` (metadata written with canonical-unit keys,
    from ``profile.units``) or ``save_profile(path, x_nm, dT_mK, sigma_mK, metadata)``
    with metadata keys written verbatim as ``# key: value``. Invalid input raises
    ``ValueError`` before anything is written; `load_profile` reads the file back exactly.
    Returns the path written.
    """
    where = "save_profile"
    if isinstance(x_nm, ThermometryProfile):
        if dT_mK is not None or sigma_mK is not None:
            raise ValueError(f"{where}: pass either a ThermometryProfile or the three arrays")
        profile = x_nm
        x_nm, dT_mK, sigma_mK = profile.x_nm, profile.dT_mK, profile.sigma_mK
        if metadata is None:
            metadata = _file_metadata(profile, where)
    elif dT_mK is None or sigma_mK is None:
        raise ValueError(f"{where}: dT_mK and sigma_mK are required with an x_nm array")
    columns = _columns_from_arrays(x_nm, dT_mK, sigma_mK, where)
    entries = _entries_from_mapping(metadata, where)
    _parse_metadata(entries)

    lines = [f"# {key}: {text}" for key, text, _ in entries]
    lines.append(",".join(COLUMNS))
    lines += [",".join(repr(float(v)) for v in row) for row in zip(*columns.values())]
    text = "\n".join(lines) + "\n"

    return write_atomic(path, text)


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` (UTF-8) to `path` all at once: a temporary file in the same folder,
    flushed to disk, then renamed over `path` — a reader never sees a partial file and a
    failure leaves any earlier file untouched. Returns the path."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
