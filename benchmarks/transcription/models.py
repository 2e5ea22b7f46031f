"""Which Whisper model by default: tiny.en against base, side by side in one run (issue #18).

    .venv/bin/python benchmarks/transcription/models.py [--calls N] [--quick]

1. WER (whisper's English normaliser on both sides) of each model through the product's own
   transcription (`transcribe_call`, as configured by default: beam 5, VAD, int8), on
   - the fixture clips that have references (jfk, vosk, the weather clip, both channels of the
     stereo clip), as recorded;
   - the same clips on a telephone line (8 kHz, 300-3400 Hz) as linear PCM, mu-law and GSM 06.10,
     and mu-law with white noise at 15 dB SNR (sox, as benchmarks/callgen does);
   - re-spoken Harper Valley Bank calls (../shared/fixtures/hvb-dev: human transcripts of real bank
     calls, each party's turns said by espeak-ng on its own channel), through mu-law and GSM,
     clean and with noise: the telephone-band set that decides.
2. Decode time of each model on the same audio, timed in turn (model A then B per item), so
   that noise from other work on the machine hits both alike; real-time factor per channel.
3. Peak RSS of one cold run of each model on one call, in a fresh process.

The decision rule (issue #18): base is the default unless it loses on the telephone-band WER;
its WER should be at least 20% lower (relative) at no more than 2x tiny.en's decode time.

Writes benchmarks/results/models.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT.parent / "shared" / "fixtures"
OUT = ROOT / "benchmarks" / "results"
MODELS = ("tiny.en", "base")
CLIPS = {  # file -> reference per channel (None = mono / mixed)
    "whisper__jfk.flac": None,
    "vosk__test.wav": None,
    "azure__whatstheweatherlike.wav": None,
    "fasterwhisper__stereo_diarization.wav": ("left_channel", "right_channel"),
}
LINES = {  # condition -> (codec, white-noise SNR dB or None)
    "8 kHz linear": ("none", None),
    "8 kHz mu-law": ("ulaw", None),
    "8 kHz GSM": ("gsm", None),
    "8 kHz mu-law + noise 15 dB": ("ulaw", 15.0),
}
CALL_LINES = {"8 kHz mu-law": ("ulaw", None), "8 kHz GSM": ("gsm", None), "8 kHz mu-law + noise 15 dB": ("ulaw", 15.0)}
VOICES = {"agent": ("en-us", 160), "caller": ("en-gb+f3", 150)}
RATE = 16000


def normaliser():  # noqa: ANN201 - whisper's EnglishTextNormalizer (numbers, spellings, punctuation)
    from whisper.normalizers import EnglishTextNormalizer

    return EnglishTextNormalizer()


def wer(pairs: list[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs, both normalised."""
    import jiwer

    norm = normaliser()
    refs = [norm(r) for r, _ in pairs]
    hyps = [norm(h) or "<empty>" for _, h in pairs]
    keep = [i for i, r in enumerate(refs) if r.strip()]
    return float(jiwer.wer([refs[i] for i in keep], [hyps[i] for i in keep]))


def line(signal: np.ndarray, codec: str, snr: float | None, seed: int) -> np.ndarray:
    """``signal`` (16 kHz) through a telephone line: 8 kHz, 300-3400 Hz, the codec, noise."""
    from benchmarks.callgen.telephone import NARROW_BAND, add_noise, make_noise, pass_line
    from benchmarks.callgen.types import Degradation

    if snr is not None:
        rng = np.random.default_rng(seed)
        active = np.abs(signal) > 0.01 * (np.abs(signal).max() or 1)
        signal = add_noise(signal, active, snr, make_noise("white", len(signal), rng, signal))
    return pass_line(signal, RATE, Degradation(8000, codec, NARROW_BAND, "white" if snr else "none", (snr, snr), (0.0, 0.0)))


def load_16k(path: Path) -> np.ndarray:
    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return resample_poly(audio, RATE, rate, axis=0).astype(np.float32) if rate != RATE else audio


