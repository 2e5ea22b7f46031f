"""Word error rate on normalised text (for tests and benchmarks)."""

from __future__ import annotations

import re

_KEEP = re.compile(r"[^a-z0-9' ]+")


_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def normalise(text: str) -> list[str]:
    """Lower case, punctuation and hyphens to spaces, apostrophes kept, digits as digit words
    (references spell them, Whisper writes them): ``"Ask not, 10"`` → ``["ask", "not", "one",
    "zero"]``."""
    words = _KEEP.sub(" ", text.lower().replace("-", " ")).split()
    return [d for w in words for d in ([_DIGIT_WORDS[int(c)] for c in w] if w.isdigit() else [w])]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, on normalised words (jiwer).

    >>> word_error_rate("ask not what your country", "ask what your country can")
    0.4
    """
    import jiwer

    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return float(bool(hyp))
    return float(jiwer.wer(" ".join(ref), " ".join(hyp) or "<empty>") if hyp else 1.0)


def word_timing_errors(truth: list[tuple[str, float, float]], words: list) -> list[tuple[str, float, float]]:  # noqa: ANN001 - Words
    """For each reference word the recogniser also wrote (matched in order on normalised text,
    in runs of three or more words, so a "the" next to a misheard word is not matched to
    another "the"), the signed
    errors of its start and end in seconds (positive = later than the truth)."""
    from difflib import SequenceMatcher

    ref = [normalise(w)[0] if normalise(w) else "" for w, _, _ in truth]
    hyp_words = [(normalise(w.text), w) for w in words]
    hyp = [n[0] if n else "" for n, _ in hyp_words]
    errors = []
    for block in SequenceMatcher(a=ref, b=hyp, autojunk=False).get_matching_blocks():
        if block.size < 3:
            continue
        for k in range(block.size):
            word, start, end = truth[block.a + k]
            w = hyp_words[block.b + k][1]
            errors.append((word, w.start - start, w.end - end))
    return errors
