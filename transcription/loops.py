"""Degenerate decoding: small Whisper models loop on repeated digits ("1 1 1 1 …").

A looped segment is evidence of nothing; worse, it may hide a card number the customer said.

- While decoding, each window's output is capped by a token budget in proportion to the audio
  it holds, up to Whisper's 30 s (``token_budget``): people say 2–4 tokens' worth a second, a
  digit string read with dashes 6–8, so a decoder past ``MAX_TOKENS_PER_SECOND`` is looping.
  Without the cap a loop runs to Whisper's 448-token limit, and with Whisper's temperature
  fallback (no longer used: it sampled unseeded) at every one of its temperatures: on 16 espeak-ng clips of repeated digits (126 s), 147.6 s of decoding without
  the cap and 45.4 s with it (benchmarks/transcription, 2026-11-23). The budget follows the audio's length, never an estimate of
  its speech: a budget below what was said would make the decoder drop words unseen (measured:
  faster-whisper discards a window's unfinished segment and seeks on).
- After decoding, the repetition is cut short and the segment marked unreliable
  (``mark_loops``), so redaction removes it whole (fail-closed) and scoring does not quote it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .types import Segment

MAX_REPEATS = 6  # a short unit (1-4 words) said more than this many times in a row is a loop
MAX_PHRASE_REPEATS = 2  # a phrase (5-10 words) said more than twice in a row is a loop
MAX_TOKENS_PER_SECOND = 10  # of audio; well above what people say, even digits read with dashes
MIN_TOKEN_BUDGET = 32
WHISPER_WINDOW = 30.0  # seconds; the budget applies to each of the decoder's 30 s windows
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
    for size in range(1, 11):
        limit = MAX_REPEATS if size <= 4 else MAX_PHRASE_REPEATS
        i = 0
        while i + size * (limit + 1) <= n:
            unit = normed[i : i + size]
            if any(unit):
                j = i + size
                while j + size <= n and normed[j : j + size] == unit:
                    j += size
                if (j - i) // size > limit:
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


def token_budget(audio_seconds: float, ceiling: int) -> int:
    """The most tokens the decoder may write for one 30 s window of a stretch of
    ``audio_seconds`` (``ceiling``: the backend's own limit)."""
    return int(min(ceiling, MIN_TOKEN_BUDGET + MAX_TOKENS_PER_SECOND * min(WHISPER_WINDOW, audio_seconds)))


LOOP_PAUSE_FRAMES = 50  # 0.5 s of quiet ends the stretch of speech a looping segment covers


def cover_speech(segments: list[Segment], speech: np.ndarray) -> list[Segment]:
    """A looping segment's words need not reach the end of what was said (the decoder looped,
    then was cut off), so its span, which redaction silences whole, is extended over the rest of
    that stretch of speech on its channel, up to the channel's next segment."""
    out = []
    for i, seg in enumerate(segments):
        if seg.unreliable:
            limit = min(len(speech), int(segments[i + 1].start * 100) if i + 1 < len(segments) else len(speech))
            frame = end = int(seg.end * 100)
            while frame < limit and frame - end < LOOP_PAUSE_FRAMES:
                if speech[frame]:
                    end = frame + 1
                frame += 1
            seg = replace(seg, end=max(seg.end, round(end / 100, 3)))
        out.append(seg)
    return out
