"""The sample calls scored with both rubrics, with evidence for every answer.

Exact answers are asserted on the calls' scripts (tests/scripted.py: known words, as a careful
transcriber or, garbled, as ASR was seen to hear them), so they do not depend on one decoder on
one machine. What the decoded sample recordings must show a user, whatever the decoder heard, is
asserted at the end on the real transcripts. Expected answers are listed only where a human
grader's answer is unambiguous; "yes?" is a reviewer's yes that the machine may also leave to
them ("needs review": "I understand moving is a lot of work, so I have updated both" is close to
the rubric's empathy exemplars but not clearly so for MiniLM), never a decided "no"."""

import pytest

from redaction import redact_transcript
from scoring import find_rubric, score_call
from tests.scripted import SCRIPTED_CALLS, known_values, scripted_transcript

EXPECTED = {
    ("core-contact-centre", "payment_northwind"): {
        "greeting": "yes", "recording_disclosure": "yes", "identity_verification": "yes", "no_card_read_back": "yes",
        "payment_confirmation": "yes", "courtesy": "yes", "no_incorrect_claims": "yes", "further_help": "yes", "closing": "yes",
        "hold_etiquette": None, "no_interruptions": "yes", "no_dead_air": "yes",
    },
    ("core-contact-centre", "contact_update"): {
        "greeting": "yes", "recording_disclosure": "yes", "identity_verification": "yes", "payment_confirmation": None,
        "empathy": "yes?", "customer_left_satisfied": "yes", "closing": "yes",
    },
    ("core-contact-centre", "refund_readback"): {
        "greeting": "no", "recording_disclosure": "no", "identity_verification": "no", "no_card_read_back": "no",
        "courtesy": "no", "empathy": "no", "customer_left_satisfied": "no", "closing": "no",
    },
    ("collections", "collections_plan"): {
        "right_party_verification": "yes", "mini_miranda": "yes", "recording_disclosure": "yes",
        "no_threats_or_false_statements": "yes", "no_card_read_back": "yes", "arrangement_confirmed": "yes",
        "respectful_language": "yes", "calm_tone": "yes",
    },
    ("collections", "payment_northwind"): {"mini_miranda": "no"},  # a utility call is no collections call
}  # fmt: skip
RUBRICS = ("core-contact-centre", "collections")


def scored(garbled: bool) -> dict:
    out = {}
    for name in SCRIPTED_CALLS:
        redacted = redact_transcript(scripted_transcript(name, garbled), known_values(name))
        for rid in RUBRICS:
            out[(rid, name)] = score_call(redacted, find_rubric(rid))
    return out


@pytest.fixture(scope="module")
def scores():
    return scored(garbled=False)


@pytest.fixture(scope="module")
def garbled_scores():
    return scored(garbled=True)


def agrees(score, expected: dict) -> dict:
    """The criteria where the machine's answer is not what the reviewer would accept."""
    wrong = {}
    for c in score.criteria:
        if c.criterion_id not in expected:
            continue
        want = expected[c.criterion_id]
        ok = (c.uncertain or c.answer == want[:-1]) if isinstance(want, str) and want.endswith("?") else (not c.uncertain and c.answer == want)
        if not ok:
            wrong[c.criterion_id] = ("needs review" if c.uncertain else c.answer, want)
    return wrong


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_expected_answers(scores, key):
    assert agrees(scores[key], EXPECTED[key]) == {}


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_the_same_answers_when_asr_garbles_the_words(garbled_scores, key):
    """"collect a net", "this call in recording", "the free digit security code", "$100 and
    $20": what ASR heard on the sample calls; a QA reviewer reading along gives the same answers."""
    assert agrees(garbled_scores[key], EXPECTED[key]) == {}
    allowed = {k for k, v in EXPECTED[key].items() if v and v.endswith("?")}
    assert set(garbled_scores[key].pending_review) & set(EXPECTED[key]) <= allowed  # no clear answer left to a person


