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
