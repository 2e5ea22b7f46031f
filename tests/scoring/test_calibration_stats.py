"""Calibration statistics against published values (shared/fixtures/irr and cited textbooks)."""

import json
import math

import pytest

from scoring.calibration.stats import cohen_kappa, fleiss_kappa, icc, kappa_from_table, krippendorff_alpha, percent_agreement
from tests.conftest import FIXTURES

IRR = FIXTURES / "irr"


def load(name: str) -> dict:
    return json.loads((IRR / name).read_text())


def test_cohen_kappa_sas_example():
    d = load("cohens_kappa.json")["sas_3x3_example"]
    table = d["contingency_table_rows_rater1_cols_rater2"]
    assert kappa_from_table(table) == pytest.approx(d["expected_unweighted"]["kappa"], abs=5e-4)
    assert kappa_from_table(table, "linear") == pytest.approx(d["expected_weighted_linear_scores_0_1_2"]["kappa"], abs=5e-4)


@pytest.mark.parametrize("weights, key", [(None, "unweighted"), ("linear", "equal(linear)"), ("quadratic", "squared(quadratic)")])
def test_cohen_kappa_irr_anxiety(weights, key):
    d = load("cohens_kappa.json")["irr_anxiety"]
    rater2 = [r[1] for r in d["ratings_subject_by_rater"]]
    rater3 = [r[2] for r in d["ratings_subject_by_rater"]]
    assert cohen_kappa(rater2, rater3, weights) == pytest.approx(d["expected"][key], abs=5e-7)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_2011_example_c(level):
    d = load("krippendorff_2011_example_C.json")
    assert krippendorff_alpha(d["reliability_data"], level) == pytest.approx(d["expected_alpha_full_precision_recomputed"][level], abs=5e-4)
    assert round(krippendorff_alpha(d["reliability_data"], level), 3) == d["expected_alpha"][level]


def test_krippendorff_2011_example_a_binary():
    d = load("krippendorff_2011_example_A_binary.json")
    assert round(krippendorff_alpha(d["reliability_data"], "nominal"), 3) == d["expected_alpha"]["nominal"]


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_krippendorff_wikipedia_example(level):
    d = load("krippendorff_wikipedia_example.json")
    assert krippendorff_alpha(d["reliability_data"], level) == pytest.approx(d["expected_alpha"][level], abs=5e-6)


def test_fleiss_kappa_wikipedia_example():
    # Fleiss (1971)-style worked example on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, 5 categories; kappa 0.210.
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert round(fleiss_kappa(counts), 3) == 0.210


def test_icc_shrout_fleiss_1979_table():
    # Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges; published values to two decimals.
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    expected = {"ICC(1,1)": 0.17, "ICC(2,1)": 0.29, "ICC(3,1)": 0.71, "ICC(1,k)": 0.44, "ICC(2,k)": 0.62, "ICC(3,k)": 0.91}
    got = icc(ratings)
    assert {k: round(v, 2) for k, v in got.items()} == expected


def test_percent_agreement_and_degenerate_kappa():
    assert percent_agreement(["yes", "no", "yes", None], ["yes", "yes", "yes", "no"]) == pytest.approx(2 / 3)
    assert math.isnan(cohen_kappa(["yes"] * 4, ["yes"] * 4))  # no variation: kappa undefined
