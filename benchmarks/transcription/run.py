"""Transcription: accuracy, speed and memory of both backends, side by side in one run.

    .venv/bin/python benchmarks/transcription/run.py [--quick]

1. WER (normalised text) of both backends on the clips in ../shared/fixtures/audio that have
   reference transcripts (the two-channel clip per channel).
2. Real-time factor and peak RSS of faster-whisper (int8) and openai-whisper (float32, weights
   converted from the same CTranslate2 model) on the same 3-minute two-channel call: speed with
   all warm in one process, timed in turn (best of 3); peak RSS from one cold run of each in a
   fresh process. Each backend as configured by default, and both one window at a time on the
   same number of threads. Target: faster-whisper at least 3x the throughput of openai-whisper.
3. The pipeline's transcription stage (`transcribe_call`: decoding, resampling, checks, both
   channels, loop marking) against the raw engine (`WhisperModel.transcribe` on the same
   decoded channels, one after the other), warm, same process, both one window at a time on the
   same threads. Target: overhead at most 10%. The stage as configured by default (windows
   decoded at once) is timed alongside.
4. Peak RSS of `transcribe_call` as a call grows from 5 to 60 minutes (fresh process each).
   Target: flat within 20%.
5. Repetition loops: espeak-ng clips of repeated digits, on which tiny.en loops, decoded by the
   raw engine (no token budget, as before) and by the backend with its budget
   (`transcription/loops.py`), in turn; decoding seconds and loops found.

Writes benchmarks/results/transcription.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT.parent / "shared" / "fixtures" / "audio"
OUT = ROOT / "benchmarks" / "results"
SOURCES = ("payment_northwind", "contact_update", "collections_plan")


def build_call(path: Path, seconds: float) -> None:
    """A two-channel 16 kHz call of ``seconds``, the synthetic samples repeated (agent on 0)."""
    pieces, rate = [], 16000
    for name in SOURCES:
        data, rate = sf.read(str(ROOT / "samples" / f"{name}.flac"), dtype="float32")
        meta = json.loads((ROOT / "samples" / f"{name}.json").read_text())
        pieces.append(data if meta.get("agent_channel", 0) == 0 else data[:, ::-1])
    need = int(seconds * rate)
    with sf.SoundFile(str(path), "w", rate, 2, subtype="PCM_16") as f:
        written = 0
        while written < need:
            for p in pieces:
                chunk = p[: need - written]
                f.write(chunk)
                written += len(chunk)
                if written >= need:
                    break


def child(args: list[str]) -> dict:
    """Run this script's worker mode in a fresh process; its JSON result plus its peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


CORES = os.cpu_count() or 1
# Each backend as configured by default ("auto"), then both one window at a time on the same
# number of threads, so that what the engine does and what the use of the cores does are seen apart.
ENGINES = {
    "faster-whisper": {},
    "openai-whisper": {"backend": "openai-whisper"},
    "faster-whisper, 1 thread, one window at a time": {"threads": 1, "workers": 1},
    "openai-whisper, 1 thread": {"backend": "openai-whisper", "threads": 1},
    f"faster-whisper, {CORES} threads, one window at a time": {"threads": CORES, "workers": 1},
    "faster-whisper, batch_size 8": {"batch_size": 8},
}
SAME_THREADS = (("faster-whisper, 1 thread, one window at a time", "openai-whisper, 1 thread"),
                (f"faster-whisper, {CORES} threads, one window at a time", "openai-whisper"))  # fmt: skip


