"""benchmarks/callgen: the splits never share a phrasing or a voice; every gold value is said as
recorded (its spoken form in its turn, its digits those of the value, cards Luhn-valid); a
rendered call has two 8 kHz channels, value spans inside their turns, speech on the speaker's
channel and silence on the other there; the same spec renders to the same bytes."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import yaml

from benchmarks.callgen import Degradation, generate, get_bank, render
from benchmarks.callgen.banks import ANSWER_TYPES, MIN_PHRASINGS, REQUEST_TYPES, SEMANTIC_CRITERIA
from benchmarks.callgen.labels import CONDITIONS
from benchmarks.callgen.values import luhn_ok

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_FILES = {"core-contact-centre": "core_contact_centre.yaml", "collections": "collections.yaml"}

UNITS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])} | {"oh": 0}
TEENS = {
    w: 10 + i
    for i, w in enumerate(
        ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}
TENS = {
    w: 10 * i
    for i, w in enumerate(["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
    if w != "_"
}
MONTHS = {
    m.lower(): i + 1
    for i, m in enumerate(
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    )
}
ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
}
ORDINALS |= {
    f"twenty {w}": 20 + ORDINALS[w]
    for w in ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
} | {"thirtieth": 30, "thirty first": 31}
MARKERS = {"sorry", "no wait", "i mean", "scratch that"}  # a self-correction withdraws the group said before it


def _number(tokens: list[str]) -> str:
    out, i = "", 0
    while i < len(tokens):
        w, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if w in ("double", "triple"):
            out += str(UNITS[nxt]) * (2 if w == "double" else 3)
            i += 2
        elif w in UNITS and nxt in ("hundred", "thousand"):
            value, i = UNITS[w] * (100 if nxt == "hundred" else 1000), i + 2
            rest = [t for t in tokens[i:] if t != "and"]
            out += str(value + int(_number(rest) or 0))
            break
        elif w in UNITS:
            out, i = out + str(UNITS[w]), i + 1
        elif w in TEENS:
            out, i = out + str(TEENS[w]), i + 1
        elif w in TENS:
            if nxt in UNITS and UNITS[nxt] and nxt != "oh":
                out, i = out + str(TENS[w] + UNITS[nxt]), i + 2
            else:
                out, i = out + str(TENS[w]), i + 1
        else:  # fillers, "slash", "a"
            i += 1
    return out


def digits(spoken: str) -> str:
    """The digits a listener takes from ``spoken``, corrections applied."""
    groups: list[str] = []
    for chunk in re.split(r"[,.?]", spoken.lower()):
        chunk = chunk.strip()
        if chunk in MARKERS:
            groups.pop()
            continue
        d = _number(chunk.split())
        if d:
            groups.append(d)
    return "".join(groups)


def check_value(v, turn_text: str) -> None:
    assert v.spoken in turn_text, (v, turn_text)
    s = v.spoken.lower()
    if v.type in ("CREDIT_CARD", "CVV", "PHONE_NUMBER", "REFERENCE_NUMBER", "CARD_LAST4") and v.parts == 1:
        assert digits(v.spoken) == v.value, v
    elif v.type == "CARD_EXPIRY":
        month = next((f"{MONTHS[w]:02d}" for w in s.split() if w in MONTHS), None)
        if month:
            year = digits(" ".join(w for w in s.split() if w not in MONTHS))
        elif " slash " in s:
            before, after = s.split(" slash ")
            month, year = digits(before).zfill(2), digits(after)
        else:
            d = digits(s).zfill(4)
            month, year = d[:2], d[2:]
        assert month + year[-2:] == v.value, v
    elif v.type == "DATE_OF_BIRTH":
        year, month, day = v.value.split("-")
        if "words" in v.form:
            found = [o for o in sorted(ORDINALS, key=len, reverse=True) if re.search(rf"\b{o}\b", s)]
            assert ORDINALS[found[0]] == int(day), v
            assert next(MONTHS[w] for w in re.findall(r"[a-z]+", s) if w in MONTHS) == int(month), v
            rest = re.sub(rf"\b{found[0]}\b|\bthe\b|\bof\b|" + "|".join(MONTHS), "", s)
            said_year = digits(rest)
        else:
            d = digits(s)
            first, second, said_year = d[:2], d[2:4], d[4:]
            assert (first, second) == ((day, month) if v.form.startswith("dmy") else (month, day)), v
        assert said_year == (year if len(said_year) == 4 else year[2:]), v
    elif v.type == "EMAIL_ADDRESS":
        local, domain = s.replace(", all one word,", "").rsplit(" at ", 1)
        parts = re.split(r"( dot | underscore )", local)
        rebuilt = "".join(
            {" dot ": ".", " underscore ": "_"}.get(p)
            or "".join(str(UNITS[t]) if t in UNITS else t for t in re.split(r"[\s,]+", p) if t)
            for p in parts
        )
        assert f"{rebuilt}@{domain.replace(' dot ', '.')}" == v.value, v
    elif v.type == "ADDRESS":
        house, street = v.value.split(" ", 1)
        assert v.spoken.endswith(street) and digits(v.spoken[: -len(street)]) == house, v
    elif v.type == "POSTCODE" and v.value.isdigit():
        assert digits(v.spoken) == v.value, v
    elif v.type == "POSTCODE":
        letters = "".join(
            t.upper() if len(t) == 1 and t.isalpha() else str(UNITS.get(t, "")) for t in re.split(r"[\s,]+", s) if t
        )
        assert letters == v.value.replace(" ", ""), v
    elif v.type == "PERSON":
        assert all(part.lower() in s for part in v.value.split()), v


@pytest.fixture(scope="module")
def specs():
    return {"dev": generate("dev", 5), "heldout": generate("heldout", 5)}


def test_banks_have_enough_phrasings():
    for split in ("dev", "heldout"):
        bank = get_bank(split)
        for kind in REQUEST_TYPES:
            assert len(bank.requests[kind]) >= MIN_PHRASINGS, (split, kind)
        for kind in ANSWER_TYPES:
            assert len(bank.answers[kind]) >= MIN_PHRASINGS, (split, kind)
        for criteria in SEMANTIC_CRITERIA.values():
            for c in criteria:
                assert len(bank.criteria[c]["yes"]) >= MIN_PHRASINGS and len(bank.criteria[c]["no"]) >= MIN_PHRASINGS, (split, c)


def test_conditions_cover_every_rubric_criterion():
    for rubric, filename in RUBRIC_FILES.items():
        doc = yaml.safe_load((ROOT / "rubrics" / filename).read_text())
        ids = {c["id"] for section in doc["sections"] for c in section["criteria"]}
        assert set(CONDITIONS[rubric]) == ids
        assert set(SEMANTIC_CRITERIA[rubric]) <= ids


def _all_phrasings(bank) -> set[str]:
    out = {p for group in (bank.requests, bank.answers, bank.lines, bank.reasons) for v in group.values() for p in v}
    return out | {p for sides in bank.criteria.values() for v in sides.values() for p in v}


def test_splits_share_no_phrasing_voice_or_name():
    dev, held = get_bank("dev"), get_bank("heldout")
    norm = {re.sub(r"[^a-z{} ]", "", p.lower()).strip() for p in _all_phrasings(dev)}
    shared = {p for p in _all_phrasings(held) if re.sub(r"[^a-z{} ]", "", p.lower()).strip() in norm}
    assert shared <= {"{v}", "{v}."}  # a bare value is not a phrasing
    assert not set(dev.all_voices()) & set(held.all_voices())
    assert not set(dev.voices) & set(held.voices) and not set(dev.variants) & set(held.variants)
    for field in ("first_names", "last_names", "streets", "agent_names", "homophones"):
        assert not set(getattr(dev, field)) & set(getattr(held, field)), field


def test_generated_splits_share_no_request_answer_or_voice(specs):
    used = {}
    for split, calls in specs.items():
        used[split] = {
            "phrasing": {t.template for c in calls for t in c.turns if t.source.startswith(("request:", "answer:"))}
            - {"{v}", "{v}."},
            "voice": {v.name for c in calls for v in c.voices.values()},
        }
    assert used["dev"]["phrasing"] and used["heldout"]["phrasing"]
    assert not used["dev"]["phrasing"] & used["heldout"]["phrasing"]
    assert not used["dev"]["voice"] & used["heldout"]["voice"]


def test_values_are_said_as_recorded(specs):
    for call in specs["dev"] + specs["heldout"]:
        assert set(call.labels) == set(CONDITIONS[call.rubric]) and set(call.labels.values()) <= {"yes", "no", None}
        parts: dict[str, list] = {}
        for v in call.values:
            check_value(v, call.turns[v.turn].text)
            if v.type == "CREDIT_CARD":
                assert luhn_ok(v.value) and len(v.value) in (13, 15, 16), v
                if v.parts > 1:
                    parts.setdefault(v.id, []).append(v)
        for split_value in parts.values():
            assert "".join(digits(p.spoken) for p in sorted(split_value, key=lambda p: p.part)) == split_value[0].value


def test_same_seed_same_script():
    assert generate("heldout", 2, seed=9100) == generate("heldout", 2, seed=9100)


def test_render_one_short_call(tmp_path):
    spec = next(s for s in generate("dev", 20) if any(v.speaker == "customer" and v.sensitive and v.turn < 10 for v in s.values))
    first = min(v.turn for v in spec.values if v.speaker == "customer" and v.sensitive)
    line = Degradation(8000, "amr-nb", (300, 3400), "babble", (25.0, 12.0), (0.0, -3.0))
    spec = dataclasses.replace(spec.excerpt(first + 1), degradation=line)
    call = render(spec, tmp_path / "a")
    audio, rate = sf.read(str(call.audio))
    assert rate == 8000 and audio.ndim == 2 and audio.shape[1] == 2
    turns = call.gold["turns"]
    for v in call.gold["values"] + call.gold["decoys"]:
        assert turns[v["turn"]]["start"] <= v["start"] < v["end"] <= turns[v["turn"]]["end"], v
    value = next(v for v in call.gold["values"] if v["speaker"] == "customer")
    span = audio[int(value["start"] * rate) : int(value["end"] * rate)]
    rms = np.sqrt(np.mean(span**2, axis=0))
    assert value["channel"] == 1 - spec.agent_channel
    assert rms[value["channel"]] > 0.01  # the customer is speaking
    assert rms[spec.agent_channel] < 0.25 * rms[value["channel"]]  # the agent's channel: only its noise floor
    again = render(spec, tmp_path / "b")
    for a, b in ((call.audio, again.audio), (call.sidecar, again.sidecar), (call.gold_path, again.gold_path)):
        assert a.read_bytes() == b.read_bytes()


# Where a rubric's phrases may appear in the banks: anywhere else they would change a label the
# script did not mean to (an "anything else?" in a generic line would make further_help present).
PHRASE_HOMES = {
    "greeting": {"line:greeting", "line:greeting_no_company", "line:customer_greets", "line:closing"},
    "recording_disclosure": {"line:recording", "line:recording_late", "line:customer_recording"},
    "mini_miranda": {"line:mini_miranda", "line:miranda_first_half", "line:miranda_second_half", "line:customer_miranda"},
    "hold_etiquette": {"line:hold_thanks", "line:hold"},
    "payment_confirmation": {"line:payment_confirm", "criterion:arrangement_confirmed:yes"},
    "no_instant_refund_promise": {"criterion:no_instant_refund_promise:no"},
    "courtesy": {"criterion:courtesy:no", "criterion:respectful_language:no", "customer_rude"},
    "respectful_language": {"criterion:courtesy:no", "criterion:respectful_language:no", "customer_rude"},
    "further_help": {"line:further_help", "line:customer_further_help"},
    "closing": {
        "line:closing",
        "line:customer_closing",
        "line:customer_closing_negative",
        "line:greeting",
        "line:greeting_no_company",
        "line:customer_greets",
    },
}


def _rubric_patterns() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for filename in RUBRIC_FILES.values():
        doc = yaml.safe_load((ROOT / "rubrics" / filename).read_text())
        for c in (c for section in doc["sections"] for c in section["criteria"]):
            patterns = list(c["method"].get("patterns", []))
            patterns += c.get("na_when", {}).get("no_phrase", {}).get("patterns", [])
            if c["id"] in PHRASE_HOMES:
                out.setdefault(c["id"], []).extend(patterns)
    return out


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_phrases_that_decide_a_criterion_stay_in_their_lines(split):
    bank = get_bank(split)
    texts = [(f"request:{k}", p) for k, v in bank.requests.items() for p in v]
    texts += [(f"line:{k}", p) for k, v in bank.lines.items() for p in v] + [
        (f"reason:{k}", p) for k, v in bank.reasons.items() for p in v
    ]
    texts += [(f"criterion:{k}:{side}", p) for k, sides in bank.criteria.items() for side, v in sides.items() for p in v]
    texts += [("customer_rude", p) for p in bank.customer_rude]
    for criterion, patterns in _rubric_patterns().items():
        for where, text in texts:
            plain = re.sub(r"\{\w+\}|\[\[|\]\]", "x", text).lower()
            if any(re.search(p, plain) for p in patterns):
                assert where in PHRASE_HOMES[criterion], (criterion, where, text)
