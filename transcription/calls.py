"""Finding calls in an inbox folder and reading their metadata sidecars.

An inbox holds, per call, either
- one recording with both parties (two channels; which channel is the agent comes from the
  metadata, default channel 0), or a mono recording (both parties on one channel), or
- a pair of one-file-per-party recordings, ``NAME_agent.EXT`` with ``NAME_customer.EXT``
  (or ``NAME_caller.EXT``),
plus an optional JSON sidecar ``NAME.json`` with the call's metadata. A call is identified
by the SHA-256 of its audio content, so a rerun over the same inbox processes nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .audio import AUDIO_EXTENSIONS
from .errors import BadMetadata
from .types import AGENT, CUSTOMER

AGENT_SUFFIXES = ("_agent",)
CUSTOMER_SUFFIXES = ("_customer", "_caller")
IGNORED_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.txt"}


class CallMetadata(BaseModel):
    """The sidecar ``NAME.json``; every field is optional.

    Known values (customer name, account number, phone) are used by redaction to find those
    values wherever they are spoken; they are never stored.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    call_id: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")
    agent_id: str | None = None
    team: str | None = None
    started_at: datetime | None = None
    agent_channel: int = Field(default=0, ge=0, le=1)
    customer_name: str | None = Field(default=None, repr=False)
    account_number: str | None = Field(default=None, repr=False)
    customer_phone: str | None = Field(default=None, repr=False)

    def known_values(self) -> dict[str, str]:
        """The customer's known personal values by entity type (for redaction only)."""
        pairs = {
            "PERSON": self.customer_name,
            "BANK_ACCOUNT": self.account_number,
            "PHONE_NUMBER": self.customer_phone,
        }
        return {k: v for k, v in pairs.items() if v}


@dataclass(frozen=True)
class AudioSource:
    """One recording file of a call; ``role`` is set for one-file-per-party legs."""

    path: Path
    role: str | None = None  # AGENT or CUSTOMER for a pair leg; None when the file holds both parties


@dataclass(frozen=True)
class Call:
    """A call to process: its recordings, metadata and content hash."""

    call_id: str
    sources: tuple[AudioSource, ...]
    metadata: CallMetadata = field(repr=False)
    audio_sha256: str
    agent_channel: int = 0  # for a two-channel file: which channel carries the agent
    metadata_path: Path | None = None  # the sidecar, if the call has one

    @property
    def name(self) -> str:
        return self.sources[0].path.name if len(self.sources) == 1 else _pair_stem(self.sources[0].path)


@dataclass(frozen=True)
class Rejected:
    """An inbox file that is not a usable call, with the reason (quarantined by the flow)."""

    path: Path
    reason: str
    sha256: str


def discover_calls(inbox: Path, default_agent_channel: int = 0) -> tuple[list[Call], list[Rejected]]:
    """List the calls in an inbox folder, and the files that cannot be calls.

    >>> calls, rejected = discover_calls(Path("samples"))  # doctest: +SKIP
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} is not a folder; pass --inbox DIR or set inbox: in the config")
    files = sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith("."))
    audio = [p for p in files if p.suffix.lower() in AUDIO_EXTENSIONS]
    sidecars = {p.stem: p for p in files if p.suffix.lower() == ".json"}
    rejected = [
        Rejected(p, f"not an audio file (extension '{p.suffix or 'none'}'); supported: {', '.join(AUDIO_EXTENSIONS)}", sha256_file(p))
        for p in files
        if p.suffix.lower() not in AUDIO_EXTENSIONS and p.suffix.lower() != ".json" and p.name.lower() not in IGNORED_NAMES
    ]

    calls: list[Call] = []
    paired: set[Path] = set()
    for agent_path in (p for p in audio if _role_of(p) == AGENT):
        stem = _pair_stem(agent_path)
        partner = next((p for p in audio if _role_of(p) == CUSTOMER and _pair_stem(p) == stem), None)
        if partner is None:
            continue
        paired.update({agent_path, partner})
        try:
            meta = _read_metadata(sidecars.get(stem))
        except BadMetadata as e:
            rejected.append(Rejected(agent_path, str(e), sha256_files([agent_path, partner])))
            continue
        sources = (AudioSource(agent_path, AGENT), AudioSource(partner, CUSTOMER))
        digest = sha256_files([agent_path, partner])
        calls.append(Call(meta.call_id or stem, sources, meta, digest, metadata_path=sidecars.get(stem)))

    for path in (p for p in audio if p not in paired):
        try:
            meta = _read_metadata(sidecars.get(path.stem))
        except BadMetadata as e:
            rejected.append(Rejected(path, str(e), sha256_file(path)))
            continue
        agent_channel = meta.agent_channel if "agent_channel" in meta.model_fields_set else default_agent_channel
        calls.append(Call(meta.call_id or path.stem, (AudioSource(path),), meta, sha256_file(path), agent_channel, sidecars.get(path.stem)))
    return calls, rejected


def _role_of(path: Path) -> str | None:
    stem = path.stem.lower()
    if stem.endswith(AGENT_SUFFIXES):
        return AGENT
    if stem.endswith(CUSTOMER_SUFFIXES):
        return CUSTOMER
    return None


def _pair_stem(path: Path) -> str:
    stem = path.stem
    for suffix in AGENT_SUFFIXES + CUSTOMER_SUFFIXES:
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _read_metadata(path: Path | None) -> CallMetadata:
    if path is None:
        return CallMetadata()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadMetadata(f"{path.name}: metadata is not valid JSON ({e.__class__.__name__}); fix or remove the sidecar") from e
    try:
        return CallMetadata.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or '(root)'}: {err['msg']}" for err in e.errors())
        raise BadMetadata(
            f"{path.name}: metadata has wrong fields ({problems}); expected e.g. "
            '{"call_id": "C-1001", "agent_id": "a.khan", "team": "billing", '
            '"started_at": "2026-11-21T09:30:00Z", "agent_channel": 0}'
        ) from None


def sha256_file(path: Path) -> str:
    return sha256_files([path])


def sha256_files(paths: list[Path]) -> str:
    """SHA-256 over the content of the files in order (the call's identity)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()
