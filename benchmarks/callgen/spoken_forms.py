"""How callers say numbers, dates, emails and codes: each ``say_*`` returns (spoken, form), the
words exactly as they go into the turn and a short name of the form chosen.

Varied: digit by digit or in pairs ("forty five thirty two"); groups of 2, 3 or 4 with pauses
(commas); "double" and "triple"; "oh" or "zero"; a hesitation between groups; a self-correction
(a wrong group, then "sorry", then the right one: the group before the marker is withdrawn);
years as "nineteen eighty one" or "eighty one"; dates as "the fourth of May", "May fourth" or
digits; expiry as "oh eight twenty seven", "August twenty seven" or "eight slash twenty seven";
letters spelled out in capitals with commas (espeak-ng says "J, A, N, E" as letter names).
"""

from __future__ import annotations

import random

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twenty first",
    "twenty second",
    "twenty third",
    "twenty fourth",
    "twenty fifth",
    "twenty sixth",
    "twenty seventh",
    "twenty eighth",
    "twenty ninth",
    "thirtieth",
    "thirty first",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
HESITATIONS = ["uh", "um", "er"]
CORRECTIONS = ["sorry", "no wait", "I mean", "no, sorry", "scratch that"]


def say_number(n: int) -> str:
    """0-9999 in words: 42 -> "forty two", 112 -> "one hundred and twelve", 2003 -> "two thousand and three"."""
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + UNITS[n % 10])
    if n < 1000:
        rest = n % 100
        return f"{UNITS[n // 100]} hundred" + ("" if rest == 0 else f" and {say_number(rest)}")
    rest = n % 1000
    joiner = " and " if 0 < rest < 100 else " "
    return f"{UNITS[n // 1000]} thousand" + ("" if rest == 0 else joiner + say_number(rest))


def say_pair(pair: str) -> str:
    """Two digits as a caller pairs them: "45" -> "forty five", "05" -> "oh five", "00" -> "double oh"."""
    if pair == "00":
        return "double oh"
    if pair[0] == "0":
        return f"oh {UNITS[int(pair[1])]}"
    return say_number(int(pair))


def _digit(d: str, zero: str) -> str:
    return zero if d == "0" else UNITS[int(d)]


def _group_words(group: str, rng: random.Random, zero: str, doubles: bool) -> str:
    words, i = [], 0
    while i < len(group):
        d = group[i]
        run = 1
        while i + run < len(group) and group[i + run] == d and run < 3:
            run += 1
        if doubles and run == 3:
            words.append(f"triple {_digit(d, zero)}")
        elif doubles and run == 2:
            words.append(f"double {_digit(d, zero)}")
        else:
            words.extend([_digit(d, zero)] * run)
        i += run
    return " ".join(words)


