"""A call in a language the rubric does not declare: its language detected per channel, every
number redacted, the customer's channel silenced, and the score left to a person."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import soundfile as sf

from redaction import RedactionOptions, redact_and_verify
from scoring import find_rubric, score_call
from tests.speech_synth import RATE, speak
from transcription import TranscriptionOptions, discover_calls, transcribe_call

TURNS = [
    ("agent", "Buenos días, gracias por llamar a Northwind Energía. ¿En qué puedo ayudarle?"),
    ("customer", "Hola. Quiero pagar mi factura. El número de mi tarjeta es cuatro cinco tres dos, cero uno cinco uno."),
    ("agent", "Muy bien. ¿Y el código de seguridad?"),
    ("customer", "Es siete tres siete."),
]


@pytest.fixture(scope="module")
def spanish_call(tmp_path_factory):
    folder = tmp_path_factory.mktemp("es")
    pieces = [(who, speak(text, "es" if who == "agent" else "es-419")) for who, text in TURNS]
    gap = int(0.6 * RATE)
    stereo, t = np.zeros((sum(len(a) for _, a in pieces) + gap * (len(pieces) + 1), 2), np.float32), gap
    for who, audio in pieces:
        stereo[t : t + len(audio), 0 if who == "agent" else 1] = audio * 0.8
        t += len(audio) + gap
    sf.write(str(folder / "llamada.flac"), stereo, RATE, subtype="PCM_16")
    (folder / "llamada.json").write_text(json.dumps({"call_id": "ES-1", "agent_channel": 0}))
    [call], _ = discover_calls(folder)
    return call


def test_a_spanish_call_is_detected_redacted_fail_closed_and_routed_to_review(spanish_call, tmp_path):
    options = TranscriptionOptions(model="base", language="auto")
    transcript = transcribe_call(spanish_call, options)
    heard = {lang.language for lang in transcript.languages}
    assert "es" in heard and "en" not in heard and all(lang.how == "detected" for lang in transcript.languages), transcript.languages
    redacted, written, _ = redact_and_verify(spanish_call, transcript, {}, RedactionOptions(), options, tmp_path)
    text = " ".join(s.text for s in redacted.segments)
    assert not re.search(r"\d", text), text  # every number, in digits or in Spanish words, is gone
    assert not re.search(r"\b(cuatro|cinco|siete|tres|cero)\b", text, re.I), text
    audio, rate = sf.read(str(written[0]))
    assert np.abs(audio[:, 1]).max() == 0 and np.abs(audio[:, 0]).max() > 0.1  # the customer silenced whole; the agent kept
    assert {lang["language"] for lang in redacted.languages} == heard
    score = score_call(redacted, find_rubric("core-contact-centre"))
    assert score.total is None and not score.auto_fail and not score.passed
    assert all(c.needs_review and c.uncertain for c in score.criteria)
    assert "another language than this rubric's (en)" in score.criteria[0].explanation


def test_the_allowed_languages_narrow_the_detection(spanish_call):
    transcript = transcribe_call(spanish_call, TranscriptionOptions(model="base", language="en,es"))
    assert {lang.language for lang in transcript.languages} == {"es"}


def test_an_english_only_model_cannot_be_asked_for_another_language(spanish_call):
    from transcription import ModelNotAvailable

    with pytest.raises(ModelNotAvailable, match="English-only model"):
        transcribe_call(spanish_call, TranscriptionOptions(model="tiny.en", language="es"))


def test_a_language_code_is_checked():
    with pytest.raises(ValueError, match="not a Whisper language code"):
        TranscriptionOptions(language="english")
