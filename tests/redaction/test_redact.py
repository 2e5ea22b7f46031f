"""Redaction of the real transcripts of the sample calls."""

import re

import pytest

from redaction import RedactionOptions, redact_transcript
from transcription import AGENT, CUSTOMER, Segment, Transcript, Word


def all_text(redacted) -> str:
    return "\n".join(s.text for s in redacted.segments)


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_no_planted_value_survives_in_text(redacted_samples, planted):
    for call_id, redacted in redacted_samples.items():
        text = all_text(redacted)
        flat = digits_of(text)
        for kind in ("card", "phone"):
            for value in planted[kind]:
                assert value not in flat, f"{kind} left in {call_id}"
        for value in planted["cvv"] + planted["expiry"]:
            assert not re.search(rf"(?<!\d){value}(?!\d)", text), f"short value left in {call_id}"
        assert "@" not in text
        for name in planted["name"]:
            assert name.lower() not in text.lower(), f"a customer's surname left in {call_id}"


def test_payment_call_has_each_kind_of_card_data():
    """On the call's script (known words): each value redacted with its own type."""
    from tests.scripted import scripted_transcript

    for garbled in (False, True):
        r = redact_transcript(scripted_transcript("payment_northwind", garbled))
        text = all_text(r)
        for placeholder in ("[CREDIT_CARD]", "[CVV]", "[CARD_EXPIRY]", "[DATE_OF_BIRTH]"):
            assert placeholder in text
        assert r.findings == ()  # a good agent: nothing read back ("the payment of $100 and $20" is money)
        assert "$100 and $20" in text if garbled else "one hundred and twenty dollars" in text


def test_decoded_payment_call_keeps_no_card_data_and_finds_no_read_back(redacted_samples, planted):
    """On the decoded recording, whatever words the decoder chose: the card number is redacted
    as a card, the customer's every number while card data was asked for is redacted (as its
    type, or as an unclassified number where ASR garbled it), and the agent is not accused."""
    r = redacted_samples["NW-20261121-0001"]
    card = [e for e in r.entities if e.entity_type == "CREDIT_CARD"]
    assert card and all(e.speaker == CUSTOMER and e.end > e.start for e in card)
    windows = [(e.start, e.end) for e in r.entities if e.entity_type in ("PAYMENT_PHASE", "IDENTITY_PHASE")]
    for seg in r.segments:
        if seg.speaker == CUSTOMER and any(a <= seg.start <= b for a, b in windows):
            assert not re.search(r"\d", seg.text), seg.text  # no digit left in an answer to a card-data question
    assert not [f for f in r.findings if f.kind == "PCI_READ_BACK"]


def test_payment_window_covers_the_customer_answers(redacted_samples):
    for call_id in ("NW-20261121-0001", "WB-20261121-0104"):
        r = redacted_samples[call_id]
        windows = [e for e in r.entities if e.entity_type in ("PAYMENT_PHASE", "IDENTITY_PHASE")]
        assert windows, call_id
        card_data = [e for e in r.entities if e.entity_type in ("CREDIT_CARD", "CVV", "CARD_EXPIRY") and e.speaker == CUSTOMER]
        assert card_data and all(any(w.start <= e.start and e.end <= w.end for w in windows) for e in card_data), call_id


def test_entity_records_hold_no_values(redacted_samples):
    for r in redacted_samples.values():
        assert r.entities
        for record in r.entities + r.findings:
            text_fields = " ".join(v for v in vars(record).values() if isinstance(v, str))
            assert not re.search(r"\d{3,}", text_fields), record  # types, names and reasons only


def _transcript(*turns: tuple[str, str, float]) -> Transcript:
    segments = []
    for i, (speaker, text, start) in enumerate(turns):
        words = tuple(Word(f" {w}", start + k * 0.4, start + k * 0.4 + 0.3, 0.9) for k, w in enumerate(text.split()))
        segments.append(Segment(i, speaker, 0 if speaker == AGENT else 1, start, words[-1].end, "".join(w.text for w in words), words))
    return Transcript("T1", tuple(segments), 60.0, "test", "test", (AGENT, CUSTOMER))


