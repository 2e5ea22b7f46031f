"""Recognizer tables: one case per line, positives and negatives (as Presidio's own tests)."""

import pytest

from redaction.recognizers import (
    AddressRecognizer,
    BankAccountRecognizer,
    CardExpiryRecognizer,
    CvvRecognizer,
    DateOfBirthRecognizer,
    KnownValueRecognizer,
    PaymentCardRecognizer,
    PersonContextRecognizer,
    PinRecognizer,
    ProperNounRecognizer,
    RoutingNumberRecognizer,
    SpokenEmailRecognizer,
    SpokenPhoneRecognizer,
    SpokenSsnRecognizer,
    luhn_valid,
)


def found(recognizer, text: str) -> list[str]:
    return [text[r.start : r.end] for r in recognizer.analyze(text, [])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("card number is 4532015112830366", ["4532015112830366"]),  # Visa
        ("it is 5425233430109903", ["5425233430109903"]),  # Mastercard 5-series
        ("it is 2223003122003222", ["2223003122003222"]),  # Mastercard 2-series
        ("it is 378282246310005", ["378282246310005"]),  # Amex, 15 digits
        ("it is 6011111111111117", ["6011111111111117"]),  # Discover
        ("it is 3530111333300000", ["3530111333300000"]),  # JCB
        ("it is 30569309025904", ["30569309025904"]),  # Diners, 14 digits
        ("it is 4222222222222", ["4222222222222"]),  # Visa, 13 digits
        ("card and code 54252334301099034829 thanks", ["5425233430109903"]),  # card + CVV in one breath
        ("the card number is 542523343010990", ["542523343010990"]),  # Luhn fails (ASR dropped a digit), context
        ("order 4532015112830367", []),  # Luhn fails, no context
        ("ref 1234567890123", []),  # not Luhn-valid
        ("the card number is 12345", []),  # too short
    ],
)
def test_payment_card(text, expected):
    assert found(PaymentCardRecognizer(), text) == expected


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the security code is 737", ["737"]),
        ("⟦ and the three digit code on the back?⟧ 4829", ["4829"]),
        ("what's the CVV? 123", ["123"]),
        ("the security code is 737. The payment of 100 dollars", ["737"]),  # only the answer
        ("the expiry date is 0827", []),  # expiry context is nearer
        ("I have 737 points", []),  # no context
        ("security code 12", []),  # too short
    ],
)
def test_cvv(text, expected):
    assert found(CvvRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("it expires 0827", ["0827"]),
        ("expiry date? It is 827", ["827"]),
        ("valid thru 122030", ["122030"]),
        ("the expiration is August 27", ["August 27"]),
        ("expires 1327", []),  # month 13
        ("the security code is 0827", []),
        ("flight 0827", []),
    ],
)
def test_card_expiry(text, expected):
    assert found(CardExpiryRecognizer(), text) == expected


@pytest.mark.parametrize("text, expected", [("my PIN is 4321", ["4321"]), ("enter your passcode 987654", ["987654"]), ("room 4321", [])])
def test_pin(text, expected):
    assert found(PinRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("my social security number is 219099999", ["219099999"]), ("ssn 078051120", ["078051120"]), ("ssn 000123456", []), ("order 219099999", [])],
)
def test_ssn(text, expected):
    assert found(SpokenSsnRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my new number is 4155550132", ["4155550132"]),
        ("call me on 5550132", ["5550132"]),
        ("I paid 4155550132 dollars", []),
        # the answer to a phone question, split where ASR heard a digit as a word ("two" as "to")
        ("⟦ And the contact number.⟧ Yes, it's 0786 to 306 301.", ["0786 to 306 301"]),
        ("⟦ What's the best number to reach you on?⟧ 0161, 496 for 0033 thanks", ["0161, 496 for 0033"]),
        ("⟦ And your mobile?⟧ It's 555 0132 ⟦ Lovely.⟧ and the 40 pounds", ["555 0132"]),
        ("⟦ And your phone number?⟧ I'd rather pay 50 to 60 pounds", []),  # too few digits for a phone
        ("⟦ How many months?⟧ 10 to 12, 2 to 3 weeks", []),  # no phone question
    ],
)
def test_phone(text, expected):
    assert found(SpokenPhoneRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my account number is 12345678", ["12345678"]),
        ("routing number 021000021", ["021000021"]),  # valid ABA checksum
    ],
)
def test_bank(text, expected):
    rec = RoutingNumberRecognizer() if "routing" in text else BankAccountRecognizer()
    assert found(rec, text) == expected


def test_routing_checksum():
    assert found(RoutingNumberRecognizer(), "routing number 021000022") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I was born on the 12th of March 1979", ["the 12th of March 1979"]),
        ("my date of birth is the fourth of May 1981", ["the fourth of May 1981"]),
        ("date of birth May 4th, 1981", ["May 4th, 1981"]),
        ("date of birth 05041981", ["05041981"]),
        ("the meeting is on the 12th of March 1979", []),
    ],
)
def test_date_of_birth(text, expected):
    assert found(DateOfBirthRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my name is Daniel Brooks and I", ["Daniel Brooks"]),
        ("This is Jordan speaking", ["Jordan"]),
        ("Thank you Mr. Tilly", ["Tilly"]),
        ("My last name is SITTILI S-I-T-I-L-L-E.", ["SITTILI", "S-I-T-I-L-L-E"]),
        ("I'm sorry about that", []),
        ("it is really frustrating", []),
    ],
)
def test_person_by_context(text, expected):
    assert found(PersonContextRecognizer(), text) == expected


