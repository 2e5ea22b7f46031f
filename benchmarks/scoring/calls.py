"""Scoring against a QA reviewer's answers on labelled calls it was not tuned on (issue #19).

    .venv/bin/python benchmarks/scoring/calls.py [--n N] [--split dev|heldout|both] [--fit]
                                                 [--transcripts asr|human]

Calls come from benchmarks/callgen, each written for one rubric with a condition per criterion
(present, absent, garbled by homophones, said too late, by the wrong party, partial) and the
answer a careful reviewer gives; dev (seeds 1000+) to tune on, held-out (seeds 9000+, other
phrasings and voices) only to measure. Each call goes through the product's path (transcription
as configured by default, redaction with the verification of the audio), and the redacted
transcript is cached (benchmarks/.cache; it holds no raw text), so scoring variants are cheap.

Per criterion and split: agreement and Cohen's kappa with the reviewer's answers (yes / no /
N/A) over the calls the machine decided, and the share it sent to review ("needs review": the
machine did not guess), for

- "callaudit": the shipped rubrics as they are;
- "today's evaluators": the evaluators as they were at 9c87dca: regular expressions matched
  exactly, semantic criteria by one similarity threshold with no contrast and no review band.

``--transcripts human`` scores what a careful transcriber would write (the script's words, timed
as rendered) instead of the decoder's output: the evaluators alone, without ASR's errors, and fast
enough to run on every call of both parts.

``--fit`` fits each semantic and phrase criterion's threshold or window on the dev part (the
calibration code, scoring/calibration/tuning.py) and reports the held-out part with the fitted
values as well.

Writes benchmarks/results/scoring_calls.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
OUT = ROOT / "benchmarks" / "results"
NA = "N/A"


def processed(split: str, n: int) -> list[tuple[dict, object]]:
    """(gold, RedactedTranscript) per call: rendered, transcribed, redacted and verified once,
    then read from the cache."""
    from redaction import RedactedTranscript, RedactionOptions, VerificationFailed, redact_and_verify
    from transcription import TranscriptionOptions, discover_calls, transcribe_call

    asr = TranscriptionOptions()
    out = []
    for k, folder in enumerate(rendered(split, n)):
        gold = json.loads(next(folder.glob("*.gold.json")).read_text())
        cached = folder / f"redacted-{asr.model}.json"
        if not cached.exists():
            [call], _ = discover_calls(folder)
            transcript = transcribe_call(call, asr)
            try:
                redacted, _, _ = redact_and_verify(call, transcript, call.metadata.known_values(), RedactionOptions(), asr, folder / "out-scoring")
            except VerificationFailed:
                continue  # quarantined: never scored
            cached.write_text(json.dumps(redacted.to_dict()))
            print(f"{split} {k + 1}/{n} {gold['call_id']} processed", file=sys.stderr)
        out.append((gold, RedactedTranscript.from_dict(json.loads(cached.read_text()))))
    return out


def human(split: str, n: int) -> list[tuple[dict, object]]:
    """(gold, RedactedTranscript) per call from the script's words (what a careful transcriber
    writes), each turn's words spread over its rendered time span, redacted as the product does."""
    from redaction import redact_transcript
    from transcription import AGENT, CUSTOMER, CallMetadata, Segment, Transcript, Word

    out = []
    for folder in rendered(split, n):
        gold = json.loads(next(folder.glob("*.gold.json")).read_text())
        sidecar = json.loads(next(p for p in folder.glob("*.json") if not p.name.endswith(".gold.json")).read_text())
        segments = []
        for turn in gold["turns"]:
            words = turn["label_text"].split()
            if not words:
                continue
            step = (turn["end"] - turn["start"]) / len(words)
            timed = tuple(Word(f" {w}", round(turn["start"] + k * step, 3), round(turn["start"] + (k + 0.9) * step, 3), 0.9) for k, w in enumerate(words))
            agent = turn["speaker"] == "agent"
            channel = gold["agent_channel"] if agent else 1 - gold["agent_channel"]
            segments.append(Segment(len(segments), AGENT if agent else CUSTOMER, channel, timed[0].start, timed[-1].end, "".join(w.text for w in timed), timed))
        segments.sort(key=lambda s: s.start)
        segments = [replace(s, id=i) for i, s in enumerate(segments)]
        transcript = Transcript(gold["call_id"], tuple(segments), gold["duration"], "human", "the script's words", (AGENT, CUSTOMER))
        out.append((gold, redact_transcript(transcript, CallMetadata.model_validate(sidecar).known_values())))
    return out


def rendered(split: str, n: int) -> list[Path]:
    from benchmarks.redaction.calls import rendered as _rendered

    return _rendered(split, n)


