"""The records a generated call is made of: a script (CallSpec of Turns of Pieces, with the Values
said in them), the voices and the line it goes through, and what rendering it produced.

A script says everything except how long espeak-ng takes to say each piece; rendering fills in the
times (``start``/``end``, seconds from the start of the call) on copies of the turns and values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPLITS = ("dev", "heldout")
RUBRICS = ("core-contact-centre", "collections")
SPEAKERS = ("agent", "customer")
CODECS = ("ulaw", "alaw", "gsm", "amr-nb", "none")
NOISES = ("none", "white", "pink", "babble")

# Sensitive types (the customer's data): what redaction must find.
SENSITIVE_TYPES = (
    "CREDIT_CARD",
    "CVV",
    "CARD_EXPIRY",
    "DATE_OF_BIRTH",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "ADDRESS",
    "PERSON",
    "POSTCODE",
)
# Numbers and names that are NOT the customer's data: what redaction should leave alone.
DECOY_TYPES = ("MONEY", "REFERENCE_NUMBER", "INNOCUOUS_NUMBER", "DATE", "AGENT_NAME", "CARD_LAST4")


@dataclass(frozen=True)
class Voice:
    """One espeak-ng voice as a speaker uses it for the whole call."""

    name: str  # espeak-ng -v, e.g. "en-us+f3" (base voice + variant; no mbrola voices)
    speed: int  # words per minute, 130-190
    pitch: int  # espeak-ng -p, 0-99


@dataclass(frozen=True)
class Piece:
    """A stretch of a turn synthesised on its own, so that where it starts and ends is known.

    ``text`` is what espeak-ng says; ``label_text`` is what a careful human would write down (they
    differ only where the audio is made ASR-hostile on purpose: "free digit secure tea code" for
    "three digit security code"). ``pause`` is the silence before the piece, in seconds."""

    text: str
    label_text: str
    value: int | None = None  # index into CallSpec.values when the piece is a value
    pause: float = 0.0  # seconds


@dataclass(frozen=True)
class Turn:
    """One speaker's turn.

    Placement: a turn starts ``offset`` seconds after the previous turn ends (negative: it starts
    before, an interruption), but never before ``not_before``. A ``backchannel`` ("uh huh") is laid
    over the previous turn at ``overlap_at`` (a fraction of its length) when that is set, and does
    not move the conversation on."""

    speaker: str  # "agent" | "customer"
    pieces: tuple[Piece, ...]
    offset: float  # seconds after the previous turn's end (0.3-1.2 usually; a hold is longer)
    source: str = ""  # the bank it came from: "request:card", "answer:cvv", "line:greeting", "criterion:empathy:yes"
    template: str = ""  # the bank phrasing, before values were filled in
    marks: tuple[str, ...] = ()  # criteria this turn satisfies when said in its window (greeting, closing, ...)
    not_before: float | None = None  # seconds: a phrase placed too late is pushed at least this far
    backchannel: bool = False
    overlap_at: float | None = None  # backchannel over the previous turn, at this fraction of it
    interrupts: bool = False  # an agent turn started over the customer (counts as an interruption)
    start: float | None = None  # seconds, filled in by render()
    end: float | None = None

    @property
    def text(self) -> str:
        """What is said (synthesised)."""
        return "".join(p.text for p in self.pieces).strip()

    @property
    def label_text(self) -> str:
        """What a human would transcribe."""
        return "".join(p.label_text for p in self.pieces).strip()


@dataclass(frozen=True)
class Value:
    """A value said in the call: sensitive (the customer's data) or a decoy (a balance, a reference).

    A value said over two turns is two Values with the same ``id`` (``part`` 1 and 2 of ``parts``),
    each carrying its part of the digits in ``spoken``; ``value`` is always the whole value."""

    id: str  # "v3"
    type: str  # CREDIT_CARD, CVV, ... (SENSITIVE_TYPES) or MONEY, REFERENCE_NUMBER, ... (DECOY_TYPES)
    value: str  # canonical: digits; MMYY; YYYY-MM-DD; "jane.doe@gmail.com"; "42 Mill Lane"; "Jane Doe"
    spoken: str  # exactly as it appears in the turn's text
    form: str  # how it was said: "digits-4444+double", "dmy-words", "month-yy", "spelled", ...
    turn: int  # index into CallSpec.turns
    speaker: str
    sensitive: bool = True
    readback: bool = False  # the agent saying a value the customer gave
    part: int = 1
    parts: int = 1
    start: float | None = None  # seconds, filled in by render()
    end: float | None = None
    channel: int | None = None  # filled in by render()


@dataclass(frozen=True)
class Degradation:
    """The line a call goes through, per channel: noise, band limit, codec, final rate."""

    rate: int  # Hz of the written file: 8000 (telephone) or 16000 (wideband)
    codec: str  # one of CODECS ("none": linear PCM)
    band: tuple[int, int]  # Hz, band-pass before the codec
    noise: str  # one of NOISES
    snr_db: tuple[float | None, float | None]  # per channel (0, 1); None: no noise on that channel
    gain_db: tuple[float, float]  # per channel level


@dataclass(frozen=True)
class CallSpec:
    """A call's script and how it will sound. ``labels`` are what a careful QA reviewer would answer
    for every criterion of ``rubric`` ("yes", "no", None for not applicable); render() re-derives
    the ones that depend on time windows from the real timings and reports them in the gold file."""

    call_id: str
    split: str
    seed: int
    rubric: str
    call_type: str
    region: str  # "uk" | "us": phone, postcode and currency formats
    agent_channel: int
    metadata: dict[str, Any]  # the inbox sidecar (README "The inbox")
    turns: tuple[Turn, ...]
    values: tuple[Value, ...]
    conditions: dict[str, str]  # criterion -> how the call was written for it ("present", "too_late", ...)
    labels: dict[str, str | None]
    voices: dict[str, Voice]  # "agent", "customer"
    degradation: Degradation
    notes: tuple[str, ...] = ()

    def excerpt(self, n_turns: int) -> CallSpec:
        """The first ``n_turns`` turns only, for quick tests. Labels describe whole calls, so the
        excerpt has none."""
        values = tuple(v for v in self.values if v.turn < n_turns)
        keep = {i for i, v in enumerate(self.values) if v.turn < n_turns}
        index = {old: new for new, old in enumerate(sorted(keep))}
        turns = tuple(
            dataclasses.replace(
                t,
                pieces=tuple(dataclasses.replace(p, value=index.get(p.value) if p.value is not None else None) for p in t.pieces),
            )
            for t in self.turns[:n_turns]
        )
        return dataclasses.replace(
            self,
            call_id=f"{self.call_id}-x{n_turns}",
            turns=turns,
            values=values,
            labels={},
            conditions={},
            notes=(*self.notes, f"excerpt: first {n_turns} turns"),
        )


@dataclass(frozen=True)
class RenderedCall:
    """What render() wrote: the recording, its inbox sidecar, the gold file, and the gold itself."""

    audio: Path  # CALL_ID.flac, two channels
    sidecar: Path  # CALL_ID.json (inbox format)
    gold_path: Path  # CALL_ID.gold.json (never read by the product)
    spec: CallSpec  # with turn and value times filled in
    gold: dict[str, Any] = field(repr=False)
    duration: float = 0.0  # seconds
