"""Phrase evaluators: what a speaker said, and when (greeting in the first 15 s, closing in the
last 30 s), matched on the redacted text the way ASR gets words wrong (redaction/phrases.py):
a wording within one error in four counts, and says which words differed; a near miss is
reported as uncertain (a person decides), never silently counted either way."""

from __future__ import annotations

from dataclasses import dataclass

from redaction import RedactedSegment, RedactedTranscript
from redaction.phrases import PhraseMatch, match_phrase

from ..context import CallContext
from ..rubric import ForbiddenPhraseMethod, PhraseMethod
from ..types import QUOTE_CHARS, Evidence, Outcome


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


@dataclass(frozen=True)
class Hit:
    segment: RedactedSegment
    match: PhraseMatch


def phrase_hits(method: PhraseMethod | ForbiddenPhraseMethod, segments: list[RedactedSegment]) -> tuple[list[Hit], list[Hit]]:
    """(matches, near misses): per segment, the best match of any of the method's patterns."""
    exact = method.match == "exact"
    matched, near = [], []
    for seg in segments:
        found = [m for m in (match_phrase(p, seg.text, exact=exact) for p in method.patterns) if m is not None]
        if not found:
            continue
        best = min(found, key=lambda m: (not m.matched, m.distance))
        (matched if best.matched else near).append(Hit(seg, best))
    return matched, near


def find_phrases(method: PhraseMethod, transcript: RedactedTranscript) -> list[RedactedSegment]:
    """Segments in the window in which one of the patterns was said (within the error budget)."""
    return [h.segment for h in phrase_hits(method, segments_in_window(method, transcript))[0]]


def evaluate_phrase(method: PhraseMethod, ctx: CallContext) -> Outcome:
    window = segments_in_window(method, ctx.transcript)
    hits, near = phrase_hits(method, window)
    where = _describe_window(method)
    if len(hits) >= method.min_matches:
        exact = all(h.match.exact for h in hits)
        how = "; ".join(dict.fromkeys(h.match.describe() for h in hits[:3]))
        return Outcome("yes", 0.9 if exact else 0.75, tuple(evidence_of(h.segment) for h in hits[:3]), f"said {where}: {how}")
    if near:  # something close was said: ASR may have garbled it, or it was not said; a person decides
        how = "; ".join(dict.fromkeys(h.match.describe() for h in near[:3]))
        evidence = tuple(evidence_of(h.segment) for h in (hits + near)[:3])
        return Outcome("no", 0.4, evidence, f"uncertain: nearly said {where} ({how}); listen to decide", uncertain=True)
    # Show what was said instead, so a coach sees the gap.
    return Outcome("no", 0.8 if window else 0.6, tuple(evidence_of(s) for s in window[:2]), f"not said {where}")


def evaluate_forbidden_phrase(method: ForbiddenPhraseMethod, ctx: CallContext) -> Outcome:
    as_phrase = PhraseMethod(type="phrase", speaker=method.speaker, patterns=method.patterns, match=method.match)
    hits, _near = phrase_hits(as_phrase, segments_in_window(as_phrase, ctx.transcript))
    exact = [h for h in hits if h.match.exact]
    if exact:
        return Outcome("no", 0.9, tuple(evidence_of(h.segment) for h in exact[:3]), f"{method.speaker} said a forbidden phrase: {exact[0].match.describe()}")
    if hits:  # a forbidden phrase only if ASR garbled it: a person decides
        how = "; ".join(dict.fromkeys(h.match.describe() for h in hits[:3]))
        return Outcome("yes", 0.4, tuple(evidence_of(h.segment) for h in hits[:3]), f"uncertain: {method.speaker} said something close to a forbidden phrase ({how}); listen to decide", uncertain=True)
    return Outcome("yes", 0.8, (), f"no forbidden phrase said by the {method.speaker}")


def _describe_window(method: PhraseMethod) -> str:
    who = "by the " + method.speaker if method.speaker != "any" else "by either party"
    if method.within_first is not None:
        return f"{who} in the first {method.within_first:g} s"
    if method.within_last is not None:
        return f"{who} in the last {method.within_last:g} s"
    return f"{who} during the call"
