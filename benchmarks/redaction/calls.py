"""Redaction on calls it was not tuned on: what survives in the stored text and audio (issue #17).

    .venv/bin/python benchmarks/redaction/calls.py [--split dev|heldout|both] [--n N] [--quick]

Calls come from benchmarks/callgen (espeak-ng voices, 8 kHz codecs, noise, values split over
turns and said in one breath, agents' requests garbled by homophones), in two disjoint parts: dev
(seeds 1000+, tune on it) and held-out (seeds 9000+, other phrasings and voices: only measured).
Each call goes through the product's own path (`transcribe_call`, then `redact_and_verify`) with
the verification of the redacted audio on and, on the same transcript, off; and vanilla Presidio
(all default recognizers, the same blank spaCy) on the same transcript, its spans silenced in
the audio the same way, for comparison.

For every sensitive value the customer said (the gold file knows its exact time span), per type:

- **text**: the value can still be read in the stored text near where it was said (a card or
  phone: any four of its digits in a row; a security code or expiry: all its digits; a date of
  birth: its year; an e-mail: its local part's longest word; a name: the surname; an address:
  the street's name);
- **audio (heard)**: the stored audio around the value, decoded again by a checker (Whisper base,
  beam 5: neither the first decoder nor the verifier's greedy setup) and read the same way;
- **audio (audible)**: any 250 ms of the value's own span left unsilenced on its channel
  (decoder-independent, stricter).

Also: read-back findings against the calls where the agent really read card data back
(precision, recall), decoys (amounts, reference numbers, innocuous numbers, the agent's name)
redacted in text, and the cost of verification against transcription.

Writes benchmarks/results/redaction_calls.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
OUT = ROOT / "benchmarks" / "results"
CACHE = ROOT / "benchmarks" / ".cache" / "callgen"
TARGET_TYPES = ("CREDIT_CARD", "CVV", "CARD_EXPIRY", "DATE_OF_BIRTH", "PHONE_NUMBER", "EMAIL_ADDRESS")
AUDIBLE_RUN = 0.25  # seconds of unsilenced audio inside a value's span that count as a leak
VARIANTS = ("callaudit", "callaudit, verification off", "vanilla Presidio")
SEEDS = {"dev": 1000, "heldout": 9000}


def rendered(split: str, n: int) -> list[Path]:
    """The calls' folders (rendered once, then cached): each holds CALL.flac, .json, .gold.json."""
    from benchmarks.callgen import generate, render

    folders = []
    for spec in generate(split, n, SEEDS[split]):
        folder = CACHE / split / spec.call_id
        if not (folder / f"{spec.call_id}.gold.json").exists():
            folder.mkdir(parents=True, exist_ok=True)
            render(spec, folder)
        folders.append(folder)
    return folders


def digits(text: str) -> str:
    from redaction import normalize_spoken

    return re.sub(r"\D", "", normalize_spoken(text).text)


def readable(value: dict, text: str) -> bool:
    """Whether ``value`` (a gold value) can still be read in ``text``."""
    kind, v = value["type"], str(value["value"])
    low = text.lower()
    if kind in ("CREDIT_CARD", "PHONE_NUMBER"):
        d, heard = re.sub(r"\D", "", v), digits(text)
        return any(d[i : i + 4] in heard for i in range(0, max(1, len(d) - 3)))
    if kind in ("CVV", "CARD_EXPIRY"):
        return re.sub(r"\D", "", v) in digits(text)
    if kind == "DATE_OF_BIRTH":
        return v[:4] in digits(text)
    if kind == "EMAIL_ADDRESS":
        local = max(re.findall(r"[a-z]+", v.split("@")[0].lower()) or [""], key=len)
        return len(local) >= 3 and local in low
    if kind in ("PERSON", "AGENT_NAME"):
        name = v.split()[-1].lower()
        return bool(re.search(rf"\b{re.escape(name)}\b", low))
    if kind == "ADDRESS":
        street = next((w for w in v.split() if not w.isdigit()), "").lower()
        return bool(street) and bool(re.search(rf"\b{re.escape(street)}\b", low))
    if kind == "POSTCODE":
        return re.sub(r"[^a-z0-9]", "", v.lower()) in re.sub(r"[^a-z0-9]", "", low)
    if kind in ("MONEY", "REFERENCE_NUMBER", "INNOCUOUS_NUMBER", "DATE", "CARD_LAST4"):
        d = re.sub(r"\D", "", v)
        return bool(d) and d in digits(text)
    return v.lower() in low


def text_near(redacted, value: dict, margin: float = 0.75) -> str:  # noqa: ANN001 - RedactedTranscript
    return " ".join(s.text for s in redacted.segments if s.channel == value["channel"] and s.start <= value["end"] + margin and value["start"] - margin <= s.end)


