"""One loader for the two halves of the phrasing banks (dev.py, heldout.py): the same structure,
checked once, as a frozen Bank; a split only ever sees its own module."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from .types import SPLITS

REQUEST_TYPES = ("card", "expiry", "cvv", "dob", "phone", "email", "address", "name", "postcode")
ANSWER_TYPES = REQUEST_TYPES
SEMANTIC_CRITERIA = {
    "core-contact-centre": ("no_incorrect_claims", "no_instant_refund_promise", "courtesy", "empathy", "customer_left_satisfied"),
    "collections": ("no_threats_or_false_statements", "arrangement_confirmed", "respectful_language", "calm_tone"),
}
MIN_PHRASINGS = 10  # per request type, answer type and semantic criterion side, per split
FIELDS = (
    "VOICES",
    "VARIANTS",
    "COMPANIES",
    "AGENT_NAMES",
    "AGENT_IDS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "STREETS",
    "EMAIL_DOMAINS",
    "UK_POSTCODE_AREAS",
    "US_ZIP_PREFIXES",
    "REQUESTS",
    "ANSWERS",
    "BACKCHANNELS",
    "HOMOPHONES",
    "LINES",
    "REASONS",
    "CRITERIA",
    "CUSTOMER_RUDE",
)


class BankError(ValueError):
    """A phrasing bank is missing a field or a category, or has too few phrasings."""


@dataclass(frozen=True)
class Bank:
    """One split's phrasings, names and voices (see dev.py for what each holds)."""

    split: str
    voices: tuple[str, ...]
    variants: tuple[str, ...]
    companies: dict[str, tuple[str, ...]]
    agent_names: tuple[str, ...]
    agent_ids: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    email_domains: tuple[tuple[str, str], ...]
    uk_postcode_areas: tuple[str, ...]
    us_zip_prefixes: tuple[str, ...]
    requests: dict[str, tuple[str, ...]]
    answers: dict[str, tuple[str, ...]]
    backchannels: tuple[str, ...]
    homophones: tuple[tuple[str, str], ...]
    lines: dict[str, tuple[str, ...]]
    reasons: dict[str, tuple[str, ...]]
    criteria: dict[str, dict[str, tuple[str, ...]]]
    customer_rude: tuple[str, ...]

    def all_voices(self) -> tuple[str, ...]:
        """Every base+variant voice of the split, e.g. "en-us+f3"."""
        return tuple(f"{v}+{variant}" for v in self.voices for variant in self.variants)


def _module(split: str) -> ModuleType:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    return importlib.import_module(f"{__package__}.{'dev' if split == 'dev' else 'heldout'}")


@lru_cache(maxsize=2)
def get_bank(split: str) -> Bank:
    """The bank of ``split`` ("dev" or "heldout"), checked: every field, the same categories in
    both halves, at least MIN_PHRASINGS per request, answer and semantic-criterion side."""
    module = _module(split)
    missing = [f for f in FIELDS if not hasattr(module, f)]
    if missing:
        raise BankError(f"{module.__name__} lacks {missing}: give it the same fields as dev.py")
    bank = Bank(split, *(getattr(module, f) for f in FIELDS))
    short = [f"request {k}" for k in REQUEST_TYPES if len(bank.requests.get(k, ())) < MIN_PHRASINGS]
    short += [f"answer {k}" for k in ANSWER_TYPES if len(bank.answers.get(k, ())) < MIN_PHRASINGS]
    for criteria in SEMANTIC_CRITERIA.values():
        for c in criteria:
            short += [
                f"criterion {c} {side}" for side in ("yes", "no") if len(bank.criteria.get(c, {}).get(side, ())) < MIN_PHRASINGS
            ]
    if short:
        raise BankError(f"{module.__name__}: fewer than {MIN_PHRASINGS} phrasings for {', '.join(short)}")
    if split == "heldout":
        dev = get_bank("dev")
        for name in ("requests", "answers", "lines", "reasons", "criteria", "companies"):
            if set(getattr(dev, name)) != set(getattr(bank, name)):
                diff = set(getattr(dev, name)) ^ set(getattr(bank, name))
                raise BankError(f"{module.__name__}.{name.upper()} and dev's differ in categories {sorted(diff)}")
    return bank
