"""CREDIT_CARD (named apart from Presidio's CreditCardRecognizer, which it replaces): Luhn-valid card numbers of every brand, in the normalised text of speech."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from .base import CallCentreRecognizer

from .context import CARD_DATA_CONTEXT, has_context

# Issuer prefixes (IIN ranges) and lengths: Visa, Mastercard (51-55 and the 2-series
# 2221-2720), Amex, Discover, JCB, Diners, UnionPay, Maestro.
BRANDS = (
    ("VISA", re.compile(r"^4"), (13, 16, 19)),
    ("MASTERCARD", re.compile(r"^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)"), (16,)),
    ("AMEX", re.compile(r"^3[47]"), (15,)),
    ("DISCOVER", re.compile(r"^(?:6011|65|64[4-9])"), (16, 19)),
    ("JCB", re.compile(r"^35(?:2[89]|[3-8]\d)"), (16, 19)),
    ("DINERS", re.compile(r"^(?:30[0-5]|36|38|39)"), (14, 16, 19)),
    ("UNIONPAY", re.compile(r"^62"), (16, 17, 18, 19)),
    ("MAESTRO", re.compile(r"^(?:50|5[6-9]|6\d)"), tuple(range(12, 20))),
)
DIGIT_RUN = re.compile(r"(?<!\d)\d{12,}(?!\d)")


def luhn_valid(number: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes.

    >>> luhn_valid("4532015112830366"), luhn_valid("4532015112830367")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_brand(number: str) -> str | None:
    for name, prefix, lengths in BRANDS:
        if prefix.match(number) and len(number) in lengths:
            return name
    return None


class PaymentCardRecognizer(CallCentreRecognizer):
    """Card numbers in runs of digits: a Luhn-valid number with a known brand prefix anywhere
    in a run (a customer may say the card and the security code in one breath), or a 12-19
    digit run right after card-number context even when Luhn fails (ASR dropped or misheard a
    digit: the number is still card data)."""

    ENTITY = "CREDIT_CARD"
    SCORE_BRAND = 1.0
    SCORE_LUHN_ONLY = 0.6
    SCORE_CONTEXT_ONLY = 0.5

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        for m in DIGIT_RUN.finditer(text):
            found = self._find_in_run(m.group())
            if found:
                offset, length, score, why = found
                start = m.start() + offset
                results.append(self.result(start, start + length, score, why))
            elif len(m.group()) <= 19 and has_context(text, m.start(), CARD_DATA_CONTEXT["CREDIT_CARD"]):
                results.append(self.result(m.start(), m.end(), self.SCORE_CONTEXT_ONLY, "card-number context; Luhn check failed (likely an ASR error)"))
        return results

    def _find_in_run(self, run: str) -> tuple[int, int, float, str] | None:
        """A run of 12-19 digits is a card only as a whole. A longer run is a card said together
        with more digits (the expiry or the security code, before or after it): try its prefixes
        and suffixes. Windows in the middle of a run would find a Luhn-valid number by chance
        one time in ten."""
        if len(run) <= 19:
            candidates = [(0, len(run))]
        else:
            candidates = [(0, n) for n in range(19, 12, -1)] + [(len(run) - n, n) for n in range(19, 12, -1)]
        best = None
        for start, length in candidates:
            number = run[start : start + length]
            if length < 13 or not luhn_valid(number):
                continue
            brand = card_brand(number)
            score = self.SCORE_BRAND if brand else self.SCORE_LUHN_ONLY
            if best is None or score > best[2]:
                best = (start, length, score, f"Luhn-valid {brand or 'unbranded'} number, {length} digits")
        return best
