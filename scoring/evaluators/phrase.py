"""Phrase evaluators: what a speaker said, and when (greeting in the first 15 s, closing in the
last 30 s), matched by patterns on the redacted text."""

from __future__ import annotations

import re
from functools import lru_cache

from redaction import RedactedSegment, RedactedTranscript

from ..context import CallContext
from ..rubric import ForbiddenPhraseMethod, PhraseMethod
from ..types import QUOTE_CHARS, Evidence, Outcome


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def evidence_of(seg: RedactedSegment) -> Evidence:
    return Evidence(seg.id, seg.start, seg.end, seg.speaker, seg.text[:QUOTE_CHARS])


def segments_in_window(method: PhraseMethod, transcript: RedactedTranscript) -> list[RedactedSegment]:
    """The speaker's segments inside the method's time window (unreliable segments excluded)."""
    segs = [s for s in transcript.segments if not s.unreliable and (method.speaker == "any" or s.speaker == method.speaker or s.speaker == "unknown")]
    last_speech = max((s.end for s in transcript.segments), default=0.0)
    if method.within_first is not None:
        segs = [s for s in segs if s.start <= method.within_first]
    if method.within_last is not None:
        segs = [s for s in segs if s.end >= last_speech - method.within_last]
    return segs


def find_phrases(method: PhraseMethod, transcript: RedactedTranscript) -> list[RedactedSegment]:
    """Segments in the window that match any of the patterns."""
    patterns = [_compile(p) for p in method.patterns]
    return [s for s in segments_in_window(method, transcript) if any(p.search(s.text) for p in patterns)]


def evaluate_phrase(method: PhraseMethod, ctx: CallContext) -> Outcome:
    window = segments_in_window(method, ctx.transcript)
    hits = find_phrases(method, ctx.transcript)
    where = _describe_window(method)
    if len(hits) >= method.min_matches:
        return Outcome("yes", 0.9, tuple(evidence_of(s) for s in hits[:3]), f"said {where}")
    # Show what was said instead, so a coach sees the gap.
    return Outcome("no", 0.8 if window else 0.6, tuple(evidence_of(s) for s in window[:2]), f"not said {where}")


def evaluate_forbidden_phrase(method: ForbiddenPhraseMethod, ctx: CallContext) -> Outcome:
    as_phrase = PhraseMethod(type="phrase", speaker=method.speaker, patterns=method.patterns)
    hits = find_phrases(as_phrase, ctx.transcript)
    if hits:
        return Outcome("no", 0.9, tuple(evidence_of(s) for s in hits[:3]), f"{method.speaker} said a forbidden phrase")
    return Outcome("yes", 0.8, (), f"no forbidden phrase said by the {method.speaker}")


def _describe_window(method: PhraseMethod) -> str:
    who = "by the " + method.speaker if method.speaker != "any" else "by either party"
    if method.within_first is not None:
        return f"{who} in the first {method.within_first:g} s"
    if method.within_last is not None:
        return f"{who} in the last {method.within_last:g} s"
    return f"{who} during the call"