def audible_run(path: Path, channel: int, start: float, end: float) -> float:
    """The longest stretch (s) of non-silenced audio on ``channel`` within [start, end]."""
    audio, rate = sf.read(str(path), always_2d=True)
    piece = audio[int(start * rate) : int(end * rate), channel if audio.shape[1] > 1 else 0]
    frame = max(1, rate // 100)
    loud = [bool(np.any(piece[i : i + frame] != 0)) for i in range(0, len(piece) - frame + 1, frame)]
    best = run = 0
    for x in loud:
        run = run + 1 if x else 0
        best = max(best, run)
    return best / 100


def vanilla_redacted(transcript, analyzer):  # noqa: ANN001, ANN201 - Transcript, AnalyzerEngine -> RedactedTranscript
    """Vanilla Presidio's spans on each segment, as a RedactedTranscript whose entities carry the
    words' times (so the same audio redaction silences them)."""
    from redaction import Entity, RedactedSegment, RedactedTranscript

    segments, entities = [], []
    for seg in transcript.segments:
        text = seg.text
        spans = sorted((r.start, r.end, r.entity_type) for r in analyzer.analyze(text, language="en"))
        out, last = [], 0
        for a, b, kind in spans:
            if a < last:
                continue
            out.append(text[last:a] + f"[{kind}]")
            last = b
            offset, times = 0, []
            for w in seg.words:
                if offset < b and offset + len(w.text) > a:
                    times.append((w.start, w.end))
                offset += len(w.text)
            t0, t1 = (min(t[0] for t in times), max(t[1] for t in times)) if times else (seg.start, seg.end)
            entities.append(Entity(kind, seg.id, seg.speaker, seg.channel, a, b, t0, t1, "vanilla", 1.0))
        segments.append(RedactedSegment(seg.id, seg.speaker, seg.channel, seg.start, seg.end, "".join(out) + text[last:]))
    return RedactedTranscript(transcript.call_id, tuple(segments), tuple(entities), (), transcript.duration, transcript.backend, transcript.model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--n", type=int, default=24, help="calls per split (default 24)")
    parser.add_argument("--quick", action="store_true", help="3 calls per split")
    args = parser.parse_args()
    from transcription.numerics import pin_process_numerics

    pin_process_numerics()
    from benchmarks.redaction.run import vanilla_analyzer
    from redaction import RedactionOptions, redact_and_verify, redact_audio, redact_transcript
    from transcription import TranscriptionOptions, discover_calls, transcribe_call
    from transcription.calls import load_known_values

    n = 3 if args.quick else args.n
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    options, asr = RedactionOptions(), TranscriptionOptions()
    checker = replace(asr, model="base", beam_size=5)
    vanilla = vanilla_analyzer()
    report: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(), "asr": asr.model,
                    "verifier": None, "checker": "base, beam 5", "splits": {}}  # fmt: skip
    for split in splits:
        survived = {v: defaultdict(lambda: {"values": 0, "text": 0, "heard": 0, "audible": 0}) for v in VARIANTS}
        readbacks = {"true_calls": 0, "flagged": 0, "flagged_true": 0, "possible": 0}
        decoys = {v: {"values": 0, "redacted": 0} for v in VARIANTS}
        cost = {"transcribe": 0.0, "verify": 0.0, "audio_seconds": 0.0, "quarantined": 0, "outcomes": defaultdict(int)}
        for k, folder in enumerate(rendered(split, n)):
            [call], _ = discover_calls(folder)
            gold = json.loads(next(folder.glob("*.gold.json")).read_text())
            t0 = time.perf_counter()
            transcript = transcribe_call(call, asr)
            cost["transcribe"] += time.perf_counter() - t0
            cost["audio_seconds"] += transcript.duration
            known = load_known_values(call)
            results = {}
            try:
                on, on_audio, check = redact_and_verify(call, transcript, known, options, asr, folder / "out-on")
                cost["verify"] += check.seconds
                cost["outcomes"][check.outcome] += 1
                report["verifier"] = check.decoder
                results["callaudit"] = (on, on_audio)
            except Exception as e:  # noqa: BLE001 - VerificationFailed: quarantined, nothing stored
                cost["quarantined"] += 1
                cost["outcomes"][type(e).__name__] += 1
                results["callaudit"] = None
            off = redact_transcript(transcript, known, options)
            results["callaudit, verification off"] = (off, redact_audio(call, off, folder / "out-off", options))
            plain = vanilla_redacted(transcript, vanilla)
            results["vanilla Presidio"] = (plain, redact_audio(call, plain, folder / "out-vanilla", options))
            for variant, result in results.items():
                for value in gold["values"]:
                    if value["speaker"] != "customer":
                        continue
                    row = survived[variant][value["type"]]
                    row["values"] += 1
                    if result is None:
                        continue  # quarantined: nothing stored, nothing survives
                    redacted, audio = result
                    row["text"] += readable(value, text_near(redacted, value))
                    row["audible"] += audible_run(audio[0], value["channel"], value["start"], value["end"]) >= AUDIBLE_RUN
                    heard = transcribe_call(_redacted_call(call, audio), checker, regions={value["channel"]: [(value["start"] - 1.0, value["end"] + 1.0)]})
                    row["heard"] += readable(value, " ".join(s.text for s in heard.segments))
                for decoy in gold["decoys"]:
                    if result is None or decoy["type"] not in ("MONEY", "REFERENCE_NUMBER", "INNOCUOUS_NUMBER", "AGENT_NAME"):
                        continue
                    decoys[variant]["values"] += 1
                    decoys[variant]["redacted"] += not readable(decoy, text_near(result[0], decoy))
            if results["callaudit"] is not None:
                findings = results["callaudit"][0].findings
                flagged = any(f.kind == "PCI_READ_BACK" for f in findings)
                readbacks["true_calls"] += bool(gold["pci_read_back"])
                readbacks["flagged"] += flagged
                readbacks["flagged_true"] += flagged and bool(gold["pci_read_back"])
                readbacks["possible"] += any(f.kind == "POSSIBLE_READ_BACK" for f in findings)
            print(f"{split} {k + 1}/{n} {call.call_id}", file=sys.stderr)
        report["splits"][split] = {
            "calls": n,
            "survival": {v: {t: dict(r) for t, r in sorted(rows.items())} for v, rows in survived.items()},
            "readbacks": readbacks,
            "decoys": decoys,
            "cost": {**{k: round(v, 2) if isinstance(v, float) else v for k, v in cost.items() if k != "outcomes"}, "outcomes": dict(cost["outcomes"]),
                     "verify_share_of_transcription": round(cost["verify"] / cost["transcribe"], 3) if cost["transcribe"] else None},  # fmt: skip
        }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "redaction_calls.json").write_text(json.dumps(report, indent=2) + "\n")
    (OUT / "redaction_calls.md").write_text(markdown(report))
    print(markdown(report))


