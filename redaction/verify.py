"""Verification of the redacted audio on every call: hear it again, with another decoder.

A transcript can look clean while its audio is not: ASR garbled a date of birth into "nearly 5
to 5-1", no recognizer fired, and the audio was kept whole, while an independent decoding hears
the date clearly. So after the audio is redacted, the stored audio is decoded again by a
different model (Whisper tiny.en when calls are transcribed with base, base when with tiny.en;
greedy, so it costs a fraction of the first pass) on the customer's channels, and on the
agent's during and just after the sensitive phases (read-backs), and searched for what must not
be there: digit runs of three or more, card, security code, expiry, date of birth, phone, account
and e-mail patterns, and the call's known values (the customer's name, phone, account number
from its metadata). Whatever is found is silenced (and the words the first decoder heard there
redacted) and the stretches around it heard again, up to ``verify_rounds`` times; a call that
still holds something is not stored as clean: it is quarantined with its reason.

What the second decoder heard is raw text: it lives only in this module's functions, like the
first transcript, and what they return holds types, channels and times, never values.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from transcription import AGENT, UNKNOWN, AudioSource, Call, Transcript, TranscriptionOptions, resolve_model

from .audio import redact_audio
from .normalize import normalize_spoken
from .redact import _span_time, redact_transcript
from .types import PCI_ENTITIES, UNCLASSIFIED, Leak, RedactedTranscript, RedactionOptions

LEAK_TYPES = (*PCI_ENTITIES, "US_SSN", "PHONE_NUMBER", "BANK_ACCOUNT", "ROUTING", "IBAN_CODE", "DATE_OF_BIRTH", "EMAIL_ADDRESS", UNCLASSIFIED)
SPOKEN_DIGITS = 3  # a customer saying this many digits in a row, outside a phase, is heard as a leak
READ_BACK_SECONDS = 20.0  # the agent's channel is heard this long after a phase too
AROUND = 3.0  # seconds heard either side of a re-silenced stretch in the next round
PADDING = 0.25  # seconds silenced either side of what was heard


class VerificationFailed(Exception):
    """The redacted audio still holds card or personal data after every round of re-redaction."""


@dataclass(frozen=True)
class Verification:
    """What the check of one call's redacted audio did: stored with the call, chained."""

    decoder: str
    outcome: str  # "clean" (nothing found), "re-redacted" (found, silenced, clean after), "failed"
    rounds: int
    leaks: tuple[Leak, ...] = ()
    heard_seconds: float = 0.0  # audio re-decoded, summed over channels and rounds
    seconds: float = 0.0  # wall time of the check (not stored: the same call must store the same record)

    def to_dict(self) -> dict:
        """The stored record: what was checked and found, never how long it took."""
        return {k: v for k, v in asdict(self).items() if k != "seconds"}


def verifier_options(primary: TranscriptionOptions, options: RedactionOptions) -> TranscriptionOptions:
    """The second decoder: another model than the first (``verify_model``; auto: tiny.en for base
    and base for everything else), greedy, the same CPU kernels, VAD on."""
    model = options.verify_model
    if model == "auto":
        model = "tiny.en" if primary.model == "base" else "base"
        try:
            resolve_model(model)
        except Exception:  # noqa: BLE001 - not installed: the other decoding setup of the same model
            model = primary.model
    return replace(primary, model=model, beam_size=options.verify_beam_size, vad=True, batch_size=0)


def regions_to_hear(redacted: RedactedTranscript, channels: tuple[str, ...]) -> dict[int, list[tuple[float, float]]]:
    """The first round: every customer channel whole; the agent's in and just after each phase."""
    phases = [(e.start, e.end + READ_BACK_SECONDS) for e in redacted.entities if e.entity_type.endswith("_PHASE")]
    regions: dict[int, list[tuple[float, float]]] = {}
    for index, speaker in enumerate(channels):
        if speaker == AGENT:
            if phases:
                regions[index] = phases
        else:
            regions[index] = [(0.0, redacted.duration + 1.0)]
    return regions


def hear_again(call: Call, written: list[Path], options: TranscriptionOptions, regions: dict[int, list[tuple[float, float]]]) -> Transcript:
    """The redacted recordings, decoded by the second decoder where ``regions`` say."""
    from transcription import transcribe_call

    sources = tuple(AudioSource(path, source.role) for path, source in zip(written, call.sources, strict=True))
    redacted_call = Call(call.call_id, sources, call.metadata, "redacted", call.agent_channel)
    return transcribe_call(redacted_call, options, regions=regions)


