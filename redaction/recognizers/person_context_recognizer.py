"""PERSON without an NER model: names introduced by context ('my name is', 'this is … speaking',
titles). With a spaCy model installed, Presidio's SpacyRecognizer adds names said anywhere."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from .base import CallCentreRecognizer

NAME = r"[A-Z][a-zA-Z]+(?:[-'][A-Za-z]+)?"
INTRODUCTIONS = re.compile(
    rf"(?i:\b(?:my|the|his|her|account)\s+(?:full\s+|first\s+|last\s+)?name\s+is|\bname's|\bthis\s+is|\bit\s+is|\bit's|\bI\s+am|\bI'm|\bspeaking\s+(?:with|to)|\bcalled)\s+((?:{NAME})(?:\s+{NAME}){{0,2}})"
)
SPELLED = re.compile(r"\b(?:[A-Za-z][-.]\s?){2,}[A-Za-z]\b")  # "S-I-T-I-L-L-E", "T.I.L.L.E"
SPELLING_CONTEXT = re.compile(r"name|spell|surname|initials?", re.I)
TITLES = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mister|Missus|Dr|Doctor)\.?\s+((?:{NAME})(?:\s+{NAME})?)")
NOT_NAMES = {
    "Sorry", "Calling", "Fine", "Good", "Great", "Here", "Not", "Just", "Really", "Okay", "Yes", "No",
    "The", "That", "This", "It", "Is", "Going", "Looking", "Trying", "Happy", "Glad", "Sure", "Afraid",
    "Thank", "Thanks", "Hi", "Hello", "Correct", "Right", "All", "About", "Still", "So", "Well",
}  # fmt: skip


class PersonContextRecognizer(CallCentreRecognizer):
    ENTITY = "PERSON"
    SCORE = 0.7

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        for pattern, why in ((INTRODUCTIONS, "introduced by name context"), (TITLES, "after a title")):
            for m in pattern.finditer(text):
                words = m.group(1).split()
                while words and words[-1] in NOT_NAMES:
                    words.pop()
                if not words or words[0] in NOT_NAMES:
                    continue
                start = m.start(1)
                end = start + len(" ".join(words))
                results.append(self.result(start, end, self.SCORE, why))
        for m in SPELLED.finditer(text):
            if SPELLING_CONTEXT.search(text[max(0, m.start() - 80) : m.start()]):
                results.append(self.result(m.start(), m.end(), self.SCORE, "a name spelled out after name context"))
        return results
