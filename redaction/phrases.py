"""Phrases matched the way ASR gets them wrong: word by word, with a budget of errors.

Whisper hears "this is an attempt to collect a debt" as "... collect a net", "this call is
recorded" as "this call in recording", "the three digit security code" as "the free dig is
secure if you code". A regular expression misses all of these. ``match_phrase`` aligns each
wording of a phrase with the words actually transcribed (an edit distance over words), where

- a word that sounds the same (same Metaphone key) costs nothing, the same word in another
  form ("recorded"/"recording") a quarter;
- a word that is nearly the same (Jaro-Winkler similarity >= 0.85) costs half;
- any other substituted, inserted or dropped word costs one;
- a redaction placeholder ("[PERSON]") may stand for any word, at half the cost.

A match within the budget (one error in four words, by default) counts; one a little beyond it
is a near miss, reported as such so that a caller can ask a person instead of guessing. The
wordings of a pattern are those of a simple regular expression (alternations, optional groups):
"(call|conversation) (is|may be) recorded" has four. Patterns with other regex syntax are matched
as regular expressions only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ERROR_RATE = 0.25  # errors allowed per pattern word (one in four)
NEAR_MISS_RATE = 0.5  # beyond the budget but within this: a near miss (needs a person)
MAX_WORDINGS = 64  # a pattern expanding to more wordings is matched as a regex only
SIMILAR = 0.85  # Jaro-Winkler similarity at which two words are 'nearly the same'
_WORD = re.compile(r"\[[A-Z_]+\]|[^\W_]+(?:['’][^\W_]+)*")
_PLACEHOLDER = re.compile(r"^\[[A-Z_]+\]$")
_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s", "ly", "er", "or")


@dataclass(frozen=True)
class PhraseMatch:
    """How a phrase was found in a text: the words matched, and how far they were from it."""

    wording: str  # the pattern's wording that matched best
    heard: str  # the words of the text it matched (redacted text: placeholders, no values)
    distance: float  # 0 = the same words (or sounding the same)
    budget: float  # the most ``distance`` may be for a match
    start: int  # character offsets of ``heard`` in the text
    end: int

    @property
    def exact(self) -> bool:
        return self.distance == 0

    @property
    def matched(self) -> bool:
        return self.distance <= self.budget

    def describe(self) -> str:
        """For explanations: which words differed, never more than the redacted text holds."""
        if self.exact:
            same = [w.casefold() for w, _, _ in words_of(self.heard)] == self.wording.casefold().split()
            return f"'{self.wording}'" if same else f"'{self.wording}' as '{self.heard}' (the same words as heard)"
        return f"'{self.wording}' as '{self.heard}' ({self.distance:g} word{'s' if self.distance != 1 else ''} different, {self.budget:g} allowed)"


def words_of(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for every word of a text; placeholders are one word each."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=4096)
def _key(word: str) -> tuple[str, str, str]:
    """(folded, stem, sound) of a word, computed once."""
    import jellyfish

    folded = word.casefold().replace("’", "'")
    stem = folded
    for suffix in _SUFFIXES:
        if len(stem) > len(suffix) + 2 and stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return folded, stem, jellyfish.metaphone(folded) if folded.isalpha() else folded


def _syllables(word: str) -> int:
    """Vowel groups: a rough syllable count, enough to tell "hell" from "hello"."""
    return len(re.findall(r"[aeiouy]+", word.rstrip("e") or word))


@lru_cache(maxsize=65536)
def substitution_cost(expected: str, heard: str) -> float:
    """0 for the same word or sound, 0.25 for the same stem, 0.5 for nearly the same, else 1."""
    if _PLACEHOLDER.match(heard):
        return 0.5  # a redacted word may be this one (ASR heard "this call is recorded" as a name)
    a, b = _key(expected), _key(heard)
    if a[0] == b[0] or (a[2] and a[2] == b[2] and min(len(a[0]), len(b[0])) > 2 and _syllables(a[0]) == _syllables(b[0])):
        return 0.0  # the same word, or one that sounds the same (what ASR swaps: "four"/"for", not "hell"/"hello")
    if a[1] == b[1]:
        return 0.25  # the same word in another form ("recorded", "recording")
    import jellyfish

    if min(len(a[0]), len(b[0])) >= 3 and jellyfish.jaro_winkler_similarity(a[0], b[0]) >= SIMILAR:
        return 0.5
    return 1.0


@lru_cache(maxsize=1024)
def wordings(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    """The word sequences a simple regex pattern stands for, or None when it is not simple
    (character classes, repetition, anchors other than word boundaries).

    >>> wordings("(call|conversation) (is )?recorded")
    (('call', 'is', 'recorded'), ('call', 'recorded'), ('conversation', 'is', 'recorded'), ('conversation', 'recorded'))
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        parsed = sre_parse.parse(pattern, re.I)
        strings = _expand(parsed)
    except (re.error, _NotSimple, RecursionError):
        return None
    if strings is None or len(strings) > MAX_WORDINGS:
        return None
    out = []
    for s in strings:
        words = tuple(w for w, _, _ in words_of(s))
        if words and words not in out:
            out.append(words)
    return tuple(out) or None


class _NotSimple(Exception):
    pass


