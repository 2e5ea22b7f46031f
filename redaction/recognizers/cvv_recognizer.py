"""CVV: the card security code (PCI DSS 3.3.1.2), 3 or 4 digits, by context only."""

from .context_number_recognizer import ContextRecognizer


class CvvRecognizer(ContextRecognizer):
    """'The security code is 737', or '4829' right after 'and the security code?'."""

    ENTITY = "CVV"
    PATTERNS = (("3-4 digits", r"(?<!\d)\d{3,4}(?!\d)", 0.85),)
    CARD_DATA = True
