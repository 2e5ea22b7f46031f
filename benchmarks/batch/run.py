"""Nightly-batch throughput, orchestration overhead and memory, side by side in one run.

    .venv/bin/python benchmarks/batch/run.py [--quick]

1. Throughput: the same batch of two-channel calls (cut from the synthetic samples, each one
   made unique by a little inaudible dither, so none is skipped as already stored) through
   `callaudit run` with 1 and 2 local workers and with a 2-worker Dask LocalCluster: audio
   minutes per wall minute, from the CLI's start to its exit (Prefect's start-up included).
2. Overhead: the same calls through the stages alone (`flows.pipeline.process_call` in one
   process, no Prefect) against the 1-worker batch: orchestration and storage seconds per call.
3. Memory: peak RSS of the whole process tree (the CLI, Prefect's temporary server, workers)
   as the batch grows from 10 to 200 short calls. Target: flat (within 20%).

Writes benchmarks/results/batch.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import psutil
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "results"
SOURCES = ("payment_northwind", "contact_update", "collections_plan")


def make_calls(folder: Path, count: int, seconds: float) -> float:
    """``count`` unique two-channel calls of ``seconds`` each, cut from the samples; returns the
    total audio seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    total = 0.0
    for i in range(count):
        name = SOURCES[i % len(SOURCES)]
        data, rate = sf.read(str(ROOT / "samples" / f"{name}.flac"), dtype="float32")
        meta = json.loads((ROOT / "samples" / f"{name}.json").read_text())
        start = int((i // len(SOURCES)) % 3 * 5 * rate)
        piece = data[start : start + int(seconds * rate)]
        piece = piece + rng.normal(0, 1e-4, piece.shape).astype(np.float32)  # unique bytes, inaudible
        sf.write(str(folder / f"bench_{i:04d}.flac"), piece, rate)
        sidecar = {k: v for k, v in meta.items() if k in ("agent_channel", "agent_id", "team")}
        sidecar["call_id"] = f"BENCH-{i:04d}"
        (folder / f"bench_{i:04d}.json").write_text(json.dumps(sidecar))
        total += len(piece) / rate
    return total


def run_cli(home: Path, inbox: Path, *args: str) -> dict:
    """`callaudit run` in a subprocess; wall time and the peak RSS of its whole process tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env["CALLAUDIT_HOME"] = str(home)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"callaudit run {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    from audit_store import AuditStore

    store = AuditStore(f"sqlite:///{home / 'store.db'}")
    summary = json.loads(store.batch_runs()[0].counts)
    store.engine.dispose()
    return {"wall_seconds": wall, "flow_seconds": summary["wall_seconds"], "peak_rss_mb": peak / 2**20, "summary": summary}


def stages_alone(inbox: Path, scratch: Path) -> float:
    """The calls through the stages only (transcribe, redact, score, store), in this process,
    after a warm-up call; returns seconds per call."""
    from audit_store import AuditStore
    from flows.config import Config
    from flows.pipeline import process_call
    from scoring import find_rubric
    from transcription import discover_calls

    calls, _ = discover_calls(inbox)
    config = Config()
    store = AuditStore(f"sqlite:///{scratch / 'stages.db'}")
    rubric = find_rubric(config.rubric)
    options = config.transcription_options()  # as the local runner: auto threads and workers
    process_call(calls[0], store, rubric, options, config.redaction_options(), scratch / "audio-warm")  # models loaded
    store = AuditStore(f"sqlite:///{scratch / 'stages2.db'}")
    t0 = time.perf_counter()
    for call in calls:
        outcome = process_call(call, store, rubric, options, config.redaction_options(), scratch / "audio")
        assert outcome.status == "stored", outcome
    return (time.perf_counter() - t0) / len(calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller batches (a smoke run, not for the README)")
    args = parser.parse_args()
    n_throughput, seconds = (4, 20.0) if args.quick else (12, 30.0)
    sizes = (5, 20) if args.quick else (10, 50, 200)
    scratch = Path(tempfile.mkdtemp(prefix="callaudit-bench-batch-"))
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                     "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}  # fmt: skip
    try:
        inbox = scratch / "throughput"
        audio = make_calls(inbox, n_throughput, seconds)
        results["throughput"] = {"calls": n_throughput, "audio_seconds": audio, "runs": {}}
        for label, cli_args in (("local, 1 worker", ("--workers", "1")), ("local, 2 workers", ("--workers", "2")), ("dask LocalCluster, 2 workers", ("--dask", "--workers", "2"))):
            copy = scratch / f"inbox-{len(results['throughput']['runs'])}"
            shutil.copytree(inbox, copy)  # the batch deletes originals once stored
            r = run_cli(scratch / f"home-{len(results['throughput']['runs'])}", copy, *cli_args)
            r["audio_min_per_wall_min"] = audio / r["wall_seconds"]
            r["audio_min_per_flow_min"] = audio / r["flow_seconds"]
            results["throughput"]["runs"][label] = r
            print(f"{label}: {r['wall_seconds']:.1f} s wall, {r['audio_min_per_wall_min']:.1f} audio min / wall min, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        per_call = stages_alone(inbox, scratch)
        one = results["throughput"]["runs"]["local, 1 worker"]
        results["overhead"] = {
            "stages_seconds_per_call": per_call,
            "batch_flow_seconds_per_call": one["flow_seconds"] / n_throughput,
            "batch_wall_seconds_per_call": one["wall_seconds"] / n_throughput,
        }
        results["overhead"]["orchestration_seconds_per_call"] = results["overhead"]["batch_flow_seconds_per_call"] - per_call
        print(f"stages alone {per_call:.2f} s/call; in the flow {results['overhead']['batch_flow_seconds_per_call']:.2f} s/call", flush=True)
        results["memory"] = []
        for n in sizes:
            inbox_n = scratch / f"memory-{n}"
            audio_n = make_calls(inbox_n, n, 6.0)
            r = run_cli(scratch / f"home-mem-{n}", inbox_n, "--workers", "2")
            results["memory"].append({"calls": n, "audio_seconds": audio_n, "peak_rss_mb": r["peak_rss_mb"], "wall_seconds": r["wall_seconds"]})
            print(f"{n} calls: peak RSS {r['peak_rss_mb']:.0f} MB, {r['wall_seconds']:.0f} s", flush=True)
            shutil.rmtree(inbox_n)
        mems = [m["peak_rss_mb"] for m in results["memory"]]
        results["memory_growth"] = max(mems) / mems[0] - 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "batch-quick" if args.quick else "batch"
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=2, default=str))
    (OUT / f"{name}.md").write_text(render(results))
    print(render(results))


def render(r: dict) -> str:
    t = r["throughput"]
    lines = [
        f"# Batch benchmark ({r['date']}, {r['machine']['cores']} cores)",
        "",
        "Command: `.venv/bin/python benchmarks/batch/run.py`",
        "",
        f"## Throughput: {t['calls']} two-channel calls, {t['audio_seconds'] / 60:.1f} min of audio",
        "",
        "| runner | wall s (CLI start to exit) | audio min / wall min | flow s | audio min / flow min | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, run in t["runs"].items():
        lines.append(f"| {label} | {run['wall_seconds']:.1f} | {run['audio_min_per_wall_min']:.1f} | {run['flow_seconds']:.1f} | {run['audio_min_per_flow_min']:.1f} | {run['peak_rss_mb']:.0f} |")
    o = r["overhead"]
    lines += [
        "",
        "## Orchestration and storage overhead (1 worker)",
        "",
        "| per call | seconds |",
        "|---|---:|",
        f"| stages alone (process_call in one process, warm) | {o['stages_seconds_per_call']:.2f} |",
        f"| in the Prefect flow (flow time / calls) | {o['batch_flow_seconds_per_call']:.2f} |",
        f"| orchestration overhead | {o['orchestration_seconds_per_call']:+.2f} |",
        f"| CLI wall / calls (with Prefect start-up, model loads) | {o['batch_wall_seconds_per_call']:.2f} |",
        "",
        "## Peak RSS of the process tree as the batch grows (2 workers, 6 s calls)",
        "",
        "| calls | audio min | peak RSS MB | wall s |",
        "|---:|---:|---:|---:|",
        *(f"| {m['calls']} | {m['audio_seconds'] / 60:.1f} | {m['peak_rss_mb']:.0f} | {m['wall_seconds']:.0f} |" for m in r["memory"]),
        "",
        f"Growth from the smallest to the largest batch: {r['memory_growth']:+.1%} (target: within 20%).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
