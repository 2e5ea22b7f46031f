"""Searching artefacts for planted raw values (card numbers, CVVs, expiries, phones, emails,
the customers' surnames).

Long values (card numbers, phones, emails, surnames) are searched in every byte of every file, with any
separators Whisper puts between digits ("4532, 0151", "4.5.3.2"). Short values (a 3-4 digit CVV
or expiry) would turn up by chance in binary data, so they are searched in text: text files,
every SQLite database's content (dumped as SQL), and captured output; as whole numbers, not
inside a longer number or a decimal.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

SEPARATORS = r"[\s,.\-/]{0,3}"


def long_pattern(value: str) -> re.Pattern[bytes]:
    if "@" in value or value.isalpha():
        return re.compile(re.escape(value).encode(), re.I)
    return re.compile(SEPARATORS.join(re.escape(c) for c in value).encode())


# Identifiers that cannot hold call content but are full of digits: a short value such as a CVV
# turns up inside them by chance (a UUID group "-4829-"), so they are set aside before the short
# values are searched. Long values are still searched in everything.
IDENTIFIERS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUIDs
    r"|\b[0-9a-fA-F]{32,}\b"  # hex digests
    r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?"  # ISO timestamps
)


def without_identifiers(text: str) -> str:
    return IDENTIFIERS.sub(" ", text)


def short_pattern(value: str) -> re.Pattern[str]:
    body = r"[\s,\-]?".join(re.escape(c) for c in value)
    return re.compile(rf"(?<![\w.]){body}(?![\w]|\.\d)")


def sqlite_text(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None


def find_leaks(root: Path, planted: dict[str, list[str]], extra_texts: dict[str, str] | None = None) -> list[str]:
    """Every place under ``root`` (and in ``extra_texts``) where a planted value appears."""
    long_values = [v for kind in ("card", "phone", "email", "name") for v in planted.get(kind, [])]
    short_values = [v for kind in ("cvv", "expiry") for v in planted.get(kind, [])]
    leaks: list[str] = []
    texts: dict[str, str] = dict(extra_texts or {})
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for value in long_values:
            if long_pattern(value).search(data):
                leaks.append(f"{path}: {value[:4]}…")
        dumped = sqlite_text(path) if data[:16] == b"SQLite format 3\x00" else None
        if dumped is not None:
            texts[f"{path} (SQL dump)"] = dumped
        elif not _is_binary(data):
            texts[str(path)] = data.decode("utf-8", "replace")
    for name, text in texts.items():
        for value in long_values:
            if long_pattern(value).search(text.encode()):
                leaks.append(f"{name}: {value[:4]}…")
        plain = without_identifiers(text)
        for value in short_values:
            if short_pattern(value).search(plain):
                leaks.append(f"{name}: short value {value[:1]}…")
    return sorted(set(leaks))


def _is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]
