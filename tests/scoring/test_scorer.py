"""The sample calls scored end to end, with evidence for every answer."""

import pytest

from scoring import find_rubric, score_call


@pytest.fixture(scope="module")
def scores(redacted_samples):
    rubric = find_rubric("core-contact-centre")
    return {cid: score_call(r, rubric) for cid, r in redacted_samples.items()}


def answers(score) -> dict[str, str | None]:
    return {c.criterion_id: c.answer for c in score.criteria}


def test_good_payment_call(scores):
    s = scores["NW-20261121-0001"]
    assert answers(s) == {
        "greeting": "yes", "recording_disclosure": "yes", "identity_verification": "yes", "no_card_read_back": "yes",
        "payment_confirmation": "yes", "courtesy": "yes", "empathy": "yes", "further_help": "yes", "closing": "yes",
    }  # fmt: skip
    assert s.total == 100.0 and s.passed and not s.auto_fail


def test_payment_criteria_are_na_when_no_payment(scores):
    s = scores["NW-20261121-0002"]
    payment = next(c for c in s.criteria if c.criterion_id == "payment_confirmation")
    assert payment.na and payment.answer is None and payment.max_points == 0
    assert s.total == 100.0


def test_read_back_auto_fails_the_call_with_evidence(scores):
    s = scores["NW-20261121-0003"]
    assert s.auto_fail and s.total == 0.0 and not s.passed
    read_back = next(c for c in s.criteria if c.criterion_id == "no_card_read_back")
    assert read_back.answer == "no" and read_back.evidence
    assert all(e.speaker == "agent" and "[" in e.quote for e in read_back.evidence)
    a = answers(s)
    assert a["greeting"] == "no" and a["recording_disclosure"] == "no" and a["courtesy"] == "no"


def test_every_answer_cites_evidence_with_times(scores):
    for s in scores.values():
        for c in s.criteria:
            if c.answer == "yes" and c.criterion_id not in ("no_card_read_back", "courtesy"):
                assert c.evidence, c.criterion_id
            for e in c.evidence:
                assert 0 <= e.start <= e.end and e.quote


def test_scores_are_deterministic_and_name_the_rubric_version(redacted_samples, scores):
    rubric = find_rubric("core-contact-centre")
    again = score_call(redacted_samples["NW-20261121-0001"], rubric)
    assert again == scores["NW-20261121-0001"]
    assert again.rubric_hash == rubric.content_hash and again.models["asr"].startswith("faster-whisper")


def test_section_auto_fail_scope(redacted_samples):
    rubric = find_rubric("core-contact-centre").model_copy(update={"auto_fail_scope": "section"})
    s = score_call(redacted_samples["NW-20261121-0003"], rubric)
    policy = next(x for x in s.sections if x.section_id == "policy")
    assert policy.auto_failed and policy.score == 0.0 and not s.auto_fail
