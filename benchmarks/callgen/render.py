"""render(spec, out_dir): a script to audio, with the inbox sidecar and the gold file.

Writes CALL_ID.flac (two channels, agent on ``spec.agent_channel``, at the line's rate, 16-bit),
CALL_ID.json (the inbox sidecar) and CALL_ID.gold.json (what the call really contains: labels,
turns, values and decoys with their times, read-backs, voices, the line). The same spec always
gives the same bytes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from .audio import RATE, lay_out
from .labels import derive_timed_labels
from .telephone import add_noise, make_noise, pass_line
from .types import CallSpec, RenderedCall, Turn, Value

PCI_TYPES = ("CREDIT_CARD", "CVV")
LEVEL = 0.5  # espeak-ng's full scale, before the channel's gain: headroom for noise and codecs


def render(spec: CallSpec, out_dir: Path | str) -> RenderedCall:
    """Synthesise ``spec``, pass each channel through its line, write the three files.

    >>> from benchmarks.callgen import generate, render
    >>> call = render(generate("dev", 1)[0], "/tmp/calls")  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timeline = lay_out(spec)
    d = spec.degradation
    noise_rng = np.random.default_rng([spec.seed, 0 if spec.split == "dev" else 1])
    speech = timeline.agent + timeline.customer
    channels = []
    for channel in (0, 1):
        speaker = "agent" if channel == spec.agent_channel else "customer"
        track = (timeline.agent if speaker == "agent" else timeline.customer) * LEVEL * 10 ** (d.gain_db[channel] / 20)
        noise = make_noise(d.noise, len(track), noise_rng, speech) if d.noise != "none" else None
        snr = d.snr_db[channel]
        if noise is not None and snr is not None:
            track = add_noise(track, _active(timeline.turns, speaker, len(track)), snr, noise)
        channels.append(pass_line(track.astype(np.float32), RATE, d))
    audio = np.stack(channels, axis=1)
    spec_timed = dataclasses.replace(spec, turns=timeline.turns, values=timeline.values)
    labels, measured = derive_timed_labels(spec.rubric, spec.labels, list(timeline.turns))
    gold = gold_record(spec_timed, labels, measured, len(audio) / d.rate)
    paths = out / f"{spec.call_id}.flac", out / f"{spec.call_id}.json", out / f"{spec.call_id}.gold.json"
    sf.write(str(paths[0]), audio, d.rate, subtype="PCM_16", format="FLAC")
    paths[1].write_text(json.dumps(spec.metadata, indent=2) + "\n")
    paths[2].write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n")
    return RenderedCall(paths[0], paths[1], paths[2], spec_timed, gold, round(len(audio) / d.rate, 5))


def _active(turns: tuple[Turn, ...], speaker: str, n: int) -> np.ndarray:
    mask = np.zeros(n, bool)
    for t in turns:
        if t.speaker == speaker and t.start is not None and t.end is not None:
            mask[int(t.start * RATE) : int(t.end * RATE)] = True
    return mask


def _value(v: Value) -> dict[str, Any]:
    return {
        "id": v.id,
        "type": v.type,
        "value": v.value,
        "spoken": v.spoken,
        "form": v.form,
        "turn": v.turn,
        "speaker": v.speaker,
        "channel": v.channel,
        "start": v.start,
        "end": v.end,
        "readback": v.readback,
        "part": v.part,
        "parts": v.parts,
    }


def gold_record(spec: CallSpec, labels: dict[str, str | None], measured: dict[str, float], duration: float) -> dict[str, Any]:
    """The gold file's content (not the inbox format; the product never reads it)."""
    changed = {c: {"script": spec.labels.get(c), "timed": labels[c]} for c in labels if labels[c] != spec.labels.get(c)}
    readbacks = [
        {"type": v.type, "value": v.value, "turn": v.turn, "start": v.start, "end": v.end, "pci": v.type in PCI_TYPES}
        for v in spec.values
        if v.speaker == "agent" and (v.readback or v.type == "CARD_LAST4")
    ]
    return {
        "call_id": spec.call_id,
        "split": spec.split,
        "seed": spec.seed,
        "rubric": spec.rubric,
        "call_type": spec.call_type,
        "region": spec.region,
        "agent_channel": spec.agent_channel,
        "duration": round(duration, 5),
        "labels": labels,
        "conditions": spec.conditions,
        "labels_moved_by_timing": changed,
        "measured": measured,
        "notes": list(spec.notes),
        "voices": {k: dataclasses.asdict(v) for k, v in spec.voices.items()},
        "degradation": dataclasses.asdict(spec.degradation),
        "turns": [
            {
                "index": i,
                "speaker": t.speaker,
                "start": t.start,
                "end": t.end,
                "label_text": t.label_text,
                "text": t.text,
                "source": t.source,
                "backchannel": t.backchannel,
                "interrupts": t.interrupts,
            }
            for i, t in enumerate(spec.turns)
        ],
        "values": [_value(v) for v in spec.values if v.sensitive],
        "decoys": [_value(v) for v in spec.values if not v.sensitive],
        "readbacks": readbacks,
        "pci_read_back": any(r["pci"] for r in readbacks),
    }