def find_leaks(heard: Transcript, known_values: dict[str, str] | None, options: RedactionOptions, round_: int) -> list[Leak]:
    """What must not be in the redacted audio, as the second decoder heard it: card and personal
    data by the same recognizers (with the customer's stricter threshold for digit runs), the
    call's known values, and any digit run of ``SPOKEN_DIGITS`` or more said by the customer."""
    found = redact_transcript(heard, known_values, replace(options, verify=False))
    inferred = UNKNOWN in heard.channels  # who is the agent was inferred: every channel is heard as the customer's
    leaks = []
    for e in found.entities:
        known = e.recognizer == "KnownValueRecognizer"
        if e.segment_id is None or not (e.entity_type in LEAK_TYPES or known):
            continue
        if e.speaker == AGENT and not inferred and e.entity_type == UNCLASSIFIED and e.recognizer == "FailClosedDigitRun":
            continue  # the agent's own order numbers and amounts; card-shaped runs are CREDIT_CARD
        leaks.append(Leak(e.entity_type, e.channel, e.speaker, round(e.start - PADDING, 3), round(e.end + PADDING, 3), round_, e.recognizer))
    for seg in heard.segments:  # any number of three digits or more the customer is heard to say
        if seg.speaker == AGENT and not inferred:
            continue
        norm = normalize_spoken(seg.text)
        for run in norm.digit_runs:
            if run.digits >= SPOKEN_DIGITS:
                start, end = _span_time(seg, *norm.to_original(run.start, run.end))
                if not any(leak.channel == seg.channel and leak.start <= start and end <= leak.end for leak in leaks):
                    leaks.append(Leak(UNCLASSIFIED, seg.channel, seg.speaker, round(start - PADDING, 3), round(end + PADDING, 3), round_, "SpokenDigits"))
    return leaks


def around(leaks: list[Leak]) -> dict[int, list[tuple[float, float]]]:
    """The stretches to hear again after ``leaks`` were silenced."""
    regions: dict[int, list[tuple[float, float]]] = {}
    for leak in leaks:
        regions.setdefault(leak.channel, []).append((max(0.0, leak.start - AROUND), leak.end + AROUND))
    return regions


def heard_seconds(regions: dict[int, list[tuple[float, float]]], duration: float) -> float:
    return sum(min(b, duration) - max(a, 0.0) for spans in regions.values() for a, b in spans if min(b, duration) > max(a, 0.0))


def decoder_name(options: TranscriptionOptions) -> str:
    model = resolve_model(options.model)
    return f"{options.backend} {model.name} (sha256 {model.sha256 or 'local'}), beam {options.beam_size}, VAD"


def timer() -> float:
    return time.perf_counter()


def redact_and_verify(
    call: Call,
    transcript: Transcript,
    known_values: dict[str, str] | None,
    options: RedactionOptions,
    transcription: TranscriptionOptions,
    out_dir: Path,
) -> tuple[RedactedTranscript, list[Path], Verification]:
    """Redact a call's transcript and audio, then check the audio (see the module's description)
    until nothing is heard that must not be there; raises VerificationFailed when something still
    is after ``options.verify_rounds`` rounds. The Verification is also in the returned
    transcript (``verification``), so it is stored and chained with it."""
    heard: list[Leak] = []
    redacted = redact_transcript(transcript, known_values, options)
    written = redact_audio(call, redacted, out_dir, options)
    if not options.verify:
        check = Verification("none (redaction.verify: false)", "not verified", 0)
        return replace(redacted, verification=check.to_dict()), written, check
    second = verifier_options(transcription, options)
    started, listened = timer(), 0.0
    regions = regions_to_hear(redacted, transcript.channels)
    for round_ in range(1, options.verify_rounds + 1):
        listened += heard_seconds(regions, redacted.duration)
        again = hear_again(call, written, second, regions)
        found = find_leaks(again, known_values, options, round_)
        del again  # raw: what the second decoder heard goes no further
        if not found:
            outcome = "re-redacted" if heard else "clean"
            check = Verification(decoder_name(second), outcome, round_, tuple(heard), round(listened, 3), round(timer() - started, 3))
            return replace(redacted, verification=check.to_dict()), written, check
        heard.extend(found)
        redacted = redact_transcript(transcript, known_values, options, heard=heard)
        written = redact_audio(call, redacted, out_dir, options)
        regions = around(found)
    kinds = ", ".join(sorted({f"{leak.entity_type} on the {leak.speaker}'s channel at {leak.start:.1f} s" for leak in found}))
    raise VerificationFailed(
        f"{call.name}: after {options.verify_rounds} rounds of re-redaction the redacted audio still holds {kinds}; "
        f"it was not stored: listen to the original and redact it by hand, or raise redaction.verify_rounds"
    )
