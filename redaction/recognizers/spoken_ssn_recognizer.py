"""US_SSN said aloud: nine digits after social-security context (Presidio's own recognizer
covers the written 123-45-6789 form)."""

from .context_number_recognizer import ContextRecognizer


class SpokenSsnRecognizer(ContextRecognizer):
    ENTITY = "US_SSN"
    PATTERNS = (("9 digits", r"(?<!\d)\d{9}(?!\d)", 0.85),)
    CONTEXT = r"social\s+security|\bssn\b|\bsocial\b"

    def validate_result(self, matched: str) -> bool:
        area, group, serial = matched[:3], matched[3:5], matched[5:]
        return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"