def _redacted_call(call, audio: list[Path]):  # noqa: ANN001, ANN202
    from transcription import AudioSource, Call

    sources = tuple(AudioSource(p, s.role) for p, s in zip(audio, call.sources, strict=True))
    return Call(call.call_id, sources, call.metadata, "redacted", call.agent_channel)


def markdown(report: dict) -> str:
    lines = [f"# Redaction on generated calls ({report['date']}, {report['cores']} cores)", "",
             f"ASR {report['asr']}; verifier: {report['verifier']}; audio checked by {report['checker']}.", ""]  # fmt: skip
    for split, r in report["splits"].items():
        lines += [f"## {split} ({r['calls']} calls)", "", "Sensitive values the customer said whose value survives (count / values):", "",
                  "| type | values | " + " | ".join(f"{v}: text / heard / audible" for v in VARIANTS) + " |",
                  "|---|---:|" + "---:|" * len(VARIANTS)]  # fmt: skip
        types = sorted(r["survival"]["callaudit"])
        for t in types:
            cells = []
            for v in VARIANTS:
                row = r["survival"][v].get(t, {"values": 0, "text": 0, "heard": 0, "audible": 0})
                cells.append(f"{row['text']} / {row['heard']} / {row['audible']}")
            lines.append(f"| {t}{' (target)' if t in TARGET_TYPES else ''} | {r['survival']['callaudit'][t]['values']} | " + " | ".join(cells) + " |")
        rb, d, c = r["readbacks"], r["decoys"], r["cost"]
        precision = rb["flagged_true"] / rb["flagged"] if rb["flagged"] else float("nan")
        recall = rb["flagged_true"] / rb["true_calls"] if rb["true_calls"] else float("nan")
        lines += ["", f"Read-back findings: {rb['flagged']} calls flagged, {rb['flagged_true']} of them real (precision {precision:.2f}); "
                  f"{rb['true_calls']} calls with a real read-back (recall {recall:.2f}); {rb['possible']} with a possible read-back for review.",
                  "Decoys (amounts, reference and innocuous numbers, the agent's name) redacted in text: "
                  + ", ".join(f"{v} {d[v]['redacted']}/{d[v]['values']}" for v in VARIANTS) + ".",
                  f"Verification: {c['verify']:.1f} s against {c['transcribe']:.1f} s of transcription ({c['verify_share_of_transcription']:.1%}); "
                  f"outcomes {c['outcomes']}; quarantined {c['quarantined']}.", ""]  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
