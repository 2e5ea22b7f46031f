"""Turns from bank templates: placeholders filled with the customer's values (in a spoken form
drawn for the occasion) or with decoys, each value its own piece so its time span will be exact;
homophones swapped into the audio text on request; a running estimate of elapsed time, so that a
phrase meant to be late can be placed late."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from . import spoken_forms as sf
from .banks import Bank
from .types import Piece, Turn, Value, Voice
from .values import Customer

SLOT = re.compile(r"\{(\w+)\}|\[\[(.+?)\]\]")
SECONDS_PER_CHAR = 0.068  # at 160 wpm, espeak-ng's English voices (measured on a 105-character sentence)
ANSWER_SLOTS = {"card", "expiry", "cvv", "dob", "phone", "email", "address", "name", "postcode"}


@dataclass(frozen=True)
class Fixed:
    """A value piece given in full (a part of a value said over two turns)."""

    type: str
    value: str
    spoken: str
    form: str
    id: str
    part: int = 1
    parts: int = 1


class Builder:
    """Collects a call's turns and values. ``say`` adds one turn from one or more templates."""

    def __init__(
        self,
        rng: random.Random,
        bank: Bank,
        region: str,
        customer: Customer,
        company: str,
        agent_name: str,
        voices: dict[str, Voice],
    ) -> None:
        self.rng, self.bank, self.region, self.customer = rng, bank, region, customer
        self.company, self.agent_name, self.voices = company, agent_name, voices
        self.turns: list[Turn] = []
        self.values: list[Value] = []
        self.money = (rng.randint(20, 480), rng.choice([0, 0, rng.randint(1, 99)]))  # the call's payment amount
        self._ids = 0

    # --- values ---------------------------------------------------------------------------
    def new_id(self) -> str:
        self._ids += 1
        return f"v{self._ids}"

    def _decoy_money(self) -> tuple[int, int]:
        return self.rng.randint(3, 900), self.rng.choice([0, self.rng.randint(1, 99)])

    def spoken_value(
        self, slot: str, money: tuple[int, int] | None = None, speaker: str = "customer"
    ) -> tuple[str, str, str, str, bool]:
        """(type, value, spoken, form, sensitive) for a placeholder; an agent reading a value back
        does not hesitate or correct themselves."""
        c, rng = self.customer, self.rng
        slips = 0.0 if speaker == "agent" else 1.0
        if slot == "agent":
            return "AGENT_NAME", self.agent_name, self.agent_name, "name", False
        if slot == "money":
            pounds, pence = money or self._decoy_money()
            return "MONEY", f"{pounds}.{pence:02d}", sf.say_money(pounds, pence, self.region, rng), "words", False
        if slot == "ref":
            ref = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.choice([5, 6, 7])))
            spoken, form = sf.say_digit_groups(ref, [3, 3, 2], rng, pairs_ok=False)
            return "REFERENCE_NUMBER", ref, spoken, form, False
        if slot == "date":
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            return "DATE", f"--{month:02d}-{day:02d}", f"{sf.ORDINALS[day]} of {sf.MONTHS[month - 1]}", "dm-words", False
        if slot == "last4":
            spoken, form = sf.say_digit_groups(c.card[-4:], [4], rng, pairs_ok=True)
            return "CARD_LAST4", c.card[-4:], spoken, form, False
        if slot == "name":
            if rng.random() < 0.2:
                return "PERSON", c.name, f"{c.name}, that's {sf.spell(c.last.lower())}", "spelled-surname", True
            return "PERSON", c.name, c.name, "words", True
        if slot == "first":
            return "PERSON", c.first, c.first, "first-name", True
        if slot == "dob":
            spoken, form = sf.say_dob(c.dob.year, c.dob.month, c.dob.day, self.region, rng)
            return "DATE_OF_BIRTH", c.dob.isoformat(), spoken, form, True
        if slot == "phone":
            spoken, form = sf.say_phone(c.phone, rng, correct=0.1 * slips, hesitate=0.1 * slips)
            return "PHONE_NUMBER", c.phone, spoken, form, True
        if slot == "card":
            spoken, form = sf.say_card(c.card, rng, correct=0.15 * slips, hesitate=0.2 * slips)
            return "CREDIT_CARD", c.card, spoken, form, True
        if slot == "expiry":
            month, year = c.expiry
            spoken, form = sf.say_expiry(month, year, rng)
            return "CARD_EXPIRY", f"{month:02d}{year % 100:02d}", spoken, form, True
        if slot == "cvv":
            spoken, form = sf.say_cvv(c.cvv, rng)
            return "CVV", c.cvv, spoken, form, True
        if slot == "email":
            spoken, form = sf.say_email(list(c.email_local), c.email_sep, c.email_domain[0], rng)
            return "EMAIL_ADDRESS", c.email, spoken, form, True
        if slot == "address":
            return "ADDRESS", f"{c.house} {c.street}", f"{sf.say_house(c.house, rng)} {c.street}", "house-street", True
        if slot == "postcode":
            spoken, form = sf.say_postcode(c.postcode, rng)
            return "POSTCODE", c.postcode, spoken, form, True
        raise ValueError(f"unknown placeholder {{{slot}}}: see the dev.py docstring for the ones a template may use")

    # --- turns ----------------------------------------------------------------------------
    def garble(self, text: str) -> str:
        """``text`` with every homophone of the bank swapped in (longest first, whole words)."""
        for heard, said in sorted(self.bank.homophones, key=lambda p: -len(p[0])):
            text = re.sub(rf"\b{re.escape(heard)}\b", said, text, flags=re.IGNORECASE)
        return text

    def can_garble(self, template: str) -> bool:
        return self.garble(SLOT.sub("", template)) != SLOT.sub("", template)

    def say(
        self,
        speaker: str,
        templates: str | list[tuple[str, bool]],
        source: str,
        *,
        v: str | None = None,
        fixed: dict[str, Fixed] | None = None,
        money: tuple[int, int] | None = None,
        marks: tuple[str, ...] = (),
        offset: float | None = None,
        not_before: float | None = None,
        backchannel: bool = False,
        overlap_at: float | None = None,
        interrupts: bool = False,
        readback: bool = False,
    ) -> int:
        """Add a turn; ``templates`` is one template or [(template, garble?)] said in one breath.
        ``v`` names what ``{v}`` stands for ("card", "dob", ...). Returns the turn's index."""
        parts = [(templates, False)] if isinstance(templates, str) else templates
        index = len(self.turns)
        pieces: list[Piece] = []
        for n, (template, garbled) in enumerate(parts):
            if n:
                _add(pieces, Piece(" ", " "))
            pos = 0
            for m in [*SLOT.finditer(template), None]:
                literal = template[pos : m.start() if m else len(template)]
                if literal:
                    _add(pieces, Piece(self.garble(literal) if garbled else literal, literal))
                if m is None:
                    break
                pos = m.end()
                slot, innocuous = m.group(1), m.group(2)
                if innocuous:
                    value = Value(
                        self.new_id(), "INNOCUOUS_NUMBER", innocuous, innocuous, "words", index, speaker, sensitive=False
                    )
                elif slot == "company":
                    _add(pieces, Piece(self.company, self.company))
                    continue
                else:
                    name = v if slot == "v" else slot
                    if name is None:
                        raise ValueError(f"template {template!r} has {{v}} but no value type was given")
                    if fixed and name in fixed:
                        f = fixed[name]
                        value = Value(f.id, f.type, f.value, f.spoken, f.form, index, speaker, True, readback, f.part, f.parts)
                    else:
                        vtype, val, spoken, form, sensitive = self.spoken_value(name, money, speaker)
                        value = Value(self.new_id(), vtype, val, spoken, form, index, speaker, sensitive, readback and sensitive)
                self.values.append(value)
                _add(pieces, Piece(value.spoken, value.spoken, value=len(self.values) - 1))
        template_text = " ".join(t for t, _ in parts)
        gap = self.rng.uniform(0.3, 1.2) if offset is None else offset
        self.turns.append(
            Turn(
                speaker,
                self._paused(pieces),
                round(gap, 3),
                source,
                template_text,
                marks,
                not_before,
                backchannel,
                overlap_at,
                interrupts,
            )
        )
        return index

    def _paused(self, pieces: list[Piece]) -> tuple[Piece, ...]:
        """The pieces with the pause before each sounding one that the punctuation since the last
        sounding one calls for ("..." long, a full stop medium, a comma short, none very short)."""
        out, between, heard = [], "", False
        for p in pieces:
            if not has_sound(p.text):
                between += p.text
                out.append(p)
                continue
            lead = p.text[: len(p.text) - len(p.text.lstrip(" ,.?!"))]
            gap = (between + lead).replace(" ", "")
            if not heard:
                pause = 0.0
            elif "..." in gap:
                pause = self.rng.uniform(0.4, 0.8)
            elif any(ch in gap for ch in ".?!"):
                pause = self.rng.uniform(0.25, 0.5)
            elif "," in gap:
                pause = self.rng.uniform(0.12, 0.3)
            else:
                pause = self.rng.uniform(0.04, 0.12)
            out.append(Piece(p.text, p.label_text, p.value, round(pause, 3)))
            heard = True
            between = p.text[len(p.text.rstrip(" ,.?!")) :]
        return tuple(out)

    # --- estimates --------------------------------------------------------------------------
    def estimate(self, turn: Turn) -> float:
        """Seconds the turn will take, roughly (from its length and the speaker's speed)."""
        speed = self.voices[turn.speaker].speed
        chars = sum(len(p.text) for p in turn.pieces if has_sound(p.text))
        return chars * SECONDS_PER_CHAR * 160 / speed + sum(p.pause for p in turn.pieces)

    def elapsed(self) -> float:
        """Estimated seconds from the start of the call to the end of the last turn."""
        t = 0.0
        for turn in self.turns:
            if turn.backchannel and turn.overlap_at is not None:
                continue
            t = max(t + turn.offset, turn.not_before or 0.0) + self.estimate(turn)
        return t

    def pick(self, options: tuple[str, ...], garble: bool = False) -> str:
        """A template; with ``garble``, one the bank's homophones change (when there is one)."""
        if garble:
            garbleable = [o for o in options if self.can_garble(o)]
            if garbleable:
                return self.rng.choice(garbleable)
        return self.rng.choice(options)


def _add(pieces: list[Piece], piece: Piece) -> None:
    """Append, merging adjacent literal text into one piece (synthesised in one go)."""
    if pieces and pieces[-1].value is None and piece.value is None:
        last = pieces[-1]
        pieces[-1] = Piece(last.text + piece.text, last.label_text + piece.label_text)
    else:
        pieces.append(piece)


def has_sound(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
