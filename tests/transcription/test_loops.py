"""Repetition loops (tiny models on repeated digits) are cut short and marked unreliable."""

from dataclasses import replace

import pytest

from transcription import Segment, Word
from transcription.loops import find_loop, mark_loops


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my card is " + "1 " * 40, (3, 43)),
        ("4111 " + "1111 " * 12, (1, 13)),
        ("the " + "one two " * 10 + "end", (1, 21)),
        ("four five three two one five eight seven", None),
        ("no no no that is not right", None),  # three in a row is speech, not a loop
        ("1 1 1 1 1 1", None),  # six repeats is within what people say
    ],
)
def test_find_loop(text: str, expected):
    assert find_loop(text.split()) == expected


def test_marked_segment_keeps_its_time_span_and_is_unreliable():
    words = tuple(Word(f" {w}", i * 0.3, i * 0.3 + 0.2, 0.9) for i, w in enumerate(("card", *["1"] * 40)))
    seg = Segment(0, "customer", 1, 0.0, 12.3, "".join(w.text for w in words), words)
    marked = mark_loops(seg)
    assert marked.unreliable
    assert (marked.start, marked.end) == (0.0, 12.3)
    assert len(marked.words) < len(words)


def test_transcript_repr_never_shows_text():
    seg = Segment(0, "customer", 1, 0.0, 1.0, " my card is 4532", (Word(" 4532", 0.1, 0.5, 0.9),))
    assert "4532" not in repr(seg)


def test_token_budget_follows_the_audio_and_the_backend_ceiling():
    from transcription.loops import MAX_TOKENS_PER_SECOND, token_budget

    assert token_budget(6.0, 400) < token_budget(20.0, 400) < 400  # 6 s of audio gets a small budget
    assert token_budget(6.0, 400) >= 6.0 * MAX_TOKENS_PER_SECOND  # still far above what people say in 6 s
    assert token_budget(300.0, 400) == token_budget(30.0, 400)  # per 30 s decoding window
    assert token_budget(30.0, 224) == 224


def test_a_card_read_as_repeated_digits_loops_and_is_silenced_whole(tmp_path):
    """Real ASR: tiny.en loops on "four one one one, one one one one, …". The looping span is
    marked unreliable, and the redacted recording keeps nothing of the reading: the span covers
    the whole stretch of speech even where the looping words' times stop short."""
    import numpy as np
    import soundfile as sf

    from redaction import redact_audio, redact_transcript
    from tests.speech_synth import RATE, speak
    from transcription import discover_calls, transcribe_call

    question = speak("Can I take the long number on the card please?")
    reading = speak("my card number is four one one one, one one one one, one one one one, one one one one", "en-us", 200)
    thanks = speak("Thank you, that's all gone through.")
    gap = np.zeros(RATE // 2, np.float32)
    agent = np.concatenate([gap, question, gap, np.zeros_like(reading), gap, thanks, gap])
    customer = np.concatenate([gap, np.zeros_like(question), gap, reading, gap, np.zeros_like(thanks), gap])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sf.write(str(inbox / "loop.wav"), np.stack([agent, customer], axis=1), RATE, subtype="PCM_16")
    (inbox / "loop.json").write_text('{"agent_channel": 0}')
    [call], _ = discover_calls(inbox)

    from transcription import TranscriptionOptions

    transcript = transcribe_call(call, TranscriptionOptions(model="tiny.en"))  # the model that loops on this; base does not
    looped = [s for s in transcript.segments if s.unreliable]
    assert looped and all(s.speaker == "customer" for s in looped)
    assert all(len(s.words) <= 12 for s in looped)  # cut short

    [out] = redact_audio(call, redact_transcript(transcript), tmp_path / "out")
    stored, _ = sf.read(str(out))
    start = len(gap) + len(question) + len(gap)
    spoken = np.flatnonzero(np.abs(reading) > 0.01) + start
    assert np.abs(stored[spoken, 1]).max() == 0.0  # every sample of the reading is silenced
    assert np.abs(stored[:, 0]).max() > 0.05  # the agent is kept


def test_a_looping_span_is_extended_over_the_rest_of_its_speech():
    """When a loop's word times stop short of what was said, the unreliable span (silenced whole)
    still reaches the end of that stretch of speech, but not into the channel's next segment."""
    import numpy as np

    from transcription.loops import cover_speech

    speech = np.zeros(500, bool)  # 5 s of 10 ms frames
    speech[50:180] = True  # speech from 0.5 s to 1.8 s,
    speech[200:260] = True  # a 0.2 s breath, then on to 2.6 s
    speech[400:450] = True  # a later turn at 4.0 s
    looped = Segment(0, "customer", 1, 0.5, 1.0, " 4 1 1 1", (Word(" 4", 0.5, 1.0, 0.5),), unreliable=True)
    later = Segment(1, "customer", 1, 4.0, 4.5, " thanks", (Word(" thanks", 4.0, 4.5, 0.9),))
    assert [s.end for s in cover_speech([looped, later], speech)] == [2.6, 4.5]
    early = Segment(1, "customer", 1, 2.2, 2.6, " yes", (Word(" yes", 2.2, 2.6, 0.9),))
    assert cover_speech([looped, early], speech)[0].end == 2.2  # up to the next segment, not into it
    assert cover_speech([replace(looped, unreliable=False), later], speech)[0].end == 1.0  # reliable: as heard
