"""Bad recordings get a BadAudio that says what is wrong; good ones load at 16 kHz per channel."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SAMPLES
from transcription import BadAudio, discover_calls, load_channels
from transcription.windows import scan_call


def _write(path: Path, data: np.ndarray, rate: int = 16000) -> Path:
    sf.write(str(path), data, rate, subtype="PCM_16")
    return path


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"this is a text file, not a recording\n" * 20), "not a readable audio file"),
        (lambda p: p.write_bytes(b"RIFF\x24\x08\x00\x00WAVEfmt " + bytes(range(256)) * 4), "not a readable audio file"),
    ],
    ids=["empty", "text-named-wav", "corrupt-header"],
)
def test_unreadable_files_say_why(tmp_path: Path, make, reason: str):
    path = tmp_path / "call.wav"
    make(path)
    with pytest.raises(BadAudio, match=reason):
        load_channels(path)


def test_truncated_wav_is_rejected(tmp_path: Path):
    good = _write(tmp_path / "good.wav", np.zeros(16000, np.float32))
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(good.read_bytes()[:44])  # header only: no frames
    with pytest.raises(BadAudio, match="no audio frames|not a readable"):
        load_channels(truncated)


def _scan(path: Path):  # noqa: ANN202 - the call's channel scans
    [call], _ = discover_calls(path.parent)
    return scan_call(call)


def test_silent_recording_is_rejected_with_its_level(tmp_path: Path):
    path = _write(tmp_path / "silent.wav", np.zeros((16000 * 3, 2), np.float32))
    with pytest.raises(BadAudio, match=r"silent .*dBFS"):
        _scan(path)


def test_too_short_recording_is_rejected(tmp_path: Path):
    path = _write(tmp_path / "blip.wav", np.full(800, 0.5, np.float32))
    with pytest.raises(BadAudio, match="at least"):
        _scan(path)


def test_a_pair_of_unequal_legs_is_not_one_call(tmp_path: Path):
    _write(tmp_path / "call_agent.wav", np.full(16000 * 3, 0.1, np.float32))
    _write(tmp_path / "call_customer.wav", np.full(16000 * 9, 0.1, np.float32))
    with pytest.raises(BadAudio, match="differ in length by 6.0 s"):
        _scan(tmp_path / "call_agent.wav")


def test_telephone_audio_is_resampled_to_16k():
    channels = load_channels(SAMPLES / "auto_repairs_agent.wav")  # 8 kHz telephone leg
    assert len(channels) == 1
    assert abs(len(channels[0]) / 16000 - 245.38) < 0.01


def test_two_channel_flac_loads_both_channels():
    channels = load_channels(SAMPLES / "payment_northwind.flac")
    assert len(channels) == 2 and all(c.dtype == np.float32 for c in channels)


def _one_hertz_wav(path: Path, nbytes: int = 96_000) -> Path:
    """A small wav whose header says 1 sample a second: 48,000 samples, 13.3 hours (issue #20)."""
    import struct

    data = (np.random.default_rng(0).standard_normal(nbytes // 2) * 3000).astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 1, 2, 2, 16)
    path.write_bytes(header + b"data" + struct.pack("<I", len(data)) + data)
    return path


def test_a_header_claiming_hours_is_refused_before_anything_is_decoded(tmp_path: Path):
    import time

    from transcription import TranscriptionOptions, transcribe_call

    _one_hertz_wav(tmp_path / "hostile.wav")
    [call], _ = discover_calls(tmp_path)
    started = time.perf_counter()
    with pytest.raises(BadAudio, match="sample rate of 1 Hz"):
        transcribe_call(call, TranscriptionOptions())
    assert time.perf_counter() - started < 10  # it was minutes and a gigabyte


def test_calls_longer_than_the_configured_cap_are_refused(tmp_path: Path):
    from transcription import TranscriptionOptions, transcribe_call

    noise = (np.random.default_rng(1).standard_normal(8000 * 75) * 0.01).astype(np.float32)
    _write(tmp_path / "long.wav", noise, 8000)  # 75 s
    [call], _ = discover_calls(tmp_path)
    with pytest.raises(BadAudio, match=r"lasts 1.2 minutes; calls longer than 1 minutes are refused \(transcription.max_call_seconds"):
        transcribe_call(call, TranscriptionOptions(max_call_seconds=60))
    with pytest.raises(ValueError, match="max_call_seconds"):
        TranscriptionOptions(max_call_seconds=10**6)
