"""Presidio would download a spaCy model and tldextract would fetch the public suffix list: with
the network closed, redaction must neither try nor hang."""

import subprocess
import sys
import textwrap

import pytest


def test_redaction_makes_no_network_connection():
    script = textwrap.dedent(
        """
        import socket
        attempts = []
        def refuse(self, address, *a, **k):
            attempts.append(address)
            raise OSError("network is closed in this test")
        socket.socket.connect = refuse
        socket.create_connection = lambda address, *a, **k: refuse(None, address)
        socket.getaddrinfo = lambda host, *a, **k: refuse(None, host)  # name lookups come first
        from redaction.engine import get_analyzer
        results = get_analyzer().analyze("write to john.smith@example.com or call 415-555-0132", language="en")
        assert {r.entity_type for r in results} >= {"EMAIL_ADDRESS", "PHONE_NUMBER"}, results
        assert attempts == [], attempts
        print("offline ok")
        """
    )
    env_clean = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env_clean)
    assert out.returncode == 0 and "offline ok" in out.stdout, out.stderr[-2000:]


def test_a_spacy_model_named_in_the_config_adds_its_entities(tmp_path):
    """With a spaCy pipeline installed (here a real one, saved to a folder: an entity ruler, as no
    trained English model can be downloaded here), its PERSON and GPE entities are redacted too,
    and the entity records name spaCy as the recognizer."""
    import spacy

    from redaction import RedactionOptions, redact_transcript
    from transcription import AGENT, CUSTOMER, Segment, Transcript, Word

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": [{"LOWER": "quennell"}]},
        {"label": "GPE", "pattern": [{"LOWER": "tarrowby"}]},
    ])  # fmt: skip
    nlp.to_disk(tmp_path / "pipeline")
    text = "it's for quennell, who lives in tarrowby now"  # lower case: the word-list recognizer cannot tell
    words = tuple(Word(f" {w}", k * 0.4, k * 0.4 + 0.3, 0.9) for k, w in enumerate(text.split()))
    t = Transcript("S1", (Segment(0, CUSTOMER, 1, 0.0, words[-1].end, "".join(w.text for w in words), words),), 10.0, "test", "test", (AGENT, CUSTOMER))

    assert redact_transcript(t).segments[0].text == text
    with_model = redact_transcript(t, options=RedactionOptions(spacy_model=str(tmp_path / "pipeline")))
    assert with_model.segments[0].text == "it's for [PERSON], who lives in [LOCATION] now"
    assert {e.recognizer for e in with_model.entities} == {"SpacyRecognizer"}
    assert with_model.redaction["nlp"] == f"spaCy {tmp_path / 'pipeline'}"


def test_a_spacy_model_named_but_not_installed_is_a_clear_error():
    from redaction import RedactionOptions, redact_transcript
    from transcription import AGENT, CUSTOMER, Transcript

    with pytest.raises(ValueError, match="spaCy model 'en_core_web_zz' is not installed; install it"):
        redact_transcript(Transcript("S1", (), 1.0, "test", "test", (AGENT, CUSTOMER)), options=RedactionOptions(spacy_model="en_core_web_zz"))