def test_card_read_over_several_turns_is_one_card():
    t = _transcript(
        (AGENT, "what is the card number please", 0.0),
        (CUSTOMER, "4532 0151", 3.0),
        (AGENT, "uh-huh", 5.0),
        (CUSTOMER, "1283 0366", 6.0),
    )
    r = redact_transcript(t)
    assert [e.entity_type for e in r.entities if e.segment_id in (1, 3)] == ["CREDIT_CARD", "CREDIT_CARD"]
    assert r.segments[1].text == "[CREDIT_CARD]" and r.segments[3].text == "[CREDIT_CARD]"


def test_unclaimed_long_digit_runs_fail_closed_on_the_customer_side():
    t = _transcript((AGENT, "how can I help", 0.0), (CUSTOMER, "my reference is 88213 4471", 2.0))
    r = redact_transcript(t)
    assert r.segments[1].text == "my reference is [UNCLASSIFIED_NUMBER]"
    loose = redact_transcript(t, options=RedactionOptions(min_unclaimed_digits=12))
    assert "88213" in loose.segments[1].text


def test_unreliable_segment_is_redacted_whole():
    t = _transcript((CUSTOMER, "my card is 1 1 1 1", 0.0))
    from dataclasses import replace

    t = replace(t, segments=(replace(t.segments[0], unreliable=True),))
    r = redact_transcript(t)
    assert r.segments[0].text == "[UNRELIABLE_SPAN]"
    assert r.entities[0].start == t.segments[0].start and r.entities[0].end == t.segments[0].end


def test_misheard_digits_inside_a_card_number_do_not_split_it():
    t = _transcript((AGENT, "what is the card number please", 0.0), (CUSTOMER, "The card number is 4916, free-free 8506082832.", 3.0))
    r = redact_transcript(t)
    assert r.segments[1].text == "The card number is [CREDIT_CARD]."


def test_customer_numbers_in_a_payment_phase_are_redacted_whatever_their_form():
    t = _transcript(
        (CUSTOMER, "I owe 15 dollars", 0.0),
        (AGENT, "and the expiry date on the card", 5.0),
        (CUSTOMER, "It is 5.11, 29", 8.0),
        (AGENT, "thank you, the payment has been taken", 12.0),
        (CUSTOMER, "lovely, thanks", 16.0),
        (AGENT, "is there anything else I can help you with today", 19.0),
        (CUSTOMER, "I have 2 dogs, can I add them to the policy", 23.0),
    )
    r = redact_transcript(t)
    assert r.segments[2].text == "It is [UNCLASSIFIED_NUMBER]"
    assert "15" in r.segments[0].text and "2 dogs" in r.segments[6].text  # outside the phase: kept
    assert [(e.start, e.end) for e in r.entities if e.entity_type == "PAYMENT_PHASE"] == [(5.0, 16.0)]


def test_a_phase_stays_open_while_the_customer_says_numbers_and_words_that_may_be_numbers():
    """"It is free-18" is 318 as tiny.en wrote it, after a request split over two segments."""
    t = _transcript(
        (AGENT, "And the free digit security", 0.0),
        (AGENT, "code on the Mac.", 2.0),
        (CUSTOMER, "It is free-18.", 4.0),
        (AGENT, "Thank you. I have set up your payment plan on the first of each month.", 7.0),
        (CUSTOMER, "No, that is all, thank you", 12.0),
    )
    r = redact_transcript(t)
    assert r.segments[2].text == "It is [UNCLASSIFIED_NUMBER]."
    assert [(e.start, e.end) for e in r.entities if e.entity_type == "PAYMENT_PHASE"] == [(0.0, 12.0)]


