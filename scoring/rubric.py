"""Rubrics: versioned QA data in YAML, loaded into pydantic models.

A rubric version is identified by the SHA-256 of its canonical content (the validated model as
sorted, compact JSON), so two files that mean the same thing have the same hash, and any change
that could alter a score changes it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import RubricError, RubricNotFound

Speaker = Literal["agent", "customer", "any"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhraseMethod(_Strict):
    """Yes when the speaker says one of the patterns (regexes, case-insensitive) in the window,
    matched ASR-tolerantly unless ``match: exact``; a near miss is uncertain (needs review)."""

    CALIBRATABLE: ClassVar[tuple[str, ...]] = ("within_first", "within_last")
    type: Literal["phrase"]
    speaker: Speaker = "agent"
    patterns: list[str] = Field(min_length=1)
    within_first: float | None = Field(default=None, gt=0, description="seconds from the start of the call")
    within_last: float | None = Field(default=None, gt=0, description="seconds before the last speech")
    min_matches: int = Field(default=1, ge=1)
    match: Literal["tolerant", "exact"] = Field(
        default="tolerant", description="tolerant: as ASR garbles words, one error in four (redaction/phrases.py); exact: the regex only"
    )


class ForbiddenPhraseMethod(_Strict):
    """Yes (compliant) when the speaker never says any of the patterns."""

    type: Literal["forbidden_phrase"]
    speaker: Speaker = "agent"
    patterns: list[str] = Field(min_length=1)
    match: Literal["tolerant", "exact"] = "tolerant"  # tolerant: a garbled forbidden phrase is "needs review"


class FindingMethod(_Strict):
    """Yes (compliant) when redaction reported none of these findings (e.g. PCI_READ_BACK)."""

    type: Literal["no_finding"]
    findings: list[str] = Field(min_length=1)


class OrderingMethod(_Strict):
    """Yes when ``first`` happens before ``then`` (e.g. identity verified before account details).
    If ``then`` never happens the answer is yes; if ``first`` never happens before it, no."""

    type: Literal["ordering"]
    first: PhraseMethod
    then: PhraseMethod


class SemanticMethod(_Strict):
    """Yes when the speaker says something that means what the exemplars mean, in the window,
    decided by contrast (scoring/evaluators/semantic.py): a sentence's value is its best cosine
    similarity to the exemplars minus its best to the ``contrasts`` (what it does not mean though
    it sounds close), or the similarity alone without contrasts. Said at ``threshold + margin``,
    not said below ``threshold - margin``, "needs review" in between. With ``forbidden: true``,
    yes when nothing said is that close (a wrong claim, a threat). Exemplars and contrasts are
    listed here or named from the rubric's ``knowledge_base``."""

    CALIBRATABLE: ClassVar[tuple[str, ...]] = ("threshold",)
    type: Literal["semantic"]
    speaker: Speaker = "agent"
    exemplars: list[str] | None = Field(default=None, min_length=1)
    exemplars_from: str | None = None
    contrasts: list[str] | None = Field(default=None, min_length=1)
    contrasts_from: str | None = None
    threshold: float = Field(default=0.6, gt=-1, lt=1)
    margin: float = Field(default=0.03, ge=0, lt=0.5, description="half the band around threshold in which the answer is 'needs review'")
    forbidden: bool = False
    within_first: float | None = Field(default=None, gt=0)
    within_last: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_source(self) -> "SemanticMethod":
        if (self.exemplars is None) == (self.exemplars_from is None):
            raise ValueError("give either exemplars: [...] or exemplars_from: <knowledge_base key>, not both or neither")
        if self.contrasts is not None and self.contrasts_from is not None:
            raise ValueError("give contrasts: [...] or contrasts_from: <knowledge_base key>, not both")
        return self


class SentimentMethod(_Strict):
    """Tone from VADER sentiment (-1..1): ``agent_mean`` (all agent turns), ``customer_end``
    (the customer's last turns), ``customer_change`` (their last turns minus their first).
    Yes when the value is at least ``threshold``."""

    CALIBRATABLE: ClassVar[tuple[str, ...]] = ("threshold",)
    type: Literal["sentiment"]
    metric: Literal["agent_mean", "customer_end", "customer_change"]
    threshold: float = Field(default=0.0, ge=-1, le=1)
    turns: int = Field(default=3, ge=1, description="turns at the start/end compared")