def clip_items(work: Path) -> list[dict]:
    """Every fixture clip with a reference, as recorded and through each line; one item per
    channel transcribed (a mono call)."""
    manifest = {m["file"]: m for m in json.loads((FIXTURES / "audio" / "manifest.json").read_text())}
    items = []
    for name, channels in CLIPS.items():
        audio = load_16k(FIXTURES / "audio" / name)
        ref = manifest[name]["reference_text"]
        parts = [(audio.mean(axis=1), ref)] if channels is None else [(audio[:, i], ref[key]) for i, key in enumerate(channels)]
        for k, (signal, text) in enumerate(parts):
            for condition, setting in {"as recorded": None, **LINES}.items():
                out = work / f"{Path(name).stem}-{k}-{re.sub(r'[^a-z0-9]+', '-', condition.lower())}"
                out.mkdir(parents=True, exist_ok=True)
                data, rate = (signal, RATE) if setting is None else (line(signal, *setting, seed=k), 8000)
                sf.write(str(out / "clip.wav"), data, rate, subtype="PCM_16")
                items.append({"set": "fixture clips", "condition": condition, "clip": f"{name}[{k}]", "folder": out, "refs": [text], "channels": 1})
    return items


def clean_turn(text: str) -> str:
    text = re.sub(r"\[[^\]]*\]|<[^>]*>", " ", text)
    text = re.sub(r"(\w+)~", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def speak(text: str, voice: tuple[str, int]) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "t.wav"
        subprocess.run(["espeak-ng", "-v", voice[0], "-s", str(voice[1]), "-w", str(wav), text], check=True, capture_output=True)
        audio, rate = sf.read(str(wav), dtype="float32")
    return resample_poly(audio, RATE, rate).astype(np.float32) * 0.8


def call_items(work: Path, n: int) -> list[dict]:
    """The first ``n`` Harper Valley calls (by id), re-spoken on two channels (agent 0), through
    each call line. The references are the human transcripts per party."""
    calls = sorted((json.loads(line) for line in (FIXTURES / "hvb-dev" / "calls.jsonl").read_text().splitlines()), key=lambda c: c["call_id"])
    items = []
    for call in calls[:n]:
        turns = [(t["speaker_role"], clean_turn(t["human_transcript"])) for t in call["turns"]]
        turns = [(who, text) for who, text in turns if len(text.split()) >= 1]
        pieces = [(who, speak(text, VOICES["agent" if who == "agent" else "caller"])) for who, text in turns]
        gap = int(0.5 * RATE)
        total = sum(len(a) for _, a in pieces) + gap * (len(pieces) + 1)
        stereo, t = np.zeros((total, 2), np.float32), gap
        for who, audio in pieces:
            stereo[t : t + len(audio), 0 if who == "agent" else 1] = audio
            t += len(audio) + gap
        refs = [" ".join(text for who, text in turns if (who == "agent") == (ch == 0)) for ch in (0, 1)]
        for condition, (codec, snr) in CALL_LINES.items():
            out = work / f"hvb-{call['call_id']}-{re.sub(r'[^a-z0-9]+', '-', condition.lower())}"
            out.mkdir(parents=True, exist_ok=True)
            channels = np.stack([line(stereo[:, ch], codec, snr, seed=ch) for ch in (0, 1)], axis=1)
            sf.write(str(out / "call.flac"), channels, 8000, subtype="PCM_16")
            (out / "call.json").write_text(json.dumps({"call_id": f"HVB-{call['call_id']}", "agent_channel": 0}))
            items.append({"set": "re-spoken bank calls", "condition": condition, "clip": call["call_id"], "folder": out, "refs": refs, "channels": 2,
                          "audio_seconds": total / RATE})  # fmt: skip
    return items


def transcribe_item(item: dict, model: str) -> tuple[list[str], float]:
    """Hypothesis per channel (agent first for calls) and the decode seconds."""
    from transcription import AGENT, TranscriptionOptions, discover_calls, transcribe_call

    [call], _ = discover_calls(item["folder"])
    t0 = time.perf_counter()
    transcript = transcribe_call(call, TranscriptionOptions(model=model))
    seconds = time.perf_counter() - t0
    if item["channels"] == 1:
        return [" ".join(s.text for s in transcript.segments)], seconds
    return [" ".join(s.text for s in transcript.segments if (s.speaker == AGENT) == (ch == 0)) for ch in (0, 1)], seconds


def memory_worker(model: str, folder: str) -> None:
    from transcription import TranscriptionOptions, discover_calls, transcribe_call
    from transcription.windows import share_heap

    share_heap()
    [call], _ = discover_calls(Path(folder))
    t0 = time.perf_counter()
    transcript = transcribe_call(call, TranscriptionOptions(model=model))
    print(json.dumps({"seconds": time.perf_counter() - t0, "audio_seconds": transcript.duration,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=8, help="re-spoken Harper Valley calls (default 8)")
    parser.add_argument("--quick", action="store_true", help="2 calls, for a smoke run")
    parser.add_argument("--worker", nargs=2, metavar=("MODEL", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        memory_worker(*args.worker)
        return
    from transcription.numerics import pin_process_numerics

    pin_process_numerics()
    work = Path(tempfile.mkdtemp(prefix="callaudit-models-"))
    items = clip_items(work) + call_items(work, 2 if args.quick else args.calls)
    results: dict[str, dict] = {m: {} for m in MODELS}
    for model in MODELS:  # warm: load each model once before timing
        transcribe_item(items[0], model)
    for k, item in enumerate(items):
        for model in (MODELS if k % 2 == 0 else MODELS[::-1]):  # alternate the order: neither always goes first
            hyps, seconds = transcribe_item(item, model)
            key = (item["set"], item["condition"])
            entry = results[model].setdefault(" / ".join(key), {"pairs": [], "seconds": 0.0, "audio_seconds": 0.0})
            entry["pairs"] += list(zip(item["refs"], hyps, strict=True))
            entry["seconds"] += seconds
            entry["audio_seconds"] += item.get("audio_seconds", 0.0) * item["channels"] if "audio_seconds" in item else 0.0
        print(f"{k + 1}/{len(items)} {item['set']} {item['condition']} {item['clip']}", file=sys.stderr)
    memory_call = next(i for i in items if i["set"] == "re-spoken bank calls")["folder"]
    memory = {}
    for model in MODELS:
        out = subprocess.run([sys.executable, __file__, "--worker", model, str(memory_call)], capture_output=True, text=True, cwd=ROOT)
        memory[model] = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {"error": out.stderr[-500:]}
    table = []
    for key in results[MODELS[0]]:
        row = {"set / condition": key}
        for model in MODELS:
            e = results[model][key]
            row[f"{model} WER"] = round(wer(e["pairs"]), 3)
            row[f"{model} seconds"] = round(e["seconds"], 1)
        table.append(row)
    telephone = [r for r in table if r["set / condition"].startswith("re-spoken")]
    summary = {}
    for model in MODELS:
        pairs = [p for key, e in results[model].items() if key.startswith("re-spoken") for p in e["pairs"]]
        summary[model] = {"telephone_wer": round(wer(pairs), 3), "telephone_seconds": round(sum(r[f"{model} seconds"] for r in telephone), 1)}
    tiny, base = summary["tiny.en"], summary["base"]
    decision = {
        "relative_wer_reduction": round(1 - base["telephone_wer"] / tiny["telephone_wer"], 3) if tiny["telephone_wer"] else None,
        "time_ratio": round(base["telephone_seconds"] / tiny["telephone_seconds"], 2) if tiny["telephone_seconds"] else None,
    }
    decision["base_becomes_default"] = base["telephone_wer"] <= tiny["telephone_wer"]
    decision["targets_met"] = bool(decision["relative_wer_reduction"] is not None and decision["relative_wer_reduction"] >= 0.20 and decision["time_ratio"] <= 2.0)
    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "calls": 2 if args.quick else args.calls, "table": table, "summary": summary, "decision": decision, "memory": memory,
    }  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "models.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [f"# Whisper tiny.en against base ({report['date']}, {os.cpu_count()} cores)", "",
             "| set / condition | tiny.en WER | base WER | tiny.en s | base s |", "|---|---:|---:|---:|---:|"]  # fmt: skip
    lines += [f"| {r['set / condition']} | {r['tiny.en WER']:.3f} | {r['base WER']:.3f} | {r['tiny.en seconds']:.1f} | {r['base seconds']:.1f} |" for r in table]
    lines += ["", f"Telephone-band set (re-spoken bank calls, all lines): WER tiny.en {tiny['telephone_wer']:.3f}, base {base['telephone_wer']:.3f} "
              f"({decision['relative_wer_reduction']:+.1%} relative); decode {tiny['telephone_seconds']:.1f} s vs {base['telephone_seconds']:.1f} s "
              f"({decision['time_ratio']:.2f}x). Base the default: {decision['base_becomes_default']}; targets (>= 20% lower, <= 2x) met: {decision['targets_met']}.", "",
              "| model | peak RSS (one call, fresh process) | RTF |", "|---|---:|---:|"]  # fmt: skip
    for model, m in memory.items():
        lines.append(f"| {model} | {m.get('peak_rss_mb', float('nan')):.0f} MB | {m.get('seconds', 0) / max(m.get('audio_seconds', 1), 1):.3f} |")
    (OUT / "models.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
