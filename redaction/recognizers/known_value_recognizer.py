"""Known values from the call's metadata (customer name, account number, phone), found wherever
they are said, tolerant of ASR spelling ('Sitzili' for 'Sotili')."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from presidio_analyzer import RecognizerResult

from .base import CallCentreRecognizer

MIN_SIMILARITY = 0.8  # difflib ratio for a spoken word to count as a known name
MIN_NAME_LENGTH = 3  # shorter name parts ("Al") are too ambiguous to match alone


class KnownValueRecognizer(CallCentreRecognizer):
    """Built per call from its metadata; the values live only in this object, in memory."""

    def __init__(self, values: dict[str, str]) -> None:
        self._names = [p.lower() for v in [values.get("PERSON", "")] for p in re.findall(r"[A-Za-z']+", v) if len(p) >= MIN_NAME_LENGTH]
        self._numbers = {k: re.sub(r"\D", "", v) for k, v in values.items() if k != "PERSON" and len(re.sub(r"\D", "", v)) >= 4}
        entities = sorted({"PERSON", *self._numbers})
        super().__init__(entities)

    def __repr__(self) -> str:
        return "KnownValueRecognizer(<values hidden>)"

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        if self._names:
            for m in re.finditer(r"[A-Za-z']+", text):
                word = m.group().lower()
                if len(word) >= MIN_NAME_LENGTH and any(SequenceMatcher(None, word, n).ratio() >= MIN_SIMILARITY for n in self._names):
                    results.append(self.result(m.start(), m.end(), 1.0, "matches the customer name in the metadata", "PERSON"))
        for entity, digits in self._numbers.items():
            for m in re.finditer(re.escape(digits), text):
                results.append(self.result(m.start(), m.end(), 1.0, "matches a known value in the metadata", entity))
        return results
