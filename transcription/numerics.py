"""One set of CPU kernels on every machine, so the same recording gives the same words.

CTranslate2, oneDNN (which CTranslate2 and torch use for matrix products), Intel MKL (torch's
BLAS), torch's own kernels and NumPy each pick their CPU kernels by instruction set at run time,
and the kernels round differently. On one AMD EPYC machine, with the same packages, decoding
samples/payment_northwind.flac under CTranslate2's AVX2, AVX512 and GENERIC kernels gave three
different transcripts, and pinning CTranslate2 alone was not enough: oneDNN's own AVX-512
kernels changed a word too. CTranslate2 also uses MKL on Intel CPUs and oneDNN on others.

So every process that decodes or embeds runs under one *profile*: the instruction set named by
``transcription.cpu_isa`` (default ``portable``: AVX2 on x86-64, which nearly every x86 server
of the last ten years has, NEON on ARM64), pinned in every library that reads one, with oneDNN
as CTranslate2's matrix library on every CPU vendor. The libraries read these settings when they
first compute (NumPy when it is imported), so ``pin_numerics`` runs before any model loads; the
CLI runs ``pin_process_numerics`` before NumPy is imported. ``native`` lets each library choose
(fastest on a big machine; the words may then differ between machines).

Not pinned: onnxruntime (Silero VAD) has no setting for its kernels; its speech/no-speech
decisions are thresholded probabilities and did not change between the profiles tried.

This module imports nothing heavy: it must be importable before NumPy.
"""

from __future__ import annotations

import os
import platform
import sys
from functools import lru_cache

PORTABLE = "portable"  # AVX2 on x86-64, NEON on ARM64 (the default)
NATIVE = "native"  # every library picks its own kernels: not reproducible across machines
X86_ISAS = ("AVX2", "AVX512", "AVX", "GENERIC")
ARM_ISAS = ("NEON",)
CPU_ISAS = (PORTABLE, NATIVE, *X86_ISAS, *ARM_ISAS)

