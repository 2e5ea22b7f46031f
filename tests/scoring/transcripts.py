"""Hand-built redacted transcripts for evaluator tables."""

from redaction import RedactedSegment, RedactedTranscript


def dialogue(*turns: tuple[str, float, float, str]) -> RedactedTranscript:
    """turns: (speaker, start, end, text)."""
    segs = tuple(RedactedSegment(i, sp, 0 if sp == "agent" else 1, a, b, text) for i, (sp, a, b, text) in enumerate(turns))
    return RedactedTranscript("T", segs, (), (), max(b for _, _, b, _ in turns), "test", "test")
