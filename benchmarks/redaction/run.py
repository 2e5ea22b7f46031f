"""Redaction quality against vanilla Presidio, side by side in one run.

    .venv/bin/python benchmarks/redaction/run.py [--quick]

Three sets:

1. presidio-research's synth_dataset_v2 (written form, 1,500 sentences, span-labelled);
2. a spoken-form set (benchmarks/redaction/spoken.py): call transcripts where customers say
   card numbers, security codes, expiry dates, phone numbers, spelled emails, names and
   addresses, with gold spans;
3. the same spoken calls end to end: synthesised with espeak-ng (agent and customer on their
   own channels), transcribed by Whisper tiny.en, redacted. With no gold spans in ASR output,
   recall there is value-level: a planted value counts as redacted when no trace of it is left
   in the redacted text (for numbers: no run of 4 of its digits, or the whole of a shorter one).

"callaudit" is the production path (`redact_transcript`: normalisation, call-centre
recognizers, fail-closed rules). "vanilla" is Presidio's AnalyzerEngine with all its default
recognizers on the same NLP engine (blank spaCy: no English model is installable here) on
the same text. Text sets are scored span by span, presidio-research style: a gold span is found
when at least half of its characters are covered by predictions of its type; a prediction is
right when at least half of it covers gold of its type. The untyped columns ask only whether
the characters were redacted, whatever the label, which is what a compliance officer needs.

Writes benchmarks/results/redaction.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
SYNTH = ROOT.parent / "shared" / "fixtures" / "pii" / "presidio-research" / "synth_dataset_v2.json"
OUT = ROOT / "benchmarks" / "results"

GOLD_TYPES = {"STREET_ADDRESS": "ADDRESS", "ZIP_CODE": "ADDRESS", "DATE_TIME": "DATE", "DOMAIN_NAME": "URL", "GPE": "LOCATION"}
OURS_TYPES = {"DATE_OF_BIRTH": "DATE", "CARD_EXPIRY": "DATE"}  # on the written set
VANILLA_TYPES = {"DATE_TIME": "DATE"}
SPOKEN_VANILLA_TYPES = {"DATE_TIME": "CARD_EXPIRY", "US_BANK_NUMBER": "CREDIT_CARD"}  # generous to vanilla


def vanilla_analyzer():  # noqa: ANN201
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    nlp_engine.nlp = {"en": spacy.blank("en")}
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=["en"])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def transcript_of(turns: list[tuple[str, str]]):  # noqa: ANN201 - [(speaker, text)] -> Transcript
    from transcription import AGENT, CUSTOMER, Segment, Transcript, Word

    segments, t = [], 0.0
    for i, (speaker, text) in enumerate(turns):
        words = []
        for m in re.finditer(r"\S+", text):
            words.append(Word(text[m.start() : m.end()] if not words else " " + text[m.start() : m.end()], round(t, 3), round(t + 0.3, 3), 0.95))
            t += 0.35
        seg_text = "".join(w.text for w in words)
        segments.append(Segment(i, speaker, 0 if speaker == AGENT else 1, words[0].start if words else t, t, seg_text, tuple(words)))
        t += 1.0
    return Transcript("bench", tuple(segments), round(t, 3), "text", "none", channels=(AGENT, CUSTOMER))


def ours(turns: list[tuple[str, str]]) -> list[list[tuple[int, int, str]]]:
    """callaudit's spans per turn, in the turn's own text (tokens re-joined by single spaces)."""
    from redaction import redact_transcript

    redacted = redact_transcript(transcript_of(turns))
    spans: list[list[tuple[int, int, str]]] = [[] for _ in turns]
    for e in redacted.entities:
        if e.segment_id is not None:
            spans[e.segment_id].append((e.start_char, e.end_char, e.entity_type))
    return spans


def squash(text: str) -> tuple[str, list[int]]:
    """The text with whitespace runs as single spaces (as the transcript holds it) and, for each
    squashed character, its offset in the original (to map gold spans)."""
    out, where = [], []
    for m in re.finditer(r"\S+", text):
        if out:
            out.append(" ")
            where.append(m.start() - 1)
        out.extend(text[m.start() : m.end()])
        where.extend(range(m.start(), m.end()))
    return "".join(out), where


def score(gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]]) -> dict:
    """Per type and overall: precision, recall, F2 (typed), and untyped recall/precision."""
    tp_r, n_gold, tp_p, n_pred = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    any_r = any_p = total_g = total_p = 0
    for g_spans, p_spans in zip(gold, pred, strict=True):
        for gs, ge, gt in g_spans:
            n_gold[gt] += 1
            total_g += 1
            tp_r[gt] += _covered(gs, ge, [(s, e) for s, e, t in p_spans if t == gt]) >= 0.5
            any_r += _covered(gs, ge, [(s, e) for s, e, _ in p_spans]) >= 0.5
        for ps, pe, pt in p_spans:
            n_pred[pt] += 1
            total_p += 1
            tp_p[pt] += _covered(ps, pe, [(s, e) for s, e, t in g_spans if t == pt]) >= 0.5
            any_p += _covered(ps, pe, [(s, e) for s, e, _ in g_spans]) >= 0.5
    types = sorted(set(n_gold) | set(n_pred))
    rows = {t: _prf(tp_r[t], n_gold[t], tp_p[t], n_pred[t]) for t in types}
    overall = _prf(sum(tp_r.values()), sum(n_gold.values()), sum(tp_p.values()), sum(n_pred.values()))
    return {"types": rows, "overall": overall, "untyped": _prf(any_r, total_g, any_p, total_p)}


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    if end <= start:
        return 0.0
    hit = sum(max(0, min(end, e) - max(start, s)) for s, e in _merge(spans))
    return hit / (end - start)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _prf(tp_r: int, n_gold: int, tp_p: int, n_pred: int) -> dict:
    r = tp_r / n_gold if n_gold else None
    p = tp_p / n_pred if n_pred else None
    f2 = (5 * p * r / (4 * p + r)) if p is not None and r is not None and (4 * p + r) > 0 else (0.0 if r is not None else None)
    return {"precision": p, "recall": r, "f2": f2, "gold": n_gold, "predicted": n_pred}


def written_set(limit: int | None) -> dict:
    rows = json.loads(SYNTH.read_text())[:limit]
    vanilla = vanilla_analyzer()
    gold, ours_pred, van_pred = [], [], []
    for row in rows:
        text, where = squash(row["full_text"])
        back = {orig: i for i, orig in enumerate(where)}
        g = []
        for sp in row["spans"]:
            idx = [back[k] for k in range(sp["start_position"], sp["end_position"]) if k in back]
            if idx:
                g.append((idx[0], idx[-1] + 1, GOLD_TYPES.get(sp["entity_type"], sp["entity_type"])))
        gold.append(g)
        ours_pred.append([(s, e, OURS_TYPES.get(t, t)) for s, e, t in ours([("customer", text)])[0]])
        van_pred.append([(r.start, r.end, VANILLA_TYPES.get(r.entity_type, r.entity_type)) for r in vanilla.analyze(text, language="en")])
    return {"sentences": len(rows), "callaudit": score(gold, ours_pred), "vanilla": score(gold, van_pred)}


def spoken_text_set(calls) -> dict:  # noqa: ANN001
    vanilla = vanilla_analyzer()
    gold, ours_pred, van_pred = [], [], []
    for turns in calls:
        pairs = [(t.speaker, t.text) for t in turns]
        for t, spans in zip(turns, ours(pairs), strict=True):
            gold.append([(s, e, typ) for s, e, typ, _ in t.gold])
            ours_pred.append(spans)
            van_pred.append([(r.start, r.end, SPOKEN_VANILLA_TYPES.get(r.entity_type, r.entity_type)) for r in vanilla.analyze(t.text, language="en")])
    return {"calls": len(calls), "callaudit": score(gold, ours_pred), "vanilla": score(gold, van_pred)}


def spoken_asr_set(calls, workdir: Path) -> dict:  # noqa: ANN001
    """TTS → ASR → redaction; value-level recall per type for both systems."""
    import numpy as np
    import soundfile as sf

    from redaction import redact_transcript
    from tests.speech_synth import RATE, speak
    from transcription import discover_calls, transcribe_call

    vanilla = vanilla_analyzer()
    found = {"callaudit": defaultdict(lambda: [0, 0]), "vanilla": defaultdict(lambda: [0, 0])}
    asr_seconds = audio_seconds = 0.0
    for n, turns in enumerate(calls):
        folder = workdir / f"call{n}"
        folder.mkdir()
        agent, customer = [], []
        for t in turns:
            audio = speak(t.text, "en-us" if t.speaker == "agent" else "en-gb", speed=150)
            pause = np.zeros(int(0.6 * RATE), np.float32)
            mine, other = (agent, customer) if t.speaker == "agent" else (customer, agent)
            mine += [audio, pause]
            other += [np.zeros(len(audio), np.float32), pause]
        stereo = np.stack([np.concatenate(agent), np.concatenate(customer)], axis=1)
        sf.write(str(folder / "call.wav"), stereo, RATE)
        [call], _ = discover_calls(folder)
        t0 = time.perf_counter()
        transcript = transcribe_call(call)
        asr_seconds += time.perf_counter() - t0
        audio_seconds += transcript.duration
        ours_text = " ".join(s.text for s in redact_transcript(transcript).segments)
        raw_customer = " ".join(s.text for s in transcript.segments)
        van_text = _apply(raw_customer, vanilla.analyze(raw_customer, language="en"))
        for t in turns:
            for _s, _e, typ, value in t.gold:
                for system, text in (("callaudit", ours_text), ("vanilla", van_text)):
                    found[system][typ][1] += 1
                    found[system][typ][0] += not _leaks(value, typ, text)
    recall = {s: {t: v[0] / v[1] for t, v in sorted(d.items())} for s, d in found.items()}
    return {"calls": len(calls), "recall": recall, "values": {t: v[1] for t, v in found["callaudit"].items()}, "asr_rtf": asr_seconds / audio_seconds}


def _apply(text: str, results) -> str:  # noqa: ANN001
    for r in sorted(results, key=lambda r: r.start, reverse=True):
        text = text[: r.start] + f"[{r.entity_type}]" + text[r.end :]
    return text


def _leaks(value: str, entity: str, text: str) -> bool:
    """Is any trace of the planted value left in the redacted text?"""
    from redaction.normalize import normalize_spoken

    flat = normalize_spoken(text).text
    if value.isdigit():
        digits = re.sub(r"\D", "", flat)  # every digit left, in order
        k = min(4, len(value))
        runs = {value[i : i + k] for i in range(len(value) - k + 1)}
        if entity in ("CVV", "CARD_EXPIRY"):  # short values: the whole value standing alone
            return any(re.search(rf"(?<!\d){re.escape(v)}(?!\d)", re.sub(r"[\s,.-]", "", m)) for v in (value,) for m in re.findall(r"[\d\s,.-]{3,}", flat))
        return any(r in digits for r in runs)
    lowered = flat.lower()
    return any(part.lower() in lowered for part in re.split(r"[\s.]+", value) if len(part) > 2 and part.lower() not in ("street", "road", "lane", "avenue", "drive"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from spoken import spoken_set

    results: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    results["written"] = written_set(200 if args.quick else None)
    print("written done", flush=True)
    calls = spoken_set(20 if args.quick else 60)
    results["spoken_text"] = spoken_text_set(calls)
    print("spoken text done", flush=True)
    with tempfile.TemporaryDirectory(prefix="callaudit-bench-redaction-") as tmp:
        results["spoken_asr"] = spoken_asr_set(calls[: 6 if args.quick else 30], Path(tmp))
    OUT.mkdir(parents=True, exist_ok=True)
    name = "redaction-quick" if args.quick else "redaction"
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=2))
    (OUT / f"{name}.md").write_text(render(results))
    print(render(results))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def render(r: dict) -> str:
    lines = [f"# Redaction benchmark ({r['date']})", "", "Command: `.venv/bin/python benchmarks/redaction/run.py`", ""]
    for key, title in (("written", f"presidio-research synth_dataset_v2 ({r['written']['sentences']} sentences, written form)"),
                       ("spoken_text", f"Spoken-form call transcripts ({r['spoken_text']['calls']} calls, text)")):  # fmt: skip
        block = r[key]
        lines += [f"## {title}", "", "| entity | gold | callaudit P | R | F2 | vanilla P | R | F2 |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        types = sorted(set(block["callaudit"]["types"]) | set(block["vanilla"]["types"]))
        for t in types:
            a, v = block["callaudit"]["types"].get(t, {}), block["vanilla"]["types"].get(t, {})
            gold = a.get("gold") or v.get("gold") or 0
            if not gold and not a.get("predicted") and not v.get("predicted"):
                continue
            lines.append(f"| {t} | {gold} | {_pct(a.get('precision'))} | {_pct(a.get('recall'))} | {_pct(a.get('f2'))} | "
                         f"{_pct(v.get('precision'))} | {_pct(v.get('recall'))} | {_pct(v.get('f2'))} |")  # fmt: skip
        for k, label in (("overall", "**all types (typed)**"), ("untyped", "**redacted at all (untyped)**")):
            a, v = block["callaudit"][k], block["vanilla"][k]
            lines.append(f"| {label} | {a['gold']} | {_pct(a['precision'])} | {_pct(a['recall'])} | **{_pct(a['f2'])}** | "
                         f"{_pct(v['precision'])} | {_pct(v['recall'])} | **{_pct(v['f2'])}** |")  # fmt: skip
        lines.append("")
    s = r["spoken_asr"]
    lines += [f"## Spoken calls end to end: espeak-ng → Whisper tiny.en → redaction ({s['calls']} calls, ASR RTF {s['asr_rtf']:.3f})", "",
              "Value-level recall: the share of planted values with no trace left in the redacted transcript.", "",
              "| entity | values | callaudit | vanilla |", "|---|---:|---:|---:|"]  # fmt: skip
    for t, n in sorted(s["values"].items()):
        lines.append(f"| {t} | {n} | {s['recall']['callaudit'][t]:.2f} | {s['recall']['vanilla'][t]:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
