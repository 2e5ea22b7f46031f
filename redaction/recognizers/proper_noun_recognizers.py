"""PERSON, LOCATION and ORGANIZATION from capitalisation and word lists, without an NER model.

Whisper writes names, places and companies with capitals, as people do. Each run of
capitalised words (with initials and particles: "Faina D. Yefremova", "Pieter van der Merwe")
is typed:

- ORGANIZATION: it ends in a company word ("Microbilt Corporation", "Aunt Bertha Inc");
- LOCATION: it is a country, US state or town of 5,000 people or more (GeoNames). A place that
  is also a first name ("Florence"), or a common word starting a sentence, counts only after
  "in", "to", "from", "near" …;
- PERSON: a word in it is a first name or surname (US Census) that is not mostly an English word
  ("John", "Gonzalez", but not "Will", "Young" or "White": gazetteers.mostly_a_word), or is no
  English word at all ("Szöllösy", "Adebayo"); the name runs from the first such word to the
  last, with initials between.

Capitalised common words that are none of these ("Entertainment Weekly") are left alone, and so
is the organisation an agent names as their own ("thank you for calling Northwind Energy"),
wherever it is said in the call. Other names a deployment says all day (products, brands) go in
``redaction.allow_words``.
With a spaCy model installed these add to its NER; without one they are what finds a name said
with no introduction ("thanks, Priya"). Scores are below the context recognizers', so a name
found by context keeps that recognizer in the entity record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import RecognizerResult

from . import gazetteers
from .base import CallCentreRecognizer

WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?\.?")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“”()\[\]⟦⟧]|\s-\s)\s*$")
ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Prof|Rev|Sgt|Capt|Lt)|\b[A-Z])\.\s*$")  # "Mr. Okafor", "D. Yefremova"
PARTICLES = {"van", "von", "de", "da", "del", "der", "den", "di", "du", "la", "le", "al", "bin", "ibn", "mac", "st."}
COMMON_ZIPF = 4.0  # at least as common as "weekly": a capitalised word this common needs a list to count
UNKNOWN_ZIPF = 3.0  # rarer than "hobbits" (2.7), capitalised: a name ("Priyanka" 2.7, "Adebayo" 2.0)
# Capitalised for reasons other than naming someone or somewhere.
NOT_PROPER = {
    "i", "i'm", "i've", "i'll", "i'd", "mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "sir", "madam", "ok", "okay",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "easter", "god",
    "visa", "mastercard", "amex", "paypal", "internet", "english", "apt", "apt.", "suite", "street", "road", "avenue", "lane",
}  # fmt: skip
ORG_WORDS = {
    "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co", "co.", "company", "llc", "llp", "ltd", "ltd.", "limited",
    "plc", "gmbh", "ag", "sa", "s.a.", "bv", "oy", "ab", "group", "holdings", "partners", "associates", "bank", "insurance",
    "technologies", "systems", "solutions", "labs", "university", "college", "institute", "foundation", "agency",
}  # fmt: skip
# An agent names their own organisation: "thank you for calling Northwind Energy", "Priya from
# Northwind". Its words are not personal data, here or anywhere else in the call.
OWN_ORGANISATION = re.compile(
    r"\b(?:(?:thanks?|thank\s+you)\s+for\s+(?:calling|contacting|choosing|holding)|welcome\s+to|you(?:'ve|\s+have)\s+reached|"
    r"(?:calling|speaking|here)\s+(?:from|at|with)|(?:this\s+is|I'm|I\s+am|my\s+name\s+is)\s+[A-Z]\w+\s+(?:from|at|with)|"
    r"on\s+behalf\s+of)\s+(?:the\s+)?$",
    re.I,
)
PLACE_CONTEXT = re.compile(r"\b(?:in|to|from|near|at|visit|visiting|via|outside|around|across|of)\s+(?:the\s+)?$", re.I)


@dataclass(frozen=True)
class _Run:
    """Consecutive capitalised words (with particles and initials between them)."""

    words: tuple[tuple[int, int, str], ...]  # (start, end, text)
    sentence_start: bool


def proper_noun_runs(text: str) -> list[_Run]:
    runs, current, starts_sentence = [], [], False
    for m in WORD.finditer(text):
        word = m.group().rstrip(".") if len(m.group()) > 2 else m.group()
        word = re.sub(r"['’]s$", "", word) if len(word) > 3 else word  # "Yefremova's" -> "Yefremova"
        start, end = m.start(), m.start() + len(word)
        gap = text[current[-1][1] : start] if current else ""
        capital = word[0].isupper()
        if current and not (gap == " " and (capital or word.lower() in PARTICLES)):
            runs.append(_Run(tuple(current), starts_sentence))
            current = []
        if capital or (current and word.lower() in PARTICLES):
            if not current:
                before = text[max(0, start - 6) : start]
                starts_sentence = start == 0 or (SENTENCE_END.search(before) is not None and not ABBREVIATION.search(before))
            current.append((start, end, word))
        elif current:
            runs.append(_Run(tuple(current), starts_sentence))
            current = []
    if current:
        runs.append(_Run(tuple(current), starts_sentence))
    return [run for run in map(_trim, runs) if run.words]


def _trim(run: _Run) -> _Run:
    words = list(run.words)
    while words and (words[-1][2].lower() in PARTICLES or words[-1][2].lower() in NOT_PROPER):
        words.pop()
    first = True
    while words and (words[0][2].lower() in PARTICLES or words[0][2].lower() in NOT_PROPER):
        words.pop(0)
        first = False
    return _Run(tuple(words), run.sentence_start and first)


def _key(word: str) -> str:
    return word.casefold().replace("’", "'")


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[0].isupper()


def _name_word(word: str) -> bool:
    """A listed first name or surname that is not mostly an English word, or no English word at all."""
    key = _key(word)
    if key in PARTICLES:
        return False
    if word.isupper():  # capitals for emphasis or an acronym ("TO PRESS", "APO"): only a first name counts
        return len(word) > 2 and key in gazetteers.first_names() and not gazetteers.mostly_a_word(key)
    listed = key in gazetteers.first_names() or key in gazetteers.surnames()
    return (listed and not gazetteers.mostly_a_word(key)) or _unknown(word)


def _unknown(word: str) -> bool:
    """Not an English word (and not shouting: an all-capitals acronym is not a name)."""
    return len(word) > 2 and not word.isupper() and gazetteers.zipf(_key(word)) < UNKNOWN_ZIPF


def _common(word: str) -> bool:
    return gazetteers.zipf(_key(word)) >= COMMON_ZIPF


def classify(text: str, run: _Run) -> list[tuple[int, int, str]]:
    """The word ranges [i, j) of a run that name an organisation, a place or a person."""
    words = [w[2] for w in run.words]
    if len(words) >= 2 and _key(words[-1]) in ORG_WORDS:
        return [(0, len(words), "ORGANIZATION")]
    found = []
    places = _longest_places(words)
    rest = [k for k in range(len(words)) if not any(i <= k < j for i, j in places)]
    if places and not any(_name_word(words[k]) for k in rest):
        for i, j in places:
            start = run.words[i][0]
            after_preposition = PLACE_CONTEXT.search(text[max(0, start - 20) : start]) is not None
            ambiguous = j - i == 1 and (_key(words[i]) in gazetteers.first_names() or (run.sentence_start and i == 0 and _common(words[i])))
            if after_preposition or not ambiguous:
                found.append((i, j, "LOCATION"))
    if found:
        return found
    named = [k for k, w in enumerate(words) if _name_word(w) or (_is_initial(w) and 0 < k < len(words) - 1)]
    if not named:
        return []
    first, last = named[0], named[-1]
    if any(k not in named and words[k].lower() not in PARTICLES for k in range(first, last + 1)):
        last = first  # common words between names ("Davis Memorial Hospital"): the first name only
    return [(first, last + 1, "PERSON")]


def _longest_places(words: list[str]) -> list[tuple[int, int]]:
    """Word ranges [i, j) that name a place, longest first, not overlapping."""
    found, i = [], 0
    while i < len(words):
        if words[i].isupper() and len(words[i]) <= 3 and words[i] not in ("UK", "USA", "UAE"):
            i += 1  # an acronym ("HO", "PA"), not a town
            continue
        for j in range(min(len(words), i + 4), i, -1):
            if " ".join(_key(w) for w in words[i:j]) in gazetteers.places():
                found.append((i, j))
                i = j
                break
        else:
            i += 1
    return found


WHY = {
    "ORGANIZATION": "capitalised words ending in a company word",
    "LOCATION": "a country, US state or town (GeoNames)",
    "PERSON": "a capitalised name (US Census name lists, or not an English word)",
}


class ProperNounRecognizer(CallCentreRecognizer):
    """PERSON, LOCATION and ORGANIZATION by capitalisation and word lists (see the module)."""

    ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION"]
    SCORE = 0.4  # below every other recognizer: an address, or a name found by context, keeps its record

    def __init__(self) -> None:
        super().__init__(self.ENTITIES)

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        runs = proper_noun_runs(text)
        own = {_key(w[2]) for run in runs if OWN_ORGANISATION.search(text[max(0, run.words[0][0] - 40) : run.words[0][0]]) for w in run.words}
        for run in runs:
            for i, j, entity in classify(text, run):
                while i < j and _key(run.words[i][2]) in own:
                    i += 1
                while j > i and _key(run.words[j - 1][2]) in own:
                    j -= 1
                if i < j and entity in (entities or self.ENTITIES):
                    results.append(self.result(run.words[i][0], run.words[j - 1][1], self.SCORE, WHY[entity], entity=entity))
        return results