def split_groups(digits: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return [g for g in out if g]


def say_digit_groups(
    digits: str, sizes: list[int], rng: random.Random, *, pairs_ok: bool = True, correct: float = 0.0, hesitate: float = 0.0
) -> tuple[str, str]:
    """Digits in groups of ``sizes``, commas between groups. Pairs ("forty five") only for groups of
    even length; ``correct``/``hesitate``: chances of a self-correction / a filler between groups."""
    groups = split_groups(digits, sizes)
    zero = "oh" if rng.random() < 0.6 else "zero"
    style = "pairs" if pairs_ok and all(len(g) % 2 == 0 for g in groups) and rng.random() < 0.25 else "digits"
    doubles = style == "digits" and rng.random() < 0.5
    said = []
    for g in groups:
        if style == "pairs":
            said.append(" ".join(say_pair(g[i : i + 2]) for i in range(0, len(g), 2)))
        else:
            said.append(_group_words(g, rng, zero, doubles))
    form = f"{style}-{''.join(str(len(g)) for g in groups)}" + ("+double" if doubles and "double" in " ".join(said) else "")
    if correct and len(groups) > 1 and rng.random() < correct:
        k = rng.randrange(len(groups))
        wrong = _wrong_group(groups[k], rng)
        said.insert(k, f"{_group_words(wrong, rng, zero, False)}, {rng.choice(CORRECTIONS)}")
        form += "+correction"
    elif hesitate and len(said) > 1 and rng.random() < hesitate:
        k = rng.randrange(1, len(said))
        said.insert(k, rng.choice(HESITATIONS))
        form += "+hesitation"
    return ", ".join(said), form


def _wrong_group(group: str, rng: random.Random) -> str:
    """The group with one digit misremembered (or cut short: a false start)."""
    if len(group) > 2 and rng.random() < 0.4:
        return group[: rng.randrange(1, len(group))]
    i = rng.randrange(len(group))
    wrong = rng.choice([d for d in "0123456789" if d != group[i]])
    return group[:i] + wrong + group[i + 1 :]


CARD_GROUPS = {
    16: [[4, 4, 4, 4], [4, 4, 4, 4], [2] * 8, [3, 3, 3, 3, 4]],
    15: [[4, 6, 5], [3, 3, 3, 3, 3]],
    13: [[4, 3, 3, 3], [4, 4, 5]],
}


def say_card(card: str, rng: random.Random, correct: float = 0.15, hesitate: float = 0.2) -> tuple[str, str]:
    return say_digit_groups(card, rng.choice(CARD_GROUPS[len(card)]), rng, correct=correct, hesitate=hesitate)


def say_cvv(cvv: str, rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.25:  # "seven thirty seven", "forty eight twenty nine"
        if len(cvv) == 3 and cvv[1] != "0":
            return f"{UNITS[int(cvv[0])]} {say_number(int(cvv[1:]))}", "digit-pair"
        if len(cvv) == 4 and cvv[0] != "0" and cvv[2] != "0":
            return f"{say_number(int(cvv[:2]))} {say_number(int(cvv[2:]))}", "pairs"
    return say_digit_groups(cvv, [len(cvv)], rng, pairs_ok=False)


def say_year(year: int, rng: random.Random, short_ok: bool = True) -> tuple[str, str]:
    """1981 -> "nineteen eighty one" (or "eighty one"); 2003 -> "two thousand and three" / "oh three"."""
    yy = year % 100
    if short_ok and rng.random() < 0.3:
        return (say_pair(f"{yy:02d}") if yy < 10 else say_number(yy)), "yy"
    if year >= 2000:
        return (say_number(year) if rng.random() < 0.6 else f"twenty {say_pair(f'{yy:02d}')}"), "yyyy"
    return f"{say_number(year // 100)} {say_pair(f'{yy:02d}') if yy < 10 else say_number(yy)}", "yyyy"


def say_dob(year: int, month: int, day: int, region: str, rng: random.Random) -> tuple[str, str]:
    """A date of birth: "the fourth of May, nineteen eighty one", "May fourth eighty one",
    "oh four, oh five, eighty one" (day first in the UK, month first in the US)."""
    spoken_year, yform = say_year(year, rng)
    kind = rng.choice(["dmy-words", "dmy-words", "mdy-words", "dm-words", "digits"])
    if kind == "dmy-words":
        return f"the {ORDINALS[day]} of {MONTHS[month - 1]}, {spoken_year}", f"dmy-words-{yform}"
    if kind == "dm-words":
        return f"{ORDINALS[day]} {MONTHS[month - 1]} {spoken_year}", f"dmy-words-{yform}"
    if kind == "mdy-words":
        return f"{MONTHS[month - 1]} {ORDINALS[day]}, {spoken_year}", f"mdy-words-{yform}"
    first, second = (day, month) if region == "uk" else (month, day)
    order = "dmy" if region == "uk" else "mdy"
    return f"{say_pair(f'{first:02d}')}, {say_pair(f'{second:02d}')}, {spoken_year}", f"{order}-digits-{yform}"


def say_expiry(month: int, year: int, rng: random.Random) -> tuple[str, str]:
    """MM/YY: "oh eight twenty seven", "August twenty seven", "eight slash twenty seven"."""
    yy = say_number(year % 100) if year % 100 >= 10 else say_pair(f"{year % 100:02d}")
    kind = rng.choice(["numeric", "numeric", "month", "month-yyyy", "slash"])
    mm = say_pair(f"{month:02d}") if month < 10 else say_number(month)
    if kind == "numeric":
        return f"{mm}, {yy}" if rng.random() < 0.5 else f"{mm} {yy}", "mm-yy"
    if kind == "month":
        return f"{MONTHS[month - 1]} {yy}", "month-yy"
    if kind == "month-yyyy":
        return f"{MONTHS[month - 1]} twenty {yy}", "month-yyyy"
    short = say_number(month) if rng.random() < 0.5 else mm
    return f"{short} slash {yy}", "slash"


def say_phone(phone: str, rng: random.Random, correct: float = 0.1, hesitate: float = 0.1) -> tuple[str, str]:
    sizes = rng.choice([[5, 6], [5, 3, 3], [4, 3, 4]]) if len(phone) == 11 else [3, 3, 4]
    return say_digit_groups(phone, sizes, rng, pairs_ok=False, correct=correct, hesitate=hesitate)


def spell(word: str) -> str:
    """ "doe" -> "D, O, E": capitals and commas, which espeak-ng says as letter names."""
    return ", ".join(ch.upper() if ch.isalpha() else UNITS[int(ch)] for ch in word)


def say_email(local: list[str], sep: str, domain: str, rng: random.Random) -> tuple[str, str]:
    """local parts joined by sep ("." / "_" / ""), e.g. (["jane", "doe"], ".", "gmail dot com") ->
    "jane dot doe at gmail dot com"; sometimes a part spelled ("D, O, E"), digits said one by one."""
    said, spelled = [], False
    for part in local:
        if part.isdigit():
            said.append(" ".join(UNITS[int(d)] for d in part))
        elif len(part) == 1 or rng.random() < 0.2:
            said.append(spell(part))
            spelled = True
        else:
            said.append(part)
    joiner = {".": " dot ", "_": " underscore ", "": " "}[sep]
    tail = ", all one word," if sep == "" and len(local) > 1 and rng.random() < 0.5 else ""
    return f"{joiner.join(said)}{tail} at {domain}", "spelled" if spelled else "words"


def say_house(n: int, rng: random.Random) -> str:
    if 100 < n < 1000 and n % 100 >= 10 and rng.random() < 0.5:  # "one twelve"
        return f"{UNITS[n // 100]} {say_number(n % 100)}"
    return say_number(n)


def say_postcode(code: str, rng: random.Random) -> tuple[str, str]:
    """UK "LS1 4AB" -> "L, S, one, four, A, B"; US ZIP "02139" -> "oh two one three nine"."""
    if code.isdigit():
        return say_digit_groups(code, [5], rng, pairs_ok=False)[0], "zip"
    outward, inward = code.split()
    return f"{spell(outward)}, {spell(inward)}", "uk"


def say_money(pounds: int, pence: int, region: str, rng: random.Random) -> str:
    unit, sub = ("pounds", "p") if region == "uk" else ("dollars", "cents")
    whole = say_number(pounds)
    if whole.startswith("one hundred") and rng.random() < 0.5:  # "a hundred and twenty"
        whole = "a " + whole.removeprefix("one ")
    if not pence:
        return f"{whole} {unit}"
    if region == "uk":
        return f"{whole} {unit} {say_number(pence)}" if rng.random() < 0.6 else f"{whole} {unit} and {say_number(pence)}{sub}"
    return f"{whole} {unit} and {say_number(pence)} {sub}"
