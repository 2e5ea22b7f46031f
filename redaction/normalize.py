"""Normalising spoken and ASR forms of numbers and emails, with a map back to the original.

Whisper writes a spoken card number as "4532, 1-987, 6-5-4-3, 2-1-0-9", "4.5.3.2. 1.5.8.7." or
"four five three two"; recognizers need "4532198765432109". ``normalize_spoken`` rewrites such
runs into plain digits (and "john dot smith at gmail dot com" into an address) and keeps, for
every character of the result, the span of the original text it came from, so a span found in
the normalised text maps back to the words and their timestamps.

Context blocks (``⟦…⟧``, the other party's words inserted by ``streams``) are copied through
and are transparent to digit runs: a customer reading a card in four turns, with the agent
saying "uh-huh" in between, still yields one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTEXT_OPEN, CONTEXT_CLOSE = "⟦", "⟧"

UNITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8", "ninety": "9"}
MULTIPLIERS = {"double": 2, "triple": 3}
MAX_INTERJECTION_WORDS = 3  # a context block of up to this many words does not end a digit run
# "oh" is a zero (it is in UNITS) but a run of "oh"s alone is no number ("oh, okay").
ZERO_WORDS = {"oh", "o"}
# What Whisper writes for a digit it mishears ("free" for three, "for" for four, "to" for two):
# digits only between digits of a written digit list, so "pay for 3 months" and "50 to 60" keep
# their words while "4916, free-free 8506" is one run.
WEAK_DIGITS = {"free": "3", "tree": "3", "for": "4", "fore": "4", "to": "2", "too": "2", "won": "1", "ate": "8", "niner": "9"}
TLDS = r"(?:com|org|net|edu|gov|io|co|uk|us|ca|de|fr|info|biz|me)"

_TOKEN = re.compile(r"⟦[^⟧]*⟧|\d+|[A-Za-z]+|\s+|.", re.S)
_LIST_MARK = re.compile(r"[,.\-]")
_SEPARATOR = re.compile(r"^(?:[\s,.\-/:]|⟦[^⟧]*⟧)+$")
_SPELT = r"(?:[a-z0-9]|zero|one|two|three|four|five|six|seven|eight|nine)"
_PIECE = rf"(?:{_SPELT}\s+)*[a-z0-9]+"  # a word, or letters and digits spelled one by one: "g mail", "m s n"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w'])({_PIECE}(?:\s+(?:dot|underscore|dash|hyphen)\s+{_PIECE})*)\s+at\s+({_PIECE}(?:\s+dot\s+{_PIECE})*\s+dot\s+(?:{TLDS}|[a-z](?:\s+[a-z]){{1,2}}))\b",
    re.I,
)


@dataclass
class Normalized:
    """Normalised text and, per character, the (start, end) span in the original it came from."""

    text: str
    source: list[tuple[int, int]] = field(repr=False)
    digit_runs: list["DigitRun"] = field(default_factory=list, repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        spans = self.source[start:end]
        return min(s for s, _ in spans), max(e for _, e in spans)


@dataclass(frozen=True)
class DigitRun:
    """A run of digits in the normalised text (what the speaker said as one number)."""

    start: int  # offset in the normalised text
    end: int

    @property
    def digits(self) -> int:
        return self.end - self.start


def normalize_spoken(text: str) -> Normalized:
    """Rewrite digit runs and spelled emails into written form, keeping the offset map.

    >>> n = normalize_spoken("card is 4532, 1-987, six five four three")
    >>> n.text
    'card is 453219876543'
    >>> normalize_spoken("four five three two six five four three").text
    '45326543'
    >>> normalize_spoken("it's john dot smith at gmail dot com").text
    "it's john.smith@gmail.com"
    """
    out: list[str] = []
    source: list[tuple[int, int]] = []
    runs: list[DigitRun] = []

    def emit(s: str, span: tuple[int, int]) -> None:
        out.append(s)
        source.extend([span] * len(s))

    emails = [(m.start(), m.end(), _written_email(m)) for m in _SPELLED_EMAIL.finditer(text)]
    pos = 0
    for e_start, e_end, written in emails + [(len(text), len(text), "")]:
        _normalize_numbers(text, pos, e_start, emit, runs, lambda: sum(map(len, out)))
        if written:
            emit(written, (e_start, e_end))
        pos = e_end
    return Normalized("".join(out), source, runs)


def _written_email(m: re.Match[str]) -> str:
    def squash(part: str) -> str:
        part = re.sub(r"\s+dot\s+", ".", part, flags=re.I)
        part = re.sub(r"\s+underscore\s+", "_", part, flags=re.I)
        part = re.sub(r"\s+(?:dash|hyphen)\s+", "-", part, flags=re.I)
        part = re.sub(r"\b(zero|one|two|three|four|five|six|seven|eight|nine)\b", lambda d: UNITS[d.group(1).lower()], part, flags=re.I)
        return re.sub(r"\s+", "", part).lower()  # letters (and digits) spelled one by one

    return f"{squash(m.group(1))}@{squash(m.group(2))}"


def _normalize_numbers(text: str, start: int, end: int, emit, runs: list[DigitRun], out_len) -> None:  # noqa: ANN001
    tokens = [(m.start() + start, m.end() + start, m.group()) for m in _TOKEN.finditer(text[start:end])]
    i = 0
    while i < len(tokens):
        items, j = _read_run(tokens, i)
        if items:
            run_start = out_len()
            for word, digits, s, e in items:
                for k, ch in enumerate(digits):
                    # a written digit maps to its own character, a spoken one to its whole word
                    emit(ch, (s + k, s + k + 1) if word.isdigit() else (s, e))
            runs.append(DigitRun(run_start, out_len()))
            # context blocks inside the run are kept (after it) so recognizers still see them
            for s, _e, tok in tokens[i:j]:
                if tok.startswith(CONTEXT_OPEN):
                    emit(" ", (s, s + 1))
                    _emit_chars(tok, s, emit)
            i = j
            continue
        s, e, tok = tokens[i]
        _emit_chars(tok, s, emit)
        i += 1


def _emit_chars(tok: str, s: int, emit) -> None:  # noqa: ANN001
    for k, ch in enumerate(tok):
        emit(ch, (s + k, s + k + 1))


def _is_transparent(tok: str) -> bool:
    """Separators between digit groups: punctuation, spaces, and short interjections of the
    other party ("uh-huh", "okay, go on"); a longer context block ends the run."""
    if tok.startswith(CONTEXT_OPEN):
        return len(re.findall(r"[A-Za-z]+", tok)) <= MAX_INTERJECTION_WORDS
    return bool(_SEPARATOR.match(tok))


def _read_run(tokens: list[tuple[int, int, str]], i: int) -> tuple[list[tuple[str, str, int, int]], int]:
    """Read a digit run starting at token i: its items (word, digits, start, end) and the
    index of the token after its last item.

    A misheard digit ("free", "to") counts only inside a run, where Whisper wrote a digit list
    (a comma, dash or dot on one side of it); "oh" may also start a run; "oh"s alone are no number.
    """
    items: list[tuple[str, str, int, int]] = []
    ends: list[int] = []
    seps: list[str] = []  # the separator text before each item
    j, sep = i, ""
    while j < len(tokens):
        item, k = _read_item(tokens, j)
        if item is None or (not items and _is_homophone(item[0])):
            break
        items.append(item)
        ends.append(k)
        seps.append(sep)
        j = k
        while j < len(tokens) and _is_transparent(tokens[j][2]):
            j += 1
        sep = "".join(t for _, _, t in tokens[k:j])
    seps.append(sep if len(ends) and j > ends[-1] else "")
    keep = len(items)
    for n, (word, _, _, _) in enumerate(items):
        if _is_homophone(word) and not (_LIST_MARK.search(seps[n]) or (n + 1 < len(items) and _LIST_MARK.search(seps[n + 1]))):
            keep = n  # a homophone between plain spaces ("50 to 60") ends the run before it
            break
    items, ends = items[:keep], ends[:keep]
    while items and _is_homophone(items[-1][0]):
        items.pop()
        ends.pop()
    if not items or all(w.lower() in ZERO_WORDS for w, _, _, _ in items):
        return [], i
    return items, ends[-1]


def _read_item(tokens: list[tuple[int, int, str]], j: int) -> tuple[tuple[str, str, int, int] | None, int]:
    """One number at token j: digits ("4532"), a digit word ("four", "oh"), "double seven",
    a teen ("twelve") or a tens word with its unit ("twenty seven")."""
    s, e, tok = tokens[j]
    if tok.isdigit():
        return (tok, tok, s, e), j + 1
    low = tok.lower()
    if low in MULTIPLIERS:
        k = j + 1  # "double 7", "double-3", "double, 2": up to two separator tokens
        while k < len(tokens) and k <= j + 2 and (tokens[k][2].isspace() or tokens[k][2] in ",-"):
            k += 1
        nxt, after = _read_item(tokens, k) if k > j + 1 and k < len(tokens) else (None, j)
        if nxt is not None and nxt[1]:  # "double 060" (double oh, six oh): the first digit doubled
            return (tok, nxt[1][0] * (MULTIPLIERS[low] - 1) + nxt[1], s, nxt[3]), after
        return None, j
    if low in TENS:
        if j + 2 < len(tokens) and tokens[j + 1][2] in (" ", "-") and tokens[j + 2][2].lower() in UNITS:
            unit = UNITS[tokens[j + 2][2].lower()]
            if unit != "0":
                return (tok, TENS[low] + unit, s, tokens[j + 2][1]), j + 3
        return (tok, TENS[low] + "0", s, e), j + 1
    if low in TEENS:
        return (tok, TEENS[low], s, e), j + 1
    if low in UNITS:
        return (tok, UNITS[low], s, e), j + 1
    if low in WEAK_DIGITS:
        return (tok, WEAK_DIGITS[low], s, e), j + 1
    return None, j


def _is_homophone(word: str) -> bool:
    return word.lower() in WEAK_DIGITS
