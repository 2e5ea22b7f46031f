"""DATE_OF_BIRTH: spoken and written dates after birth context ('born on the 12th of March 1979')."""

from .card_expiry_recognizer import MONTHS
from .context_number_recognizer import ContextRecognizer

ORDINAL_WORDS = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
DAY = rf"(?:(?:\d0\s*)?{ORDINAL_WORDS}|\d{{1,2}}(?:st|nd|rd|th)?)"


class DateOfBirthRecognizer(ContextRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (
        ("day month year", rf"\b(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTHS},?\s+(?:\d{{4}}|\d{{2}})\b", 0.85),
        ("month day year", rf"\b{MONTHS}\s+(?:the\s+)?{DAY},?\s+(?:\d{{4}}|\d{{2}})\b", 0.85),
        ("digits", r"(?<!\d)\d{6}(?:\d{2})?(?!\d)", 0.6),
    )
    CONTEXT = r"date\s+of\s+birth|\bborn\b|birthday|\bdob\b|\bd\s*o\s*b\b|birth\s+date"
    WINDOW = 80
