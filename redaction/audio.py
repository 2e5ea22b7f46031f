"""Redacting the recording itself: every redacted time span is silenced on its channel.

The stored audio keeps the original sample rate, channel layout and format. A redacted file is
written next to its final name and renamed into place, so a crash never leaves a half-redacted
file under the final name; the partial file is removed on failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from transcription import Call

from .types import RedactedTranscript, RedactionOptions

FALLBACK_FORMAT = ("FLAC", "PCM_16", ".flac")  # for inputs libsndfile cannot write (m4a, opus)


def channel_layout(call: Call) -> list[tuple[int, int | None]]:
    """Global channel index → (source index, channel in that file; None = every channel of a leg)."""
    layout: list[tuple[int, int | None]] = []
    for i, source in enumerate(call.sources):
        if source.role is not None:
            layout.append((i, None))
        else:
            channels = sf.info(str(source.path)).channels
            layout.extend((i, c) for c in range(channels))
    return layout


def redact_audio(call: Call, redacted: RedactedTranscript, out_dir: Path, options: RedactionOptions | None = None) -> list[Path]:
    """Write the call's recordings, every redacted span silenced, into the folder ``out_dir``
    (created if needed); return the files written.

    >>> redact_audio(call, redacted, Path("~/.callaudit/audio/NW-0001/3f2a9c01b7de"))  # doctest: +SKIP
    [PosixPath('.../audio/NW-0001/3f2a9c01b7de/payment_northwind.flac')]
    """
    options = options or RedactionOptions()
    layout = channel_layout(call)
    spans: dict[tuple[int, int | None], list[tuple[float, float]]] = {}
    for e in redacted.entities:
        if e.channel < len(layout):
            spans.setdefault(layout[e.channel], []).append((e.start - options.audio_padding, e.end + options.audio_padding))
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i, source in enumerate(call.sources):
        data, rate, fmt, subtype, ext = _read(source.path)
        for (src, ch), ranges in spans.items():
            if src != i:
                continue
            cols = slice(None) if ch is None else slice(ch, ch + 1)
            for a, b in ranges:
                data[max(0, int(a * rate)) : max(0, int(b * rate)), cols] = 0
        final = target_dir / f"{source.path.stem}{ext}"
        partial = target_dir / f".{final.name}.partial"
        try:
            sf.write(str(partial), data, rate, format=fmt, subtype=subtype)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        written.append(final)
    return written


def _read(path: Path) -> tuple[np.ndarray, int, str, str, str]:
    try:
        info = sf.info(str(path))
        data, rate = sf.read(str(path), dtype="float64", always_2d=True)
        if sf.check_format(info.format, info.subtype):
            return data, rate, info.format, info.subtype, path.suffix.lower()
        return data, rate, *FALLBACK_FORMAT
    except sf.LibsndfileError:
        from transcription.audio import _decode_with_av

        data, rate = _decode_with_av(path)
        return data.astype(np.float64), rate, *FALLBACK_FORMAT