def _expand(items) -> list[str] | None:  # noqa: ANN001 - an sre_parse SubPattern
    from re import _constants as c  # type: ignore[attr-defined]

    results = [""]
    for op, arg in items:
        if op is c.LITERAL:
            options = [chr(arg)]
        elif op is c.AT and arg in (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_END):
            continue
        elif op is c.SUBPATTERN:
            options = _expand(arg[-1])
        elif op is c.BRANCH:
            options = [s for branch in arg[1] for s in (_expand(branch) or [])]
        elif op is c.IN and all(o is c.LITERAL for o, _ in arg):
            options = [chr(v) for _, v in arg]
        elif op is c.MAX_REPEAT or op is c.MIN_REPEAT:
            low, high, sub = arg
            if (low, high) != (0, 1):
                raise _NotSimple
            options = ["", *(_expand(sub) or [])]
        else:
            raise _NotSimple
        if options is None:
            raise _NotSimple
        results = [r + o for r in results for o in options]
        if len(results) > MAX_WORDINGS * 4:
            raise _NotSimple
    return results


def budget_for(n_words: int, rate: float = ERROR_RATE) -> float:
    """Errors allowed for a wording of ``n_words`` words: one in four (none under three words,
    a half-similar word in a three-word one)."""
    if n_words < 3:
        return 0.0
    if n_words == 3:
        return 0.5
    return float(int(n_words * rate))


# Words that carry no meaning of their own: a match needs some of the others heard as said.
FUNCTION_WORDS = frozenset(
    "a an the is are was be been being am of to for and or in on at by with from as it its this that these those i me my we our "
    "you your he she they them his her their will would may might can could shall should do does did have has had not no so "
    "if then than there here what which who whom how".split()
)


def align(expected: tuple[str, ...], heard: list[tuple[str, int, int]]) -> tuple[float, int, int, int]:
    """The best place of ``expected`` anywhere in ``heard`` (semi-global edit distance over
    words): (distance, index of the first heard word, index after the last, how many of the
    expected meaningful words were heard as said)."""
    n, m = len(expected), len(heard)
    inf = float("inf")
    cost = [[0.0] * (m + 1)] + [[float(i)] + [inf] * m for i in range(1, n + 1)]
    back: list[list[int]] = [[0] * (m + 1) for _ in range(n + 1)]  # 0 substitute, 1 drop, 2 insert
    for i in range(1, n + 1):
        row, above = cost[i], cost[i - 1]
        for j in range(1, m + 1):
            options = (above[j - 1] + substitution_cost(expected[i - 1], heard[j - 1][0]), above[j] + 1.0, row[j - 1] + 1.0)
            k = min(range(3), key=options.__getitem__)
            row[j], back[i][j] = options[k], k
        back[i][0] = 1
    end = min(range(m + 1), key=lambda j: (cost[n][j], -j))
    i, j, same = n, end, 0
    while i > 0:
        step = back[i][j]
        if step == 0:
            word, got = expected[i - 1], heard[j - 1][0]
            if word.casefold() not in FUNCTION_WORDS and substitution_cost(word, got) == 0 and not _PLACEHOLDER.match(got):
                same += 1
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return cost[n][end], j, end, same


def match_phrase(pattern: str, text: str, exact: bool = False, rate: float = ERROR_RATE) -> PhraseMatch | None:
    """The best match of a pattern in a text: exact regex matches first, then (unless ``exact``)
    ASR-tolerant matches of its wordings. None when nothing comes within a near miss.

    >>> m = match_phrase("attempt to collect a debt", "This is an attempt to collect a net.")
    >>> m.matched, m.distance, m.heard
    (True, 1.0, 'attempt to collect a net')
    """
    regex = re.search(pattern, text, re.I)
    if regex:
        return PhraseMatch(regex.group(), regex.group(), 0.0, 0.0, regex.start(), regex.end())
    if exact:
        return None
    options = wordings(pattern)
    heard = words_of(text)
    if not options or not heard:
        return None
    present = {k for w, _, _ in heard for k in _key(w)} | ({"*"} if any(_PLACEHOLDER.match(w) for w, _, _ in heard) else set())
    best: PhraseMatch | None = None
    for wording in options:
        budget = budget_for(len(wording), rate)
        # a near miss only for wordings long enough to tell one: one error more than allowed
        limit = budget + 1.0 if len(wording) >= 4 else budget
        # cheap first: too few of its words in the text (by form, stem or sound) to come within the limit
        if "*" not in present and sum(1 for w in wording if present.isdisjoint(_key(w))) > limit:
            continue
        distance, a, b, same = align(wording, heard)
        meaningful = sum(1 for w in wording if w.casefold() not in FUNCTION_WORDS)
        # a match must hear some of what the wording means, not only "the", "you" and placeholders
        if b <= a or distance > limit or (meaningful and same == 0) or (distance > budget and 2 * same < meaningful):
            continue
        found = PhraseMatch(" ".join(wording), text[heard[a][1] : heard[b - 1][2]], distance, budget, heard[a][1], heard[b - 1][2])
        if best is None or (found.distance - found.budget, found.distance) < (best.distance - best.budget, best.distance):
            best = found
    return best
