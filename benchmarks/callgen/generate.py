"""Scripts from seeds: generate(split, n, seed) -> CallSpecs, fast, no audio.

Per call (all from one random.Random seeded by split and seed): the rubric (alternating, so
half of any run of seeds is each), the call type, the region (UK or US formats), the customer's
data, two voices of the split (base voice + variant, speed 130-190 wpm, pitch 25-75), the
agent's channel, a condition per rubric criterion, the script, the inbox sidecar, and the line.
"""

from __future__ import annotations

import datetime as dt
import random

from .banks import get_bank
from .builder import Builder
from .calls import CALL_TYPES
from .collections_calls import CollectionsScript
from .core_calls import CoreScript
from .labels import choose_conditions, labels_for
from .telephone import draw_degradation
from .types import RUBRICS, SPLITS, CallSpec, Voice
from .values import draw_customer, format_phone

DEFAULT_SEEDS = {"dev": 1000, "heldout": 9000}  # call i of a split gets DEFAULT_SEEDS[split] + i
TEAMS = {"core-contact-centre": ("billing", "customer-care", "moves"), "collections": ("collections",)}
FIRST_DAY = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def generate(split: str, n: int, seed: int | None = None, rubric: str | None = None) -> list[CallSpec]:
    """``n`` call scripts of ``split`` ("dev" or "heldout"), seeds ``seed``, ``seed`` + 1, ...
    (default 1000 + i for dev, 9000 + i for held-out); ``rubric`` forces one rubric for all.

    >>> [c.call_id for c in generate("dev", 2)]
    ['CGD-01000', 'CGD-01001']
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if rubric is not None and rubric not in RUBRICS:
        raise ValueError(f"rubric must be one of {RUBRICS}, got {rubric!r}")
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    base = DEFAULT_SEEDS[split] if seed is None else seed
    return [build_call(split, base + i, rubric) for i in range(n)]


def build_call(split: str, seed: int, rubric: str | None = None) -> CallSpec:
    """One call script: the same (split, seed, rubric) always gives the same script."""
    rng = random.Random(f"callgen/{split}/{seed}")
    bank = get_bank(split)
    rubric = rubric or RUBRICS[seed % 2]
    types = CALL_TYPES[rubric]
    call_type = rng.choices(list(types), weights=list(types.values()))[0]
    region = rng.choice(("uk", "us"))
    customer = draw_customer(rng, bank, region)
    agent_voice, customer_voice = rng.sample(bank.all_voices(), 2)
    voices = {
        "agent": Voice(agent_voice, rng.randint(130, 190), rng.randint(25, 75)),
        "customer": Voice(customer_voice, rng.randint(130, 190), rng.randint(25, 75)),
    }
    company, agent_name = rng.choice(bank.companies[rubric]), rng.choice(bank.agent_names)
    conditions = choose_conditions(rng, rubric, call_type)
    builder = Builder(rng, bank, region, customer, company, agent_name, voices)
    script = (CoreScript if rubric == "core-contact-centre" else CollectionsScript)(builder, rubric, call_type, conditions)
    script.write()
    labels, notes = labels_for(rubric, script.cond)
    agent_channel = 1 if rng.random() < 0.35 else 0
    call_id = f"CG{split[0].upper()}-{seed:05d}"
    metadata: dict[str, object] = {
        "call_id": call_id,
        "agent_id": rng.choice(bank.agent_ids),
        "team": rng.choice(TEAMS[rubric]),
        "started_at": (FIRST_DAY + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 28))).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "agent_channel": agent_channel,
    }
    if call_type != "enquiry" and rng.random() < 0.5:  # what the CRM knows: the name, and a phone (maybe the old one)
        metadata["customer_name"] = customer.name
        metadata["customer_phone"] = format_phone(customer.phone if rng.random() < 0.5 else customer.old_phone)
    return CallSpec(
        call_id,
        split,
        seed,
        rubric,
        call_type,
        region,
        agent_channel,
        metadata,
        tuple(builder.turns),
        tuple(builder.values),
        dict(script.cond),
        labels,
        voices,
        draw_degradation(rng, agent_channel),
        tuple(notes),
    )
