"""Evaluator tables: positive and negative cases, one per line."""

import pytest

from scoring.context import CallContext
from scoring.evaluators import evaluate
from scoring.rubric import OrderingMethod, PhraseMethod, SemanticMethod, SentimentMethod, TimingMethod
from tests.scoring.transcripts import dialogue


def answer(method, transcript, kb=None) -> str:  # noqa: ANN001
    return evaluate(method, CallContext(transcript, kb)).answer


GREETING = PhraseMethod(type="phrase", speaker="agent", within_first=15, patterns=["thank(s| you) for calling"])


@pytest.mark.parametrize(
    "turns, expected",
    [
        ([("agent", 1, 4, "Thank you for calling Northwind, this is Sam.")], "yes"),
        ([("agent", 20, 24, "Thank you for calling Northwind.")], "no"),  # too late
        ([("customer", 1, 4, "Thanks for calling me back.")], "no"),  # wrong speaker
        ([("agent", 1, 4, "Northwind, what do you want?")], "no"),
    ],
)
def test_phrase_in_time_window(turns, expected):
    assert answer(GREETING, dialogue(*turns)) == expected


def test_closing_window_counts_back_from_the_last_speech():
    closing = PhraseMethod(type="phrase", speaker="agent", within_last=30, patterns=["goodbye"])
    assert answer(closing, dialogue(("agent", 10, 12, "goodbye for now"), ("customer", 100, 110, "one more thing"))) == "no"
    assert answer(closing, dialogue(("customer", 10, 12, "ok"), ("agent", 100, 110, "goodbye then"))) == "yes"


EMPATHY = SemanticMethod(
    type="semantic", speaker="agent", threshold=0.5,
    exemplars=["I'm sorry to hear that.", "I understand how frustrating that is.", "I understand how frustrating that must be."],
)  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Oh no, I am really sorry to hear about that.", "yes"),
        ("I completely understand how annoying this must be for you.", "yes"),
        ("Your balance is one hundred and twenty dollars.", "no"),
        ("Please hold while I check the system.", "no"),
    ],
)
def test_semantic_similarity_to_exemplars(text, expected):
    assert answer(EMPATHY, dialogue(("customer", 0, 3, "My bill is wrong again."), ("agent", 3, 6, text))) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Just so you know, we never record any of our calls.", "no"),
        ("Honestly, there's no fee at all if you pay late.", "no"),
        ("Your refund will reach your card in five to ten working days.", "yes"),
        ("This call is recorded for quality and training purposes.", "yes"),
    ],
)
def test_forbidden_claims_from_the_knowledge_base(text, expected):
    method = SemanticMethod(type="semantic", speaker="agent", exemplars_from="wrong", threshold=0.7, forbidden=True)
    kb = {"wrong": ["We do not record our calls.", "There are never any fees for paying late."]}
    assert answer(method, dialogue(("agent", 0, 4, text)), kb) == expected


CONTRASTED = EMPATHY.model_copy(update={
    "threshold": 0.0, "margin": 0.03,
    "contrasts": ["Okay, let me check your account.", "That's not my problem.", "There's nothing I can do about that."],
})  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [
        # ASR's "I completely understand how stressful and overdoable can be": 0.44 against one threshold of 0.5
        ("I completely understand how stressful and overdoable can be.", "yes"),
        ("Well, that's not really my problem, is it?", "no"),  # dismissive, yet close to the exemplars' words
        ("Okay. Let me check the account.", "no"),
        ("Oh no, I am really sorry to hear about that.", "yes"),
    ],
)
def test_semantic_criteria_are_decided_by_contrast(text, expected):
    assert answer(CONTRASTED, dialogue(("customer", 0, 3, "My bill is wrong again."), ("agent", 3, 6, text))) == expected


def test_a_semantic_answer_inside_the_margin_is_needs_review_with_its_confidence():
    transcript = dialogue(("agent", 0, 3, "I see, that is unfortunate."))
    from scoring.context import CallContext
    from scoring.evaluators import evaluate
    from scoring.evaluators.semantic import best_matches

    value = best_matches(CONTRASTED, CallContext(transcript))[0].value
    outcome = evaluate(CONTRASTED.model_copy(update={"threshold": value - 0.01, "margin": 0.05}), CallContext(transcript))
    assert outcome.uncertain and outcome.confidence < 0.5 and outcome.explanation.startswith("uncertain:")


