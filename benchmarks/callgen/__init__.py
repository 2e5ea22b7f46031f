"""callgen: realistic, labelled, synthetic two-channel telephone calls, to measure redaction and
scoring on calls the product was not tuned on.

Every bank of phrasings, names and voices has a DEV half (dev.py) and a HELD-OUT half
(heldout.py); a split draws only from its own. Everything comes from a seed: the same
(split, n, seed) gives the same scripts and byte-identical audio.

    from benchmarks.callgen import generate, render
    specs = generate("dev", 20)                 # scripts only, fast (seeds 1000..1019)
    call = render(specs[0], "out/")             # out/CGD-01000.flac, .json (inbox sidecar), .gold.json
    call.gold["labels"], call.gold["values"]    # what a careful reviewer answers; what was said, when

From the shell: ``python -m benchmarks.callgen --split heldout --n 20 --out DIR``.
"""

from .banks import get_bank
from .generate import DEFAULT_SEEDS, generate
from .render import render
from .types import CallSpec, Degradation, Piece, RenderedCall, Turn, Value, Voice

__all__ = [
    "DEFAULT_SEEDS",
    "CallSpec",
    "Degradation",
    "Piece",
    "RenderedCall",
    "Turn",
    "Value",
    "Voice",
    "generate",
    "get_bank",
    "render",
]