def worker(kind: str, path: str, backend: str) -> dict:
    """``speed``: both backends in this process, warm, timed in turn (best of 3), so that noise
    from other work on a shared machine hits both alike. ``memory``: one cold run of ``backend``
    and this process's peak RSS."""
    from transcription import TranscriptionOptions, discover_calls, transcribe_call
    from transcription.windows import share_heap

    share_heap()  # as `callaudit run` does
    folder = Path(path)
    [call], _ = discover_calls(folder)
    if kind == "speed":
        options = {name: TranscriptionOptions(**kwargs) for name, kwargs in ENGINES.items()}
        times: dict[str, list[float]] = {b: [] for b in options}
        for b in options:
            transcript = transcribe_call(call, options[b])  # warm: the model is loaded, converted weights cached
        for _ in range(3):
            for b in options:
                t0 = time.perf_counter()
                transcribe_call(call, options[b])
                times[b].append(time.perf_counter() - t0)
        return {b: {"seconds": min(t), "runs": t, "audio_seconds": transcript.duration, "rtf": min(t) / transcript.duration} for b, t in times.items()}
    t0 = time.perf_counter()
    transcript = transcribe_call(call, TranscriptionOptions(**ENGINES[backend]))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "audio_seconds": transcript.duration, "rtf": seconds / transcript.duration, "peak_rss_mb": _peak_rss_mb(),
            "words": sum(len(s.words) for s in transcript.segments)}  # fmt: skip


def _peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that across exec from the
    parent, so every worker would report at least the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wer_table() -> list[dict]:
    from transcription import TranscriptionOptions, load_channels
    from transcription.metrics import word_error_rate
    from transcription.transcribe import backend_for

    rows = []
    clips = []
    for ref in sorted(FIXTURES.glob("*.ref.txt")):
        audio = next(p for p in FIXTURES.glob(ref.name.replace(".ref.txt", ".*")) if not p.name.endswith(".ref.txt"))
        text = ref.read_text().strip()
        channels = load_channels(audio)
        if "\t" in text:  # one reference per channel
            refs = dict(line.split("\t", 1) for line in text.splitlines())
            clips += [(f"{audio.name} ({name})", channels[i], refs[name]) for i, name in enumerate(("left_channel", "right_channel"))]
        else:
            mono = channels[0] if len(channels) == 1 else np.mean(np.stack(channels), axis=0).astype(np.float32)
            clips.append((audio.name, mono, text))
    for backend in ("faster-whisper", "openai-whisper"):
        options = TranscriptionOptions(backend=backend)
        engine = backend_for(options)
        for name, audio, ref in clips:
            hyp = " ".join(s.text for s in engine.transcribe_channel(audio, options, "unknown", 0))
            rows.append({"backend": backend, "clip": name, "wer": word_error_rate(ref, hyp), "words": len(ref.split())})
    return rows


def stage_overhead(path: Path) -> dict:
    """Warm, same process: transcribe_call against the raw engine on the same channels."""
    from transcription import TranscriptionOptions, discover_calls, resolve_model, transcribe_call
    from transcription.faster_whisper_backend import COMPRESSION_RATIO_THRESHOLD, get_whisper_model
    from transcription.transcribe import split_call_channels

    [call], _ = discover_calls(path)
    options = TranscriptionOptions(workers=1)  # one window at a time, as the raw engine below
    engine = get_whisper_model(str(resolve_model(options.model).path), options.engine_compute_type, options.engine_threads, 1)

    def raw() -> None:
        for audio, _speaker in split_call_channels(call):
            segments, _ = engine.transcribe(audio, language="en", beam_size=options.beam_size, word_timestamps=True, vad_filter=True,
                                            condition_on_previous_text=False, compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD)  # fmt: skip
            list(segments)

    def stage() -> None:
        transcribe_call(call, options)

    def default() -> None:
        transcribe_call(call, TranscriptionOptions())

    raw()  # warm
    default()
    times: dict[str, list[float]] = {"raw": [], "stage": [], "default": []}
    for _ in range(3):  # interleaved, so machine noise hits all alike
        for label, fn in (("raw", raw), ("stage", stage), ("default", default)):
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
    raw_s, stage_s = min(times["raw"]), min(times["stage"])
    return {"raw_seconds": raw_s, "stage_seconds": stage_s, "default_seconds": min(times["default"]), "threads": options.engine_threads,
            "default_workers": TranscriptionOptions().engine_workers, "overhead": stage_s / raw_s - 1, "runs": times}  # fmt: skip