def test_semantic_threshold_is_the_calibratable_knob():
    transcript = dialogue(("agent", 0, 3, "I see, that is unfortunate."))
    strict = EMPATHY.model_copy(update={"threshold": 0.9})
    loose = EMPATHY.model_copy(update={"threshold": 0.2})
    assert (answer(strict, transcript), answer(loose, transcript)) == ("no", "yes")
    assert "threshold" in SemanticMethod.CALIBRATABLE


@pytest.mark.parametrize(
    "last_customer, expected",
    [
        ("Thank you so much, that is great, you have been very helpful.", "yes"),
        ("This is ridiculous and really frustrating, I am very angry.", "no"),
    ],
)
def test_customer_ends_satisfied(last_customer, expected):
    method = SentimentMethod(type="sentiment", metric="customer_end", turns=1, threshold=0.0)
    t = dialogue(("customer", 0, 2, "My bill is wrong."), ("agent", 2, 5, "Let me fix that."), ("customer", 5, 8, last_customer))
    assert answer(method, t) == expected


def test_customer_mood_change():
    method = SentimentMethod(type="sentiment", metric="customer_change", turns=1, threshold=0.3)
    better = dialogue(("customer", 0, 2, "I am furious, this is terrible."), ("customer", 5, 8, "Great, thank you, that is wonderful."))
    worse = dialogue(("customer", 0, 2, "Great, thank you."), ("customer", 5, 8, "I am furious, this is terrible."))
    assert (answer(method, better), answer(method, worse)) == ("yes", "no")


@pytest.mark.parametrize(
    "metric, bounds, turns, expected",
    [
        ("interruptions", {"max": 0}, [("customer", 0, 5, "I was saying"), ("agent", 3, 6, "Sorry to cut in")], "no"),
        ("interruptions", {"max": 0}, [("customer", 0, 5, "I was saying"), ("agent", 5.2, 6, "I see")], "yes"),
        ("interruptions", {"max": 0}, [("customer", 0, 5, "I was saying"), ("agent", 4.8, 6, "Mm")], "yes"),  # 0.2 s overlap: backchannel
        ("longest_silence", {"max": 10}, [("agent", 0, 2, "Let me check"), ("agent", 40, 42, "Thanks for waiting")], "no"),
        ("longest_silence", {"max": 10}, [("agent", 0, 2, "Let me check"), ("customer", 3, 5, "Sure")], "yes"),
        ("talk_ratio", {"max": 0.7}, [("agent", 0, 90, "a long monologue"), ("customer", 90, 95, "ok")], "no"),
        ("talk_ratio", {"max": 0.7}, [("agent", 0, 10, "question"), ("customer", 10, 30, "long answer")], "yes"),
        ("speech_rate", {"max": 200}, [("agent", 0, 6, " ".join(["word"] * 40))], "no"),  # 400 words per minute
        ("speech_rate", {"max": 200}, [("agent", 0, 6, " ".join(["word"] * 15))], "yes"),
    ],
)
def test_timing(metric, bounds, turns, expected):
    assert answer(TimingMethod(type="timing", metric=metric, **bounds), dialogue(*turns)) == expected


def test_ordering_identity_before_account():
    method = OrderingMethod(
        type="ordering",
        first=PhraseMethod(type="phrase", speaker="agent", patterns=["date of birth"]),
        then=PhraseMethod(type="phrase", speaker="agent", patterns=["your balance"]),
    )
    good = dialogue(("agent", 0, 3, "Can you confirm your date of birth?"), ("agent", 10, 12, "Your balance is 40 dollars."))
    bad = dialogue(("agent", 0, 3, "Your balance is 40 dollars."), ("agent", 10, 12, "Can you confirm your date of birth?"))
    assert (answer(method, good), answer(method, bad)) == ("yes", "no")


def test_sentence_vectors_come_back_in_the_order_given_whatever_their_lengths():
    """Sentences are embedded in batches sorted by length; each vector must still belong to its
    own sentence, or a semantic criterion would cite the wrong thing said."""
    import numpy as np

    from scoring.embeddings import get_embedder

    texts = [
        "I can see the payment went through this morning and your balance is now zero.",
        "Thanks.",
        "Could you confirm your date of birth for me please?",
        "Is there anything else I can help you with today, or shall we leave it there for now?",
        "Yes.",
    ] * 20  # more than one batch
    together = get_embedder().encode(texts)
    for i in (0, 1, 2, 3, 4, 97):
        alone = get_embedder().encode([texts[i]])[0]
        assert float(together[i] @ alone) > 0.9999, texts[i]
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
