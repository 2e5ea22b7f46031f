"""Finding calls in an inbox folder and reading their metadata sidecars.

An inbox holds, per call, either
- one recording with both parties (two channels; which channel is the agent comes from the
  metadata, default channel 0), or a mono recording (both parties on one channel), or
- a pair of one-file-per-party recordings, ``NAME_agent.EXT`` with ``NAME_customer.EXT``
  (or ``NAME_caller.EXT``),
plus an optional JSON sidecar ``NAME.json`` with the call's metadata. A call is identified
by the SHA-256 of its audio content, so a rerun over the same inbox processes nothing twice.

Only regular files that are the inbox's own are calls: a symbolic link, a file with other hard
links, or a sidecar too large or too deeply nested is rejected with its reason (the flow
quarantines it), and nothing about one file can stop the others being found. A call id, from the
sidecar or the file name, is checked against one rule (``CALL_ID_PATTERN``): it names folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .audio import AUDIO_EXTENSIONS
from .errors import BadMetadata
from .ids import CALL_ID_PATTERN, CALL_ID_RULE, IDENTIFIER_PATTERN, is_valid_call_id
from .types import AGENT, CUSTOMER

AGENT_SUFFIXES = ("_agent",)
CUSTOMER_SUFFIXES = ("_customer", "_caller")
IGNORED_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.txt"}
MAX_SIDECAR_BYTES = 64 * 1024  # a sidecar is a few hundred bytes; anything this big is not one
MAX_SIDECAR_DEPTH = 4  # nesting of [ and {; a sidecar is one flat object (depth 1)


class CallMetadata(BaseModel):
    """The sidecar ``NAME.json``; every field is optional.

    Known values (customer name, account number, phone) are used by redaction to find those
    values wherever they are spoken; they are never stored.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    call_id: str | None = Field(default=None, pattern=CALL_ID_PATTERN)
    agent_id: str | None = Field(default=None, pattern=IDENTIFIER_PATTERN)
    team: str | None = Field(default=None, pattern=IDENTIFIER_PATTERN)
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

    def without_known_values(self) -> CallMetadata:
        """The metadata a call carries between processes: everything but the customer's values
        (they are read again from the sidecar where the call is processed, ``load_known_values``)."""
        return self.model_copy(update={"customer_name": None, "account_number": None, "customer_phone": None})


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
    agent_channel: int | None = 0  # for a two-channel file: which channel carries the agent; None = not known (inferred)
    metadata_path: Path | None = None  # the sidecar, if the call has one
    metadata_sha256: str | None = None  # the sidecar's SHA-256 when it was read

    @property
    def name(self) -> str:
        return self.sources[0].path.name if len(self.sources) == 1 else _pair_stem(self.sources[0].path)


@dataclass(frozen=True)
class Rejected:
    """An inbox file that is not a usable call, with the reason (quarantined by the flow)."""

    path: Path
    reason: str
    sha256: str