class TimingMethod(_Strict):
    """Conversation timing: ``interruptions`` (agent starts while the customer speaks, overlap of
    at least ``min_overlap`` s; count), ``longest_silence`` (s), ``talk_ratio`` (agent share of
    speech, 0..1), ``speech_rate`` (agent words per minute). Yes when within [min, max]."""

    CALIBRATABLE: ClassVar[tuple[str, ...]] = ("min", "max")
    type: Literal["timing"]
    metric: Literal["interruptions", "longest_silence", "talk_ratio", "speech_rate"]
    min: float | None = None
    max: float | None = None
    min_overlap: float = Field(default=0.5, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> "TimingMethod":
        if self.min is None and self.max is None:
            raise ValueError("give min:, max: or both, e.g. {metric: longest_silence, max: 30}")
        return self


Method = Annotated[
    Union[PhraseMethod, ForbiddenPhraseMethod, FindingMethod, OrderingMethod, SemanticMethod, SentimentMethod, TimingMethod],
    Field(discriminator="type"),
]


class NoEntities(_Strict):
    """N/A when the call holds none of these redacted entity types (e.g. no card data: no payment)."""

    no_entities: list[str] = Field(min_length=1)


class NoPhrase(_Strict):
    """N/A when nobody says any of these patterns (e.g. no hold: hold etiquette is N/A)."""

    no_phrase: PhraseMethod


class Criterion(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    question: str
    weight: float = Field(default=1.0, gt=0)
    critical: bool = False
    scale: dict[str, float] = Field(default_factory=lambda: {"yes": 1.0, "no": 0.0})
    method: Method
    na_when: Union[NoEntities, NoPhrase, None] = None
    target_kappa: float = Field(default=0.7, ge=-1, le=1)
    needs_review: bool = False  # set by calibration when agreement is below target

    @model_validator(mode="after")
    def _check_scale(self) -> "Criterion":
        if not 2 <= len(self.scale) <= 5:
            raise ValueError("scale needs 2 to 5 answers, e.g. {yes: 1, no: 0}")
        if "yes" not in self.scale or "no" not in self.scale:
            raise ValueError("scale needs at least the answers 'yes' and 'no' (the evaluators answer those), e.g. {yes: 1, partly: 0.5, no: 0}")
        return self

    @property
    def max_points(self) -> float:
        return self.weight

    def points_for(self, answer: str) -> float:
        return round(self.weight * self.scale[answer] / max(self.scale.values()), 4)


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    weight: float = Field(gt=0)
    criteria: list[Criterion] = Field(min_length=1)


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: int = Field(ge=1)
    title: str
    description: str = ""
    auto_fail_scope: Literal["call", "section"] = "call"
    pass_mark: float = Field(default=80, ge=0, le=100)
    knowledge_base: dict[str, list[str]] = Field(default_factory=dict, description="named exemplar lists, e.g. incorrect claims")
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1, description="languages its phrases and exemplars are in; a call in another is 'needs human review'")
    vocabulary: list[str] = Field(default_factory=list, description="names the decoder should expect: the company in the greeting, product names")
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Rubric":
        seen: set[str] = set()
        for section in self.sections:
            for c in section.criteria:
                if c.id in seen:
                    raise ValueError(f"criterion id {c.id!r} is used twice; every criterion id must be unique")
                seen.add(c.id)
                for field_name in ("exemplars_from", "contrasts_from"):
                    key = getattr(c.method, field_name, None)
                    if key is not None and key not in self.knowledge_base:
                        raise ValueError(f"criterion {c.id!r} names {field_name}: {key!r}, which is not in knowledge_base ({', '.join(self.knowledge_base) or 'empty'})")
        return self

    @cached_property
    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def criteria(self) -> list[tuple[Section, Criterion]]:
        return [(s, c) for s in self.sections for c in s.criteria]


EXAMPLE = """\
id: core-contact-centre
version: 1
title: Core contact-centre QA
sections:
  - id: policy
    title: Policy adherence
    weight: 40
    criteria:
      - id: greeting
        question: Did the agent greet the customer?
        weight: 1
        method:
          type: phrase
          speaker: agent
          within_first: 15
          patterns: ["thank(s| you) for calling"]
"""


def load_rubric(path: Path) -> Rubric:
    """Load and validate a rubric file; errors say where and how to fix it.

    >>> load_rubric(Path("rubrics/core_contact_centre.yaml")).id  # doctest: +SKIP
    'core-contact-centre'
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise RubricError(f"{path}: cannot read the rubric ({e.strerror})") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RubricError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', e)}") from None
    if not isinstance(raw, dict):
        raise RubricError(f"{path}: a rubric is a YAML mapping; a correct rubric looks like:\n{EXAMPLE}")
    try:
        return Rubric.model_validate(raw)
    except ValidationError as e:
        lines = [f"{path}: {len(e.errors())} problem(s) in the rubric:"]
        for err in e.errors():
            loc = _yaml_path(raw, err["loc"])
            lines.append(f"  - at {loc}: {err['msg']}")
        lines.append("A correct rubric looks like:\n" + EXAMPLE)
        raise RubricError("\n".join(lines)) from None


def _yaml_path(raw: object, loc: tuple) -> str:
    """Render a pydantic location as a path in the YAML, naming items by their id."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            item = node[key]
            label = f"[{key}]" + (f" (id {item['id']})" if isinstance(item, dict) and "id" in item else "")
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            node = item
        elif isinstance(node, dict) and key in node:
            parts.append(str(key))
            node = node[key]
        elif isinstance(key, str) and key in {"phrase", "forbidden_phrase", "no_finding", "ordering", "semantic", "sentiment", "timing", "NoEntities", "NoPhrase"}:
            continue  # a union member's tag, not a key of the YAML
        else:
            parts.append(str(key))
            node = None
    return ".".join(parts) or "(top level)"


def rubric_dirs(home: Path | None = None) -> list[Path]:
    """Where rubrics are found: the user's (under the data directory) first, then the shipped ones."""
    dirs = [home / "rubrics"] if home else []
    dirs.append(Path(str(resources.files("rubrics"))))
    return [d for d in dirs if d.is_dir()]


def find_rubric(rubric_id: str, home: Path | None = None, version: int | None = None) -> Rubric:
    """The rubric with this id (the highest version unless ``version`` is given)."""
    found: list[Rubric] = []
    for directory in rubric_dirs(home):
        for path in sorted(directory.glob("*.y*ml")):
            rubric = load_rubric(path)
            if rubric.id == rubric_id and (version is None or rubric.version == version):
                found.append(rubric)
    if not found:
        available = sorted({load_rubric(p).id for d in rubric_dirs(home) for p in d.glob("*.y*ml")})
        raise RubricNotFound(f"no rubric {rubric_id!r}{f' version {version}' if version else ''}; installed: {', '.join(available) or 'none'}")
    return max(found, key=lambda r: r.version)
