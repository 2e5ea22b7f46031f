"""Running the real `callaudit` CLI in a subprocess with its own data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def callaudit(home: Path, *args: str, tmp: Path | None = None, timeout: int = 900, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env.update(CALLAUDIT_HOME=str(home), COLUMNS="200", **extra)
    if tmp is not None:
        env["TMPDIR"] = str(tmp)  # so the leak test can search every temp file the run wrote
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], env=env, capture_output=True, text=True, timeout=timeout)


def configure(home: Path, **sections: dict) -> None:
    """Write the home's config.yaml with these sections' keys changed (the rest default)."""
    import yaml

    from flows.config import Home

    data = Home(home)
    data.ensure()
    config = yaml.safe_load(data.config_path.read_text())
    for section, values in sections.items():
        config[section].update(values)
    data.config_path.write_text(yaml.safe_dump(config))


# Orchestration tests (crashes, signals, retries, locks) are about processes, not about what the
# model hears: they run the fast model and leave out the second decoding of every call's audio,
# which is tested where it matters (e2e, reproducibility, verify). The default model is what
# the end-to-end, reproducibility and unit tests run.
ORCHESTRATION = {"redaction": {"verify": False}, "transcription": {"model": "tiny.en"}}
# The Dask test verifies on its workers, with the fast model decoding twice (a greedy second pass)
FAST_VERIFIED = {"redaction": {"verify": True, "verify_model": "tiny.en"}, "transcription": {"model": "tiny.en"}}
