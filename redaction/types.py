"""What redaction produces: a transcript that holds no payment or personal values.

Entity records keep where a value was (type, offsets, time span, speaker, recognizer, score),
never the value, and never a hash of it: a card number or a CVV is low-entropy, so its hash
can be brute-forced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PCI_ENTITIES = ("CREDIT_CARD", "CVV", "CARD_EXPIRY", "PIN")
UNCLASSIFIED = "UNCLASSIFIED_NUMBER"
UNRELIABLE = "UNRELIABLE_SPAN"
PHASE_ENTITIES = ("PAYMENT_PHASE", "IDENTITY_PHASE", "LANGUAGE_PHASE")  # audio-only: the customer's channel silenced for a sensitive phase


@dataclass(frozen=True)
class RedactionOptions:
    """How redaction fails closed; settable from the config file (``redaction:``)."""

    min_unclaimed_digits: int = 6  # customer side: unclaimed digit runs this long are redacted
    agent_min_unclaimed_digits: int = 12  # agent side: longer, agents say order numbers and amounts
    score_threshold: float = 0.35  # recognizer results scored below this are ignored
    audio_padding: float = 0.15  # seconds of audio silenced on each side of a redacted span
    payment_window: bool = True  # sensitive phases (redaction/phases.py): the customer's numbers redacted and their channel silenced while card or identity data is given
    max_payment_window: float = 60.0  # seconds; a phase in which nothing sensitive happens for this long closes
    spacy_model: str | None = None  # e.g. "en_core_web_lg"; None = the best installed, if any
    # names never redacted as PERSON, LOCATION or ORGANIZATION: the organisation's own brands and
    # products ("Northwind", "SmartMeter Plus"). Card data and numbers are redacted whatever.
    allow_words: tuple[str, ...] = ()
    # verification (redaction/verify.py): the redacted audio heard again by another decoder
    verify: bool = True
    verify_model: str = "auto"  # auto: tiny.en when calls are transcribed with base, else base
    verify_beam_size: int = 1  # greedy: a fraction of the first decoding's cost
    verify_rounds: int = 3  # silence what was heard and hear it again, at most this often
    languages: tuple[str, ...] = ("en",)  # what the recognizers read; a channel in another language is redacted fail-closed (languages.py)

    def __post_init__(self) -> None:
        if self.min_unclaimed_digits < 3 or self.agent_min_unclaimed_digits < 3:
            raise ValueError("min_unclaimed_digits must be at least 3 (shorter runs are everyday numbers)")
        if not 0 <= self.score_threshold <= 1:
            raise ValueError(f"score_threshold must be between 0 and 1, got {self.score_threshold}")
        if not 0 <= self.audio_padding <= 2:
            raise ValueError(f"audio_padding must be between 0 and 2 seconds, got {self.audio_padding}")
        if isinstance(self.allow_words, str) or not all(isinstance(w, str) and w.strip() for w in self.allow_words):
            raise ValueError(f"allow_words must be a list of names, got {self.allow_words!r}")
        object.__setattr__(self, "allow_words", tuple(self.allow_words))
        if not 1 <= self.verify_beam_size <= 10:
            raise ValueError(f"verify_beam_size must be between 1 and 10, got {self.verify_beam_size}")
        object.__setattr__(self, "languages", tuple(self.languages))
        if not 1 <= self.verify_rounds <= 10:
            raise ValueError(f"verify_rounds must be between 1 and 10, got {self.verify_rounds}")


@dataclass(frozen=True)
class Entity:
    """Where a redacted value was. Never the value."""

    entity_type: str
    segment_id: int | None  # None for audio-only spans (payment windows)
    speaker: str
    channel: int
    start_char: int  # in the original segment text
    end_char: int
    start: float  # seconds
    end: float  # seconds
    recognizer: str
    score: float


@dataclass(frozen=True)
class Leak:
    """Something the verification's second decoder heard in the redacted audio that must not be
    there (redaction/verify.py): where and what type, never the value."""

    entity_type: str
    channel: int
    speaker: str
    start: float  # seconds
    end: float
    round: int  # 1 = heard in the first check
    recognizer: str


@dataclass(frozen=True)
class Finding:
    """A compliance event found while redacting, e.g. the agent reading card data back (a PCI
    violation). Scoring uses findings as evidence."""

    kind: str  # e.g. "PCI_READ_BACK"
    entity_type: str
    segment_id: int
    speaker: str
    start: float  # seconds
    end: float
    detail: str


@dataclass(frozen=True)
class RedactedSegment:
    id: int
    speaker: str
    channel: int
    start: float
    end: float
    text: str  # with typed placeholders: "my card is [CREDIT_CARD]"
    unreliable: bool = False


@dataclass(frozen=True)
class RedactedTranscript:
    """The only form of a transcript that leaves the transcribe+redact task."""

    call_id: str
    segments: tuple[RedactedSegment, ...]
    entities: tuple[Entity, ...]
    findings: tuple[Finding, ...]
    duration: float
    backend: str
    model: str
    redaction: dict[str, str] = field(default_factory=dict)  # engine and versions
    provenance: dict = field(default_factory=dict)  # how it was transcribed: CPU kernels, libraries, model SHA-256
    verification: dict = field(default_factory=dict)  # the check of the redacted audio (redaction/verify.py)
    languages: tuple[dict, ...] = ()  # per channel: language, probability, how it was decided (transcription/languages.py)

    def to_dict(self) -> dict:
        return asdict(self)

    def entity_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.entities:
            counts[e.entity_type] = counts.get(e.entity_type, 0) + 1
        return dict(sorted(counts.items()))

    @classmethod
    def from_dict(cls, d: dict) -> "RedactedTranscript":
        return cls(
            call_id=d["call_id"],
            segments=tuple(RedactedSegment(**s) for s in d["segments"]),
            entities=tuple(Entity(**e) for e in d["entities"]),
            findings=tuple(Finding(**f) for f in d["findings"]),
            duration=d["duration"],
            backend=d["backend"],
            model=d["model"],
            redaction=d.get("redaction", {}),
            provenance=d.get("provenance", {}),
            verification=d.get("verification", {}),
            languages=tuple(d.get("languages", ())),
        )
