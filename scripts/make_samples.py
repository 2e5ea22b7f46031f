"""Synthesise the sample calls in samples/ with espeak-ng (reproducible; run from the repo root).

    python scripts/make_samples.py [CALL_NAME ...]

Each call is a scripted dialogue: the agent on one channel, the customer on the other, as a
contact-centre recorder writes them. The payment and personal values spoken are synthetic
test values (Luhn-valid test card numbers, 555 phone numbers, example.com emails); they are
written to tests/data/planted_values.json so the leak tests can search every artefact for them.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

RATE = 16000  # Hz
GAP = 0.7  # seconds between turns
AGENT_VOICE = ("en-us", 155)
CUSTOMER_VOICE = ("en-gb-x-rp+f3", 145)
ROOT = Path(__file__).resolve().parent.parent


def spell_digits(number: str, group: int = 4) -> str:
    """'4532015112830366' -> '4 5 3 2, 0 1 5 1, ...' so espeak reads digit by digit."""
    groups = [number[i : i + group] for i in range(0, len(number), group)]
    return ", ".join(" ".join(g) for g in groups)


CALLS = {
    "payment_northwind": {
        "metadata": {
            "call_id": "NW-20261121-0001",
            "agent_id": "a.khan",
            "team": "billing",
            "started_at": "2026-11-21T09:30:00Z",
            "agent_channel": 0,
        },
        "layout": "stereo",
        "turns": [
            ("agent", "Thank you for calling Northwind Energy, my name is Sam. This call is recorded for quality and training purposes. How can I help you today?"),
            ("customer", "Hi Sam, I would like to pay my electricity bill please."),
            ("agent", "Of course. Before we start, can you confirm your full name and date of birth so I can verify your identity?"),
            ("customer", "Yes, it is Laura Perez, and my date of birth is the fourth of May, nineteen eighty one."),
            ("agent", "Thank you Laura, you are verified. Your balance is one hundred and twenty dollars. What is the card number you would like to use?"),
            ("customer", "The card number is {card}."),
            ("agent", "Thank you. And what is the expiry date on the card?"),
            ("customer", "It expires {expiry_spoken}."),
            ("agent", "And the three digit security code on the back of the card?"),
            ("customer", "The security code is {cvv_spoken}."),
            ("agent", "Thank you, the payment of one hundred and twenty dollars has been taken and you will receive a confirmation by email. Is there anything else I can help you with today?"),
            ("customer", "No, that is everything, thank you."),
            ("agent", "Thank you for calling Northwind Energy, have a great day. Goodbye."),
        ],
        "values": {"card": "4532015112830366", "expiry": "0827", "cvv": "737"},
    },
    "contact_update": {
        "metadata": {
            "call_id": "NW-20261121-0002",
            "agent_id": "j.osei",
            "team": "customer-care",
            "started_at": "2026-11-21T10:05:00Z",
            "agent_channel": 1,
            # known values: redaction finds them wherever said; the leak tests prove they are
            # stored nowhere (the phone is a planted value)
            "customer_name": "Daniel Brooks",
            "customer_phone": "415-555-0132",
        },
        "layout": "stereo",
        "turns": [
            ("agent", "Good morning, thank you for calling Northwind Energy, this is Jordan speaking. This call may be recorded for quality purposes. How can I help?"),
            ("customer", "Hello, I moved recently and I need to update my contact details."),
            ("agent", "I can help with that. First, can you confirm your full name and your date of birth please?"),
            ("customer", "Sure, my name is Daniel Brooks and I was born on the twelfth of March nineteen seventy nine."),
            ("agent", "Thank you Daniel, I have verified your account. What is the best phone number to reach you?"),
            ("customer", "My new number is {phone_spoken}."),
            ("agent", "Great, and what email address should we use?"),
            ("customer", "It is {email_spoken}."),
            ("agent", "I understand moving is a lot of work, so I have updated both for you. Is there anything else I can help you with?"),
            ("customer", "No, that is great, thanks a lot."),
            ("agent", "You are welcome. Thank you for calling Northwind Energy, have a lovely day. Goodbye."),
        ],
        "values": {"phone": "4155550132", "email": "daniel.brooks@example.com"},
    },
    "refund_readback": {
        "metadata": {
            "call_id": "NW-20261121-0003",
            "agent_id": "m.lee",
            "team": "billing",
            "started_at": "2026-11-21T11:42:00Z",
        },
        "layout": "pair",
        "turns": [
            ("agent", "Northwind Energy, what do you want?"),
            ("customer", "I was charged twice for my last bill and I want a refund."),
            ("agent", "Fine. Give me the card number you paid with."),
            ("customer", "It is {card}."),
            ("agent", "So that is {card_readback}, and the security code?"),
            ("customer", "{cvv_spoken}."),
            ("agent", "Right, {cvv_spoken}. The refund will take ten days."),
            ("customer", "Ten days? That is ridiculous, this is really frustrating."),
            ("agent", "That is the policy."),
        ],
        "values": {"card": "5425233430109903", "cvv": "4829"},
    },
    "collections_plan": {
        "metadata": {
            "call_id": "WB-20261121-0104",
            "agent_id": "r.patel",
            "team": "collections",
            "started_at": "2026-11-21T15:20:00Z",
            "agent_channel": 0,
        },
        "layout": "stereo",
        "turns": [
            ("agent", "Hello, this is Priya from Westbank Recovery. Am I speaking with Maria Gonzalez?"),
            ("customer", "Yes, this is Maria."),
            ("agent", "Thank you. This call is recorded. This is an attempt to collect a debt and any information obtained will be used for that purpose. To confirm I am speaking with the right person, can you confirm your date of birth?"),
            ("customer", "Sure, it is the second of June, nineteen eighty eight."),
            ("agent", "Thank you Maria. Your account has an overdue balance of four hundred dollars. How would you like to take care of it today?"),
            ("customer", "I cannot pay it all at once. Could I pay fifty dollars a month?"),
            ("agent", "Yes, I can set that up. Which card would you like to use for the monthly payment? Please read me the card number."),
            ("customer", "The card number is {card}."),
            ("agent", "Thank you. And the expiry date?"),
            ("customer", "It expires {expiry_spoken}."),
            ("agent", "And the three digit security code on the back?"),
            ("customer", "It is {cvv_spoken}."),
            ("agent", "Thank you. I have set up your payment plan of fifty dollars on the first of each month. You will receive a letter confirming the arrangement. Is there anything else I can help with?"),
            ("customer", "No, that is all. Thank you for being so helpful."),
            ("agent", "You are welcome, Maria. Have a good day."),
        ],
        "values": {"card": "4916338506082832", "expiry": "1129", "cvv": "318"},
    },
}


def spell_expiry(mmyy: str) -> str:
    """'0827' -> 'oh eight, twenty seven'; '1129' -> 'eleven, twenty nine'."""
    if not mmyy:
        return ""
    units = "zero one two three four five six seven eight nine".split()
    teens = "ten eleven twelve".split()
    tens = {"2": "twenty", "3": "thirty"}
    month = f"oh {units[int(mmyy[1])]}" if mmyy[0] == "0" else teens[int(mmyy[1])]
    year = tens[mmyy[2]] + ("" if mmyy[3] == "0" else " " + units[int(mmyy[3])])
    return f"{month}, {year}"


def render_turn(template: str, values: dict[str, str]) -> str:
    spoken = {
        "card": spell_digits(values.get("card", "")),
        "card_readback": spell_digits(values.get("card", "")),
        "cvv_spoken": " ".join(values.get("cvv", "")),
        "expiry_spoken": spell_expiry(values.get("expiry", "")),
        "phone_spoken": "4 1 5, 5 5 5, 0 1 3 2",
        "email_spoken": "daniel dot brooks at example dot com",
    }
    return template.format(**spoken)


def speak(text: str, voice: tuple[str, int], tmp: Path) -> np.ndarray:
    wav = tmp / "turn.wav"
    subprocess.run(["espeak-ng", "-v", voice[0], "-s", str(voice[1]), "-w", str(wav), text], check=True)
    audio, rate = sf.read(str(wav), dtype="float32")
    return resample_poly(audio, RATE // 50, rate // 50).astype(np.float32) * 0.8  # 22050 -> 16000 Hz


def build_call(spec: dict, tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    pieces: list[tuple[str, np.ndarray]] = []
    for speaker, template in spec["turns"]:
        voice = AGENT_VOICE if speaker == "agent" else CUSTOMER_VOICE
        pieces.append((speaker, speak(render_turn(template, spec["values"]), voice, tmp)))
    total = sum(len(a) for _, a in pieces) + int(GAP * RATE) * (len(pieces) + 1)
    agent = np.zeros(total, np.float32)
    customer = np.zeros(total, np.float32)
    t = int(GAP * RATE)
    for speaker, audio in pieces:
        target = agent if speaker == "agent" else customer
        target[t : t + len(audio)] = audio
        t += len(audio) + int(GAP * RATE)
    return agent, customer


def main(names: list[str]) -> None:
    """Write the calls named (all when none); the planted values always cover every call."""
    samples = ROOT / "samples"
    planted: dict[str, list[str]] = {"card": [], "cvv": [], "expiry": [], "phone": [], "email": []}
    for spec in CALLS.values():
        for kind, value in spec["values"].items():
            planted[kind].append(value)
    with tempfile.TemporaryDirectory() as d:
        for name, spec in CALLS.items():
            if names and name not in names:
                continue
            agent, customer = build_call(spec, Path(d))
            if spec["layout"] == "stereo":
                first = spec["metadata"].get("agent_channel", 0) == 0
                stereo = np.stack([agent, customer] if first else [customer, agent], axis=1)
                sf.write(str(samples / f"{name}.flac"), stereo, RATE, subtype="PCM_16")
            else:
                sf.write(str(samples / f"{name}_agent.flac"), agent, RATE, subtype="PCM_16")
                sf.write(str(samples / f"{name}_customer.flac"), customer, RATE, subtype="PCM_16")
            (samples / f"{name}.json").write_text(json.dumps(spec["metadata"], indent=2) + "\n")
    out = ROOT / "tests" / "data" / "planted_values.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(planted, indent=2) + "\n")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
