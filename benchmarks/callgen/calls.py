"""Call scripts: the sections of a core contact-centre call (greeting, disclosure, verification,
reason, hold, payment, contact updates, closing) and of a collections call (right-party check,
mini-Miranda, the debt, an arrangement), each written for the conditions chosen per criterion.

Varied per call: which sections there are and in what order; who says what, in which bank
phrasing; how values are said; the hard cases (a card number over two turns with "uh huh" between,
card, expiry and code in one breath, expiry and code asked in one turn, homophones in the agent's
audio, backchannels over the customer, interruptions, read-backs of the card or of the last four
digits, a hold or a long silence, innocuous numbers, balances and reference numbers)."""

from __future__ import annotations

from . import spoken_forms as sf
from .builder import Builder, Fixed
from .labels import DEAD_AIR, WINDOWS

CALL_TYPES = {
    "core-contact-centre": {"pay_bill": 3.0, "update_details": 2.0, "refund": 1.5, "bill_query": 1.5, "enquiry": 2.0},
    "collections": {"arrears": 3.5, "plan": 3.0, "dispute": 2.0, "hardship": 1.5},
}
UPDATE_KINDS = ("phone", "email", "address")  # the order of LINES["update_request"]


class Script:
    """Writes one call into a Builder, following ``cond`` (criterion -> condition)."""

    def __init__(self, b: Builder, rubric: str, call_type: str, cond: dict[str, str]) -> None:
        self.b, self.rubric, self.call_type, self.cond = b, rubric, call_type, cond
        self.rng, self.bank = b.rng, b.bank
        self.late: list[tuple[float, str, str, str]] = []  # (not_before, speaker, line key, criterion)
        self.updated: set[str] = set()

    # --- small helpers ----------------------------------------------------------------------
    def line(self, speaker: str, key: str, garble: bool = False, **kw) -> int:
        template = self.b.pick(self.bank.lines[key], garble)
        return self.b.say(speaker, [(template, garble)], f"line:{key}", **kw)

    def criterion(self, name: str, side: str, speaker: str = "agent", **kw) -> int:
        template = self.rng.choice(self.bank.criteria[name][side])
        return self.b.say(speaker, template, f"criterion:{name}:{side}", **kw)

    def regional(self, options: tuple[str, ...]) -> tuple[str, ...]:
        """Templates that fit the caller's region: no "zip" in the UK, no "postcode" in the US."""
        foreign = "zip" if self.b.region == "uk" else "postcode"
        fitting = tuple(o for o in options if foreign not in o.lower())
        return fitting or options

    def ask(self, kind: str, garble: bool | None = None, prefix: tuple[str, bool] | None = None) -> int:
        """The agent asks for ``kind``; requests are made ASR-hostile now and then (homophones)."""
        if garble is None:
            garble = self.rng.random() < 0.2
        template = self.b.pick(self.regional(self.bank.requests[kind]), garble)
        parts = [prefix, (template, garble)] if prefix else [(template, garble)]
        return self.b.say("agent", parts, f"request:{kind}")

    def answer(self, kind: str, **kw) -> int:
        return self.b.say("customer", self.rng.choice(self.regional(self.bank.answers[kind])), f"answer:{kind}", v=kind, **kw)

    def exchange(self, kind: str, garble: bool | None = None) -> None:
        self.ask(kind, garble)
        self.answer(kind)

    def backchannel_over(self) -> None:
        """The agent says "uh huh" over the customer's (value-free) turn just said."""
        self.b.say(
            "agent",
            self.rng.choice(self.bank.backchannels),
            "backchannel",
            backchannel=True,
            overlap_at=round(self.rng.uniform(0.3, 0.6), 3),
        )

    def customer_long(self) -> None:
        self.line("customer", "customer_long")
        if self.rng.random() < 0.6:
            self.backchannel_over()

    def was_garbled(self, index: int) -> bool:
        turn = self.b.turns[index]
        return turn.text != turn.label_text

    def settle_garbled(self, criterion: str, index: int) -> None:
        """A 'garbled' condition whose line had no homophone to swap is just 'present'."""
        if self.cond.get(criterion) == "garbled" and not self.was_garbled(index):
            self.cond[criterion] = "present"

    def due_late(self, flush: bool = False) -> None:
        """Say the phrases meant to come too late once the call is (estimated to be) past their window."""
        for item in list(self.late):
            not_before, speaker, key, criterion = item
            if flush or self.b.elapsed() >= not_before + 6:
                self.line(speaker, key, marks=(criterion,), not_before=not_before)
                self.late.remove(item)

    def window(self, criterion: str) -> float:
        return WINDOWS[self.rubric][criterion][1]

    # --- shared sections --------------------------------------------------------------------
    def hold(self) -> None:
        """A hold (or, without one, the customer going off to find something), short or dead air."""
        hold = self.cond.get("hold_etiquette", "na")
        dead = self.cond.get("no_dead_air") == "fails"
        silence = self.rng.uniform(DEAD_AIR + 2, DEAD_AIR + 10) if dead else self.rng.uniform(3.0, 12.0)
        if hold == "na":
            if dead or self.rng.random() < 0.3:
                self.line("customer", "customer_wait")
                self.line("customer", "customer_back", offset=round(silence, 3))
            return
        self.line("agent", "hold")
        self.line("customer", "customer_generic")
        if hold == "absent":
            self.line("agent", "hold_back", offset=round(silence, 3))
        else:
            i = self.line("agent", "hold_thanks", garble=hold == "garbled", offset=round(silence, 3))
            self.settle_garbled("hold_etiquette", i)

    def interruptions(self, n: int) -> None:
        for line in self.rng.sample(self.bank.lines["customer_long"], n):
            self.b.say("customer", line, "line:customer_long")
            self.line("agent", "agent_interrupt", offset=-round(self.rng.uniform(1.2, 2.2), 3), interrupts=True)
            self.line("customer", "customer_generic")

    def updates(self, kinds: list[str]) -> None:
        for kind in kinds:
            lines = self.bank.lines["update_request"]
            self.b.say("customer", lines[UPDATE_KINDS.index(kind)], "line:update_request")
            self.exchange(kind)
            if kind == "address" and self.rng.random() < 0.6:
                self.exchange("postcode")
            if kind == "phone" and self.rng.random() < 0.4:  # a read-back of personal data, not of card data
                self.line("agent", "readback_phone", readback=True)
                self.line("customer", "readback_yes")
            self.line("agent", "update_done")
            self.updated.add(kind)

    def payment(self) -> None:
        """Amount, card number, expiry, security code (in one of several shapes), read-backs, and
        the confirmation (core) or the arrangement (collections)."""
        rng, b = self.rng, self.b
        self.line("agent", "payment_intro")
        b.say("customer", rng.choice(self.bank.lines["payment_amount"]), "line:payment_amount", money=b.money)
        style = rng.choices(["sequential", "split", "same_breath", "combined"], weights=[4, 2, 1.5, 1.5])[0]
        readback = self.cond.get("no_card_read_back", "meets")
        kind = rng.choice(["card", "cvv", "both"]) if readback == "fails" else ""
        self.ask("card")
        if style == "same_breath":
            b.say("customer", rng.choice(self.bank.answers["card_expiry_cvv"]), "answer:card_expiry_cvv")
        else:
            if style == "split":
                self.split_card()
            else:
                self.answer("card")
            if kind in ("card", "both"):
                self.line("agent", "readback_card", readback=True)
                self.line("customer", "readback_yes")
            if style == "combined":
                self.ask("expiry_cvv")
                b.say("customer", rng.choice(self.bank.answers["expiry_cvv"]), "answer:expiry_cvv")
            else:
                self.exchange("expiry")
                self.exchange("cvv")
        if style == "same_breath" and kind in ("card", "both"):
            self.line("agent", "readback_card", readback=True)
            self.line("customer", "readback_yes")
        if kind in ("cvv", "both"):
            self.line("agent", "readback_cvv", readback=True)
            self.line("customer", "readback_yes")
        if readback == "last4":
            self.line("agent", "readback_last4")
            self.line("customer", "readback_yes")
        if "email" not in self.updated and rng.random() < 0.35:  # where the receipt goes
            self.exchange("email")
            self.updated.add("email")
        if self.rubric == "core-contact-centre":
            confirm = self.cond["payment_confirmation"]
            if confirm == "absent":
                self.line("agent", "payment_no_confirm")
            else:
                template = b.pick(self.bank.lines["payment_confirm"], confirm == "garbled")
                i = b.say("agent", [(template, confirm == "garbled")], "line:payment_confirm", money=b.money)
                self.settle_garbled("payment_confirmation", i)
        else:
            side = "yes" if self.cond["arrangement_confirmed"] == "present" else "no"
            self.criterion("arrangement_confirmed", side, money=b.money)

    def split_card(self) -> None:
        """The card number over two customer turns, the agent saying "uh huh" between them."""
        rng, b, card = self.rng, self.b, self.b.customer.card
        sizes = rng.choice(sf.CARD_GROUPS[len(card)])
        half = sum(sizes[: len(sizes) // 2])
        vid = b.new_id()
        first, form1 = sf.say_digit_groups(card[:half], sizes[: len(sizes) // 2], rng, correct=0.1, hesitate=0.1)
        second, form2 = sf.say_digit_groups(card[half:], sizes[len(sizes) // 2 :], rng, correct=0.1, hesitate=0.1)
        b.say(
            "customer",
            rng.choice(self.bank.answers["split_first"]),
            "answer:split_first",
            v="card",
            fixed={"card": Fixed("CREDIT_CARD", card, first, f"split-1:{form1}", vid, 1, 2)},
        )
        b.say("agent", rng.choice(self.bank.backchannels), "backchannel", offset=round(rng.uniform(0.15, 0.5), 3))
        b.say(
            "customer",
            rng.choice(self.bank.answers["split_second"]),
            "answer:split_second",
            v="card",
            offset=round(rng.uniform(0.2, 0.6), 3),
            fixed={"card": Fixed("CREDIT_CARD", card, second, f"split-2:{form2}", vid, 2, 2)},
        )

    def chatter(self) -> None:
        """Innocuous numbers from the customer, balances and references from the agent."""
        innocuous = "innocuous" if self.rubric == "core-contact-centre" else "innocuous_collections"
        if self.rng.random() < 0.7:
            self.line("customer", innocuous)
            self.line("agent", "agent_generic")
        if self.rng.random() < 0.7:
            self.line("agent", "agent_info")
            self.line("customer", "customer_generic")