def test_known_values_match_asr_spellings():
    rec = KnownValueRecognizer({"PERSON": "Jack Sotili", "BANK_ACCOUNT": "99-887-766"})
    assert found(rec, "my name is Jack Sotilli, account 99887766") == ["Jack", "Sotilli", "99887766"]
    assert "Sotili" not in repr(rec)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I live at 14 Baker Street, London NW1 6XE.", ["14 Baker Street, London NW1 6XE"]),
        ("we moved to 5 Oak Road last month", ["5 Oak Road"]),
        ("Please send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500", ["1600 Pennsylvania Avenue NW, Washington, DC 20500"]),
        ("Our offices are located at 9448 175 Iroon Polytechniou Avenue\n Apt. 683\n Soloi\n Cyprus", ["9448 175 Iroon Polytechniou Avenue\n Apt. 683\n Soloi\n Cyprus"]),
        ("my address is 22 Koskikatu, Helsinki. thanks", ["22 Koskikatu, Helsinki"]),  # no street word: by context
        ("the postcode is SW1A 1AA", ["SW1A 1AA"]),
        ("my zip code is 90210", ["90210"]),
        ("it's Apt. 117 on the second floor", ["Apt. 117"]),
        ("⟦And the first line of your address?⟧ It's 176 mil lane Bristol.", ["176 mil lane Bristol"]),  # the answer to the question
        ("⟦And your email address?⟧ It's j at x dot com.", []),  # an email address is not a street address
        ("⟦ I live at 231 maple avenue, reading.⟧ And the contact number.", ["231 maple avenue, reading."]),  # not the next turn
        ("⟦The address is 218 Church Street, Albany.⟧ And a contact number?", ["218 Church Street, Albany"]),  # an answer, not a question
        ("I have 3 dogs and walk them every day", []),  # "walk" is a street word, lowercase words are not a street
        ("I waited 20 minutes on hold", []),
        ("the total is 45 pounds for 3 months", []),
        ("call me back at 5 or so", []),
    ],
)
def test_address(text, expected):
    spans = sorted(AddressRecognizer().analyze(text, []), key=lambda r: (r.start, -r.end))
    merged = []
    for r in spans:  # overlapping rules (street line, context, postcode) merge, as redaction merges them
        if merged and r.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], r.end)
        else:
            merged.append([r.start, r.end])
    assert [text[s:e] for s, e in merged] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("it's Sarah not Schmidt at outlook.com.", ["Sarah not Schmidt at outlook.com"]),  # "dot" heard as "not"
        ("It's Liam, not Murphy at Hotmail, dot com.", ["Liam, not Murphy at Hotmail, dot com"]),
        ("yes it's j smith at yahoo dot co dot uk thanks", ["j smith at yahoo dot co dot uk"]),
        ("I work at Google dot com as an engineer", ["Google dot com"]),  # the domain alone, no local part
        ("I'll be at home at five", []),
        ("meet me at gmail", []),  # no domain ending
    ],
)
def test_spoken_email(text, expected):
    assert found(SpokenEmailRecognizer(), text) == expected


def typed(recognizer, text: str) -> list[tuple[str, str]]:
    return [(r.entity_type, text[r.start : r.end]) for r in recognizer.analyze(text, [])]


@pytest.mark.parametrize(
    "text, expected",
    [
        # names said with no introduction, as Whisper writes them
        ("Thanks, Priyanka. And the postcode?", [("PERSON", "Priyanka")]),
        ("I spoke to Dolores Okonkwo-Hayes last week", [("PERSON", "Dolores Okonkwo-Hayes")]),
        ("can I put you through to Marcus?", [("PERSON", "Marcus")]),
        ("the letter went to Siobhan A. Fitzgerald's old address", [("PERSON", "Siobhan A. Fitzgerald")]),
        ("Agnieszka Wróblewska called about the bill", [("PERSON", "Agnieszka Wróblewska")]),  # sentence start: two names
        ("is that Mr. Adebayo?", [("PERSON", "Adebayo")]),  # "Mr." does not end a sentence
        ("it was sent by Pieter van der Merwe", [("PERSON", "Pieter van der Merwe")]),
        # places
        ("I've moved to Leicester from Aberdeen", [("LOCATION", "Leicester"), ("LOCATION", "Aberdeen")]),
        ("we're in Tennessee now", [("LOCATION", "Tennessee")]),
        ("the branch in South Africa closed", [("LOCATION", "South Africa")]),
        ("I was born in Florence", [("LOCATION", "Florence")]),  # a first name too: a place after "in"
        ("Florence said she would call", [("PERSON", "Florence")]),  # a first name starting a sentence, not a place
        ("she sent it from DUNDEE", [("LOCATION", "DUNDEE")]),
        # organisations
        ("I work for Brightwater Logistics Ltd", [("ORGANIZATION", "Brightwater Logistics Ltd")]),
        ("my account with Harlow Savings Bank", [("ORGANIZATION", "Harlow Savings Bank")]),
        # not names: common words, sentence starts, brands the agent names as their own, acronyms
        ("Will you be paying by card today?", []),
        ("Young people get a discount.", []),
        ("Okay. Great. Perfect, thank you.", []),
        ("I read it in Entertainment Weekly", []),
        ("that's on the Premium Plus plan", []),
        ("Thank you for calling Zentrova Energy, how can I help? Your Zentrova account is fine.", []),
        ("Hello, this is Adaeze from Kestrel Recovery.", [("PERSON", "Adaeze")]),
        ("I got it in the Black Friday sale", []),  # a common word that is also a surname
        ("I got a text from the DVLA and the NHS", []),
        ("my birthday is in March, on a Monday", []),
        ("I paid with Visa", []),
    ],
)
def test_proper_nouns(text, expected):
    assert typed(ProperNounRecognizer(), text) == expected
