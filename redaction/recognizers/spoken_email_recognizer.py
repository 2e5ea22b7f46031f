"""EMAIL_ADDRESS as ASR writes a spoken one: the domain comes out written ("at outlook.com",
"at Hotmail, dot com") while the local part is garbled ("sarah dot schmidt" heard as "Sarah not
Schmidt"). Presidio's email pattern needs the whole address written. Here, an "at" followed by
a mail domain marks an email, and the words before it (up to three, back to a word such as
"it's" or "email") are its local part: fail-closed, since a misheard local part is still the
customer's name.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from ..normalize import TLDS
from .base import CallCentreRecognizer

DOT = r"(?:\s*\.\s*|,?\s+dot\s+)"
DOMAIN = re.compile(rf"\s+at\s+([A-Za-z0-9-]+(?:{DOT}[A-Za-z0-9-]+)*{DOT}{TLDS}\b(?:{DOT}[a-z]{{2}}\b)?)", re.I)
STOP = {
    "it's", "its", "it", "is", "email", "e-mail", "address", "my", "the", "yes", "yeah", "sure", "okay", "ok", "that's",
    "thats", "use", "to", "me", "at", "i", "we", "you", "he", "she", "they", "work", "works", "worked", "am", "are", "was",
    "were", "be", "on", "in", "for", "from", "with", "and", "or", "but", "so", "then", "just", "send", "sent", "reach",
}  # fmt: skip
MAX_LOCAL_WORDS = 3


class SpokenEmailRecognizer(CallCentreRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    SCORE = 0.6

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = []
        for m in DOMAIN.finditer(text):
            words = list(re.finditer(r"[^\s⟧]+", text[max(0, m.start() - 80) : m.start()]))
            offset = max(0, m.start() - 80)
            local = []
            for w in reversed(words):
                token = w.group().strip(",.").lower()
                if token in STOP or len(local) == MAX_LOCAL_WORDS or "⟦" in w.group():
                    break
                local.append(w)
            start = offset + local[-1].start() if local else m.start(1)
            results.append(self.result(start, m.end(1), self.SCORE, "an 'at' followed by a mail domain, with the words before it"))
        return results