# What each library is told, per instruction set (their own names for it).
_LIBRARY_ISA = {
    #          CTranslate2   oneDNN         MKL (CNR)     torch (ATen)
    "AVX512": ("AVX512", "AVX512_CORE", "AVX512", "avx512"),
    "AVX2": ("AVX2", "AVX2", "AVX2", "avx2"),
    "AVX": ("AVX", "AVX", "AVX", "default"),
    "GENERIC": ("GENERIC", "SSE41", "COMPATIBLE", "default"),
    "NEON": ("NEON", None, None, "default"),
}
# NumPy's dispatch targets above AVX2 (NumPy 2.x names); disabled unless the profile is AVX512.
_NUMPY_ABOVE_AVX2 = "X86_V4 AVX512_ICL AVX512_SPR"
_NUMPY_ABOVE_BASELINE = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"
# /proc/cpuinfo flags each instruction set needs (CTranslate2's AVX512 kernels need F, BW, VL, DQ).
_CPU_FLAGS = {"AVX512": ("avx512f", "avx512bw", "avx512vl", "avx512dq"), "AVX2": ("avx2", "fma"), "AVX": ("avx",), "GENERIC": ()}
PINNED_VARIABLES = ("CT2_FORCE_CPU_ISA", "CT2_USE_MKL", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR", "ATEN_CPU_CAPABILITY")

_state: dict[str, str | bool | None] = {"isa": None, "engines_loaded": False}


class NumericsError(Exception):
    """The instruction set asked for cannot be used here (unknown, unsupported, or too late)."""


def machine_architecture() -> str:
    """'x86_64' or 'aarch64' (or what the platform says)."""
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def resolve_isa(cpu_isa: str) -> str | None:
    """The instruction set a ``transcription.cpu_isa`` value stands for on this machine (None:
    native, nothing pinned); raises NumericsError with the fix when it cannot be used here."""
    if cpu_isa not in CPU_ISAS:
        raise NumericsError(f"cpu_isa {cpu_isa!r} is not known; use one of {', '.join(CPU_ISAS)}")
    if cpu_isa == NATIVE:
        return None
    arch = machine_architecture()
    if cpu_isa == PORTABLE:
        return "NEON" if arch == "aarch64" else "AVX2"
    if (cpu_isa in ARM_ISAS) != (arch == "aarch64"):
        raise NumericsError(
            f"cpu_isa {cpu_isa} is not an instruction set of this {arch} machine; use portable, or one of "
            f"{', '.join(ARM_ISAS if arch == 'aarch64' else X86_ISAS)}"
        )
    missing = [flag for flag in _CPU_FLAGS.get(cpu_isa, ()) if flag not in _cpu_flags()]
    if missing and _cpu_flags():
        raise NumericsError(
            f"this CPU lacks {', '.join(missing)}, which cpu_isa {cpu_isa} needs; set transcription.cpu_isa to an instruction set "
            f"every machine that processes calls has (AVX or GENERIC), the same on all of them, so that they store the same words"
        )
    return cpu_isa


def numerics_env(isa: str | None) -> dict[str, str]:
    """The environment that pins every library to ``isa`` (None: nothing pinned)."""
    if isa is None:
        return {}
    ct2, onednn, mkl, aten = _LIBRARY_ISA[isa]
    env = {"CT2_FORCE_CPU_ISA": ct2, "ATEN_CPU_CAPABILITY": aten}
    if machine_architecture() == "x86_64":
        # CTranslate2 uses MKL on Intel CPUs and oneDNN on others unless told: oneDNN everywhere.
        env.update(CT2_USE_MKL="0", ONEDNN_MAX_CPU_ISA=onednn or "", MKL_CBWR=mkl or "")
        env["NPY_DISABLE_CPU_FEATURES"] = "" if isa == "AVX512" else _NUMPY_ABOVE_AVX2 if isa == "AVX2" else _NUMPY_ABOVE_BASELINE
    return {k: v for k, v in env.items() if v}


def pin_process_numerics(cpu_isa: str | None = None) -> None:
    """At a process's start, before NumPy is imported: pin the profile named by ``cpu_isa``, by
    ``CALLAUDIT_CPU_ISA``, or the default. A later ``pin_numerics`` with the config's value
    re-pins the libraries that have not computed yet (all but NumPy)."""
    choice = cpu_isa or os.environ.get("CALLAUDIT_CPU_ISA") or PORTABLE
    try:
        isa = resolve_isa(choice)
    except NumericsError:
        return  # reported with the config's value by pin_numerics, where the user can fix it
    for name, value in numerics_env(isa).items():
        if name != "NPY_DISABLE_CPU_FEATURES" or "numpy" not in sys.modules:
            os.environ[name] = value


def pin_numerics(cpu_isa: str = PORTABLE) -> str | None:
    """Pin every numeric library of this process to the instruction set ``cpu_isa`` stands for,
    before a speech or embedding model loads; returns it (None for native). Overrides what the
    environment says: the config decides, so every machine of a deployment agrees. Raises
    NumericsError if it cannot be used here, or if this process already loaded a model under
    another profile (the libraries read their settings once)."""
    isa = resolve_isa(cpu_isa)
    if _state["engines_loaded"] and _state["isa"] != isa:
        raise NumericsError(
            f"this process already runs models under cpu_isa {_state['isa'] or NATIVE}; it cannot switch to {cpu_isa} "
            f"(the libraries read it once): start a new process"
        )
    env = numerics_env(isa)
    for name in PINNED_VARIABLES:
        if name in env:
            os.environ[name] = env[name]
        elif isa is None:
            os.environ.pop(name, None)
    _state["isa"] = isa
    return isa


def ensure_pinned() -> str | None:
    """Before a model loads where no speech model set the profile (scoring alone, e.g. a
    re-score): keep the profile already pinned, else pin ``CALLAUDIT_CPU_ISA`` or the default."""
    if _state["isa"] is not None or _state["engines_loaded"]:
        return _state["isa"]  # type: ignore[return-value]
    return pin_numerics(os.environ.get("CALLAUDIT_CPU_ISA") or PORTABLE)


def engines_loaded() -> None:
    """Record that a model has loaded under the current profile (it cannot change after this)."""
    _state["engines_loaded"] = True


def numerics_profile() -> dict[str, str]:
    """What this process computes with, for the record of every stored result: the profile, the
    machine's architecture and the kernel settings in force."""
    profile = {"cpu_isa": str(_state["isa"] or (NATIVE if _state["engines_loaded"] else "not pinned")), "arch": machine_architecture()}
    for name in (*PINNED_VARIABLES, "NPY_DISABLE_CPU_FEATURES"):
        if os.environ.get(name):
            profile[name] = os.environ[name]
    return profile


@lru_cache(maxsize=1)
def _cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()  # not Linux: nothing to check against
