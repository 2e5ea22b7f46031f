"""What evaluators read: the redacted transcript and per-call data computed once (sentences,
their embeddings, sentiment), only when a criterion needs it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata

import numpy as np

from redaction import RedactedSegment, RedactedTranscript

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
MIN_SENTENCE_WORDS = 2


@dataclass(frozen=True)
class Sentence:
    segment: RedactedSegment
    text: str


class CallContext:
    """One call as the evaluators see it."""

    def __init__(self, transcript: RedactedTranscript, knowledge_base: dict[str, list[str]] | None = None) -> None:
        self.transcript = transcript
        self.knowledge_base = knowledge_base or {}
        self.models: dict[str, str] = {}

    @property
    def segments(self) -> tuple[RedactedSegment, ...]:
        return self.transcript.segments

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Sentences of reliable segments (a long segment holds several things said)."""
        out = []
        for seg in self.transcript.segments:
            if seg.unreliable:
                continue
            for m in _SENTENCE.finditer(seg.text):
                text = m.group().strip()
                if len(text.split()) >= MIN_SENTENCE_WORDS:
                    out.append(Sentence(seg, text))
        return out

    @cached_property
    def sentence_embeddings(self) -> np.ndarray:
        """One unit vector per sentence; computed once per call."""
        from .embeddings import get_embedder

        embedder = get_embedder()
        self.models["embeddings"] = embedder.version
        return embedder.encode([s.text for s in self.sentences])

    @cached_property
    def sentiment(self) -> dict[int, float]:
        """VADER compound sentiment (-1..1) per segment id; placeholders are read as neutral."""
        analyzer = get_sentiment_analyzer()
        self.models["sentiment"] = f"VADER (vaderSentiment {metadata.version('vaderSentiment')})"
        return {s.id: analyzer.polarity_scores(_PLACEHOLDER.sub(" ", s.text))["compound"] for s in self.transcript.segments if not s.unreliable}


_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


@lru_cache(maxsize=1)
def get_sentiment_analyzer():  # -> vaderSentiment.SentimentIntensityAnalyzer
    """The VADER lexicon model, loaded once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()
