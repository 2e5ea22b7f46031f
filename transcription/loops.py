"""Degenerate decoding: small Whisper models loop on repeated digits ("1 1 1 1 …").

A looped segment is evidence of nothing; worse, it may hide a card number the customer said.
We cut the repetition short and mark the segment unreliable, so redaction removes it whole
(fail-closed) and scoring does not quote it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .types import Segment

MAX_REPEATS = 6  # a unit (1-4 words) said more than this many times in a row is a loop
_NORM = re.compile(r"[^\w]+")


def _norm(word: str) -> str:
    return _NORM.sub("", word.lower())


def find_loop(words: list[str]) -> tuple[int, int] | None:
    """Return (start, end) word indexes of the first repetition loop, or None.

    >>> find_loop("my card is 1 1 1 1 1 1 1 1 1".split())
    (3, 12)
    >>> find_loop("one two three four".split()) is None
    True
    """
    normed = [_norm(w) for w in words]
    n = len(normed)
    for size in range(1, 5):
        i = 0
        while i + size * (MAX_REPEATS + 1) <= n:
            unit = normed[i : i + size]
            if any(unit):
                j = i + size
                while j + size <= n and normed[j : j + size] == unit:
                    j += size
                if (j - i) // size > MAX_REPEATS:
                    return i, j
            i += 1
    return None


def mark_loops(segment: Segment) -> Segment:
    """Cut a looping segment after its first repetitions and mark it unreliable."""
    words = list(segment.words)
    loop = find_loop([w.text for w in words])
    if loop is None:
        return segment
    start, end = loop
    kept = tuple(words[: min(end, start + MAX_REPEATS)])
    # The time span stays whole: the audio under the loop is what redaction must remove.
    return replace(segment, words=kept, text="".join(w.text for w in kept), unreliable=True)
