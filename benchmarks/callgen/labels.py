"""What a careful QA reviewer answers for each criterion, given how the call was written for it.

Each criterion of the two rubrics (rubrics/core_contact_centre.yaml, rubrics/collections.yaml)
has a set of conditions (how the call is written for it) with the label each implies:

- present / garbled (said, in ASR-hostile words: a human still hears it) -> "yes";
- absent, too_late (outside the method's window: the greeting after 15 s, the mini-Miranda after
  60 s), too_early (the closing said, then more than the window of talk), wrong_party (the
  customer says it), partial (half a disclosure that leaves out what the question asks) -> "no";
- partial_ok: half a disclosure that still says what the question asks ("this is an attempt to
  collect a debt", without the information-use half) -> "yes";
- meets / fails for the semantic, tone and timing criteria; for the "avoid ..." criteria
  wrong_party (the customer is the rude one) -> "yes"; na -> None (not applicable).

Labels that depend on time (windows, the longest silence, the talk ratio) are re-derived by
derive_timed_labels() from the rendered timings, so the gold file is right even if espeak-ng's
pace moved a phrase across a window edge; the script's intent is kept as ``conditions``.
"""

from __future__ import annotations

import random

from .types import Turn

Label = str | None
# criterion -> {condition: (label, weight)}
CONDITIONS: dict[str, dict[str, dict[str, tuple[Label, float]]]] = {
    "core-contact-centre": {
        "greeting": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.5),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.7),
            "partial": ("no", 1),
        },
        "recording_disclosure": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.5),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.7),
            "partial": ("no", 1),
        },
        "identity_verification": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.5),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.8),
        },
        "no_card_read_back": {"meets": ("yes", 5), "last4": ("yes", 1.5), "fails": ("no", 2.5)},
        "hold_etiquette": {"na": (None, 4), "present": ("yes", 2), "garbled": ("yes", 0.7), "absent": ("no", 1.5)},
        "payment_confirmation": {"present": ("yes", 4), "garbled": ("yes", 1), "absent": ("no", 1.5), "na": (None, 0)},
        "no_incorrect_claims": {"meets": ("yes", 3), "fails": ("no", 1.5)},
        "no_instant_refund_promise": {"meets": ("yes", 3), "fails": ("no", 1.5)},
        "courtesy": {"meets": ("yes", 4), "fails": ("no", 1.5), "wrong_party": ("yes", 1)},
        "empathy": {"meets": ("yes", 3), "fails": ("no", 1.5)},
        "customer_left_satisfied": {"meets": ("yes", 3), "fails": ("no", 1.5)},
        "no_interruptions": {"meets": ("yes", 3), "one": ("yes", 1), "fails": ("no", 1.5)},
        "no_dead_air": {"meets": ("yes", 4), "fails": ("no", 1.2)},
        "further_help": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.2),
            "absent": ("no", 1),
            "too_early": ("no", 0.8),
            "wrong_party": ("no", 0.7),
        },
        "closing": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.2),
            "absent": ("no", 1),
            "too_early": ("no", 0.8),
            "wrong_party": ("no", 0.7),
        },
    },
    "collections": {
        "right_party_verification": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.5),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.8),
        },
        "mini_miranda": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.5),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.7),
            "partial": ("no", 0.8),
            "partial_ok": ("yes", 0.8),
        },
        "recording_disclosure": {
            "present": ("yes", 5),
            "garbled": ("yes", 1.2),
            "absent": ("no", 1),
            "too_late": ("no", 1),
            "wrong_party": ("no", 0.7),
            "partial": ("no", 0.8),
        },
        "no_threats_or_false_statements": {"meets": ("yes", 3), "fails": ("no", 1.5)},
        "no_card_read_back": {"meets": ("yes", 5), "last4": ("yes", 1.5), "fails": ("no", 2.5)},
        "arrangement_confirmed": {"present": ("yes", 4), "absent": ("no", 1.5), "na": (None, 0)},
        "respectful_language": {"meets": ("yes", 4), "fails": ("no", 1.2), "wrong_party": ("yes", 1)},
        "calm_tone": {"meets": ("yes", 3), "fails": ("no", 1.2)},
        "let_customer_speak": {"meets": ("yes", 3), "fails": ("no", 1.5)},
    },
}