def test_a_garbled_request_for_more_card_data_keeps_the_payment_phase_open():
    """tiny.en heard "and the expiry date" as "and the primary date": no expiry context, but the
    agent is still asking, so the customer's answer stays in the phase, in text and audio."""
    t = _transcript(
        (AGENT, "please read me the card number", 0.0),
        (CUSTOMER, "4916 3385 0608 2832", 3.0),
        (AGENT, "Thank you and the primary date.", 6.0),
        (CUSTOMER, "It is 5.11, 29.", 9.0),
        (AGENT, "Thank you. I have set up your payment plan for the first of the month.", 12.0),
        (CUSTOMER, "Great, thanks", 18.0),
        (AGENT, "Anything else?", 20.0),
        (CUSTOMER, "I have 2 dogs", 22.0),
    )
    r = redact_transcript(t)
    assert r.segments[3].text == "It is [UNCLASSIFIED_NUMBER]."
    assert "2 dogs" in r.segments[7].text  # the payment was confirmed and the conversation moved on: kept
    windows = [(e.start, e.end) for e in r.entities if e.entity_type in ("PAYMENT_PHASE", "IDENTITY_PHASE")]
    assert windows == [(0.0, 18.0)]


def test_a_name_heard_once_is_redacted_wherever_it_is_said():
    """ASR turns a spoken email into "Mateo Hana, who not co-not UK", with no "at" to find; the name,
    found once by its context, is redacted there too, and in the agent's mouth; so is a surname
    heard only inside an email's local part."""
    t = _transcript(
        (AGENT, "Can I take your full name please?", 0.0),
        (CUSTOMER, "It's Mateo Hana.", 3.0),
        (AGENT, "Thanks Mateo. And your email address?", 6.0),
        (CUSTOMER, "It's Mateo Hana, who not co-not UK.", 9.0),
        (CUSTOMER, "Or skein's dot Murphy at gmail.com, and Murphy is the surname.", 14.0),
    )
    r = redact_transcript(t)
    text = " ".join(s.text for s in r.segments)
    assert "Mateo" not in text and "Hana" not in text and "Murphy" not in text
    assert "Thanks [PERSON]. And your email address?" in text
    assert {e.recognizer for e in r.entities if e.entity_type == "PERSON"} >= {"NameHeardInCall"}
    assert "Can I take your full name please?" in text  # nothing else is touched


def test_names_and_places_said_without_introduction_are_redacted_but_not_the_agents_own_brand():
    t = _transcript(
        (AGENT, "Thank you for calling Zentrova Energy, this is Adaeze.", 0.0),
        (CUSTOMER, "Hi, I'm calling about my mum's account, Wilhelmina Okonkwo.", 4.0),
        (AGENT, "Thanks. Is she still in Leicester, and is the Zentrova SmartHeat plan still on?", 9.0),
        (CUSTOMER, "She moved to Aberdeen. Gregor looks after her post now.", 14.0),
    )
    text = " ".join(s.text for s in redact_transcript(t).segments)
    for value in ("Adaeze", "Wilhelmina", "Okonkwo", "Leicester", "Aberdeen", "Gregor"):
        assert value not in text
    assert "Thank you for calling Zentrova Energy" in text and "the Zentrova [PERSON] plan" in text  # an unknown product name
    assert "Hi, I'm calling about my mum's account, [PERSON]." in text and "She moved to [LOCATION]." in text

    allowed = redact_transcript(t, options=RedactionOptions(allow_words=("Zentrova SmartHeat",)))
    assert "the Zentrova SmartHeat plan" in " ".join(s.text for s in allowed.segments)
    # a value from the call's metadata is redacted, allowed word or not
    known = redact_transcript(t, known_values={"PERSON": "Gregor"}, options=RedactionOptions(allow_words=("Gregor",)))
    assert "Gregor" not in " ".join(s.text for s in known.segments)


def test_allow_words_must_be_a_list_of_names():
    with pytest.raises(ValueError, match="allow_words must be a list of names"):
        RedactionOptions(allow_words="Zentrova")
