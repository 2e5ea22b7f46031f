"""Spoken and ASR forms become written digits and addresses, with a map back to the original."""

import pytest

from redaction.normalize import normalize_spoken


@pytest.mark.parametrize(
    "spoken, written",
    [
        ("4532, 1-987, 6-5-4-3, 2-1-0-9", "4532198765432109"),  # openai-whisper's form
        ("5169, double 060, 26 double 7, 352", "516900602677352"),  # "double oh six oh" written as "double 060"
        ("2-double, 2-1, 6-6-3-4, 2-0-double-3, 3-4-3-1", "2221663420333431"),  # "double" between dashes and commas
        ("4.5.3.2. 1.5.8.7.", "45321587."),  # faster-whisper's form
        ("four five three two", "4532"),
        ("double seven oh one", "7701"),
        ("triple nine", "999"),
        ("nineteen eighty one", "1981"),
        ("twenty twenty seven", "2027"),
        ("oh eight, twenty seven", "0827"),
        ("08/27", "0827"),
        ("oh, okay then", "oh, okay then"),  # an interjection is not a zero
        ("I have two dogs", "I have 2 dogs"),
        ("john dot smith at gmail dot com", "john.smith@gmail.com"),
        ("it's mary underscore lee at example dot co dot uk", "it's mary_lee@example.co.uk"),
    ],
)
def test_normalize(spoken: str, written: str):
    assert normalize_spoken(spoken).text == written


def test_offsets_map_back_to_the_spoken_words():
    text = "my card is four five, 3 2 okay"
    n = normalize_spoken(text)
    run = n.digit_runs[0]
    start, end = n.to_original(run.start, run.end)
    assert text[start:end] == "four five, 3 2"


def test_short_interjection_of_the_other_party_does_not_split_a_card():
    n = normalize_spoken("4532 0151 ⟦ uh-huh⟧ 1283 0366")
    assert "4532015112830366" in n.text


def test_a_real_question_of_the_other_party_ends_the_run():
    n = normalize_spoken("4532 ⟦ and what is the security code on the back⟧ 737")
    assert [n.text[r.start : r.end] for r in n.digit_runs] == ["4532", "737"]
