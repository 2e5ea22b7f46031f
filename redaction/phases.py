"""Sensitive phases: when a call is taking card data or verifying identity, decided by phase, not
by phrase.

Text recognizers cannot redact what ASR dropped or garbled ("the free dig is secure if you code on
the front" for "the three digit security code on the front"; "nearly 5 to 5-1" for a date of
birth), and the audio still holds it. So the call's payment and identity phases are found from
several independent signals, each tolerant of ASR errors:

- the agent asks for card or identity data: a request wording matched word by word with an
  error budget and by sound (redaction/phrases.py), in the agent's whole turn (ASR splits a
  sentence over segments);
- the customer says numbers: digits, digit words, and the words ASR writes for digits
  ("free", "for", "to") next to other numbers;
- a recognizer already redacted card or personal data in a customer turn;
- turn structure: an answer follows a question.

A phase opens at the first sign and stays open until a positive sign that it is over: the agent
confirms the payment or the verification and the customer's next turn holds no number, or two
turns of each party pass without a request or a number, or nothing sensitive happens for
``phase_idle_seconds``. When unsure, it stays open. Inside a phase, every customer word that is or
may be a number is redacted in the text, and the customer's channel is silenced for the whole
phase in the audio ("pause and resume", as payment recorders do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcription import AGENT, Segment, Transcript

from .normalize import MULTIPLIERS, TEENS, TENS, UNITS, WEAK_DIGITS, normalize_spoken
from .phrases import match_phrase

PAYMENT, IDENTITY = "payment", "identity"
PHASE_ENTITY = {PAYMENT: "PAYMENT_PHASE", IDENTITY: "IDENTITY_PHASE"}

# What an agent says to ask for card data or identity data: plain wordings, matched as ASR garbles
# them (one error in four words, words that sound alike). Dev set only (benchmarks/redaction).
REQUESTS = {
    PAYMENT: (
        "card number", "long number on the front", "number on the front of the card", "digits on the front", "sixteen digit number",
        "credit card", "debit card", "card details", "name on the card", "expiry date", "expiration date", "when does the card expire",
        "expiry", "expires", "valid until", "valid thru", "end date on the card", "security code", "three digit code",
        "three digits on the back", "last three digits", "back of the card", "cvv", "cvc", "card verification", "verification code",
        "pin number", "sort code", "routing number", "bank account number",
    ),
    IDENTITY: (
        "date of birth", "your birthday", "when were you born", "post code", "postcode", "zip code", "first line of your address",
        "your address", "home address", "billing address", "phone number", "mobile number", "contact number", "telephone number",
        "number we can reach you on", "email address", "social security number", "last four of your social", "security question",
        "mother's maiden name", "memorable word", "password", "passcode", "account number", "verify your identity",
        "confirm your identity", "your full name",
    ),
}  # fmt: skip
# A turn that asks again for "the" or "your" something, however garbled ("and the primary date"),
# or asks to read or give something: keeps an open phase open (it may be more of the same data).
FOLLOW_UP = re.compile(
    r"^\W*(?:(?:thank\s+you|thanks|great|lovely|perfect|okay|ok|right|and)\W+)*(?:and|also|now|next|then|finally|lastly)\s+(?:the|your)\b|"
    r"\b(?:what(?:'s|\s+is|\s+are)\s+(?:the|your)|can\s+I\s+(?:have|take|get)|could\s+you\s+(?:read|give|tell|confirm)|read\s+(?:me|out)|"
    r"go\s+ahead|when\s+you(?:'re|\s+are)\s+ready)\b",
    re.I,
)
CONFIRMATIONS = {
    PAYMENT: (
        "the payment has been taken", "payment has gone through", "payment is complete", "payment was successful", "payment has been processed",
        "that payment is approved", "the transaction is complete", "your payment plan is set up", "I have set up your payment plan",
        "you will receive a confirmation",
    ),
    IDENTITY: ("you are verified", "you're verified", "I have verified your account", "thank you for verifying", "that's all verified", "thanks for confirming that"),
}  # fmt: skip
NUMBER_WORDS = (frozenset(UNITS) - {"oh", "o"}) | frozenset(TEENS) | frozenset(TENS) | frozenset(MULTIPLIERS) | {"hundred", "thousand"}
MAYBE_NUMBER_WORDS = frozenset(WEAK_DIGITS) | {"oh", "o", "won", "tree", "ate", "fore"}
QUIET_TURNS = 2  # turns of each party without a request or a number that end a phase
_TOKEN = re.compile(r"\d+|[A-Za-z]+(?:'[A-Za-z]+)?")


@dataclass(frozen=True)
class Phase:
    """A stretch of a call in which card or identity data was being given."""

    kind: str  # PAYMENT or IDENTITY (a phase asking for both is PAYMENT)
    start: float  # seconds
    end: float
    opened_by: str  # what opened it: "agent request", "customer numbers", "redacted value"
    closed_by: str  # what closed it: "confirmed", "quiet turns", "idle", "end of call"


@dataclass
class Turn:
    """One party speaking until the other does: consecutive segments of one speaker joined."""

    speaker: str
    segments: list[Segment]

    @property
    def start(self) -> float:
        return self.segments[0].start

    @property
    def end(self) -> float:
        return max(s.end for s in self.segments)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments)


def turns_of(transcript: Transcript) -> list[Turn]:
    """The call as alternating turns, in time order."""
    turns: list[Turn] = []
    for seg in sorted(transcript.segments, key=lambda s: (s.start, s.channel)):
        if turns and turns[-1].speaker == seg.speaker:
            turns[-1].segments.append(seg)
        else:
            turns.append(Turn(seg.speaker, [seg]))
    return turns


def request_kind(text: str) -> str | None:
    """PAYMENT or IDENTITY when the text asks for such data (ASR-tolerantly), else None."""
    for kind in (PAYMENT, IDENTITY):
        if any((m := match_phrase(wording, text)) is not None and m.matched for wording in REQUESTS[kind]):
            return kind
    return None


def confirms(kind: str, text: str) -> bool:
    return any((m := match_phrase(wording, text)) is not None and m.matched for wording in CONFIRMATIONS[kind])


def number_like_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of runs of words that are or may be numbers: digits, digit words, and the
    words ASR writes for digits ("free", "for", "to", "oh") when next to another number."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    sure = [t[2].isdigit() or t[2] in NUMBER_WORDS for t in tokens]
    maybe = [t[2] in MAYBE_NUMBER_WORDS for t in tokens]
    keep = [False] * len(tokens)
    for i in range(len(tokens)):
        if sure[i]:
            keep[i] = True
        elif maybe[i]:
            # a maybe-number next to a sure one, or in a run of maybes that reaches one
            j = i
            while j > 0 and (maybe[j - 1] or sure[j - 1]) and not sure[j]:
                j -= 1
            k = i
            while k + 1 < len(tokens) and (maybe[k + 1] or sure[k + 1]) and not sure[k]:
                k += 1
            keep[i] = sure[j] or sure[k] or (i > 0 and sure[i - 1]) or (i + 1 < len(tokens) and sure[i + 1])
    spans: list[tuple[int, int]] = []
    for (s, e, _), k in zip(tokens, keep):
        if not k:
            continue
        if spans and re.fullmatch(r"[\s,.\-/:]*", text[spans[-1][1] : s]):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def has_numbers(text: str) -> bool:
    return bool(number_like_spans(text))


def sensitive_phases(transcript: Transcript, customer_values: list[tuple[float, float, str]], idle_seconds: float, min_digits: int = 6) -> list[Phase]:
    """The call's payment and identity phases. ``customer_values`` are (start, end, kind) of the
    card and personal data a recognizer found in the customer's speech: each lies in a phase,
    which starts at the question before it. A customer turn with a digit run of ``min_digits``
    or more opens a phase too."""
    turns = turns_of(transcript)
    phases: list[Phase] = []
    i = 0
    while i < len(turns):
        turn = turns[i]
        kind, opened_by = _opening(turns, i, customer_values, min_digits)
        if kind is None:
            i += 1
            continue
        start = turn.start if turn.speaker == AGENT or i == 0 else turns[i - 1].start  # from the question
        last_activity = turn.end
        kinds = {kind}
        quiet = {AGENT: 0, "customer": 0}
        confirmed = False
        end, closed_by = transcript.duration, "end of call"
        j = i + 1
        while j < len(turns):
            nxt = turns[j]
            party = AGENT if nxt.speaker == AGENT else "customer"
            if nxt.start - last_activity > idle_seconds:
                end, closed_by = nxt.start, "idle"
                break
            if party == AGENT:
                asked = request_kind(nxt.text)
                if asked or FOLLOW_UP.search(nxt.text):
                    kinds |= {asked} if asked else set()
                    last_activity, quiet = nxt.end, {AGENT: 0, "customer": 0}
                    confirmed = False
                else:
                    quiet[AGENT] += 1
                    confirmed = confirmed or any(confirms(k, nxt.text) for k in kinds)
            elif has_numbers(nxt.text) or _held_values(nxt, customer_values):
                last_activity, quiet = nxt.end, {AGENT: 0, "customer": 0}
                confirmed = False
            else:
                quiet["customer"] += 1
                if confirmed:  # confirmed, and the customer's next turn holds no number
                    end, closed_by = nxt.start, "confirmed"
                    break
            if quiet[AGENT] >= QUIET_TURNS and quiet["customer"] >= QUIET_TURNS:
                end, closed_by = nxt.start, "quiet turns"
                break
            j += 1
        phase_kind = PAYMENT if PAYMENT in kinds else IDENTITY
        if phases and start <= phases[-1].end:  # overlapping: one phase
            last = phases.pop()
            phase_kind = PAYMENT if PAYMENT in (last.kind, phase_kind) else IDENTITY
            start, opened_by = last.start, last.opened_by
        phases.append(Phase(phase_kind, round(start, 3), round(max(end, start), 3), opened_by, closed_by))
        i = j if j > i else i + 1
    return phases


def _opening(turns: list[Turn], i: int, customer_values: list[tuple[float, float, str]], min_digits: int) -> tuple[str | None, str]:
    """Whether turn ``i`` opens a phase, of which kind, and why."""
    turn = turns[i]
    if turn.speaker == AGENT:
        kind = request_kind(turn.text)
        return (kind, "agent request") if kind else (None, "")
    held = _held_values(turn, customer_values)
    if held:
        return (PAYMENT if PAYMENT in held else IDENTITY), "redacted value"
    if max((r.digits for r in normalize_spoken(turn.text).digit_runs), default=0) >= min_digits:
        return PAYMENT, "customer numbers"  # card-like or long: nobody was heard to ask for it
    return None, ""


def _held_values(turn: Turn, customer_values: list[tuple[float, float, str]]) -> set[str]:
    """The kinds of the recognized values said in this turn."""
    return {kind for a, b, kind in customer_values if turn.start - 0.01 <= a and b <= turn.end + 0.01}
