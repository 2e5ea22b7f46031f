"""Redacting the recording itself: every redacted time span is silenced on its channel.

The stored audio keeps the original sample rate, channel layout and format. A redacted file is
written next to its final name and renamed into place, so a crash never leaves a half-redacted
file under the final name; the partial file is removed on failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import soundfile as sf

from transcription import Call, read_audio_info
from transcription.audio import open_blocks

from .types import RedactedTranscript, RedactionOptions

FALLBACK_FORMAT = ("FLAC", "PCM_16", ".flac")  # for inputs libsndfile cannot write (m4a, opus)


def channel_layout(call: Call) -> list[tuple[int, int | None]]:
    """Global channel index → (source index, channel in that file; None = every channel of a leg)."""
    layout: list[tuple[int, int | None]] = []
    for i, source in enumerate(call.sources):
        if source.role is not None:
            layout.append((i, None))
        else:
            layout.extend((i, c) for c in range(read_audio_info(source.path).channels))
    return layout


def redact_audio(call: Call, redacted: RedactedTranscript, out_dir: Path, options: RedactionOptions | None = None) -> list[Path]:
    """Write the call's recordings, every redacted span silenced, into the folder ``out_dir``
    (created if needed); return the files written. Recordings are read and written in blocks,
    so a long call never sits in memory whole.

    >>> redact_audio(call, redacted, Path("~/.callaudit/audio/NW-0001/3f2a9c01b7de"))  # doctest: +SKIP
    [PosixPath('.../audio/NW-0001/3f2a9c01b7de/payment_northwind.flac')]
    """
    options = options or RedactionOptions()
    layout = channel_layout(call)
    spans: dict[int, list[tuple[slice, float, float]]] = {}  # source → (columns, start s, end s)
    for e in redacted.entities:
        if e.channel < len(layout):
            source, column = layout[e.channel]
            columns = slice(None) if column is None else slice(column, column + 1)
            spans.setdefault(source, []).append((columns, e.start - options.audio_padding, e.end + options.audio_padding))
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i, source in enumerate(call.sources):
        fmt, subtype, ext = _output_format(source.path)
        final = target_dir / f"{source.path.stem}{ext}"
        partial = target_dir / f".{final.name}.partial"
        rate, channels, blocks = open_blocks(source.path, dtype="float64")
        try:
            with sf.SoundFile(str(partial), "w", rate, channels, subtype, format=fmt) as out:
                position = 0  # frames written so far
                for block in blocks:
                    for columns, a, b in spans.get(i, []):
                        lo, hi = max(0, int(a * rate)) - position, max(0, int(b * rate)) - position
                        if hi > 0 and lo < len(block):
                            block[max(0, lo) : hi, columns] = 0
                    out.write(block)
                    position += len(block)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        written.append(final)
    return written


def _output_format(path: Path) -> tuple[str, str, str]:
    """(format, subtype, extension) to write a redacted copy in: the original's when libsndfile
    can write it, else FLAC."""
    try:
        info = sf.info(str(path))
    except sf.LibsndfileError:
        return FALLBACK_FORMAT
    if sf.check_format(info.format, info.subtype):
        return info.format, info.subtype, path.suffix.lower()
    return FALLBACK_FORMAT
