"""The CPU-kernel profile: what each setting pins, and the errors that say how to fix a bad one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from transcription.numerics import NumericsError, machine_architecture, numerics_env, resolve_isa

x86 = pytest.mark.skipif(machine_architecture() != "x86_64", reason="x86-64 instruction sets")


@x86
def test_portable_is_avx2_with_onednn_on_every_vendor():
    assert resolve_isa("portable") == "AVX2"
    env = numerics_env("AVX2")
    assert env["CT2_FORCE_CPU_ISA"] == "AVX2" and env["CT2_USE_MKL"] == "0" and env["ONEDNN_MAX_CPU_ISA"] == "AVX2"
    assert env["MKL_CBWR"] == "AVX2" and env["ATEN_CPU_CAPABILITY"] == "avx2" and "X86_V4" in env["NPY_DISABLE_CPU_FEATURES"]
    assert resolve_isa("native") is None and numerics_env(None) == {}


@x86
def test_a_bad_setting_says_what_to_use_instead():
    with pytest.raises(NumericsError, match="use one of portable, native"):
        resolve_isa("AVX3")
    with pytest.raises(NumericsError, match="not an instruction set of this x86_64 machine"):
        resolve_isa("NEON")


def test_the_config_wins_over_the_environment_and_cannot_change_after_a_model_loaded():
    """In a process of its own: the profile is process-wide."""
    code = """
import os
os.environ["CT2_FORCE_CPU_ISA"] = "AVX512"
from transcription.numerics import NumericsError, pin_numerics, engines_loaded, numerics_profile
pin_numerics("portable")
assert os.environ["CT2_FORCE_CPU_ISA"] in ("AVX2", "NEON"), os.environ["CT2_FORCE_CPU_ISA"]
engines_loaded()
pin_numerics("portable")  # the same again is fine
try:
    pin_numerics("GENERIC")
except NumericsError as e:
    assert "start a new process" in str(e)
else:
    raise SystemExit("switched kernels after a model loaded")
assert numerics_profile()["cpu_isa"] in ("AVX2", "NEON")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_cli_refuses_an_instruction_set_this_machine_lacks(tmp_path):
    from tests.flows.helpers import callaudit

    home = tmp_path / "home"
    assert callaudit(home, "info").returncode == 0
    config = home / "config.yaml"
    config.write_text(config.read_text().replace("cpu_isa: portable", "cpu_isa: AVX3"))
    done = callaudit(home, "info")
    assert done.returncode == 2 and "transcription.cpu_isa" in done.stderr and "use one of" in done.stderr
