"""Repetition loops (tiny models on repeated digits) are cut short and marked unreliable."""

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
