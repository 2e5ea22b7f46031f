"""Word boundaries snapped to the speech energy of the channel they were heard on.

Whisper's word times come from cross-attention and are coarse: measured on words with known
timing (benchmarks/transcription/timestamps.py), starts were up to 0.4 s early and ends about
0.26 s late on average, running on into the pause after a word. Audio redaction silences word
spans, so a start placed too late or an end too early would leave part of a spoken digit
audible. Each channel holds one party, so the pauses between words are real silence, and this
module moves a boundary that lies in silence to the nearest edge of the speech next to it:

- a start in silence moves forward to where the sound begins (never past the word's end);
- an end in silence moves back to where the sound ends (never before the word's start).

- an end that runs into the next word's sound is moved back to the start of the pause just
  before the next word (when there is a pause of at least 50 ms there).

Boundaries inside continuous speech are left alone: there is no pause to find. Redaction pads
every span (150 ms by default) on top of this.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .audio import frame_power
from .types import Segment, Word

FRAME = 0.01  # seconds
SPEECH_DB_BELOW_PEAK = 35.0  # a frame is speech when within this many dB of the channel's loud frames
MAX_SHIFT = 0.6  # seconds; a boundary never moves further than this


def speech_frames(power: np.ndarray) -> np.ndarray:
    """One bool per 10 ms frame (from ``frame_power``): is there speech energy in it?"""
    if len(power) == 0:
        return np.zeros(0, bool)
    db = 10 * np.log10(power + 1e-12)
    reference = np.percentile(db, 99)  # the channel's loud speech, robust to a click
    return db > reference - SPEECH_DB_BELOW_PEAK


def pauses(speech: np.ndarray, min_frames: int = 5) -> list[tuple[int, int]]:
    """Silent runs of at least ``min_frames`` frames, as (first, past-last) frame indices."""
    edges = np.flatnonzero(np.diff(np.concatenate(([1], speech.astype(np.int8), [1]))))
    runs = list(zip(edges[::2], edges[1::2], strict=True))  # starts of silence, ends of silence
    return [(int(a), int(b)) for a, b in runs if b - a >= min_frames]


UNMATCHED_BOUNDARY = 0.25  # cost (s) of a word boundary with no pause (continuous speech)
UNUSED_PAUSE = 0.1  # cost (s) of a pause no boundary goes to (a pause inside a word)


def snap_words(segments: list[Segment], audio: np.ndarray, rate: int = 16000) -> list[Segment]:
    """The segments with word boundaries moved to the pauses in the channel's speech, and each
    segment's bounds set from its words."""
    return snap_to_speech(segments, speech_frames(frame_power(audio, rate)))


def snap_to_speech(segments: list[Segment], speech: np.ndarray) -> list[Segment]:
    """``snap_words`` given the channel's speech map (``speech_frames``) rather than its audio,
    so a long call's map can come from a scan (``windows.scan_call``)."""
    if not speech.any():
        return segments
    gaps = pauses(speech)
    out = []
    for seg in segments:
        words = list(seg.words)
        inside = [g for g in gaps if words and words[0].start / FRAME < g[0] and g[1] < words[-1].end / FRAME]
        for k, gap in enumerate(_assign([(a.end + b.start) / 2 for a, b in zip(words, words[1:], strict=False)], inside)):
            if gap is None:
                continue
            a, b = words[k], words[k + 1]
            end, start = gap[0] * FRAME, gap[1] * FRAME
            if a.start < end and start < b.end:
                words[k], words[k + 1] = replace(a, end=round(end, 3)), replace(b, start=round(start, 3))
        words = [_snap(w, speech) for w in words]  # what still lies in silence
        if words:
            seg = replace(seg, words=tuple(words), start=words[0].start, end=max(w.end for w in words))
        out.append(seg)
    return out


def _assign(bounds: list[float], gaps: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """The pause each word boundary moves to (or None), in order: a monotonic alignment of the
    boundaries Whisper gave to the pauses heard, cheapest in total distance. Whisper's times
    drift by several hundred ms, so the nearest pause alone is often the wrong one."""
    n, m = len(bounds), len(gaps)
    if n == 0 or m == 0:
        return [None] * n

    def cost(i: int, j: int) -> float:
        a, b = gaps[j][0] * FRAME, gaps[j][1] * FRAME
        d = 0.0 if a <= bounds[i] <= b else min(abs(bounds[i] - a), abs(bounds[i] - b))
        return d if d <= MAX_SHIFT else np.inf

    dp = np.full((n + 1, m + 1), np.inf)
    move = np.zeros((n + 1, m + 1), np.int8)  # 1: boundary unmatched, 2: pause unused, 3: matched
    dp[0, :] = np.arange(m + 1) * UNUSED_PAUSE
    move[0, 1:] = 2
    for i in range(1, n + 1):
        dp[i, 0], move[i, 0] = i * UNMATCHED_BOUNDARY, 1
        for j in range(1, m + 1):
            options = (dp[i - 1, j] + UNMATCHED_BOUNDARY, dp[i, j - 1] + UNUSED_PAUSE, dp[i - 1, j - 1] + cost(i - 1, j - 1))
            k = int(np.argmin(options))
            dp[i, j], move[i, j] = options[k], k + 1
    result: list[tuple[int, int] | None] = [None] * n
    i, j = n, m
    while i > 0 or j > 0:
        step = move[i, j]
        if step == 3:
            result[i - 1] = gaps[j - 1]
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return result


def _snap(word: Word, speech: np.ndarray) -> Word:
    n = len(speech)
    s, e = int(word.start / FRAME), int(np.ceil(word.end / FRAME))
    s, e = min(max(s, 0), n - 1), min(max(e, 1), n)
    if e <= s:
        return word
    start, end = word.start, word.end
    limit = int(MAX_SHIFT / FRAME)
    if not speech[s]:  # the start is in a pause: move it to where the sound begins
        ahead = np.flatnonzero(speech[s : min(e, s + limit)])
        if len(ahead):
            start = (s + ahead[0]) * FRAME
    if not speech[e - 1]:  # the end is in a pause: move it back to where the sound ends
        behind = np.flatnonzero(speech[max(s, e - limit) : e])
        if len(behind):
            end = (max(s, e - limit) + behind[-1] + 1) * FRAME
    if end <= start:
        return word
    return replace(word, start=round(start, 3), end=round(end, 3))
