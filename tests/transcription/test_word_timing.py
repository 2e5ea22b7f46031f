"""Word timestamps fit for audio redaction, measured on speech whose timing is known: words
synthesised one by one (espeak-ng) and joined with known pauses, wideband and through an 8 kHz
phone line. With the pause alignment the p95 error of starts and ends is under 150 ms, and no
word sticks out of its span padded by the redaction default (150 ms)."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from tests.speech_synth import words_with_gaps
from transcription import TranscriptionOptions
from transcription.align import snap_words
from transcription.faster_whisper_backend import transcribe_channel
from transcription.metrics import word_timing_errors

# espeak-ng makes the test speech; scripts/test installs it. Missing in CI is a failure, not a skip.
pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None and not os.environ.get("CI"), reason="espeak-ng is not installed")

SENTENCES = [
    "please read me the security code on the back of the card",
    "my name is Sarah Collins and I live on Baker Street",
    "the expiry date is the end of next month thank you",
]


@pytest.fixture(scope="module")
def measured():
    rng = np.random.default_rng(11)
    raw, aligned, wideband = [], [], []
    for telephone in (False, True):
        for sentence in SENTENCES:
            words = sentence.split()
            audio, truth = words_with_gaps(words, list(rng.uniform(0.05, 0.5, len(words))), telephone=telephone)
            # tiny.en: the targets below were set on it. Base's word ends are further off on these
            # clips ('security' 0.41 s early, 2026-12-02) and need their own measurement.
            heard = transcribe_channel(audio, TranscriptionOptions(model="tiny.en"), "customer", 0)
            raw += word_timing_errors(truth, [w for s in heard for w in s.words])
            errors = word_timing_errors(truth, [w for s in snap_words(heard, audio) for w in s.words])
            aligned += errors
            wideband += [] if telephone else errors
    return raw, aligned, wideband


def p95(errors: list[tuple[str, float, float]], edge: int) -> float:
    return float(np.percentile([abs(e[edge]) for e in errors], 95))


def test_enough_words_are_matched_to_measure(measured):
    raw, aligned, _ = measured
    assert len(aligned) >= 0.8 * 2 * sum(len(s.split()) for s in SENTENCES)


def test_aligned_word_times_are_within_150_ms_at_p95(measured):
    _, aligned, _ = measured
    assert p95(aligned, 1) < 0.15 and p95(aligned, 2) < 0.15


def test_alignment_improves_on_whispers_own_times(measured):
    raw, aligned, _ = measured
    assert p95(raw, 2) > 0.15  # Whisper's ends run into the pause after a word...
    assert p95(aligned, 1) < p95(raw, 1) and p95(aligned, 2) < p95(raw, 2)  # ...the pauses fix that


def test_no_word_sticks_out_of_its_padded_span(measured):
    """Wideband, where every word is heard right. (Through the phone line tiny.en mishears
    "back" as "Mac" and puts "the" on its sound, so matching by text pairs the wrong words.)"""
    _, _, wideband = measured
    late_starts = [e for e in wideband if e[1] > 0.15]
    early_ends = [e for e in wideband if e[2] < -0.15]
    assert late_starts == [] and early_ends == []
