"""BANK_ACCOUNT and ROUTING numbers, by context."""

from .context_number_recognizer import ContextRecognizer


class BankAccountRecognizer(ContextRecognizer):
    ENTITY = "BANK_ACCOUNT"
    PATTERNS = (("6-17 digits", r"(?<!\d)\d{6,17}(?!\d)", 0.75),)
    CONTEXT = r"account\s+(?:number|no)|\bacct\b|checking|savings|sort\s+code|bank\s+account"


class RoutingNumberRecognizer(ContextRecognizer):
    """ABA routing numbers: nine digits with the ABA checksum, after routing context."""

    ENTITY = "ROUTING"
    PATTERNS = (("9 digits", r"(?<!\d)\d{9}(?!\d)", 0.85),)
    CONTEXT = r"routing|\baba\b|transit\s+number"

    def validate_result(self, matched: str) -> bool:
        d = [int(c) for c in matched]
        return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0
