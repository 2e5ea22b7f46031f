"""The shape every context-dependent recognizer shares: PATTERNS that only count next to CONTEXT."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from .base import CallCentreRecognizer

from .context import CARD_DATA_CONTEXT, CONTEXT_WINDOW, has_context, nearest_context


class ContextRecognizer(CallCentreRecognizer):
    """A match of one of ``PATTERNS`` is reported only when ``CONTEXT`` words stand before it.

    Subclasses set ``ENTITY``, ``PATTERNS`` (name, regex, score) and ``CONTEXT`` (a regex); a
    card-data recognizer (CVV, expiry, PIN) sets ``CARD_DATA = True`` instead, and then wins a
    number only when its question was the last one asked. ``validate_result`` may reject a match.
    """

    ENTITY: str = ""
    PATTERNS: tuple[tuple[str, str, float], ...] = ()
    CONTEXT: str = ""
    CARD_DATA: bool = False
    WINDOW: int = CONTEXT_WINDOW

    def __init__(self) -> None:
        self._patterns = [(name, re.compile(rx, re.I), score) for name, rx, score in self.PATTERNS]
        self._context = re.compile(self.CONTEXT, re.I) if self.CONTEXT else CARD_DATA_CONTEXT.get(self.ENTITY)
        super().__init__()

    def validate_result(self, matched: str) -> bool:
        return True

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        for name, pattern, score in self._patterns:
            for m in pattern.finditer(text):
                if not self._in_context(text, m.start()) or not self.validate_result(m.group()):
                    continue
                why = f"pattern '{name}' after {self.ENTITY.lower()} context"
                results.append(self.result(m.start(), m.end(), score, why, pattern_name=name))
        return results

    def _in_context(self, text: str, start: int) -> bool:
        if self.CARD_DATA:
            return nearest_context(text, start, self.WINDOW) == self.ENTITY
        return self._context is not None and has_context(text, start, self._context, self.WINDOW)
