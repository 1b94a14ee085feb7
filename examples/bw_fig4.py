"""BW Fig. 4: as Fig. 3 (`bw_fig3`), with the transmission peaked below the chemical
potential (ε0/μ0 = 0.64, Γ/μ0 = 0.08).

    python examples/bw_fig4.py --out DIR [--quick]
"""

from __future__ import annotations

import pathlib

from jaxdiss import plotting

try:
    from jaxdiss.examples.bw_fig3 import plot
except ImportError:  # run as a script from a checkout without the package mapping
    from bw_fig3 import plot

NAME = "bw_fig4"
TITLE = "BW Fig. 4: phonon heating profiles, transmission peak below mu0"
EPS0 = 0.64


def run(out_dir: pathlib.Path, quick: bool = False) -> list[tuple[str, str]]:
    return plot(out_dir, NAME, "Phonon heating around a scatterer", EPS0, quick)


def main(argv=None) -> int:
    return plotting.script_main(run, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
