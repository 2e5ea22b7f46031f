"""Redacting a transcript: recognise, fail closed, replace with typed placeholders."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata

from transcription import AGENT, UNKNOWN, Segment, Transcript

from .engine import get_analyzer, nlp_description
from .normalize import normalize_spoken
from .recognizers import KnownValueRecognizer
from .streams import build_streams, to_segment_spans
from .languages import foreign_number_spans
from .phases import IDENTITY, PAYMENT, PHASE_ENTITY, Phase, number_like_spans, sensitive_phases
from .types import PCI_ENTITIES, Leak, UNCLASSIFIED, UNRELIABLE, Entity, Finding, RedactedSegment, RedactedTranscript, RedactionOptions

# When two recognizers claim overlapping text, the higher score wins; on a tie, the earlier here.
PRIORITY = (
    "CREDIT_CARD", "CVV", "CARD_EXPIRY", "PIN", "US_SSN", "ROUTING", "BANK_ACCOUNT", "IBAN_CODE",
    "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "PERSON", "ADDRESS", "LOCATION", "ORGANIZATION", UNCLASSIFIED,
)  # fmt: skip
ENTITIES = [e for e in PRIORITY if e != UNCLASSIFIED]
@dataclass
class _Span:
    start: int
    end: int
    entity_type: str
    recognizer: str
    score: float
    read_back: str | None = None  # agent card data: "confirmed" (repeats the customer's value), "possible"


CONTEXT_CLAIMED = ("CVV", "CARD_EXPIRY", "PIN")  # card data known only by the question before it
# An amount of money is never card data, whatever was asked before it ("the payment of $100").
MONEY_BEFORE = re.compile(r"(?:[$£€]|\b(?:balance|amount|payment|total|charge|fee|refund|credit|reference|order|invoice|account)\s+(?:of\s+|is\s+|number\s+)?)\s*$", re.I)
MONEY_AFTER = re.compile(r"^\s*(?:[.,]\d+\s*)?(?:dollars?|pounds?|euros?|cents?|pence|p\b|percent|per\s+cent|%|bucks|quid)", re.I)


def redact_transcript(
    transcript: Transcript,
    known_values: dict[str, str] | None = None,
    options: RedactionOptions | None = None,
    heard: Sequence[Leak] = (),
) -> RedactedTranscript:
    """Replace every payment and personal value with a typed placeholder.

    ``known_values`` (entity type → value, from the call's metadata) are found wherever said.
    ``heard`` are what the verification of the redacted audio heard (verify.py): each is silenced
    in the audio, and the words the transcript has there are redacted as its type.

    >>> redacted = redact_transcript(transcript)  # doctest: +SKIP
    >>> redacted.segments[5].text  # doctest: +SKIP
    'The card number is [CREDIT_CARD].'
    """
    options = options or RedactionOptions()
    analyzer = get_analyzer(options.spacy_model)
    ad_hoc = [KnownValueRecognizer(known_values)] if known_values else None
    spans: dict[int, list[_Span]] = {s.id: [] for s in transcript.segments}
    allowed = {w.casefold() for phrase in options.allow_words for w in phrase.split()}

    for stream in build_streams(transcript):
        norm = normalize_spoken(stream.text)
        results = analyzer.analyze(
            norm.text, language="en", entities=ENTITIES, score_threshold=options.score_threshold, ad_hoc_recognizers=ad_hoc
        )
        claimed = []
        for r in results:
            recognizer = (r.recognition_metadata or {}).get("recognizer_name", "unknown")
            if r.entity_type in NAMES and recognizer != KnownValueRecognizer.__name__ and _allowed(norm.text[r.start : r.end], allowed):
                continue  # the deployment's own brand; a value from the call's metadata is redacted whatever
            _add(spans, stream, norm.to_original(r.start, r.end), r.entity_type, recognizer, r.score)
            claimed.append((r.start, r.end))
        # Where the speakers were inferred (a mono recording, or a two-channel one whose metadata
        # does not say which channel is the agent: transcription/speakers.py), the agent's turns
        # keep the customer's stricter fail-closed threshold.
        inferred = UNKNOWN in transcript.channels
        minimum = options.agent_min_unclaimed_digits if stream.speaker == AGENT and not inferred else options.min_unclaimed_digits
        for run in norm.digit_runs:
            for a, b in _unclaimed(run.start, run.end, claimed):
                if run.digits >= minimum:
                    _add(spans, stream, norm.to_original(a, b), UNCLASSIFIED, "FailClosedDigitRun", 1.0)

    phases = _redact_phases(transcript, spans, options) if options.payment_window else []

    for leak in heard:  # what the second decoder heard: the first one's words there go too
        for seg in transcript.segments:
            if seg.channel == leak.channel and seg.start <= leak.end and leak.start <= seg.end:
                for start, end in _words_between(seg, leak.start, leak.end):
                    spans[seg.id].append(_Span(start, end, leak.entity_type, "AudioVerification", 1.0))
    foreign = {lang.channel: lang for lang in transcript.languages if lang.language not in options.languages}
    for seg in transcript.segments:  # a language the recognizers do not read: every number goes
        if seg.channel in foreign:
            for start, end in foreign_number_spans(seg.text, foreign[seg.channel].language):
                spans[seg.id].append(_Span(start, end, UNCLASSIFIED, "UnreadLanguageNumber", PHASE_NUMBER_SCORE))
    _classify_agent_card_data(transcript, spans)
    names = _names_heard(transcript, spans)
    for seg in transcript.segments:  # a name heard once is redacted wherever it is said again
        for name in names:
            for m in re.finditer(rf"\b{re.escape(name)}\b", seg.text, re.I):
                spans[seg.id].append(_Span(m.start(), m.end(), "PERSON", "NameHeardInCall", HEARD_NAME_SCORE))

    segments, entities, findings = [], [], []
    for seg in transcript.segments:
        if seg.unreliable:
            entities.append(_entity(seg, _Span(0, len(seg.text), UNRELIABLE, "RepetitionLoopDetector", 1.0)))
            segments.append(_redacted_segment(seg, f"[{UNRELIABLE}]"))
            continue
        merged = _merge(_widen(seg.text, s) for s in spans[seg.id])
        text = seg.text
        for span in reversed(merged):
            text = text[: span.start] + f"[{span.entity_type}]" + text[span.end :]
            entity = _entity(seg, span)
            entities.append(entity)
            finding = _read_back(seg, span, entity, inferred_speaker=UNKNOWN in transcript.channels)
            if finding:
                findings.append(finding)
        segments.append(_redacted_segment(seg, text.strip()))
    entities.extend(
        Entity(leak.entity_type, None, leak.speaker, leak.channel, 0, 0, leak.start, leak.end, f"AudioVerification(round {leak.round})", 1.0)
        for leak in heard
    )
    customer_channels = [i for i, speaker in enumerate(transcript.channels) if speaker != AGENT]
    entities.extend(
        Entity("LANGUAGE_PHASE", None, lang.speaker, ch, 0, 0, 0.0, transcript.duration, f"UnreadLanguage({lang.describe()})", 1.0)
        for ch, lang in sorted(foreign.items())
        if ch in customer_channels
    )
    entities.extend(
        Entity(PHASE_ENTITY[p.kind], None, "customer", ch, 0, 0, p.start, p.end, f"SensitivePhase({p.opened_by}; closed: {p.closed_by})", 1.0)
        for p in phases
        for ch in customer_channels
    )

    return RedactedTranscript(
        call_id=transcript.call_id,
        segments=tuple(segments),
        entities=tuple(sorted(entities, key=lambda e: (e.start, e.channel, e.start_char))),
        findings=tuple(sorted(findings, key=lambda f: f.start)),
        duration=transcript.duration,
        backend=transcript.backend,
        model=transcript.model,
        redaction={
            "engine": f"presidio-analyzer {metadata.version('presidio-analyzer')}",
            "nlp": nlp_description(options.spacy_model),
            "spacy": metadata.version("spacy"),
        },
        provenance=transcript.provenance,
        languages=tuple(lang.to_dict() for lang in transcript.languages),
    )


NAMES = ("PERSON", "LOCATION", "ORGANIZATION")


def _allowed(found: str, allowed: set[str]) -> bool:
    """Is every word of a found name one of the allowed words (``redaction.allow_words``, casefolded)?"""
    words = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", found)
    return bool(allowed) and bool(words) and all(w.casefold() in allowed for w in words)


HEARD_NAME_SCORE = 0.8
NAME_WORD = re.compile(r"\b[A-Z][a-z'-]{2,}\b")  # Whisper capitalises names
NOT_NAMES = {
    "it's", "its", "the", "this", "that", "that's", "yes", "yeah", "okay", "thank", "thanks", "hello", "speaking", "email",
    "address", "dot", "and", "not", "calling", "sure", "hi", "mister", "miss", "doctor", "street", "road", "lane", "avenue",
}  # fmt: skip


def _names_heard(transcript: Transcript, spans: dict[int, list[_Span]]) -> set[str]:
    """The capitalised words of every PERSON found by context or metadata, and of the local part
    of every EMAIL_ADDRESS found (people's addresses are mostly their names: "Sarah not Schmidt
    at outlook.com"). ASR
    spells a name the same way within a call far more often than not, so each is then redacted
    wherever it is said, by either party, though only one mention came with a context."""
    text = {s.id: s.text for s in transcript.segments}
    names: set[str] = set()
    for seg_id, found in spans.items():
        for span in found:
            if span.recognizer == "ProperNounRecognizer":
                continue  # it reads every turn itself; spreading its guesses would spread its mistakes
            if span.entity_type == "PERSON":
                part = text[seg_id][span.start : span.end]
            elif span.entity_type == "EMAIL_ADDRESS":
                part = re.split(r"\s+at\s+|@", text[seg_id][span.start : span.end], maxsplit=1)[0]
            else:
                continue
            names.update(w for w in NAME_WORD.findall(part) if w.lower() not in NOT_NAMES)
    return names


def _add(spans: dict[int, list[_Span]], stream, original: tuple[int, int], entity_type: str, recognizer: str, score: float) -> None:  # noqa: ANN001
    for seg_id, start, end in to_segment_spans(stream, *original):
        spans[seg_id].append(_Span(start, end, entity_type, recognizer, score))


def _unclaimed(start: int, end: int, claimed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for a, b in claimed:
        pieces = [p for s, e in pieces for p in ((s, min(e, a)), (max(s, b), e)) if p[1] > p[0]]
    return pieces


def _widen(text: str, span: _Span) -> _Span:
    """Grow a span to whole words, so no placeholder leaves part of a value beside it."""
    start, end = span.start, span.end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return _Span(start, end, span.entity_type, span.recognizer, span.score, span.read_back)


def _merge(spans) -> list[_Span]:  # noqa: ANN001
    merged: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            winner = max((last, span), key=lambda s: (s.score, -PRIORITY.index(s.entity_type) if s.entity_type in PRIORITY else -99))
            merged[-1] = _Span(last.start, max(last.end, span.end), winner.entity_type, winner.recognizer, winner.score, winner.read_back)
        else:
            merged.append(span)
    return merged


def _words_between(seg: Segment, start: float, end: float) -> list[tuple[int, int]]:
    """Character spans of the segment's words said between ``start`` and ``end`` seconds."""
    out, offset = [], 0
    for w in seg.words:
        if w.start <= end and start <= w.end and w.text.strip():
            lead = len(w.text) - len(w.text.lstrip())
            out.append((offset + lead, offset + len(w.text)))
        offset += len(w.text)
    return out


def _span_time(seg: Segment, start_char: int, end_char: int) -> tuple[float, float]:
    """The time span of the words under a character span of a segment's text."""
    offset, times = 0, []
    for w in seg.words:
        if offset < end_char and offset + len(w.text) > start_char:
            times.append((w.start, w.end))
        offset += len(w.text)
    return min((t[0] for t in times), default=seg.start), max((t[1] for t in times), default=seg.end)


def _entity(seg: Segment, span: _Span) -> Entity:
    start, end = _span_time(seg, span.start, span.end)
    if span.entity_type == UNRELIABLE:
        start, end = seg.start, seg.end
    return Entity(span.entity_type, seg.id, seg.speaker, seg.channel, span.start, span.end, start, end, span.recognizer, round(span.score, 3))


def _redacted_segment(seg: Segment, text: str) -> RedactedSegment:
    return RedactedSegment(seg.id, seg.speaker, seg.channel, seg.start, seg.end, text, seg.unreliable)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", normalize_spoken(text).text)


def _classify_agent_card_data(transcript: Transcript, spans: dict[int, list[_Span]]) -> None:
    """Decide, for each security code, expiry or PIN found in the agent's speech by the question
    before it, whether it is a read-back. A read-back repeats what the customer said: the
    agent's digits are among the card data the customer gave in this call ("confirmed"). An
    amount of money is no card data at all and is left as said. Any other number after such a
    question stays redacted (it may be card data the customer's channel garbled) and is a
    "possible" read-back for a person to check, never a violation on its own.

    The customer's values exist here only as digits in memory, for the comparison."""
    by_id = {s.id: s for s in transcript.segments}
    given: set[str] = set()
    for seg_id, found in spans.items():
        if by_id[seg_id].speaker == AGENT:
            continue
        for span in found:
            if span.entity_type in (*PCI_ENTITIES, UNCLASSIFIED):
                digits = _digits(by_id[seg_id].text[span.start : span.end])
                if len(digits) >= 3:
                    given.add(digits)
    for seg_id, found in spans.items():
        seg = by_id[seg_id]
        if seg.speaker != AGENT:
            continue
        kept = []
        for span in found:
            if span.entity_type in CONTEXT_CLAIMED:
                said = seg.text[span.start : span.end]
                digits = _digits(said)
                if digits and any(digits == value or (len(digits) >= 4 and digits in value) for value in given):
                    span.read_back = "confirmed"
                elif MONEY_BEFORE.search(seg.text[: span.start]) or MONEY_AFTER.match(seg.text[span.end :]) or "$" in said:
                    continue  # "the payment of $100": not card data
                else:
                    span.read_back = "possible"
            kept.append(span)
        found[:] = kept


def _read_back(seg: Segment, span: _Span, entity: Entity, inferred_speaker: bool = False) -> Finding | None:
    """Card data in the agent's own speech is a read-back, a PCI DSS violation, when it repeats
    the customer's value or is card-number shaped (Luhn-valid, or 12+ digits); a number heard
    after a card-data question that repeats nothing the customer was heard to say is a
    POSSIBLE_READ_BACK, for a person to check. Where the speaker was inferred (a mono recording,
    or a two-channel one without its agent channel), the finding says so."""
    if seg.speaker != AGENT:
        return None
    kind = "PCI_READ_BACK"
    if span.entity_type in CONTEXT_CLAIMED and span.read_back == "possible":
        kind = "POSSIBLE_READ_BACK"
        detail = f"agent said a number after the {span.entity_type} question that the customer was not heard to say: listen to check it"
    elif span.entity_type in CONTEXT_CLAIMED:
        detail = f"agent repeated the customer's {span.entity_type} ({span.recognizer})"
    elif span.entity_type in PCI_ENTITIES:
        detail = f"agent said {span.entity_type} aloud ({span.recognizer})"
    elif span.entity_type == UNCLASSIFIED and sum(c.isdigit() for c in seg.text[span.start : span.end]) >= 12:
        detail = "agent said a long digit run aloud, likely a card number read back (Luhn failed: ASR error)"
    else:
        return None
    if inferred_speaker:
        detail += "; speaker inferred (no metadata says who is the agent): listen before acting on it"
    return Finding(kind, span.entity_type, seg.id, seg.speaker, entity.start, entity.end, detail)


PHASE_NUMBER_SCORE = 0.3  # below every recognizer: a typed value keeps its type
SENSITIVE_ANSWERS = {**{e: PAYMENT for e in PCI_ENTITIES}, "BANK_ACCOUNT": PAYMENT, "ROUTING": PAYMENT, "IBAN_CODE": PAYMENT,
                     "DATE_OF_BIRTH": IDENTITY, "PHONE_NUMBER": IDENTITY, "US_SSN": IDENTITY, "EMAIL_ADDRESS": IDENTITY,
                     "ADDRESS": IDENTITY, UNCLASSIFIED: PAYMENT}  # fmt: skip


def _redact_phases(transcript: Transcript, spans: dict[int, list[_Span]], options: RedactionOptions) -> list[Phase]:
    """Find the call's sensitive phases (phases.py) and redact, in the customer's turns inside
    them, every word that is or may be a number, whatever a recognizer made of it: ASR may have
    garbled card data into words ("It is 5.11, 29" for an expiry; "free-18" for 318). Where the
    speakers were inferred, the agent's turns are treated as the customer's: the inference may
    be wrong."""
    inferred = UNKNOWN in transcript.channels
    by_id = {s.id: s for s in transcript.segments}
    values = [
        (*_span_time(by_id[seg_id], span.start, span.end), SENSITIVE_ANSWERS[span.entity_type])
        for seg_id, found in spans.items()
        if by_id[seg_id].speaker != AGENT
        for span in found
        if span.entity_type in SENSITIVE_ANSWERS
    ]
    phases = sensitive_phases(transcript, values, options.max_payment_window, options.min_unclaimed_digits)
    for seg in transcript.segments:
        if (seg.speaker == AGENT and not inferred) or not any(p.start <= seg.end and seg.start <= p.end for p in phases):
            continue
        for start, end in number_like_spans(seg.text):
            t0, t1 = _span_time(seg, start, end)
            if any(p.start <= t1 and t0 <= p.end for p in phases):
                spans[seg.id].append(_Span(start, end, UNCLASSIFIED, "SensitivePhaseNumber", PHASE_NUMBER_SCORE))
    return phases