# Phrase criteria with a time window: (which end of the call, seconds), as in the rubric YAML.
WINDOWS = {
    "core-contact-centre": {
        "greeting": ("first", 15.0),
        "recording_disclosure": ("first", 30.0),
        "further_help": ("last", 45.0),
        "closing": ("last", 30.0),
    },
    "collections": {"mini_miranda": ("first", 60.0), "recording_disclosure": ("first", 60.0)},
}
LATE_MARGIN = 4.0  # seconds past a window edge a "too late" phrase is pushed to
DEAD_AIR = 30.0  # seconds (no_dead_air: longest silence)
TALK_RATIO_MAX = 0.7  # let_customer_speak: the agent's share of talk time, as the rubric's method says
PAYMENT_TYPES = {"pay_bill", "arrears", "plan"}


def choose_conditions(rng: random.Random, rubric: str, call_type: str) -> dict[str, str]:
    """A condition per criterion, drawn by weight, within what the call type allows (no read-back
    without a payment, no refund promise outside a refund or bill query, ...)."""
    payment = call_type in PAYMENT_TYPES
    allowed: dict[str, set[str]] = {
        "no_card_read_back": {"meets"} | ({"last4", "fails"} if payment else {"last4"} if call_type == "refund" else set()),
        "payment_confirmation": {"present", "garbled", "absent"} if payment else {"na"},
        "arrangement_confirmed": {"present", "absent"} if payment else {"na"},
        "no_instant_refund_promise": {"meets", "fails"} if call_type in ("refund", "bill_query") else {"meets"},
    }
    out = {}
    for criterion, options in CONDITIONS[rubric].items():
        names = [c for c in options if c in allowed.get(criterion, options)]
        if criterion == "identity_verification" and call_type == "enquiry":
            out[criterion] = "na"  # no account is opened: verification does not apply
            continue
        out[criterion] = rng.choices(names, weights=[options[c][1] or 1.0 for c in names])[0]
    if rubric == "collections" and out["respectful_language"] == "fails":
        out["calm_tone"] = "fails"  # an agent who insults the customer is not calm overall
    return out


def labels_for(rubric: str, conditions: dict[str, str]) -> tuple[dict[str, Label], list[str]]:
    """The reviewer's labels for the conditions, and notes on labels one condition sets for another."""
    labels: dict[str, Label] = {}
    for criterion, condition in conditions.items():
        labels[criterion] = None if condition == "na" else CONDITIONS[rubric][criterion][condition][0]
    notes = []
    if rubric == "core-contact-centre" and conditions.get("no_instant_refund_promise") == "fails":
        # "Your refund will be back on your card today" is in the knowledge base's wrong claims.
        labels["no_incorrect_claims"] = "no"
        notes.append("no_incorrect_claims is no: the instant refund promise is one of the knowledge base's wrong claims")
    return labels, notes


def longest_silence(turns: list[Turn]) -> float:
    """Seconds of the longest stretch with nobody speaking, between the first and last speech."""
    gap, end = 0.0, None
    for t in sorted(turns, key=lambda t: t.start or 0.0):
        assert t.start is not None and t.end is not None
        if end is not None:
            gap = max(gap, t.start - end)
        end = t.end if end is None else max(end, t.end)
    return gap


def talk_ratio(turns: list[Turn]) -> float:
    """The agent's share of the summed turn durations."""
    agent = sum((t.end or 0) - (t.start or 0) for t in turns if t.speaker == "agent")
    customer = sum((t.end or 0) - (t.start or 0) for t in turns if t.speaker == "customer")
    return agent / (agent + customer) if agent + customer else 0.0


def derive_timed_labels(rubric: str, labels: dict[str, Label], turns: list[Turn]) -> tuple[dict[str, Label], dict[str, float]]:
    """The labels with every time-dependent one recomputed from the turns' real times, and the
    measurements used (longest silence, talk ratio, where each windowed phrase fell)."""
    out = dict(labels)
    measured: dict[str, float] = {}
    if not turns:
        return out, measured
    last_speech = max(t.end or 0.0 for t in turns)
    for criterion, (edge, seconds) in WINDOWS.get(rubric, {}).items():
        if criterion not in out:
            continue
        said = [t for t in turns if criterion in t.marks and t.speaker == "agent"]
        if edge == "first":
            inside = [t for t in said if (t.start or 0.0) <= seconds]
        else:
            inside = [t for t in said if (t.end or 0.0) >= last_speech - seconds]
        if said:
            measured[f"{criterion}_at"] = round(said[0].start or 0.0, 3)
        out[criterion] = "yes" if inside else "no"
    if "no_dead_air" in out:
        measured["longest_silence"] = round(longest_silence(turns), 3)
        out["no_dead_air"] = "no" if measured["longest_silence"] > DEAD_AIR else "yes"
    if "let_customer_speak" in out:
        measured["talk_ratio"] = round(talk_ratio(turns), 4)
        out["let_customer_speak"] = "yes" if measured["talk_ratio"] <= TALK_RATIO_MAX else "no"
    return out, measured
