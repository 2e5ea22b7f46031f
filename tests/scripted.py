"""The sample calls' scripts (scripts/make_samples.py) as transcripts with known words.

Tests that assert exact words or answers feed these instead of a decoder's output, which
depends on the model and the machine: ``scripted_transcript(name)`` is what a careful human
transcriber would write; ``garbled=True`` swaps in what ASR was seen to hear instead ("collect a
net" for "collect a debt", "$100 and $20" for "one hundred and twenty dollars"). Words are timed
at 0.35 s each with 0.7 s between turns, as the samples are spoken.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from transcription import AGENT, CUSTOMER, Segment, Transcript, Word

ROOT = Path(__file__).resolve().parent.parent
WORD_SECONDS, GAP = 0.35, 0.7
# What tiny.en and base were seen to write for these words on the sample calls (2026-12-01).
GARBLES = {
    "collect a debt": "collect a net",
    "for that purpose": "for net purpose",
    "one hundred and twenty dollars": "$100 and $20",
    "three digit security code": "free digit security code",
    "Northwind": "North Wind",
    "This call is recorded for quality": "Please note this call in recording for quality",
    "electricity bill": "electricity mail",
}


@lru_cache(maxsize=1)
def _samples():  # noqa: ANN202 - the make_samples module
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scripted_transcript(name: str, garbled: bool = False) -> Transcript:
    """The call named as in scripts/make_samples.py (e.g. "payment_northwind")."""
    samples = _samples()
    spec = samples.CALLS[name]
    segments, t = [], GAP
    for i, (speaker, template) in enumerate(spec["turns"]):
        text = samples.render_turn(template, spec["values"])
        if garbled:
            for said, heard in GARBLES.items():
                text = text.replace(said, heard)
        words, offset = [], t
        for k, w in enumerate(text.split()):
            words.append(Word(f" {w}", round(offset, 3), round(offset + WORD_SECONDS - 0.05, 3), 0.9))
            offset += WORD_SECONDS
        channel = 0 if speaker == "agent" else 1
        segments.append(Segment(i, AGENT if speaker == "agent" else CUSTOMER, channel, words[0].start, words[-1].end, "".join(w.text for w in words), tuple(words)))
        t = offset + GAP
    call_id = spec["metadata"]["call_id"]
    return Transcript(call_id, tuple(segments), round(t, 3), "scripted", "scripted (no decoder)", (AGENT, CUSTOMER))


def known_values(name: str) -> dict[str, str]:
    """The metadata's known values (customer name, phone) for the call, as the pipeline passes them."""
    from transcription import CallMetadata

    return CallMetadata.model_validate(_samples().CALLS[name]["metadata"]).known_values()


SCRIPTED_CALLS = ("payment_northwind", "contact_update", "refund_readback", "collections_plan")
