"""What a stored result was computed with: the CPU kernels, the libraries and the models.

Stored with every transcript (and so chained and exported), and shown by ``callaudit info``,
so an auditor can tell whether two results should agree, and why they might not.
"""

from __future__ import annotations

from importlib import metadata

from .models import model_digest, resolve_model
from .numerics import numerics_profile
from .options import TranscriptionOptions

ASR_LIBRARIES = ("faster-whisper", "ctranslate2", "onnxruntime", "numpy", "openai-whisper", "torch")


def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each distribution named ('absent' when not installed)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def asr_provenance(options: TranscriptionOptions) -> dict[str, object]:
    """The record of how a call was transcribed: profile, versions, model and its SHA-256."""
    model = resolve_model(options.model)
    libraries = ASR_LIBRARIES if options.backend == "openai-whisper" else ASR_LIBRARIES[:4]
    return {
        "numerics": numerics_profile(),
        "libraries": library_versions(libraries),
        "asr_model": {"name": model.name, "source": model.source, "sha256": model_digest(model)},
        "decoding": {k: v for k, v in options.as_dict().items() if k not in ("threads", "workers")},
    }
