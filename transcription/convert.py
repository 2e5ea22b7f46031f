"""CTranslate2 Whisper weights → an openai-whisper checkpoint, so the reference implementation runs
offline on the same weights faster-whisper uses (the hub is not reachable from our machines).

The model.bin layout is CTranslate2's ``ModelSpec._serialize``: u32 binary version, the spec
name, u32 revision, u32 variable count, then per variable: name, u8 rank, u32 dims, u8 dtype,
u32 byte count and the raw data; then the aliases. Strings are a u16 length (with the NUL) and
the UTF-8 bytes. CTranslate2 fuses projections that openai-whisper keeps apart: self-attention
QKV (3d × d, whose key part has no bias) and the decoder's cross-attention KV (2d × d).

    >>> path = checkpoint_for(resolve_model("tiny.en"))  # doctest: +SKIP
    >>> whisper.load_model(str(path))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path

import numpy as np

from .models import InstalledModel, file_sha256, model_cache_root

DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


class ConversionError(Exception):
    """The CTranslate2 model cannot be converted (not a Whisper model, or an unknown layout)."""


def read_ctranslate2(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """The spec name and every variable of a CTranslate2 model.bin (aliases resolved)."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt: str):  # noqa: ANN202
        nonlocal pos
        value = struct.unpack_from(fmt, data, pos)[0]
        pos += struct.calcsize(fmt)
        return value

    def text() -> str:
        nonlocal pos
        n = take("H")
        value = data[pos : pos + n - 1].decode()
        pos += n
        return value

    version = take("I")
    if version < 5:
        raise ConversionError(f"{path}: CTranslate2 binary version {version} is too old (5 or newer)")
    spec = text()
    take("I")  # the spec's revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = text()
        shape = [take("I") for _ in range(take("B"))]
        dtype = DTYPES.get(take("B"))
        size = take("I")
        if dtype is None:
            raise ConversionError(f"{path}: variable {name} has a data type this converter does not read")
        variables[name] = np.frombuffer(data, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=pos).reshape(shape)
        pos += size
    for _ in range(take("I")):
        alias, target = text(), text()
        variables[alias] = variables[target]
    return spec, variables


def convert(model_dir: Path) -> dict:
    """An openai-whisper checkpoint (``{"dims", "model_state_dict"}``) from a CTranslate2
    Whisper model folder, in float32."""
    import torch

    spec, v = read_ctranslate2(Path(model_dir) / "model.bin")
    if spec != "WhisperSpec":
        raise ConversionError(f"{model_dir}: a {spec} model, not Whisper")

    def t(name: str) -> torch.Tensor:
        return torch.from_numpy(np.array(v[name], dtype=np.float32))

    def layers(prefix: str) -> int:
        return len({m.group(1) for k in v if (m := re.match(rf"{prefix}/layer_(\d+)/", k))})

    def block(out: dict, dst: str, src: str, sub: str) -> None:
        out[f"{dst}.weight"], out[f"{dst}.bias"] = t(f"{src}/{sub}/weight"), t(f"{src}/{sub}/bias")

    def norm(out: dict, dst: str, src: str) -> None:
        out[f"{dst}.weight"], out[f"{dst}.bias"] = t(f"{src}/gamma"), t(f"{src}/beta")

    def self_attention(out: dict, dst: str, src: str) -> None:
        w, b = t(f"{src}/linear_0/weight"), t(f"{src}/linear_0/bias")
        d = w.shape[1]
        out[f"{dst}.query.weight"], out[f"{dst}.key.weight"], out[f"{dst}.value.weight"] = w[:d], w[d : 2 * d], w[2 * d :]
        out[f"{dst}.query.bias"], out[f"{dst}.value.bias"] = b[:d], b[2 * d :]  # the key projection has no bias
        block(out, f"{dst}.out", src, "linear_1")

    def mlp(out: dict, dst: str, src: str) -> None:
        block(out, f"{dst}.mlp.0", src, "ffn/linear_0")
        block(out, f"{dst}.mlp.2", src, "ffn/linear_1")
        norm(out, f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    state: dict[str, torch.Tensor] = {}
    for i in (1, 2):
        block(state, f"encoder.conv{i}", "encoder", f"conv{i}")
    state["encoder.positional_embedding"] = t("encoder/position_encodings/encodings")
    n_audio_layer, n_text_layer = layers("encoder"), layers("decoder")
    for i in range(n_audio_layer):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        self_attention(state, f"{dst}.attn", f"{src}/self_attention")
        norm(state, f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        mlp(state, dst, src)
    norm(state, "encoder.ln_post", "encoder/layer_norm")
    state["decoder.token_embedding.weight"] = t("decoder/embeddings/weight")
    state["decoder.positional_embedding"] = t("decoder/position_encodings/encodings")
    for i in range(n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        self_attention(state, f"{dst}.attn", f"{src}/self_attention")
        norm(state, f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        block(state, f"{dst}.cross_attn.query", f"{src}/attention", "linear_0")
        kv_w, kv_b = t(f"{src}/attention/linear_1/weight"), t(f"{src}/attention/linear_1/bias")
        d = kv_w.shape[1]
        state[f"{dst}.cross_attn.key.weight"], state[f"{dst}.cross_attn.value.weight"] = kv_w[:d], kv_w[d:]
        state[f"{dst}.cross_attn.value.bias"] = kv_b[d:]
        block(state, f"{dst}.cross_attn.out", f"{src}/attention", "linear_2")
        norm(state, f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        mlp(state, dst, src)
    norm(state, "decoder.ln", "decoder/layer_norm")

    n_audio_ctx, n_audio_state = v["encoder/position_encodings/encodings"].shape
    n_text_ctx, n_text_state = v["decoder/position_encodings/encodings"].shape
    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(n_audio_ctx),
        "n_audio_state": int(n_audio_state),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": n_audio_layer,
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(n_text_ctx),
        "n_text_state": int(n_text_state),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": n_text_layer,
    }
    config = Path(model_dir) / "config.json"
    heads = json.loads(config.read_text()).get("alignment_heads") if config.exists() else None
    return {"dims": dims, "model_state_dict": state, "alignment_heads": heads}


def cache_dir() -> Path:
    """Where converted checkpoints are kept: $CALLAUDIT_MODEL_CACHE, else ~/.cache/callaudit."""
    return model_cache_root() / "openai-whisper"


def checkpoint_for(model: InstalledModel) -> Path:
    """The openai-whisper checkpoint converted from ``model`` (converted once, then cached; the
    file name carries the source weights' hash, so new weights make a new checkpoint)."""
    import torch

    source = Path(model.path) / "model.bin"
    digest = file_sha256(source)[:16]
    target = cache_dir() / f"{model.name.replace('/', '_')}-{digest}.pt"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        torch.save(convert(Path(model.path)), partial)
        os.replace(partial, target)
    return target
