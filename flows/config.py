"""The data directory (one home for all state) and the config file in it."""

from __future__ import annotations

import os
import stat
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audit_store import Retention, User
from audit_store.files import FolderTooOpen, private_folder, write_private
from redaction import RedactionOptions
from transcription import TranscriptionOptions

DEFAULT_HOME = "~/.callaudit"
CONFIG_NAME = "config.yaml"


class ConfigError(Exception):
    """The config file is invalid; the message names the file, the key and a fix."""


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cron: str = "0 2 * * *"
    timezone: str | None = None


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranscriptionConfig(_Options):
    backend: str = "faster-whisper"
    model: str = "base"
    compute_type: str = "auto"
    beam_size: int = 5
    vad: bool = True
    language: str = "en"
    threads: int = 0
    workers: int = 0
    align_words: bool = True
    mono_speakers: bool = True
    window_seconds: int = 120
    batch_size: int = 0
    cpu_isa: str = "portable"
    vocabulary: list[str] = Field(default_factory=list)
    max_call_seconds: int = 14400


class RedactionConfig(_Options):
    min_unclaimed_digits: int = 6
    agent_min_unclaimed_digits: int = 12
    score_threshold: float = 0.35
    audio_padding: float = 0.15
    payment_window: bool = True
    max_payment_window: float = 60.0
    spacy_model: str | None = None
    allow_words: list[str] = Field(default_factory=list)
    verify: bool = True
    verify_model: str = "auto"
    verify_beam_size: int = 1
    verify_rounds: int = 3
    languages: list[str] = Field(default_factory=lambda: ["en"])


class BatchConfig(_Options):
    workers: int = Field(default=0, ge=0)  # calls processed at once; 0 = one per CPU core
    task_runner: Literal["local", "dask"] = "local"
    dask_address: str | None = None  # tcp://scheduler:8786; None with task_runner dask = a LocalCluster here
    retries: int = Field(default=3, ge=0, le=10)  # transient failures only (store busy, connection lost)
    retry_delay: float = Field(default=10.0, ge=0)  # seconds before the first retry; doubles each time
    # seconds Prefect's temporary API server may take to start (every `callaudit run` without
    # PREFECT_API_URL starts one; on a loaded 2-core machine Prefect's own 20 s was not enough)
    prefect_start_timeout: int = Field(default=180, ge=10, le=3600)

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


class OriginalsConfig(_Options):
    # delete: remove the original recording (and its sidecar) once its call is stored (default);
    # vault: move them to the vault folder in the data directory, deleted by `callaudit purge`
    # after vault_days; keep: leave them in the inbox (only when another system governs them).
    policy: Literal["delete", "vault", "keep"] = "delete"
    vault_days: int = Field(default=30, ge=1)


class RetentionConfig(_Options):
    redacted_audio_days: int = 90
    transcripts_days: int = 365
    scores_days: int = 730
    access_log_days: int = Field(default=365, ge=365)


class Config(BaseModel):
    """config.yaml in the data directory."""

    model_config = ConfigDict(extra="forbid")

    inbox: Path = Path("inbox")
    schedule: Schedule = Field(default_factory=Schedule)
    rubric: str = "core-contact-centre"
    default_agent_channel: int | None = Field(default=None, ge=0, le=1)  # None: not known; inferred, customer rules on both
    transcription: TranscriptionConfig = Field(default_factory=TranscriptionConfig)
    redaction: RedactionConfig = Field(default_factory=RedactionConfig)
    batch: BatchConfig = Field(default_factory=BatchConfig)
    originals: OriginalsConfig = Field(default_factory=OriginalsConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    users: dict[str, dict] = Field(default_factory=dict)

    @field_validator("users")
    @classmethod
    def _users(cls, v: dict[str, dict]) -> dict[str, dict]:
        for name, spec in v.items():
            User(name=name, **(spec or {}))
        return v

    def user(self, name: str) -> User | None:
        spec = self.users.get(name)
        return None if spec is None else User(name=name, **(spec or {}))

    def user_models(self) -> dict[str, User]:
        return {name: User(name=name, **(spec or {})) for name, spec in self.users.items()}

    def transcription_options(self, **overrides: object) -> TranscriptionOptions:
        values = {**self.transcription.model_dump(), **{k: v for k, v in overrides.items() if v is not None}}
        return TranscriptionOptions(**{f.name: values[f.name] for f in fields(TranscriptionOptions) if f.name in values})

    def redaction_options(self) -> RedactionOptions:
        return RedactionOptions(**self.redaction.model_dump())

    def retention_policy(self) -> Retention:
        return Retention(**self.retention.model_dump())


class Home:
    """The data directory: store, redacted audio, logs, Prefect's home and the config file.

    >>> home = Home.resolve()  # CALLAUDIT_HOME, else ~/.callaudit  # doctest: +SKIP
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.expanduser(str(root))).resolve()

    @classmethod
    def resolve(cls, home: str | Path | None = None) -> "Home":
        return cls(Path(home or os.environ.get("CALLAUDIT_HOME") or DEFAULT_HOME))

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def store_url(self) -> str:
        return os.environ.get("CALLAUDIT_STORE_URL") or f"sqlite:///{self.root / 'store.db'}"

    @property
    def audio_dir(self) -> Path:
        return self.root / "audio"

    @property
    def prefect_home(self) -> Path:
        return Path(os.environ["PREFECT_HOME"]) if os.environ.get("PREFECT_HOME") else self.root / "prefect"

    @property
    def vault_dir(self) -> Path:
        return self.root / "vault"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    def ensure(self) -> None:
        """Create the data directory (0700) and a default config on first use. An existing data
        directory that other accounts can use is refused, not changed: ConfigError says how to fix it."""
        try:
            private_folder(self.root, "data directory")
        except FolderTooOpen as e:
            raise ConfigError(f"{e} (it holds the store, redacted audio and the vault)") from None
        for d in (self.audio_dir, self.models_dir):  # inside the owner-only root (older versions made them 0755)
            d.mkdir(mode=0o700, exist_ok=True)
        if not self.config_path.exists():
            write_private(self.config_path, resources.files("flows").joinpath("default_config.yaml").read_text())

    def load_config(self) -> Config:
        self.ensure()
        _check_config_file(self.config_path)
        try:
            raw = yaml.safe_load(self.config_path.read_text()) or {}
            config = Config.model_validate(raw)
        except yaml.YAMLError as e:
            raise ConfigError(f"{self.config_path}: not valid YAML: {e}") from None
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
            raise ConfigError(f"{self.config_path}: {problems}. The documented defaults are in flows/default_config.yaml") from None
        if not config.inbox.is_absolute():
            config.inbox = (self.root / config.inbox).resolve()
        return config


def _check_config_file(path: Path) -> None:
    """The config maps OS accounts to callaudit users, so whoever can write it can be anyone:
    refuse one that another account could have written."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path} is not a regular file (a symbolic link?); the config must be the file itself")
    if st.st_mode & 0o022:
        raise ConfigError(f"{path} can be written by other accounts (mode {stat.S_IMODE(st.st_mode):04o}); it says who may act as whom: "
                          f"run `chmod go-w {path}`")  # fmt: skip
    if st.st_uid not in (os.geteuid(), 0):
        raise ConfigError(f"{path} belongs to another account (uid {st.st_uid}); the config must be yours or root's")
