"""Inbound service and billing calls, written for the core contact-centre rubric: paying a bill,
updating contact details, a refund, a bill query, a general enquiry (no personal data at all)."""

from __future__ import annotations

from .calls import UPDATE_KINDS, Script
from .labels import LATE_MARGIN


class CoreScript(Script):
    def write(self) -> None:
        rng, cond = self.rng, self.cond
        self.opening()
        self.reason()
        if cond["recording_disclosure"] == "too_late":
            self.late.append(
                (self.window("recording_disclosure") + LATE_MARGIN, "agent", "recording_late", "recording_disclosure")
            )
        self.empathy()
        ident = cond["identity_verification"]
        if ident == "too_late":
            self.account()
            self.due_late()
            self.identity()
        elif ident != "na":
            self.identity()
            self.account()
        self.due_late()
        interruptions = {"meets": 0, "one": 1, "fails": rng.choice([2, 3])}[cond["no_interruptions"]]
        body = [self.hold, self.chatter, self.claims, self.courtesy]
        if interruptions:
            body.append(lambda: self.interruptions(interruptions))
        if self.call_type == "pay_bill":
            body.append(self.payment)
        if self.call_type == "update_details":
            body.append(lambda: self.updates(rng.sample(UPDATE_KINDS, rng.choice([1, 2, 3]))))
        elif self.call_type in ("pay_bill", "refund", "bill_query") and rng.random() < 0.25:
            body.append(lambda: self.updates([rng.choice(UPDATE_KINDS)]))
        if self.call_type in ("refund", "bill_query"):
            body.append(self.refund)
        rng.shuffle(body)
        for section in body:
            section()
            self.due_late()
        if self.call_type == "refund" and cond["no_card_read_back"] == "last4":
            self.line("agent", "readback_last4")
            self.line("customer", "readback_yes")
        self.due_late(flush=True)
        self.tail()

    def opening(self) -> None:
        g, r = self.cond["greeting"], self.cond["recording_disclosure"]
        marks: list[str] = []
        first = []
        if g in ("present", "garbled"):
            first.append((self.b.pick(self.bank.lines["greeting"], g == "garbled"), g == "garbled"))
            marks.append("greeting")
        elif g == "partial":
            first.append((self.rng.choice(self.bank.lines["greeting_no_company"]), False))
        else:
            first.append((self.rng.choice(self.bank.lines["opener_plain"]), False))
        disclosure = []
        if r in ("present", "garbled"):
            disclosure.append((self.b.pick(self.bank.lines["recording"], r == "garbled"), r == "garbled"))
        elif r == "partial":
            disclosure.append((self.rng.choice(self.bank.lines["recording_partial"]), False))
        how = [(self.rng.choice(self.bank.lines["how_help"]), False)]
        if g == "too_late":  # line trouble first; the greeting only once the line is clear
            self.b.say("agent", first, "line:opener_plain", offset=round(self.rng.uniform(0.3, 1.0), 3))
            self.line("customer", "line_check_customer")
            self.line("agent", "line_check_agent")
            self.line("customer", "line_check_customer")
            greeting = [
                (self.rng.choice(self.bank.lines["line_ok_agent"]), False),
                (self.rng.choice(self.bank.lines["greeting"]), False),
            ]
            i = self.b.say(
                "agent",
                greeting + disclosure + how,
                "line:opening",
                not_before=self.window("greeting") + LATE_MARGIN,
                marks=("greeting",) + (("recording_disclosure",) if r in ("present", "garbled") else ()),
            )
        else:
            marks += ["recording_disclosure"] if r in ("present", "garbled") else []
            i = self.b.say(
                "agent",
                first + disclosure + ([] if g == "wrong_party" else how),
                "line:opening",
                marks=tuple(marks),
                offset=round(self.rng.uniform(0.3, 1.0), 3),
            )
        if g == "garbled" or r == "garbled":
            turn = self.b.turns[i]
            for criterion in ("greeting", "recording_disclosure"):
                if self.cond[criterion] == "garbled" and not any(p.text != p.label_text for p in turn.pieces if p.value is None):
                    self.cond[criterion] = "present"

    def reason(self) -> None:
        parts = []
        if self.cond["greeting"] == "wrong_party":
            parts.append((self.rng.choice(self.bank.lines["customer_greets"]), False))
        parts.append((self.rng.choice(self.bank.reasons[self.call_type]), False))
        if self.rng.random() < 0.3:
            parts.append((self.rng.choice(self.bank.lines["innocuous"]), False))
        self.b.say("customer", parts, "reason")
        if self.cond["recording_disclosure"] == "wrong_party":
            self.line("customer", "customer_recording", offset=round(self.rng.uniform(0.2, 0.6), 3))
            self.line("agent", "recording_dodge")

    def empathy(self) -> None:
        self.line("customer", "complaint")  # a situation for the agent to acknowledge, or not
        if self.rng.random() < 0.3:
            self.backchannel_over()
        self.criterion("empathy", "yes" if self.cond["empathy"] == "meets" else "no")

    def identity(self) -> None:
        c = self.cond["identity_verification"]
        if c == "absent":
            return
        if c == "wrong_party":
            self.b.say("customer", self.rng.choice(self.bank.lines["customer_volunteers_id"]), "line:customer_volunteers_id")
            self.line("agent", "account_generic")
            return
        garble = c == "garbled"
        kinds = ["name"] if self.rng.random() < 0.75 else []
        kinds += self.rng.sample(["dob", "postcode", "address", "phone"], self.rng.choice([1, 2]))
        if "dob" not in kinds and self.rng.random() < 0.6:
            kinds.insert(1 if kinds[0] == "name" else 0, "dob")
        intro = (self.b.pick(self.bank.lines["verify_intro"], garble), garble) if garble or self.rng.random() < 0.7 else None
        garbled = False
        for n, kind in enumerate(kinds):
            i = self.ask(kind, garble=garble or None, prefix=intro if n == 0 else None)
            garbled |= self.was_garbled(i)
            self.answer(kind)
        self.line("agent", "verified")
        if garble and not garbled:
            self.cond["identity_verification"] = "present"

    def account(self) -> None:
        money = self.b.money if self.call_type == "pay_bill" else None  # the balance is what gets paid
        self.line("agent", "account_open" if self.call_type != "enquiry" else "account_generic", money=money)
        self.line("customer", "customer_generic")

    def claims(self) -> None:
        self.criterion("no_incorrect_claims", "yes" if self.cond["no_incorrect_claims"] == "meets" else "no")
        self.line("customer", "customer_generic")

    def courtesy(self) -> None:
        c = self.cond["courtesy"]
        if c == "wrong_party":
            self.b.say("customer", self.rng.choice(self.bank.customer_rude), "customer_rude")
            self.criterion("courtesy", "yes")
        else:
            self.criterion("courtesy", "yes" if c == "meets" else "no")
            self.line("customer", "customer_generic")

    def refund(self) -> None:
        self.criterion("no_instant_refund_promise", "yes" if self.cond["no_instant_refund_promise"] == "meets" else "no")
        self.line("customer", "customer_generic")

    def extra_talk(self, seconds: float) -> None:
        """More conversation after an early closing, at least ``seconds`` of it (estimated)."""
        start = self.b.elapsed()
        left = [k for k in UPDATE_KINDS if k not in self.updated]
        if left and self.call_type != "enquiry":  # an enquiry stays free of personal data
            self.updates([self.rng.choice(left)])
        while self.b.elapsed() - start < seconds:
            self.customer_long()
            self.line("agent", "agent_generic")
            if self.b.elapsed() - start < seconds:
                self.line("agent", "agent_info")
                self.line("customer", "customer_generic")

    def tail(self) -> None:
        fh, cl = self.cond["further_help"], self.cond["closing"]
        mood = self.rng.sample(
            self.bank.criteria["customer_left_satisfied"]["yes" if self.cond["customer_left_satisfied"] == "meets" else "no"], 2
        )
        if fh == "too_early" or cl == "too_early":
            if fh == "too_early":
                self.line("agent", "further_help", marks=("further_help",))
                if cl == "too_early":
                    self.line("customer", "customer_generic")
            if cl == "too_early":
                self.line("agent", "closing", marks=("closing",))
            self.line("customer", "one_more_thing")
            self.extra_talk(
                max(
                    self.window("further_help") + 15 if fh == "too_early" else 0,
                    self.window("closing") + 15 if cl == "too_early" else 0,
                )
            )
        if fh in ("present", "garbled"):
            i = self.line("agent", "further_help", garble=fh == "garbled", marks=("further_help",))
            self.settle_garbled("further_help", i)
        elif fh == "wrong_party":
            self.line("customer", "customer_further_help")
            self.line("agent", "agent_end_plain")
        else:
            self.line("agent", "agent_end_plain")
        self.b.say("customer", mood[0], "criterion:customer_left_satisfied")
        if cl in ("present", "garbled"):
            i = self.line("agent", "closing", garble=cl == "garbled", marks=("closing",))
            self.settle_garbled("closing", i)
            self.b.say("customer", mood[1], "criterion:customer_left_satisfied")
        elif cl == "wrong_party":
            self.line("agent", "agent_end_plain")
            key = "customer_closing" if self.cond["customer_left_satisfied"] == "meets" else "customer_closing_negative"
            self.line("customer", key)
        else:
            self.line("agent", "agent_end_plain")
            self.b.say("customer", mood[1], "criterion:customer_left_satisfied")
