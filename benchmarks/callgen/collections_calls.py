"""Outbound debt-collection calls, written for the collections rubric: taking a payment towards
arrears, setting up a payment plan, a disputed debt, a customer in hardship."""

from __future__ import annotations

from .calls import Script
from .labels import LATE_MARGIN


class CollectionsScript(Script):
    def write(self) -> None:
        cond, rng = self.cond, self.rng
        rpv = cond["right_party_verification"]
        # One debt per call: paid in full (arrears), or the first of 6-12 monthly instalments (plan).
        self.debt = (rng.randint(150, 2400), rng.randint(0, 99))
        if self.call_type == "plan":
            self.b.money = (max(10, self.debt[0] // rng.choice([6, 8, 10, 12])), 0)
        else:
            self.b.money = self.debt
        self.opening()
        if rpv in ("present", "garbled"):
            self.verify()
        elif rpv == "wrong_party":
            self.b.say("customer", rng.choice(self.bank.lines["customer_volunteers_id"]), "line:customer_volunteers_id")
        self.disclosures()
        self.line("agent", "debt_statement", money=self.debt)
        if cond["mini_miranda"] == "wrong_party":
            self.line("customer", "customer_miranda")
            self.respond()
        if rpv == "too_late":
            self.line("customer", "customer_generic")
            self.verify(late=True)
        self.b.say("customer", rng.choice(self.bank.reasons[self.call_type]), "reason")
        self.respond()
        self.due_late()
        body = [self.threats, self.respect, self.talk]
        if rng.random() < 0.5:
            body.append(self.chatter)
        rng.shuffle(body)
        for section in body:
            section()
            self.due_late()
        if self.call_type == "plan":
            self.line("agent", "plan_offer", money=self.b.money)
            self.line("customer", "customer_generic")
        if self.call_type in ("arrears", "plan"):
            self.payment()
        self.balance_talk()
        self.due_late(flush=True)
        self.tail()

    def agent_share(self) -> float:
        """The agent's estimated share of talk time so far."""
        talk = {"agent": 0.0, "customer": 0.0}
        for turn in self.b.turns:
            talk[turn.speaker] += self.b.estimate(turn)
        return talk["agent"] / max(sum(talk.values()), 1e-9)

    def balance_talk(self) -> None:
        """Keep the talk ratio well clear of the rubric's limit, on the side the call is written for."""
        if self.cond["let_customer_speak"] == "fails":
            spare = [m for m in self.bank.lines["agent_monologue"] if m not in {t.template for t in self.b.turns}]
            while self.agent_share() < 0.84 and spare:
                self.b.say("agent", spare.pop(self.rng.randrange(len(spare))), "line:agent_monologue")
                self.line("customer", "customer_generic")
        else:
            spare = [m for m in self.bank.lines["customer_long"] if m not in {t.template for t in self.b.turns}]
            while self.agent_share() > 0.55 and spare:
                self.b.say("customer", spare.pop(self.rng.randrange(len(spare))), "line:customer_long")
                self.respond()

    def opening(self) -> None:
        rpv = self.cond["right_party_verification"]
        parts = [(self.rng.choice(self.bank.lines["collections_open"]), False)]
        if rpv in ("present", "garbled"):
            parts.append((self.b.pick(self.bank.lines["right_party"], rpv == "garbled"), rpv == "garbled"))
        elif rpv == "absent" and self.rng.random() < 0.5:
            parts.append((self.rng.choice(self.bank.lines["debt_plain"]), False))
        self.b.say("agent", parts, "line:collections_open", offset=round(self.rng.uniform(0.3, 1.0), 3))
        if rpv in ("present", "garbled"):
            self.line("customer", "right_party_yes")
        else:
            self.line("customer", "customer_generic")

    def verify(self, late: bool = False) -> None:
        """Right-party verification: a date of birth or postcode (and the name, when checked late)."""
        garble = self.cond["right_party_verification"] == "garbled"
        garbled = False
        if late:
            self.line("agent", "right_party")
            self.line("customer", "right_party_yes")
        for kind in self.rng.sample(["dob", "postcode", "address"], self.rng.choice([1, 2])):
            i = self.ask(kind, garble=garble or None)
            garbled |= self.was_garbled(i)
            self.answer(kind)
        self.line("agent", "verified")
        if garble and not garbled and not self.was_garbled(0):
            self.cond["right_party_verification"] = "present"

    def disclosures(self) -> None:
        """The mini-Miranda and the recording disclosure, as their conditions say."""
        mm, rec = self.cond["mini_miranda"], self.cond["recording_disclosure"]
        parts, marks = [], []
        if mm in ("present", "garbled"):
            parts.append((self.b.pick(self.bank.lines["mini_miranda"], mm == "garbled"), mm == "garbled"))
            marks.append("mini_miranda")
        elif mm == "partial_ok":
            parts.append((self.rng.choice(self.bank.lines["miranda_first_half"]), False))
            marks.append("mini_miranda")
        elif mm == "partial":
            parts.append((self.rng.choice(self.bank.lines["miranda_second_half"]), False))
        elif mm == "too_late":
            self.late.append((self.window("mini_miranda") + LATE_MARGIN, "agent", "mini_miranda", "mini_miranda"))
        if rec in ("present", "garbled"):
            parts.append((self.b.pick(self.bank.lines["recording"], rec == "garbled"), rec == "garbled"))
            marks.append("recording_disclosure")
        elif rec == "partial":
            parts.append((self.rng.choice(self.bank.lines["recording_partial"]), False))
        elif rec == "too_late":
            self.late.append(
                (self.window("recording_disclosure") + LATE_MARGIN, "agent", "recording_late", "recording_disclosure")
            )
        if parts:
            if self.rng.random() < 0.5:
                parts.reverse()
            i = self.b.say("agent", parts, "line:disclosures", marks=tuple(marks))
            for criterion in ("mini_miranda", "recording_disclosure"):
                if self.cond[criterion] == "garbled" and not self.was_garbled(i):
                    self.cond[criterion] = "present"
        if rec == "wrong_party":
            self.line("customer", "customer_recording")
            self.line("agent", "recording_dodge")

    def respond(self) -> None:
        """An agent acknowledgement, in the tone the call is written for."""
        side = "yes" if self.cond["calm_tone"] == "meets" else "no"
        if side == "no" or self.rng.random() < 0.6:
            self.criterion("calm_tone", side)
        else:
            self.line("agent", "agent_generic")

    def threats(self) -> None:
        self.criterion(
            "no_threats_or_false_statements", "yes" if self.cond["no_threats_or_false_statements"] == "meets" else "no"
        )
        self.line("customer", "customer_generic")

    def respect(self) -> None:
        c = self.cond["respectful_language"]
        if c == "wrong_party":
            self.b.say("customer", self.rng.choice(self.bank.customer_rude), "customer_rude")
            self.criterion("respectful_language", "yes")
        else:
            if self.cond["let_customer_speak"] == "fails":  # the customer hardly gets a word in
                self.line("customer", "customer_generic")
            elif self.rng.random() < 0.5:
                self.customer_long()
            else:
                self.line("customer", "complaint")
            self.criterion("respectful_language", "yes" if c == "meets" else "no")
        self.respond()

    def talk(self) -> None:
        """Who does the talking: long customer accounts, or agent monologues and terse replies."""
        if self.cond["let_customer_speak"] == "meets":
            for line in self.rng.sample(self.bank.lines["customer_long"], 3):
                self.b.say("customer", line, "line:customer_long")
                if self.rng.random() < 0.5:
                    self.backchannel_over()
                self.respond()
        else:
            for line in self.rng.sample(self.bank.lines["agent_monologue"], 3):
                self.b.say("agent", line, "line:agent_monologue")
                self.line("customer", "customer_generic")
            self.respond()

    def tail(self) -> None:
        if self.rng.random() < 0.8:
            self.line("agent", "further_help")
        mood = "yes" if self.rng.random() < 0.6 else "no"
        self.criterion("customer_left_satisfied", mood, speaker="customer")
        if self.rng.random() < 0.85:
            self.line("agent", "closing")
        else:
            self.line("agent", "agent_end_plain")
        self.line("customer", "customer_closing" if mood == "yes" else "customer_closing_negative")
