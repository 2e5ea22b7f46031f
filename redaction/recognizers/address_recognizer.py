"""ADDRESS: street addresses, written or spoken, without an NER model.

Three rules, in Presidio's recognizer style:

- a street line: a house number, up to four words and a street word ("14 Baker Street",
  "6750 Koskikatu Avenue Apt. 864"), with the unit, town, state and postcode that follow it;
- context: what follows "I live at", "my address is", "moved to", "send it to", "located at",
  "postcode is", or the other party asking for the address … up to the end
  of the sentence (at most 12 words), for addresses with no street word ("I live at 14
  Koskikatu, Helsinki");
- postcodes and units: UK postcodes ("SW1A 1AA"), US ZIP codes after a state or the words zip
  or postcode, and "Apt. 117", "Suite 464".

Numbers have already been normalised from words ("fourteen Baker Street" arrives as "14 Baker
Street"), so the spoken and the written forms meet the same patterns.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from .base import CallCentreRecognizer

STREET_WORDS = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|close|crescent|"
    "square|sq|parkway|pkwy|highway|hwy|circle|cir|trail|trl|row|walk|gardens|grove|hill|mews|park|plaza|view|"
    "alley|path|pike|route|loop|run|green|rise|wharf|quay|embankment|parade"
)
NAME_OR_NUMBER = r"(?:[A-Z][A-Za-z'.-]*|\d+[A-Za-z]?)"  # street names are capitalised in ASR output
UNIT = r"(?:,?\s*\n?\s*(?i:apt|apartment|suite|ste|unit|flat|floor|room|\#)\.?\s*[A-Za-z]?\d+[A-Za-z]?)"
ABBREVIATED = r"(?:st|ave|rd|ln|dr|blvd|ct|pl|sq|pkwy|hwy|cir|trl|apt)"
POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{5}(?:-\d{4})?)"
# what follows a street line: unit, town, region, state, postcode, country (capitalised words
# and postcodes, separated by commas or line breaks, up to six)
TAIL = rf"(?:,?[ \t]*\n?[ \t]*(?:{POSTCODE}\b|[A-Z][A-Za-z'-]+\b)){{0,6}}"
STREET = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+{NAME_OR_NUMBER}){{1,4}}?\s+(?i:(?:{ABBREVIATED})\.|(?:{STREET_WORDS})\b){UNIT}?{TAIL}"
)
UNIT_ALONE = re.compile(r"\b(?:Apt|Apartment|Suite|Unit|Flat)\.?\s*[A-Za-z]?\d+[A-Za-z]?\b")
CONTEXT = re.compile(
    r"(?:\b(?:I\s+live\s+at|I\s+live\s+in|I'm\s+at|my\s+(?:home\s+|new\s+|billing\s+|delivery\s+)?address\s+is|"
    r"the\s+(?:billing\s+|delivery\s+)?address\s+is|address\s+on\s+(?:the\s+|my\s+)?account\s+is|(?:we|I)\s+moved\s+to|"
    r"(?:post\s*code|zip\s*code|zip)\s+is|(?:send|sent|deliver|delivered|post|mail)\s+(?:it\s+|them\s+|this\s+)?to|(?:located|based)\s+at|"
    r"address:)|"
    # the answer to the other party's question (a context block ⟦…⟧ from redaction/streams.py);
    # a block with digits in it is giving an address, not asking for one
    r"⟦[^⟦⟧\d]*\b(?<!email\s)(?<!e-mail\s)(?:address|post\s*code|zip\s*code|where\s+do\s+you\s+live)\b[^⟦⟧\d]{0,40}⟧\s*"
    r"(?:(?:it's|it\s+is|that's|yes|yeah|sure|okay)[,.]?\s+)?)\s*",
    re.I,
)
SENTENCE_END = re.compile(r"[.?!]\s|[.?!]$|\n\n|[⟦⟧]")  # nor past the other party's words
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
US_ZIP = re.compile(r"(?:\b(?:zip(?:\s*code)?|post\s*code)\s*(?:is\s+)?|\b[A-Z]{2}\s+)(\d{5}(?:-\d{4})?)\b")
MAX_CONTEXT_WORDS = 12


class AddressRecognizer(CallCentreRecognizer):
    ENTITY = "ADDRESS"
    SCORE = 0.6

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = [self.result(m.start(), _trim(text, m.start(), m.end()), self.SCORE, "a street line") for m in STREET.finditer(text)]
        for m in CONTEXT.finditer(text):
            start = m.end()
            if STREET.match(text, start):
                continue  # a street line: the street rule knows where it ends
            stop = SENTENCE_END.search(text, start)
            end = stop.start() if stop else len(text)
            words = list(re.finditer(r"\S+", text[start:end]))[:MAX_CONTEXT_WORDS]
            if words and any(ch.isalnum() for ch in text[start : start + words[-1].end()]):
                results.append(self.result(start, _trim(text, start, start + words[-1].end()), self.SCORE, "after address context"))
        for m in UNIT_ALONE.finditer(text):
            results.append(self.result(m.start(), m.end(), 0.5, "an apartment or suite number"))
        for m in UK_POSTCODE.finditer(text):
            results.append(self.result(m.start(), m.end(), 0.5, "a UK postcode"))
        for m in US_ZIP.finditer(text):
            results.append(self.result(m.start(1), m.end(1), 0.5, "a ZIP code after a state or 'zip'"))
        return results


def _trim(text: str, start: int, end: int) -> int:
    """The end without trailing punctuation or spaces."""
    while end > start and text[end - 1] in " ,;:\n\t":
        end -= 1
    return end
