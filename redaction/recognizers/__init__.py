"""Call-centre recognizers in Presidio's style: one small class each."""

from .address_recognizer import AddressRecognizer
from .bank_account_recognizer import BankAccountRecognizer, RoutingNumberRecognizer
from .card_expiry_recognizer import CardExpiryRecognizer
from .payment_card_recognizer import PaymentCardRecognizer, luhn_valid
from .cvv_recognizer import CvvRecognizer
from .date_of_birth_recognizer import DateOfBirthRecognizer
from .known_value_recognizer import KnownValueRecognizer
from .person_context_recognizer import PersonContextRecognizer
from .pin_recognizer import PinRecognizer
from .proper_noun_recognizers import ProperNounRecognizer
from .spoken_email_recognizer import SpokenEmailRecognizer
from .spoken_phone_recognizer import SpokenPhoneRecognizer
from .spoken_ssn_recognizer import SpokenSsnRecognizer

CALL_CENTRE_RECOGNIZERS = (
    PaymentCardRecognizer,
    CvvRecognizer,
    CardExpiryRecognizer,
    PinRecognizer,
    SpokenSsnRecognizer,
    SpokenPhoneRecognizer,
    BankAccountRecognizer,
    RoutingNumberRecognizer,
    DateOfBirthRecognizer,
    PersonContextRecognizer,
    AddressRecognizer,
    SpokenEmailRecognizer,
    ProperNounRecognizer,
)

__all__ = [
    "AddressRecognizer",
    "BankAccountRecognizer",
    "CALL_CENTRE_RECOGNIZERS",
    "CardExpiryRecognizer",
    "PaymentCardRecognizer",
    "CvvRecognizer",
    "DateOfBirthRecognizer",
    "KnownValueRecognizer",
    "PersonContextRecognizer",
    "PinRecognizer",
    "ProperNounRecognizer",
    "RoutingNumberRecognizer",
    "SpokenEmailRecognizer",
    "SpokenPhoneRecognizer",
    "SpokenSsnRecognizer",
    "luhn_valid",
]
