"""A spoken-form evaluation set: call transcripts where customers say payment and personal data
the way people do on the phone, with the gold span of every value (character offsets) and the
value itself (to search for after ASR). Generated from a seed, so it is the same every run.

Each call is a list of turns (speaker, text, gold spans in that text). Phrasings vary: digits in
groups, "double" and "oh", security codes asked for in different words, expiry as month names or
digits, spelled emails, names introduced in several ways, addresses with and without numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DIGITS = "zero one two three four five six seven eight nine".split()
MONTHS = "January February March April May June July August September October November December".split()
FIRST = ["Sarah", "James", "Priya", "Tomasz", "Aisha", "Liam", "Mei", "Oluwaseun", "Grace", "Mateo", "Hannah", "Dmitri"]
LAST = ["Collins", "Okafor", "Nguyen", "Kowalski", "Patel", "Murphy", "Fernandez", "Schmidt", "Haddad", "Brennan", "Lindqvist"]
STREETS = ["Baker Street", "Oak Road", "Mill Lane", "Station Road", "Maple Avenue", "Church Street", "Victoria Drive", "Park Lane"]
TOWNS = ["Leeds", "Bristol", "Dayton", "Cork", "Reading", "Albany"]
DOMAINS = [("gmail", "com"), ("yahoo", "co dot uk"), ("outlook", "com"), ("hotmail", "com")]
BRANDS = [("4", 16), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16), ("4", 13), ("35", 16)]


@dataclass
class Turn:
    speaker: str
    text: str = ""
    gold: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, type, value

    def say(self, text: str) -> Turn:
        self.text += text
        return self

    def value(self, spoken: str, entity: str, value: str) -> Turn:
        start = len(self.text)
        self.text += spoken
        self.gold.append((start, len(self.text), entity, value))
        return self


def luhn_number(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def speak_digits(digits: str, rng: random.Random, group: int = 4) -> str:
    """'4532...' as a caller says it: digit words in groups, sometimes "double", sometimes "oh"."""
    words, i = [], 0
    while i < len(digits):
        d = digits[i]
        if i + 1 < len(digits) and digits[i + 1] == d and (i + 1) % group and rng.random() < 0.5:
            words.append(f"double {DIGITS[int(d)]}")
            i += 2
        else:
            words.append("oh" if d == "0" and rng.random() < 0.4 else DIGITS[int(d)])
            i += 1
        if i % group == 0 and i < len(digits):
            words[-1] += ","
    return " ".join(words)


def make_call(rng: random.Random) -> list[Turn]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    prefix, length = rng.choice(BRANDS)
    card = luhn_number(prefix, length, rng)
    cvv = "".join(rng.choice("0123456789") for _ in range(4 if length == 15 else 3))
    month, year = rng.randint(1, 12), rng.randint(26, 31)
    phone = "07" + "".join(rng.choice("0123456789") for _ in range(9))
    house = rng.randint(2, 240)
    street, town = rng.choice(STREETS), rng.choice(TOWNS)
    user, (domain, tld) = f"{first.lower()} dot {last.lower()}", rng.choice(DOMAINS)

    agent_name = rng.choice(["Dana", "Marcus", "Ines", "Kofi"])
    turns = [Turn("agent").say("Thank you for calling Northwind, this is ").value(agent_name, "PERSON", agent_name)
             .say(" speaking. Can I take your full name please?")]  # fmt: skip
    intro = rng.choice(["Yes, my name is ", "It's ", "Sure, this is ", "Hi, I'm "])
    turns.append(Turn("customer").say(intro).value(f"{first} {last}", "PERSON", f"{first} {last}").say("."))
    turns.append(Turn("agent").say("Thanks. And the first line of your address?"))
    turns.append(Turn("customer").say(rng.choice(["I live at ", "It's ", "The address is "]))
                 .value(f"{house} {street}, {town}", "ADDRESS", f"{house} {street}").say("."))  # fmt: skip
    turns.append(Turn("agent").say("And a contact number?"))
    turns.append(Turn("customer").say("Yeah, it's ").value(speak_digits(phone, rng, group=5), "PHONE_NUMBER", phone).say("."))
    turns.append(Turn("agent").say("And your email address?"))
    turns.append(Turn("customer").say("It's ").value(f"{user} at {domain} dot {tld}", "EMAIL_ADDRESS", f"{first.lower()}.{last.lower()}").say("."))
    turns.append(Turn("agent").say(rng.choice(["Can I take the long number on the card please?", "What's the card number?", "Could you read me the sixteen digits across the front of the card?"])))
    turns.append(Turn("customer").say(rng.choice(["Sure, it's ", "Okay, ", "Yes. "])).value(speak_digits(card, rng), "CREDIT_CARD", card).say("."))
    turns.append(Turn("agent").say(rng.choice(["And the expiry date?", "When does the card expire?", "What's the end date on the card?"])))
    if rng.random() < 0.5:
        spoken_expiry = f"{MONTHS[month - 1]} twenty {DIGITS[year // 10]} {DIGITS[year % 10]}" if year % 10 else f"{MONTHS[month - 1]} twenty thirty"
    else:
        spoken_expiry = f"{speak_digits(f'{month:02d}', rng)} {speak_digits(f'{year:02d}', rng)}"
    turns.append(Turn("customer").say(rng.choice(["It's ", "", "Expires "])).value(spoken_expiry, "CARD_EXPIRY", f"{month:02d}{year:02d}").say("."))
    turns.append(Turn("agent").say(rng.choice(["And the three digit security code on the back?", "What's the CVV?", "Finally the last three digits on the signature strip."])))
    turns.append(Turn("customer").say(rng.choice(["It's ", "", "That's "])).value(speak_digits(cvv, rng), "CVV", cvv).say("."))
    turns.append(Turn("agent").say("Thank you, that payment has gone through. Is there anything else?"))
    turns.append(Turn("customer").say("No, that's all, thanks."))
    return turns


def spoken_set(n: int = 60, seed: int = 20261122) -> list[list[Turn]]:
    rng = random.Random(seed)
    return [make_call(rng) for _ in range(n)]
