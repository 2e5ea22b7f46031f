"""PHONE_NUMBER said aloud: 7-11 digit runs after phone context ('my number is 415, 555, 0132'),
and the answer to the other party's question for a phone number, however ASR split it."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from .context_number_recognizer import ContextRecognizer

# The other party's question, inside a context block (redaction/streams.py), then the answer up
# to the other party's next words.
PHONE_QUESTION = re.compile(
    r"⟦[^⟦⟧]*\b(?:phone|mobile|cell|landline|telephone|contact\s+number|number\s+(?:to|we\s+can|I\s+can)\s+(?:reach|call|contact)|"
    r"reach\s+you|call\s+you\s+back)\b[^⟦⟧]*⟧([^⟦]*)",
    re.I,
)
# Digit groups with at most one word between each two, where Whisper wrote a digit as a word it
# sounds like ("0786 to 306 301" for "zero seven eight six two, three double six three oh, one").
SPLIT_NUMBER = re.compile(r"\d+(?:[\s,.-]+(?:(?:to|too|for|oh|o|and|then)[\s,.-]+)?\d+)*", re.I)
MIN_PHONE_DIGITS = 7


class SpokenPhoneRecognizer(ContextRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = (("7-11 digits", r"(?<!\d)(?:\+?1)?\d{7,10}(?!\d)", 0.7),)
    CONTEXT = r"phone|mobile|cell|landline|\bnumber\b|call\s+(?:you|me)|reach\s+(?:you|me)|contact"

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = super().analyze(text, entities, nlp_artifacts)
        for question in PHONE_QUESTION.finditer(text):
            for m in SPLIT_NUMBER.finditer(text, question.start(1), question.end(1)):
                if sum(c.isdigit() for c in m.group()) >= MIN_PHONE_DIGITS:
                    results.append(self.result(m.start(), m.end(), 0.65, "digits in the answer to a phone-number question"))
        return results
