"""Which language each channel speaks: configured, assumed (an English-only model), or detected.

With a multilingual model (Whisper base) and ``transcription.language: auto`` (or a list of the
allowed languages, "en,es"), each channel's language is detected from its first window of speech
and the channel is decoded in it; the transcript records, per channel, the language, the
probability the model gave it, and how it was decided. Redaction and scoring read it: a call in a
language they do not handle is redacted fail-closed and scored "needs human review".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Whisper's language codes (faster_whisper.tokenizer._LANGUAGE_CODES), kept here so that checking
# a config does not import the engine.
LANGUAGE_CODES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr ht hu hy id is it ja jw "
    "ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv "
    "sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh yue".split()
)
NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish"}


@dataclass(frozen=True)
class ChannelLanguage:
    """The language one channel was decoded in."""

    channel: int
    speaker: str
    language: str  # a Whisper language code
    probability: float | None  # the model's, when detected
    how: str  # "detected", "configured", or "assumed (English-only model)"

    def describe(self) -> str:
        name = NAMES.get(self.language, self.language)
        return f"{name} ({self.language}, {self.how}{f', p={self.probability:.2f}' if self.probability is not None else ''})"

    def to_dict(self) -> dict:
        return asdict(self)


MULTILINGUAL_VOCABULARY = 51865  # tokens; the English-only models have one fewer (and no language tokens in use)


def is_multilingual(model_path: str) -> bool:
    """Whether a CTranslate2 Whisper model can detect languages: the multilingual models'
    vocabulary has 51,865 tokens or more, the English-only ones 51,864 (their config still lists
    language ids, so it cannot tell)."""
    from pathlib import Path

    vocabulary = Path(model_path) / "vocabulary.txt"
    if not vocabulary.exists():
        return not Path(model_path).name.endswith(".en")
    with open(vocabulary, "rb") as f:
        return sum(1 for _ in f) >= MULTILINGUAL_VOCABULARY