def test_a_tolerant_match_says_which_words_differed(garbled_scores):
    miranda = next(c for c in garbled_scores[("collections", "collections_plan")].criteria if c.criterion_id == "mini_miranda")
    assert miranda.answer == "yes" and "'attempt to collect a net'" in miranda.explanation and "1 word different" in miranda.explanation


def test_totals_and_verdicts(scores, garbled_scores):
    for s in (scores, garbled_scores):
        assert s[("core-contact-centre", "contact_update")].total == 100.0
        assert s[("core-contact-centre", "payment_northwind")].passed and not s[("core-contact-centre", "payment_northwind")].auto_fail
        assert s[("collections", "collections_plan")].total == 100.0 and s[("collections", "collections_plan")].passed
        bad = s[("core-contact-centre", "refund_readback")]
        assert bad.auto_fail and bad.total == 0.0 and not bad.passed
        assert s[("collections", "payment_northwind")].auto_fail  # the mandatory disclosure is critical


def test_read_back_auto_fail_cites_the_agent_turns(scores):
    s = scores[("core-contact-centre", "refund_readback")]
    read_back = next(c for c in s.criteria if c.criterion_id == "no_card_read_back")
    assert read_back.evidence and all(e.speaker == "agent" and "[" in e.quote for e in read_back.evidence)


def test_lost_points_and_positive_matches_cite_evidence(scores):
    """A coach must see why a call lost points, and what counted for it."""
    rubrics = {rid: {c.id: c for _, c in find_rubric(rid).criteria()} for rid in RUBRICS}
    for (rid, call_id), s in scores.items():
        for c in s.criteria:
            method = rubrics[rid][c.criterion_id].method
            lost = not c.na and c.points < c.max_points
            matched = c.answer == "yes" and method.type in ("phrase", "semantic") and not getattr(method, "forbidden", False)
            if (lost and getattr(method, "metric", None) != "talk_ratio") or matched:
                assert c.evidence, (rid, call_id, c.criterion_id)
            for e in c.evidence:
                assert 0 <= e.start <= e.end and e.quote


def test_scores_are_deterministic_and_name_their_models(scores):
    rubric = find_rubric("core-contact-centre")
    again = score_call(redact_transcript(scripted_transcript("payment_northwind"), {}), rubric)
    assert again == scores[("core-contact-centre", "payment_northwind")]
    assert again.rubric_hash == rubric.content_hash
    assert "MiniLM" in again.models["embeddings"] and "sha256" in again.models["embeddings"] and "VADER" in again.models["sentiment"]


def test_section_auto_fail_scope():
    rubric = find_rubric("core-contact-centre").model_copy(update={"auto_fail_scope": "section"})
    s = score_call(redact_transcript(scripted_transcript("refund_readback"), {}), rubric)
    policy = next(x for x in s.sections if x.section_id == "policy")
    assert policy.auto_failed and policy.score == 0.0 and not s.auto_fail


# What the decoded sample recordings must show a user, whatever words the decoder chose.


@pytest.fixture(scope="module")
def decoded_scores(redacted_samples):
    return {(rid, cid): score_call(r, find_rubric(rid)) for rid in RUBRICS for cid, r in redacted_samples.items()}


def test_decoded_samples_show_what_a_qa_lead_expects(decoded_scores, redacted_samples):
    payment = decoded_scores[("core-contact-centre", "NW-20261121-0001")]
    assert payment.passed and not payment.auto_fail, payment.auto_fail_reasons  # a good agent: no false card read-back
    assert not [f for f in redacted_samples["NW-20261121-0001"].findings if f.kind == "PCI_READ_BACK"]
    collections = decoded_scores[("collections", "WB-20261121-0104")]
    assert collections.passed and not collections.auto_fail, collections.auto_fail_reasons  # the disclosure found
    readback = decoded_scores[("core-contact-centre", "NW-20261121-0003")]
    assert readback.auto_fail and any("read_back" in r for r in readback.auto_fail_reasons)
    assert decoded_scores[("core-contact-centre", "NW-20261121-0002")].passed
    assert decoded_scores[("core-contact-centre", "NW-20261121-0001")].models["asr"].startswith("faster-whisper")
