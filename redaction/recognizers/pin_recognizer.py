"""PIN: a card or account PIN, 4-6 digits, by context."""

from .context_number_recognizer import ContextRecognizer


class PinRecognizer(ContextRecognizer):
    ENTITY = "PIN"
    PATTERNS = (("4-6 digits", r"(?<!\d)\d{4,6}(?!\d)", 0.85),)
    CARD_DATA = True
