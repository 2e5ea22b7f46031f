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
# Where one sentence holds two things said ("I understand moving is a lot of work, so I have
# updated both for you"): each clause is also compared on its own, since a sentence's embedding
# averages its parts and the task half drowns the empathy half.
_CLAUSE = re.compile(r"\s*(?:[,;:]\s*(?:(?:and|but|so|because)\b\s*)?|\s-\s)")
MIN_SENTENCE_WORDS = 2
MIN_CLAUSE_WORDS = 3


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
        """Sentences of reliable segments (a long segment holds several things said), and the
        clauses of sentences that join two."""
        out = []
        for seg in self.transcript.segments:
            if seg.unreliable:
                continue
            for m in _SENTENCE.finditer(seg.text):
                text = m.group().strip()
                if len(text.split()) < MIN_SENTENCE_WORDS:
                    continue
                out.append(Sentence(seg, text))
                clauses = [c.strip() for c in _CLAUSE.split(text) if len(c.split()) >= MIN_CLAUSE_WORDS]
                if len(clauses) > 1:
                    out += [Sentence(seg, c) for c in clauses]
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
