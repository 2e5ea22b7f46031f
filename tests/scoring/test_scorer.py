"""The sample calls scored end to end with both rubrics, with evidence for every answer.

Expected answers are listed only where a human grader's answer is unambiguous."""

import pytest

from scoring import find_rubric, score_call

EXPECTED = {
    ("core-contact-centre", "NW-20261121-0001"): {
        "greeting": "yes", "recording_disclosure": "yes", "identity_verification": "yes", "no_card_read_back": "yes",
        "payment_confirmation": "yes", "courtesy": "yes", "no_incorrect_claims": "yes", "further_help": "yes", "closing": "yes",
        "hold_etiquette": None, "no_interruptions": "yes", "no_dead_air": "yes",
    },
    ("core-contact-centre", "NW-20261121-0002"): {
        "greeting": "yes", "recording_disclosure": "yes", "identity_verification": "yes", "payment_confirmation": None,
        "empathy": "yes", "customer_left_satisfied": "yes", "closing": "yes",
    },
    ("core-contact-centre", "NW-20261121-0003"): {
        "greeting": "no", "recording_disclosure": "no", "identity_verification": "no", "no_card_read_back": "no",
        "courtesy": "no", "empathy": "no", "customer_left_satisfied": "no", "closing": "no",
    },
    ("collections", "WB-20261121-0104"): {
        "right_party_verification": "yes", "mini_miranda": "yes", "recording_disclosure": "yes",
        "no_threats_or_false_statements": "yes", "no_card_read_back": "yes", "arrangement_confirmed": "yes",
        "respectful_language": "yes", "calm_tone": "yes",
    },
    ("collections", "NW-20261121-0001"): {"mini_miranda": "no"},  # a utility call is no collections call
}  # fmt: skip


@pytest.fixture(scope="module")
def scores(redacted_samples):
    return {(rid, cid): score_call(r, find_rubric(rid)) for rid in ("core-contact-centre", "collections") for cid, r in redacted_samples.items()}


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_expected_answers(scores, key):
    answers = {c.criterion_id: c.answer for c in scores[key].criteria}
    assert {k: answers[k] for k in EXPECTED[key]} == EXPECTED[key]


def test_totals_and_verdicts(scores):
    assert scores[("core-contact-centre", "NW-20261121-0002")].total == 100.0
    assert scores[("collections", "WB-20261121-0104")].total == 100.0 and scores[("collections", "WB-20261121-0104")].passed
    bad = scores[("core-contact-centre", "NW-20261121-0003")]
    assert bad.auto_fail and bad.total == 0.0 and not bad.passed
    assert scores[("collections", "NW-20261121-0001")].auto_fail  # the mandatory disclosure is critical


def test_read_back_auto_fail_cites_the_agent_turns(scores):
    s = scores[("core-contact-centre", "NW-20261121-0003")]
    read_back = next(c for c in s.criteria if c.criterion_id == "no_card_read_back")
    assert read_back.evidence and all(e.speaker == "agent" and "[" in e.quote for e in read_back.evidence)


def test_lost_points_and_positive_matches_cite_evidence(scores):
    """A coach must see why a call lost points, and what counted for it."""
    rubrics = {rid: {c.id: c for _, c in find_rubric(rid).criteria()} for rid in ("core-contact-centre", "collections")}
    for (rid, call_id), s in scores.items():
        for c in s.criteria:
            method = rubrics[rid][c.criterion_id].method
            lost = not c.na and c.points < c.max_points
            matched = c.answer == "yes" and method.type in ("phrase", "semantic") and not getattr(method, "forbidden", False)
            if (lost and getattr(method, "metric", None) != "talk_ratio") or matched:
                assert c.evidence, (rid, call_id, c.criterion_id)
            for e in c.evidence:
                assert 0 <= e.start <= e.end and e.quote


def test_scores_are_deterministic_and_name_their_models(redacted_samples, scores):
    rubric = find_rubric("core-contact-centre")
    again = score_call(redacted_samples["NW-20261121-0001"], rubric)
    assert again == scores[("core-contact-centre", "NW-20261121-0001")]
    assert again.rubric_hash == rubric.content_hash
    assert again.models["asr"].startswith("faster-whisper") and "MiniLM" in again.models["embeddings"] and "VADER" in again.models["sentiment"]


def test_section_auto_fail_scope(redacted_samples):
    rubric = find_rubric("core-contact-centre").model_copy(update={"auto_fail_scope": "section"})
    s = score_call(redacted_samples["NW-20261121-0003"], rubric)
    policy = next(x for x in s.sections if x.section_id == "policy")
    assert policy.auto_failed and policy.score == 0.0 and not s.auto_fail
