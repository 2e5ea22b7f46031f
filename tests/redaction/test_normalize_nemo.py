"""Normalisation against NVIDIA NeMo's inverse-text-normalisation test cases (spoken → written):
phone numbers and spelled emails, the forms callers use for personal data. Cases outside what
redaction needs are left out, and each exclusion says why."""

from __future__ import annotations

import re

import pytest

from redaction.normalize import normalize_spoken
from tests.conftest import FIXTURES

NEMO = FIXTURES / "pii" / "nemo-itn-spoken-form"


def cases(name: str, keep=lambda spoken: True) -> list[tuple[str, str]]:  # noqa: ANN001
    lines = (NEMO / f"itn_spoken_to_written__{name}.txt").read_text().splitlines()
    return [tuple(line.split("~", 1)) for line in lines if "~" in line and keep(line.split("~", 1)[0])]


# IP addresses ("one two three dot o dot four o") are left out: "dot" between digits is not how
# callers give payment or personal numbers, and reading "o" as zero there would also turn words
# like "dot o" in ordinary speech into digits.
TELEPHONE = cases("telephone", keep=lambda s: " dot " not in s)
# Web addresses ("h t t p colon slash slash …") are left out: a website is not personal data.
EMAILS = cases("electronic", keep=lambda s: " at " in f" {s} ")


def test_the_case_files_are_there():
    assert len(TELEPHONE) >= 15 and len(EMAILS) >= 15


@pytest.mark.parametrize("spoken, written", TELEPHONE)
def test_spoken_phone_numbers_become_their_digits(spoken, written):
    assert re.sub(r"\D", "", normalize_spoken(spoken).text) == re.sub(r"\D", "", written)


@pytest.mark.parametrize("spoken, written", EMAILS)
def test_spelled_emails_become_addresses(spoken, written):
    normalized = normalize_spoken(spoken)
    assert written.lower() in normalized.text.lower()
    email = written.split()[-1].lower()
    start = normalized.text.lower().index(email)
    a, b = normalized.to_original(start, start + len(email))  # back to the spoken words (and their times)
    assert b == len(spoken) and normalize_spoken(spoken[a:b]).text.lower() == email
