"""The transcript types every later stage reads.

Raw text lives in these objects only inside the task that transcribes and redacts a call, so
their ``repr`` leaves the text out: a traceback, a log line or a debugger print of a Segment
never shows what was said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AGENT = "agent"
CUSTOMER = "customer"
SPEAKERS = (AGENT, CUSTOMER)


@dataclass(frozen=True)
class Word:
    """One recognised word; ``text`` keeps Whisper's leading space so words join into the segment text."""

    text: str = field(repr=False)
    start: float  # seconds from the start of the call
    end: float  # seconds
    probability: float


@dataclass(frozen=True)
class Segment:
    """A stretch of one party's speech, with its words."""

    id: int
    speaker: str  # AGENT or CUSTOMER
    channel: int  # index into Call.sources
    start: float  # seconds
    end: float  # seconds
    text: str = field(repr=False)
    words: tuple[Word, ...] = field(repr=False, default=())
    unreliable: bool = False  # decoding degenerated (a repetition loop): redaction fails closed


@dataclass(frozen=True)
class Transcript:
    """All segments of a call, both parties merged in time order (overlaps kept)."""

    call_id: str
    segments: tuple[Segment, ...]
    duration: float  # seconds
    backend: str
    model: str
    channels: tuple[str, ...] = ()  # the speaker of each channel (global channel index)
    provenance: dict = field(default_factory=dict, compare=False)  # CPU kernels, libraries, model SHA-256 (provenance.py)
    languages: tuple = ()  # ChannelLanguage per decoded channel (languages.py)
