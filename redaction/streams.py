"""Speaker streams: the text recognizers analyse, one per party.

A party's words are joined in time order across all its segments, so digits read over several
turns form one run. The other party's words are inserted where they were said, inside context
blocks (``⟦…⟧``): recognizers use them as context ("what is the security code?" said by the
agent makes the customer's "737" a CVV) but never redact inside them; each party's words are
redacted in its own stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transcription import Transcript

from .normalize import CONTEXT_CLOSE, CONTEXT_OPEN

MAX_CONTEXT_CHARS = 400  # characters of the other party's speech kept per context block


@dataclass
class Stream:
    """One party's words as text, with the position in the transcript of every character."""

    speaker: str
    text: str = field(repr=False)
    # per character: (segment id, offset in that segment's text), or None inside a context block
    origin: list[tuple[int, int] | None] = field(repr=False)


def build_streams(transcript: Transcript) -> list[Stream]:
    """One Stream per speaker present in the transcript."""
    speakers = sorted({s.speaker for s in transcript.segments})
    return [_build_stream(transcript, speaker) for speaker in speakers]


def _build_stream(transcript: Transcript, speaker: str) -> Stream:
    own: list[tuple[float, int, int, str]] = []  # (start, segment id, offset in segment, word text)
    other: list[tuple[float, str]] = []
    for seg in transcript.segments:
        offset = 0
        for w in seg.words:
            text = w.text.replace(CONTEXT_OPEN, " ").replace(CONTEXT_CLOSE, " ")
            if seg.speaker == speaker:
                own.append((w.start, seg.id, offset, text))
            else:
                other.append((w.start, text))
            offset += len(w.text)
    own.sort(key=lambda t: (t[0], t[1], t[2]))
    other.sort(key=lambda t: t[0])

    parts: list[str] = []
    origin: list[tuple[int, int] | None] = []
    k = 0
    previous_segment = None
    for start, seg_id, seg_offset, text in own:
        pending = []
        while k < len(other) and other[k][0] < start:
            pending.append(other[k][1])
            k += 1
        if pending:
            block = f" {CONTEXT_OPEN}{''.join(pending)[-MAX_CONTEXT_CHARS:]}{CONTEXT_CLOSE}"
            parts.append(block)
            origin.extend([None] * len(block))
        if previous_segment is not None and previous_segment != seg_id and not text.startswith(" "):
            parts.append(" ")
            origin.append(None)
        parts.append(text)
        origin.extend((seg_id, seg_offset + i) for i in range(len(text)))
        previous_segment = seg_id
    return Stream(speaker, "".join(parts), origin)


def to_segment_spans(stream: Stream, start: int, end: int) -> list[tuple[int, int, int]]:
    """Split a stream span into (segment id, start, end) spans of the party's own words,
    leaving out context blocks."""
    spans: list[tuple[int, int, int]] = []
    for i in range(max(0, start), min(end, len(stream.origin))):
        o = stream.origin[i]
        if o is None:
            continue
        seg_id, off = o
        if spans and spans[-1][0] == seg_id and off - spans[-1][2] <= 1:
            spans[-1] = (seg_id, spans[-1][1], off + 1)
        else:
            spans.append((seg_id, off, off + 1))
    return spans
