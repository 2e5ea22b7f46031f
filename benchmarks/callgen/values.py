"""The customer's synthetic data for one call: a name from the split's lists, a Luhn-valid card
of one of several brands and lengths, its security code and expiry, a date of birth, a UK mobile
or US number, an email, an address and a postcode or ZIP. None of it is anyone's real data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .banks import Bank

# (brand, prefixes, length): 16-digit Visa and Mastercard (51-55 and the 2-series), 15-digit Amex,
# 13-digit Visa, Discover.
CARD_BRANDS = (
    ("visa", ("4",), 16),
    ("mastercard", ("51", "52", "53", "54", "55"), 16),
    ("mastercard-2", tuple(str(p) for p in range(2221, 2721, 37)), 16),
    ("amex", ("34", "37"), 15),
    ("visa-13", ("4",), 13),
    ("discover", ("6011", "65", "644", "647", "649"), 16),
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters (no C I K M O V)


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(body: str) -> str:
    """``body`` plus the check digit that makes it Luhn-valid."""
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


@dataclass(frozen=True)
class Customer:
    first: str
    last: str
    dob: dt.date
    phone: str  # digits: 11 (UK mobile, 07...) or 10 (US)
    email_local: tuple[str, ...]
    email_sep: str  # ".", "_" or ""
    email_domain: tuple[str, str]  # (spoken, written)
    house: int
    street: str
    postcode: str  # "LS1 4AB" or a 5-digit ZIP
    card: str
    brand: str
    cvv: str
    expiry: tuple[int, int]  # month, year (4 digits)
    old_phone: str  # what the CRM has (the sidecar's customer_phone when it differs)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.email_sep.join(self.email_local)}@{self.email_domain[1]}".lower()


def draw_phone(rng: random.Random, region: str) -> str:
    if region == "uk":
        return "07" + rng.choice("12345789") + "".join(rng.choice("0123456789") for _ in range(8))
    return (
        rng.choice("23456789")
        + "".join(rng.choice("0123456789") for _ in range(2))
        + rng.choice("23456789")
        + "".join(rng.choice("0123456789") for _ in range(6))
    )


def draw_card(rng: random.Random) -> tuple[str, str, str]:
    """(number, brand, security code)."""
    brand, prefixes, length = rng.choice(CARD_BRANDS)
    prefix = rng.choice(prefixes)
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    cvv = "".join(rng.choice("0123456789") for _ in range(4 if brand == "amex" else 3))
    return luhn_complete(body), brand, cvv


def draw_customer(rng: random.Random, bank: Bank, region: str) -> Customer:
    first, last = rng.choice(bank.first_names), rng.choice(bank.last_names)
    dob = dt.date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
    style = rng.choice(["first.last", "first.last", "initial+last", "firstlast+yy", "first_last"])
    yy = f"{dob.year % 100:02d}"
    local = {
        "first.last": ((first.lower(), last.lower()), "."),
        "initial+last": ((first[0].lower(), last.lower()), ""),
        "firstlast+yy": ((first.lower(), last.lower(), yy), ""),
        "first_last": ((first.lower(), last.lower()), "_"),
    }[style]
    if region == "uk":
        outward = rng.choice(bank.uk_postcode_areas) + str(rng.randint(1, 19))
        postcode = f"{outward} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    else:
        postcode = rng.choice(bank.us_zip_prefixes) + f"{rng.randint(0, 99):02d}"
    card, brand, cvv = draw_card(rng)
    house = rng.choice([rng.randint(1, 99), rng.randint(1, 99), rng.randint(100, 480)])
    return Customer(
        first,
        last,
        dob,
        draw_phone(rng, region),
        local[0],
        local[1],
        rng.choice(bank.email_domains),
        house,
        rng.choice(bank.streets),
        postcode,
        card,
        brand,
        cvv,
        (rng.randint(1, 12), rng.randint(2026, 2032)),
        draw_phone(rng, region),
    )


def format_phone(phone: str) -> str:
    """As a CRM stores it: "07700 900123" / "415-555-0132"."""
    return f"{phone[:5]} {phone[5:]}" if len(phone) == 11 else f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
