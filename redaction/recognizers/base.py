"""What every call-centre recognizer shares: its entity, no model to load, explained results."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult


class CallCentreRecognizer(EntityRecognizer):
    """A Presidio recognizer for one entity (``ENTITY``) that needs no NLP model."""

    ENTITY: str = ""

    def __init__(self, entities: list[str] | None = None) -> None:
        super().__init__(supported_entities=entities or [self.ENTITY], name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        """Nothing to load: patterns and context only."""

    def result(self, start: int, end: int, score: float, why: str, entity: str | None = None, pattern_name: str | None = None) -> RecognizerResult:
        """A result that keeps its explanation (which rule, and why) for the entity record."""
        explanation = AnalysisExplanation(recognizer=self.name, original_score=score, pattern_name=pattern_name, textual_explanation=why)
        return RecognizerResult(
            entity or self.ENTITY, start, end, score, analysis_explanation=explanation,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name},
        )  # fmt: skip
