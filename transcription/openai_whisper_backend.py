"""The openai-whisper backend (the reference implementation), on the same weights as faster-whisper.

The weights are converted from the CTranslate2 model once (``convert.checkpoint_for``) and
cached. openai-whisper runs float32 on CPU; it has no VAD, so with ``vad`` on, the speech is cut
out with faster-whisper's Silero VAD first, and the word times are mapped back to the call's
timeline. openai-whisper is installed without triton, which it only needs on GPUs
(``scripts/install``).
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from importlib import metadata

import numpy as np

from .errors import ModelNotAvailable
from .faster_whisper_backend import COMPRESSION_RATIO_THRESHOLD, TEMPERATURES, split_on_pauses
from .loops import token_budget
from .models import InstalledModel, resolve_model
from .numerics import PORTABLE, engines_loaded, pin_numerics
from .options import TranscriptionOptions
from .types import Segment, Word

SAMPLE_RATE = 16000


def _whisper():  # noqa: ANN202
    try:
        import whisper
    except ImportError:
        raise ModelNotAvailable(
            "the openai-whisper backend is not installed; run scripts/install (it installs openai-whisper without triton), "
            "or use backend: faster-whisper"
        ) from None
    return whisper


@lru_cache(maxsize=2)
def get_openai_model(model_path: str, name: str, cpu_isa: str = PORTABLE):  # -> whisper.model.Whisper
    """Convert (once, cached on disk) and load the model once per process, under the CPU
    kernels ``cpu_isa`` names (numerics.py)."""
    pin_numerics(cpu_isa)
    import torch

    torch.use_deterministic_algorithms(True)  # an op with no deterministic CPU kernel raises rather than varies
    engines_loaded()
    from .convert import checkpoint_for

    whisper = _whisper()
    checkpoint = checkpoint_for(InstalledModel(name=name, path=Path(model_path), source="converted"))
    model = whisper.load_model(str(checkpoint), device="cpu")
    config = Path(model_path) / "config.json"
    heads = json.loads(config.read_text()).get("alignment_heads") if config.exists() else None
    if heads:  # word timestamps use the model's own alignment heads (from its config.json)
        mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model


def engine_version(model: InstalledModel) -> str:
    return f"openai-whisper {metadata.version('openai-whisper')} (float32); model {model.name} ({model.source}, converted from CTranslate2)"


SAMPLE_LEN = 224  # openai-whisper's own limit per window (half the text context)

# openai-whisper is not safe to run twice at once on one model: each decoding installs forward
# hooks on the shared decoder (its key/value cache, and the cross-attention weights word
# timestamps read), so two calls transcribed at once corrupt each other's caches (seen: one
# channel came out as "Thank you, thank you..", the other raised a tensor size error). Calls
# running at once (the nightly batch's workers) take turns here, one lock per process (torch's
# thread count is per process too), and torch uses all the threads it is given.
_ONE_AT_A_TIME = threading.Lock()


def detect_language(audio: np.ndarray, options: TranscriptionOptions) -> tuple[str, float]:
    """The most probable language of the first 30 s of speech in ``audio``, among the allowed ones."""
    model_info = resolve_model(options.model)
    model = get_openai_model(str(model_info.path), model_info.name, options.cpu_isa)
    whisper = _whisper()
    speech, _ = _speech_only(audio) if options.vad else (audio, None)
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(speech.astype(np.float32)), model.dims.n_mels).to(model.device)
    with _ONE_AT_A_TIME:
        _, probs = model.detect_language(mel)
    allowed = options.allowed_languages
    candidates = {k: v for k, v in probs.items() if not allowed or k in allowed} or {allowed[0]: 0.0}  # type: ignore[index]
    language = max(candidates, key=candidates.__getitem__)
    return language, round(float(candidates[language]), 4)


def transcribe_channel(audio: np.ndarray, options: TranscriptionOptions, speaker: str, channel: int, language: str = "en") -> list[Segment]:
    """Transcribe one channel (16 kHz float32 mono) into segments with word timestamps; the
    tokens per window are capped as in the faster-whisper backend."""
    import torch

    model_info = resolve_model(options.model)
    model = get_openai_model(str(model_info.path), model_info.name, options.cpu_isa)
    speech, timeline = _speech_only(audio) if options.vad else (audio, None)
    if len(speech) == 0:
        return []
    with _ONE_AT_A_TIME:
        torch.set_num_threads(options.engine_threads)
        result = _whisper().transcribe(
            model,
            speech.astype(np.float32),
            language=language,
            beam_size=options.beam_size if options.beam_size > 1 else None,
            word_timestamps=True,
            condition_on_previous_text=False,  # as faster-whisper: one loop does not seed the next window
            compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
            temperature=TEMPERATURES,  # no sampling fallback: the same audio gives the same words
            initial_prompt=", ".join(options.vocabulary) or None,  # the names to expect (faster-whisper: hotwords)
            fp16=False,
            verbose=None,
            sample_len=token_budget(len(audio) / SAMPLE_RATE, SAMPLE_LEN),
        )
    segments: list[Segment] = []
    for piece in result["segments"]:
        words = tuple(
            Word(w["word"], *_times(timeline, float(w["start"]), float(w["end"])), round(float(w["probability"]), 4))
            for w in piece.get("words", [])
        )
        for part in split_on_pauses(words):
            segments.append(Segment(-1, speaker, channel, part[0].start, part[-1].end, "".join(w.text for w in part), part))
    return segments


def _speech_only(audio: np.ndarray):  # noqa: ANN202
    from faster_whisper.vad import SpeechTimestampsMap, VadOptions, collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions())
    if not chunks:
        return np.zeros(0, np.float32), None
    pieces, _ = collect_chunks(audio, chunks)
    return np.concatenate(pieces), SpeechTimestampsMap(chunks, SAMPLE_RATE, time_precision=3)


def _times(timeline, start: float, end: float) -> tuple[float, float]:  # noqa: ANN001
    if timeline is None:
        return round(start, 3), round(end, 3)
    return timeline.get_original_time(start), timeline.get_original_time(end, is_end=True)