def todays(rubric):  # noqa: ANN001, ANN201 - Rubric -> Rubric
    """The rubric as 9c87dca's evaluators read it: exact regexes, one threshold, no review band."""
    data = rubric.model_dump()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("phrase", "forbidden_phrase"):
                node["match"] = "exact"
            if node.get("type") == "semantic":
                node.update(contrasts=None, contrasts_from=None, margin=0.0)
                node["threshold"] = TODAY_THRESHOLDS.get(node.get("exemplars_from"), node["threshold"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return type(rubric).model_validate(data)


# The semantic thresholds as shipped at 9c87dca (before contrasts).
TODAY_THRESHOLDS = {"empathy": 0.5, "incorrect_claims": 0.75, "false_or_threatening": 0.72, "payment_arrangement": 0.55}


def answers(score) -> dict[str, tuple[str, bool]]:  # noqa: ANN001 - Score
    return {c.criterion_id: (NA if c.na else c.answer, c.uncertain) for c in score.criteria}


def agreement_table(calls: list[tuple[dict, object]], rubrics: dict) -> dict[str, dict]:
    """Per criterion: decided calls, agreement, kappa, share sent to review."""
    from scoring import score_call
    from scoring.calibration.stats import cohen_kappa

    pairs: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for gold, redacted in calls:
        rubric = rubrics[gold["rubric"]]
        got = answers(score_call(redacted, rubric))
        for criterion, label in gold["labels"].items():
            if criterion in got:
                machine, unsure = got[criterion]
                pairs[f"{gold['rubric']}:{criterion}"].append((NA if label is None else label, machine, unsure))
    table = {}
    for key, rows in sorted(pairs.items()):
        decided = [(h, m) for h, m, u in rows if not u]
        kappa = cohen_kappa([m for _, m in decided], [h for h, _ in decided]) if decided else float("nan")
        table[key] = {
            "calls": len(rows),
            "decided": len(decided),
            "agreement": round(sum(h == m for h, m in decided) / len(decided), 3) if decided else None,
            "kappa": None if kappa != kappa else round(kappa, 3),
            "review_share": round(1 - len(decided) / len(rows), 3) if rows else None,
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=120, help="calls per split (default 120: 240 in all)")
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--fit", action="store_true", help="fit thresholds and windows on dev; report held-out with them too")
    parser.add_argument("--transcripts", choices=("asr", "human"), default="asr", help="the decoder's (default) or the script's words")
    args = parser.parse_args()
    from transcription.numerics import pin_process_numerics

    pin_process_numerics()
    from scoring import find_rubric

    shipped = {rid: find_rubric(rid) for rid in ("core-contact-centre", "collections")}
    variants = {"callaudit": shipped, "today's evaluators": {rid: todays(r) for rid, r in shipped.items()}}
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    source = processed if args.transcripts == "asr" else human
    data = {split: source(split, args.n) for split in splits}
    if args.fit and "dev" in data:
        variants["callaudit, fitted on dev"] = {rid: fitted(r, data["dev"]) for rid, r in shipped.items()}
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "transcripts": args.transcripts, "calls": {s: len(c) for s, c in data.items()},
              "results": {s: {v: agreement_table(calls, rubrics) for v, rubrics in variants.items()} for s, calls in data.items()}}  # fmt: skip
    if "callaudit, fitted on dev" in variants:
        report["fitted"] = {rid: {c.id: c.method.model_dump(include={"threshold", "within_first", "within_last"}) for _, c in r.criteria()}
                            for rid, r in variants["callaudit, fitted on dev"].items()}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    name = "scoring_calls" if args.transcripts == "asr" else "scoring_calls_human"
    (OUT / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (OUT / f"{name}.md").write_text(markdown(report))
    print(markdown(report))


def fitted(rubric, dev: list[tuple[dict, object]]):  # noqa: ANN001, ANN201
    """The rubric with each calibratable criterion fitted to the dev part's reviewer answers."""
    from scoring.calibration.tuning import fit_criterion
    from scoring.context import CallContext

    calls = [(g, r) for g, r in dev if g["rubric"] == rubric.id]
    contexts = {g["call_id"]: CallContext(r, rubric.knowledge_base) for g, r in calls}
    data = rubric.model_dump()
    for section in data["sections"]:
        for c in section["criteria"]:
            criterion = next(x for _, x in rubric.criteria() if x.id == c["id"])
            consensus = {g["call_id"]: (NA if g["labels"].get(c["id"]) is None else g["labels"][c["id"]]) for g, _ in calls if c["id"] in g["labels"]}
            fit = fit_criterion(criterion, contexts, consensus)
            if fit.parameter:
                c["method"][fit.parameter] = fit.fitted
    return type(rubric).model_validate(data)


def markdown(report: dict) -> str:
    words = "the decoder's transcripts" if report.get("transcripts", "asr") == "asr" else "the script's words (no ASR errors)"
    lines = [f"# Scoring against a reviewer's answers on generated calls, {words} ({report['date']})", "",
             "Per criterion: agreement / Cohen's kappa over the calls the machine decided, and the share it sent to review.", ""]  # fmt: skip
    for split, variants in report["results"].items():
        names = list(variants)
        lines += [f"## {split} ({report['calls'][split]} calls)", "", "| criterion | calls | " + " | ".join(f"{n}: agreement / kappa / review" for n in names) + " |",
                  "|---|---:|" + "---:|" * len(names)]  # fmt: skip
        for key in variants[names[0]]:
            cells = []
            for n in names:
                r = variants[n].get(key, {})
                fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
                cells.append(f"{fmt(r.get('agreement'))} / {fmt(r.get('kappa'))} / {fmt(r.get('review_share'))}")
            lines.append(f"| {key} | {variants[names[0]][key]['calls']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
