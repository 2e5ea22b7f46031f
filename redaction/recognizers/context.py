"""Context shared by the card-data recognizers: which question was asked last.

"3 digits" after "what is the security code?" is a CVV; after "and the expiry date?" it is an
expiry. Each card-data recognizer accepts a number only when its own context is the nearest
one before the number (within a window of text).
"""

from __future__ import annotations

import re

CONTEXT_WINDOW = 160  # characters before a number searched for context words

CARD_DATA_CONTEXT = {
    "CREDIT_CARD": re.compile(r"card\s+number|long\s+number|number\s+on\s+the\s+(?:front|card)|digits\s+(?:across|on)\s+the\s+front|"
                              r"(?:16|sixteen|15|fifteen)\s+digits|(?:credit|debit)\s+card|card\s+details|visa|mastercard|amex|american\s+express|discover", re.I),
    "CVV": re.compile(r"security\s+(?:code|number|digits)|\bcvv2?\b|\bcvc2?\b|\bcsc\b|verification\s+(?:code|number|value)|(?:three|four|3|4)[\s-]+digit|digits?\s+on\s+the\s+back|back\s+of\s+the\s+card", re.I),
    "CARD_EXPIRY": re.compile(r"expir\w*|\bexp\b|valid\s+(?:thru|through|until|till)|end\s+date|good\s+thru", re.I),
    "PIN": re.compile(r"\bpin\b|personal\s+identification\s+number|passcode", re.I),
}  # fmt: skip


_NUMBER = re.compile(r"\d{2,}")


def nearest_context(text: str, start: int, window: int = CONTEXT_WINDOW) -> str | None:
    """The card-data entity type whose context words stand nearest before ``start``, if no
    other number stands between them: a question is answered by the first number after it.

    >>> nearest_context("what is the expiry? 0827", 20)
    'CARD_EXPIRY'
    >>> nearest_context("the security code is 737. The payment of 100", 42) is None
    True
    """
    before = text[max(0, start - window) : start]
    best: tuple[int, str] | None = None
    for entity, pattern in CARD_DATA_CONTEXT.items():
        for m in pattern.finditer(before):
            if best is None or m.end() > best[0]:
                best = (m.end(), entity)
    if best is None or _NUMBER.search(before, best[0]):
        return None
    return best[1]


def has_context(text: str, start: int, pattern: re.Pattern[str], window: int = CONTEXT_WINDOW) -> bool:
    return pattern.search(text[max(0, start - window) : start]) is not None
