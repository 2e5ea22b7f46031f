"""Write synthetic calls to a folder: audio, inbox sidecar and gold file per call.

python -m benchmarks.callgen --split dev --n 20 --out /tmp/calls [--seed 1000] [--rubric collections]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import generate, render
from .types import RUBRICS, SPLITS


def write_calls(split: str, n: int, out: Path, seed: int | None = None, rubric: str | None = None) -> list[Path]:
    """Generate and render ``n`` calls of ``split`` into ``out``; returns the audio paths."""
    paths = []
    for spec in generate(split, n, seed=seed, rubric=rubric):
        call = render(spec, out)
        print(
            f"{call.audio.name}  {spec.rubric:<20} {spec.call_type:<15} {call.duration:6.1f} s  "
            f"{spec.degradation.codec}@{spec.degradation.rate}"
        )
        paths.append(call.audio)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.callgen", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, required=True)
    parser.add_argument("--n", type=int, required=True, help="how many calls")
    parser.add_argument("--out", type=Path, required=True, help="folder to write CALL_ID.flac/.json/.gold.json into")
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: 1000 for dev, 9000 for heldout)")
    parser.add_argument("--rubric", choices=RUBRICS, default=None, help="write every call for this rubric (default: alternate)")
    args = parser.parse_args(argv)
    write_calls(args.split, args.n, args.out, seed=args.seed, rubric=args.rubric)


if __name__ == "__main__":
    main()
