"""PHONE_NUMBER said aloud: 7-11 digit runs after phone context ('my number is 415, 555, 0132')."""

from .context_number_recognizer import ContextRecognizer


class SpokenPhoneRecognizer(ContextRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = (("7-11 digits", r"(?<!\d)(?:\+?1)?\d{7,10}(?!\d)", 0.7),)
    CONTEXT = r"phone|mobile|cell|landline|\bnumber\b|call\s+(?:you|me)|reach\s+(?:you|me)|contact"