def discover_calls(
    inbox: Path, default_agent_channel: int | None = None, *, refuse_hard_links: bool = True
) -> tuple[list[Call], list[Rejected]]:
    """List the calls in an inbox folder, and the files that cannot be calls.

    ``default_agent_channel``: the agent's channel in a two-channel recording whose sidecar does
    not say; None (the default) leaves it unknown: both channels are then redacted as the
    customer's and the roles inferred. ``refuse_hard_links``: reject a recording that has other
    hard links (deleting it from the inbox would not delete the recording).

    >>> calls, rejected = discover_calls(Path("samples"))  # doctest: +SKIP
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} is not a folder; pass --inbox DIR or set inbox: in the config")
    rejected: list[Rejected] = []
    files: list[Path] = []
    for p in sorted(inbox.iterdir()):
        if p.name.startswith("."):
            continue
        try:
            problem = _not_the_inboxs_own(p, refuse_hard_links)
        except OSError as e:
            problem = f"{_shown(p)}: could not be examined ({type(e).__name__}); check its permissions"
        if problem == "skip":
            continue
        if problem:
            rejected.append(Rejected(p, problem, _name_digest(p)))
        else:
            files.append(p)
    audio = [p for p in files if p.suffix.lower() in AUDIO_EXTENSIONS]
    sidecars = {p.stem: p for p in files if p.suffix.lower() == ".json"}
    sidecars.update({r.path.stem: r.path for r in rejected if r.path.suffix.lower() == ".json"})  # a call whose sidecar is refused is refused too
    for p in files:
        if p.suffix.lower() not in AUDIO_EXTENSIONS and p.suffix.lower() != ".json" and p.name.lower() not in IGNORED_NAMES:
            rejected.append(_rejected(p, f"not an audio file (extension '{p.suffix or 'none'}'); supported: {', '.join(AUDIO_EXTENSIONS)}"))

    calls: list[Call] = []
    paired: set[Path] = set()
    for agent_path in (p for p in audio if _role_of(p) == AGENT):
        stem = _pair_stem(agent_path)
        partner = next((p for p in audio if _role_of(p) == CUSTOMER and _pair_stem(p) == stem), None)
        if partner is None:
            continue
        paired.update({agent_path, partner})
        try:
            meta, meta_sha = _read_metadata(sidecars.get(stem))
            call_id = _call_id(meta, stem, sidecars.get(stem))
            digest = sha256_files([agent_path, partner])
        except Exception as e:  # noqa: BLE001 - one file never stops the others being found
            rejected.append(_rejected(agent_path, _reason(agent_path, e), [agent_path, partner]))
            continue
        sources = (AudioSource(agent_path, AGENT), AudioSource(partner, CUSTOMER))
        calls.append(Call(call_id, sources, meta.without_known_values(), digest, metadata_path=sidecars.get(stem), metadata_sha256=meta_sha))

    for path in (p for p in audio if p not in paired):
        try:
            meta, meta_sha = _read_metadata(sidecars.get(path.stem))
            call_id = _call_id(meta, path.stem, sidecars.get(path.stem))
            digest = sha256_file(path)
        except Exception as e:  # noqa: BLE001 - one file never stops the others being found
            rejected.append(_rejected(path, _reason(path, e)))
            continue
        agent_channel = meta.agent_channel if "agent_channel" in meta.model_fields_set else default_agent_channel
        calls.append(Call(call_id, (AudioSource(path),), meta.without_known_values(), digest, agent_channel, sidecars.get(path.stem), meta_sha))
    calls, duplicates = _one_recording_per_call_id(calls)
    return calls, rejected + duplicates


def load_known_values(call: Call) -> dict[str, str]:
    """The customer's known values (name, account, phone) from the call's sidecar, read where the
    call is processed: they never travel with the call to another process or into a task's
    parameters. Raises BadMetadata if the sidecar changed since the call was found."""
    if call.metadata_path is None:
        return {}
    meta, digest = _read_metadata(call.metadata_path)
    if call.metadata_sha256 is not None and digest != call.metadata_sha256:
        raise BadMetadata(f"{call.metadata_path.name}: the sidecar changed after the batch found it; the next run reads it again")
    return meta.known_values()


def _not_the_inboxs_own(p: Path, refuse_hard_links: bool) -> str | None:
    """Why the entry ``p`` of the inbox is not a file callaudit may process (its reason), "skip"
    for entries that are not files at all (folders, pipes), or None."""
    st = p.lstat()
    if stat.S_ISLNK(st.st_mode):
        return (f"{_shown(p)}: a symbolic link; callaudit processes only the recordings themselves (deleting a link would "
                "leave the recording it points to): copy or move the file into the inbox")  # fmt: skip
    if not stat.S_ISREG(st.st_mode):
        return "skip"
    if refuse_hard_links and st.st_nlink > 1:
        return (f"{_shown(p)}: the file has {st.st_nlink} hard links, so deleting it from the inbox would leave the recording "
                "at the others: copy it into the inbox (or set originals.policy: keep)")  # fmt: skip
    return None


def _call_id(meta: CallMetadata, stem: str, sidecar: Path | None) -> str:
    if meta.call_id:
        return meta.call_id
    if not is_valid_call_id(stem):
        shown = ascii(stem if len(stem) <= 40 else stem[:40] + "…")
        raise BadMetadata(f"the file name {shown} is not a valid call id ({CALL_ID_RULE}); "
                          "give the call a sidecar NAME.json with a call_id, or rename the file")  # fmt: skip
    return stem


def _one_recording_per_call_id(calls: list[Call]) -> tuple[list[Call], list[Rejected]]:
    """The first recording (in name order) with each call id; the others (different audio, the
    same id) rejected. Copies of one recording stay: the store takes it once."""
    first: dict[str, Call] = {}
    kept, rejected = [], []
    for call in calls:
        owner = first.setdefault(call.call_id, call)
        if owner.audio_sha256 != call.audio_sha256:
            paths = [s.path for s in call.sources]
            rejected.append(Rejected(paths[0], f"{call.name}: call_id {call.call_id} is also the call_id of {owner.name}, another recording in "
                                     "this inbox; each recording needs its own call_id (set call_id in its sidecar)", sha256_files(paths)))  # fmt: skip
        else:
            kept.append(call)
    return kept, rejected


def _rejected(path: Path, reason: str, paths: list[Path] | None = None) -> Rejected:
    try:
        digest = sha256_files(paths or [path])
    except OSError:
        digest = _name_digest(path)
    return Rejected(path, reason, digest)


def _reason(path: Path, e: Exception) -> str:
    if isinstance(e, BadMetadata):
        return str(e)
    if isinstance(e, OSError):
        return f"{_shown(path)}: could not be read ({type(e).__name__}); check its permissions"
    return f"{_shown(path)}: could not be examined ({type(e).__name__})"


def _name_digest(path: Path) -> str:
    """What identifies a rejected entry that is not read (a link, an unreadable file): its name."""
    return hashlib.sha256(f"name:{path.name}".encode("utf-8", "backslashreplace")).hexdigest()


def _shown(path: Path) -> str:
    """A file name as it is safe to show (no control characters, bounded)."""
    name = path.name if len(path.name) <= 80 else path.name[:80] + "…"
    return name if name.isprintable() and name.isascii() else ascii(name)


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


def _read_metadata(path: Path | None) -> tuple[CallMetadata, str | None]:
    """The sidecar's metadata and SHA-256, checked: a regular file of at most MAX_SIDECAR_BYTES,
    JSON nested at most MAX_SIDECAR_DEPTH deep (Python's parser recurses: 100,000 brackets
    overflow it), with the fields CallMetadata allows."""
    if path is None:
        return CallMetadata(), None
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
            raise BadMetadata(f"{_shown(path)}: the sidecar is not a regular file (a symbolic link?); put the metadata file itself in the inbox")
        if st.st_size > MAX_SIDECAR_BYTES:
            raise BadMetadata(f"{_shown(path)}: the sidecar is {st.st_size} bytes; a sidecar is one small JSON object (at most {MAX_SIDECAR_BYTES} bytes)")
        with open(path, "rb", opener=_no_follow) as f:
            data = f.read(MAX_SIDECAR_BYTES + 1)
        digest = hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8")
        if _depth(text) > MAX_SIDECAR_DEPTH:
            raise BadMetadata(f"{_shown(path)}: the sidecar's JSON is nested more than {MAX_SIDECAR_DEPTH} deep; a sidecar is one flat object")
        raw = json.loads(text)
    except BadMetadata:
        raise
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BadMetadata(f"{_shown(path)}: metadata is not valid JSON ({e.__class__.__name__}); fix or remove the sidecar") from None
    if not isinstance(raw, dict):
        raise BadMetadata(f"{_shown(path)}: metadata must be one JSON object, e.g. {{\"call_id\": \"C-1001\"}}")
    try:
        return CallMetadata.model_validate(raw), digest
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or '(root)'}: {err['msg']}" for err in e.errors())
        raise BadMetadata(
            f"{_shown(path)}: metadata has wrong fields ({problems}); expected e.g. "
            '{"call_id": "C-1001", "agent_id": "a.khan", "team": "billing", '
            '"started_at": "2026-11-21T09:30:00Z", "agent_channel": 0}'
        ) from None


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def _depth(text: str) -> int:
    """How deeply JSON text nests arrays and objects (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


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
