"""Calls in a language the recognizers do not read: redacted fail-closed.

The call-centre recognizers read English. When transcription detected another language on a
channel (transcription/languages.py), nothing about that channel's words can be trusted to be
found: every digit and every number word of that language (``data/number_words.json``; all the
languages listed there when it is not one of them) is redacted in its text, and a customer
channel in such a language is silenced whole in the audio. Names are left to an NER model for
that language when one is installed (``redaction.spacy_model``); none ships.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .phases import number_like_spans

_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.U)


@lru_cache(maxsize=1)
def number_words() -> dict[str, frozenset[str]]:
    """Number words per language code, from the package's data file."""
    raw = json.loads(resources.files("redaction").joinpath("data/number_words.json").read_text(encoding="utf-8"))
    return {code: frozenset(words) for code, words in raw.items() if not code.startswith("_")}


def foreign_number_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Character spans of every number in ``text`` said in ``language`` (or, when the language
    has no word list, in any listed language), digits and English forms included."""
    words = number_words().get(language) or frozenset().union(*number_words().values())
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text) if m.group().isdigit() or m.group().casefold() in words]
    return sorted(set(spans) | set(number_like_spans(text)))
