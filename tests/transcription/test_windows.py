"""Long calls in bounded memory: recordings are read in blocks and heard in windows cut in pauses,
and what comes out is what hearing the call whole gives."""

from math import gcd
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from tests.conftest import SAMPLES
from transcription import TranscriptionOptions, discover_calls, transcribe_call
from transcription.audio import resampled_blocks
from transcription.metrics import word_error_rate
from transcription.windows import channel_windows, scan_call


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_block_resampling_equals_resampling_the_whole_recording(tmp_path: Path, rate: int):
    # real telephone speech, at several source rates, longer than one read block (30 s)
    speech, src = sf.read(str(SAMPLES / "auto_repairs_agent.wav"), dtype="float32")
    audio = resample_poly(speech[: src * 75], rate // gcd(rate, src), src // gcd(rate, src)).astype(np.float32)
    path = tmp_path / "leg.wav"
    sf.write(str(path), audio, rate, subtype="FLOAT")
    blocks = list(resampled_blocks(path))
    whole = resample_poly(audio, 16000 // gcd(rate, 16000), rate // gcd(rate, 16000)).astype(np.float32)
    assert len(blocks) > 2
    np.testing.assert_allclose(np.concatenate(blocks)[:, 0], whole, atol=1e-6)


def _long_call(folder: Path, minutes: float, mono: bool = False) -> Path:
    """A two-channel call of ``minutes``: the sample calls back to back (agent on channel 0);
    with ``mono``, both parties mixed into one channel."""
    pieces = []
    for name in ("payment_northwind", "contact_update"):
        data, rate = sf.read(str(SAMPLES / f"{name}.flac"), dtype="float32")
        agent_channel = 1 if name == "contact_update" else 0  # from its sidecar
        pieces.append(data if agent_channel == 0 else data[:, ::-1])
    audio = np.concatenate(pieces * int(minutes * 60 * rate // sum(len(p) for p in pieces) + 1))[: int(minutes * 60 * rate)]
    if mono:
        audio = audio.mean(axis=1)
    folder.mkdir(exist_ok=True)
    sf.write(str(folder / "long.flac"), audio, rate, subtype="PCM_16")
    return folder


def test_windows_cover_the_channel_and_are_cut_in_pauses(tmp_path: Path):
    [call], _ = discover_calls(_long_call(tmp_path / "inbox", 11))
    for scan in scan_call(call):
        windows = list(channel_windows(call, scan, 120))
        assert len(windows) >= 6
        assert all(len(audio) <= 120 * 16000 for _, audio in windows)
        assert [offset for offset, _ in windows] == np.cumsum([0] + [len(a) for _, a in windows[:-1]]).tolist()
        assert sum(len(a) for _, a in windows) == scan.samples
        speech = scan.speech
        for offset, _ in windows[1:]:
            frame = offset // 160
            assert not speech[frame - 2 : frame + 2].any(), f"window cut in speech at {offset / 16000:.2f} s"


@pytest.mark.slow
def test_a_call_heard_in_windows_says_what_its_parts_say_heard_alone(tmp_path: Path, synthetic_transcripts):
    """A 4-minute call made of sample calls back to back, heard in 1-minute windows: each part
    carries the words the sample call gives on its own, at the same times on the call's timeline."""
    [call], _ = discover_calls(_long_call(tmp_path / "inbox", 4))
    windowed = transcribe_call(call, TranscriptionOptions(window_seconds=60))
    assert windowed.duration == 240.0
    offset = 0.0
    for call_id in ("NW-20261121-0001", "NW-20261121-0002", "NW-20261121-0001"):  # the parts, in order
        alone = synthetic_transcripts[call_id]
        for speaker in ("agent", "customer"):
            heard = [w for s in alone.segments if s.speaker == speaker for w in s.words]
            part = [w for s in windowed.segments if s.speaker == speaker for w in s.words if offset <= w.start < offset + alone.duration]
            # tiny.en's wording shifts with what else is in its 30 s window ("law reference" or
            # "Laura Perez"): 14% between the two on one leg; words lost at cuts would add to it
            assert word_error_rate("".join(w.text for w in heard), "".join(w.text for w in part)) <= 0.2, (call_id, speaker)
            starts = [abs(w.start - offset - h.start) for w, h in zip(part, heard, strict=False)][:5]
            assert max(starts) < 0.3, (call_id, speaker, starts)  # on the call's timeline, not the window's
        offset += alone.duration


@pytest.mark.parametrize("mono", [False, True], ids=["two-channel", "mono"])
def test_windows_decoded_at_once_give_what_one_at_a_time_gives(tmp_path: Path, mono: bool):
    """faster-whisper decodes a call's windows side by side (both channels, the windows of a long
    call); the transcript (words, times, speakers: a mono call's turns are labelled from all its
    windows) is the same as decoding them one after another."""
    [call], _ = discover_calls(_long_call(tmp_path / "inbox", 3, mono=mono))
    # the fast model: how windows are scheduled does not depend on which model decodes them
    one_at_a_time = transcribe_call(call, TranscriptionOptions(model="tiny.en", window_seconds=60, threads=1, workers=1))
    side_by_side = transcribe_call(call, TranscriptionOptions(model="tiny.en", window_seconds=60, threads=1, workers=3))
    assert len(one_at_a_time.segments) > 20 and {s.speaker for s in one_at_a_time.segments} == {"agent", "customer"}
    assert side_by_side.segments == one_at_a_time.segments