LOOP_PHRASES = (
    "my card number is four one one one, one one one one, one one one one, one one one one",
    "it's four one one one one one one one one one one one one one one one",
    "the number is five five five five, five five five five, five five five five, five five five five",
    "two two two two, two two two two, two two two two, two two two two, and the code is two two two",
)


def loop_costs() -> dict:
    """Decoding time on looping clips: the raw engine without a budget against the backend with one."""
    from scipy.signal import resample_poly

    from tests.speech_synth import RATE, speak
    from transcription import TranscriptionOptions, resolve_model
    from transcription.faster_whisper_backend import COMPRESSION_RATIO_THRESHOLD, get_whisper_model, transcribe_channel
    from transcription.loops import find_loop

    options = TranscriptionOptions()
    engine = get_whisper_model(str(resolve_model(options.model).path), options.engine_compute_type, options.engine_threads, 1)
    totals = {"raw": [0.0, 0], "budget": [0.0, 0]}
    clips = audio_seconds = 0
    for voice in ("en-us", "en-us+f3"):
        for phrase in LOOP_PHRASES:
            wide = np.concatenate([np.zeros(RATE // 2, np.float32), speak(phrase, voice, 150), np.zeros(RATE // 2, np.float32)])
            for audio in (wide, resample_poly(resample_poly(wide, 1, 2), 2, 1).astype(np.float32)):  # and through 8 kHz
                clips, audio_seconds = clips + 1, audio_seconds + len(audio) / RATE
                for label in totals:
                    t0 = time.perf_counter()
                    if label == "raw":
                        pieces, _ = engine.transcribe(audio, language="en", beam_size=options.beam_size, word_timestamps=True, vad_filter=True,
                                                      condition_on_previous_text=False, compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD)  # fmt: skip
                        words = [w.word for piece in pieces for w in piece.words]
                    else:
                        words = [w.text for seg in transcribe_channel(audio, options, "customer", 1) for w in seg.words]
                    totals[label][0] += time.perf_counter() - t0
                    totals[label][1] += find_loop(words) is not None
    return {"clips": clips, "audio_seconds": audio_seconds, **{k: {"seconds": v[0], "loops": v[1]} for k, v in totals.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "PATH", "BACKEND"))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    speed_seconds = 60 if args.quick else 180
    lengths = (5, 10) if args.quick else (5, 20, 60)
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                     "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="callaudit-bench-asr-") as tmp:
        results["wer"] = wer_table()
        print("WER done", flush=True)
        speed_dir = Path(tmp) / "speed"
        speed_dir.mkdir()
        build_call(speed_dir / "call.wav", speed_seconds)
        results["speed"] = child(["speed", str(speed_dir), "both"])
        for b in ENGINES:
            results["speed"][b]["peak_rss_mb"] = child(["memory", str(speed_dir), b])["peak_rss_mb"]
        results["speed_ratio"] = results["speed"]["openai-whisper"]["rtf"] / results["speed"]["faster-whisper"]["rtf"]
        print("speed", results["speed"], flush=True)
        results["stage"] = stage_overhead(speed_dir)
        print("stage", results["stage"], flush=True)
        results["memory"] = []
        for minutes in lengths:
            folder = Path(tmp) / f"mem{minutes}"
            folder.mkdir()
            build_call(folder / "call.wav", minutes * 60)
            r = child(["memory", str(folder), "faster-whisper"])
            results["memory"].append({"minutes": minutes, **r})
            print("memory", minutes, r, flush=True)
            (folder / "call.wav").unlink()
        mems = [m["peak_rss_mb"] for m in results["memory"]]
        results["memory_growth"] = max(mems) / mems[0] - 1
    results["loops"] = loop_costs()
    print("loops", results["loops"], flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "transcription-quick" if args.quick else "transcription"
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=2))
    (OUT / f"{name}.md").write_text(render(results))
    print(render(results))


def render(r: dict) -> str:
    lines = [f"# Transcription benchmark ({r['date']}, {r['machine']['cores']} cores, Whisper tiny.en)", "",
             "Command: `.venv/bin/python benchmarks/transcription/run.py`", "", "## WER (normalised text)", "",
             "| clip | reference words | faster-whisper (int8, beam 5, VAD) | openai-whisper (float32, beam 5, VAD) |", "|---|---:|---:|---:|"]  # fmt: skip
    clips = {}
    for row in r["wer"]:
        clips.setdefault(row["clip"], {"words": row["words"]})[row["backend"]] = row["wer"]
    for clip, v in clips.items():
        lines.append(f"| {clip} | {v['words']} | {v['faster-whisper']:.1%} | {v['openai-whisper']:.1%} |")
    s = r["speed"]
    lines += ["", f"## Speed and memory: the same {s['faster-whisper']['audio_seconds'] / 60:.0f}-minute two-channel call", "",
              "Speed: both backends warm in one process, timed in turn, best of 3. Peak RSS: one cold run each, fresh process.", "",
              "| backend | seconds | real-time factor | peak RSS MB |", "|---|---:|---:|---:|"]  # fmt: skip
    for b, v in s.items():
        lines.append(f"| {b} | {v['seconds']:.1f} | {v['rtf']:.3f} | {v['peak_rss_mb']:.0f} |")
    lines += ["", f"faster-whisper throughput, each backend as configured by default: **{r['speed_ratio']:.1f}×** openai-whisper's (target ≥ 3×).",
              "By default faster-whisper decodes on one thread per window and decodes windows (here both channels) at once, one per core;",
              "openai-whisper decodes one window at a time on all cores (it cannot run two at once on one model).", ""]  # fmt: skip
    for fw, ow in SAME_THREADS:
        if fw in s and ow in s:
            lines.append(f"- one window at a time on the same threads ({fw.split(', ')[1]}): **{s[ow]['rtf'] / s[fw]['rtf']:.1f}×**")
    if "faster-whisper, batch_size 8" in s:
        lines.append(f"- with `batch_size: 8` (faster-whisper's batched pipeline): **{s['openai-whisper']['rtf'] / s['faster-whisper, batch_size 8']['rtf']:.1f}×**")
    lines += [""]
    st = r["stage"]
    lines += ["## The transcription stage against the raw engine (warm, best of 3, interleaved)", "",
              f"One window at a time on {st['threads']} thread(s): raw `WhisperModel.transcribe` on both channels {st['raw_seconds']:.2f} s; "
              f"`transcribe_call` {st['stage_seconds']:.2f} s: overhead **{st['overhead']:+.1%}** (target ≤ 10%). "
              f"`transcribe_call` as configured by default ({st['default_workers']} windows at once): {st['default_seconds']:.2f} s.", "",
              "## Peak RSS as the call grows (faster-whisper, fresh process each)", "", "| call minutes | peak RSS MB | real-time factor |", "|---:|---:|---:|"]  # fmt: skip
    for m in r["memory"]:
        lines.append(f"| {m['minutes']} | {m['peak_rss_mb']:.0f} | {m['rtf']:.3f} |")
    lines += ["", f"Growth from the shortest to the longest call: **{r['memory_growth']:+.1%}** (target: within 20%)."]
    lp = r["loops"]
    lines += ["", f"## Repetition loops: {lp['clips']} clips of repeated digits ({lp['audio_seconds']:.0f} s, espeak-ng, wideband and 8 kHz)", "",
              "| decoder | decoding seconds | real-time factor | loops found |", "|---|---:|---:|---:|",
              f"| raw engine, no token budget | {lp['raw']['seconds']:.1f} | {lp['raw']['seconds'] / lp['audio_seconds']:.2f} | {lp['raw']['loops']} |",
              f"| callaudit, token budget by length | {lp['budget']['seconds']:.1f} | {lp['budget']['seconds'] / lp['audio_seconds']:.2f} | {lp['budget']['loops']} |",
              "", "Loops found are marked unreliable and redacted whole."]  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
