"""CARD_EXPIRY: a card's expiry date, by context ('it expires 08/27', 'valid thru August 27')."""

from .context_number_recognizer import ContextRecognizer

MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"


class CardExpiryRecognizer(ContextRecognizer):
    """MMYY / MYY / MMYYYY digit runs (after normalisation '08/27' and 'oh eight twenty seven'
    are '0827') or a month name and year, after expiry context."""

    ENTITY = "CARD_EXPIRY"
    PATTERNS = (
        ("month+year digits", r"(?<!\d)(?:0?[1-9]|1[0-2])(?:20)?\d\d(?!\d)", 0.85),
        ("month name+year", rf"\b{MONTHS}\s+(?:of\s+)?(?:20)?\d\d\b", 0.85),
    )
    CARD_DATA = True
