"""The same recording and config give the same stored result, whatever the machine chooses.

CTranslate2, oneDNN, MKL, torch and NumPy each pick CPU kernels by instruction set, and on the
machines this was built on the sample payment call transcribed differently under AVX2, AVX-512
and generic kernels (transcription/numerics.py). The product pins them from the config, so a
second run in a fresh home, with the environment asking every library for AVX-512 and with
another number of workers, must store byte-identical transcripts, redactions, scores and
redacted audio.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import select

from audit_store import AuditStore, CallRecord, EntityRecord, FindingRecord, ScoreRecord, TranscriptRecord
from tests.flows.helpers import callaudit

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# What a machine with AVX-512 may pick by itself, and what a user may have set in their shell.
OTHER_CPU = {"CT2_FORCE_CPU_ISA": "AVX512", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE", "ATEN_CPU_CAPABILITY": "avx512", "CT2_USE_MKL": "1",
             "MKL_CBWR": "AUTO", "NPY_DISABLE_CPU_FEATURES": "", "OMP_NUM_THREADS": "1"}  # fmt: skip


def stored_rows(home: Path) -> dict[str, object]:
    store = AuditStore(f"sqlite:///{home / 'store.db'}")
    with store.session() as s:
        rows = {
            "transcripts": [r.content_sha256 for r in s.scalars(select(TranscriptRecord).order_by(TranscriptRecord.id))],
            "scores": [(r.rubric_hash, r.total, r.passed, r.auto_fail, r.content_sha256) for r in s.scalars(select(ScoreRecord).order_by(ScoreRecord.id))],
            "entities": [(e.entity_type, e.speaker, e.segment_id, e.start, e.end, e.recognizer, e.score) for e in s.scalars(select(EntityRecord).order_by(EntityRecord.id))],
            "findings": [(f.kind, f.entity_type, f.segment_id, f.start, f.end) for f in s.scalars(select(FindingRecord).order_by(FindingRecord.id))],
            "audio": [[a["sha256"] for a in json.loads(c.redacted_audio)] for c in s.scalars(select(CallRecord).order_by(CallRecord.id))],
        }
    store.engine.dispose()
    return rows


def test_one_call_stores_identical_rows_under_another_cpu_in_the_environment(tmp_path):
    runs = {}
    for name, env, workers in (("default", {}, "2"), ("other-cpu", OTHER_CPU, "1")):
        inbox, home = tmp_path / name / "inbox", tmp_path / name / "home"
        inbox.mkdir(parents=True)
        for f in ("payment_northwind.flac", "payment_northwind.json"):
            shutil.copy(SAMPLES / f, inbox / f)
        done = callaudit(home, "run", "--inbox", str(inbox), "--workers", workers, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
        runs[name] = stored_rows(home)
    assert runs["default"]["transcripts"] and runs["default"]["entities"]
    assert runs["default"] == runs["other-cpu"]
    # what it was computed with is stored with it, and `info` shows the same for this machine
    from audit_store import User

    store = AuditStore(f"sqlite:///{tmp_path / 'default' / 'home' / 'store.db'}")
    view = store.read_call(User(name="qa", role="qa_lead"), "NW-20261121-0001")
    provenance = view.transcript.provenance
    assert provenance["numerics"]["cpu_isa"] == "AVX2" and provenance["numerics"]["CT2_FORCE_CPU_ISA"] == "AVX2"
    assert provenance["libraries"]["ctranslate2"] and len(provenance["asr_model"]["sha256"]) == 64
    assert "sha256" in view.score.models["embeddings"]
    info = callaudit(tmp_path / "default" / "home", "info")
    assert info.returncode == 0 and "cpu_isa portable = AVX2" in info.stdout and provenance["asr_model"]["sha256"] in info.stdout.replace("\n", "")
