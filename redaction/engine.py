"""The Presidio analyzer, set up to work offline.

Presidio's default engine downloads en_core_web_lg when no spaCy model is installed, and
tldextract (used by its email and URL recognizers) fetches the public suffix list on first use.
Neither may happen here: with no model installed we run a blank spaCy pipeline (tokeniser
only: every pattern recognizer works, PERSON comes from context and metadata), and tldextract
uses its bundled snapshot.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache

# Must be set before tldextract is first imported (by Presidio's recognizers).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SPACY_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf")
PRESIDIO_BUILTINS = ("EmailRecognizer", "PhoneRecognizer", "UsSsnRecognizer", "IbanRecognizer")


def find_spacy_model(preferred: str | None = None) -> str | None:
    """The spaCy English model to use: ``preferred`` if installed (a package name, or a folder
    holding a saved pipeline), else the largest installed."""
    import importlib.util

    if preferred and os.path.isfile(os.path.join(preferred, "config.cfg")):
        return preferred
    for name in ([preferred] if preferred else []) + list(SPACY_MODELS):
        if name and importlib.util.find_spec(name) is not None:
            return name
    return None


@lru_cache(maxsize=2)
def get_analyzer(spacy_model: str | None = None):  # -> presidio_analyzer.AnalyzerEngine
    """The analyzer with the call-centre recognizers (cached once per process).

    >>> get_analyzer().analyze("card 4532015112830366", language="en")  # doctest: +SKIP
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from .recognizers import CALL_CENTRE_RECOGNIZERS

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model = find_spacy_model(spacy_model)
    if model is None and spacy_model:
        raise ValueError(
            f"spaCy model {spacy_model!r} is not installed; install it (see README, 'Better PERSON "
            f"recognition') or remove redaction.spacy_model from the config"
        )
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model or "blank:en"}])
    # Load ourselves: SpacyNlpEngine.load() would try to download a missing model.
    nlp_engine.nlp = {"en": spacy.load(model) if model else spacy.blank("en")}

    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=["en"])
    keep = set(PRESIDIO_BUILTINS) | ({"SpacyRecognizer"} if model else set())
    for recognizer in list(registry.recognizers):
        if recognizer.name not in keep:
            registry.remove_recognizer(recognizer.name)
    if model and not any(isinstance(r, SpacyRecognizer) for r in registry.recognizers):
        registry.add_recognizer(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
    for recognizer_class in CALL_CENTRE_RECOGNIZERS:
        registry.add_recognizer(recognizer_class())
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def nlp_description(spacy_model: str | None = None) -> str:
    model = find_spacy_model(spacy_model)
    return f"spaCy {model}" if model else "spaCy blank:en (no NER model installed; names by context, metadata and word lists)"
