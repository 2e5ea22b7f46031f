"""Agreement statistics for calibration, each checked against published values
(tests/scoring/test_calibration_stats.py).

Cohen's kappa, Krippendorff's alpha and the Shrout-Fleiss ICCs are written here from their
definitions (the well-known Krippendorff package is GPL-licensed); Fleiss' kappa comes from
statsmodels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import permutations

import numpy as np

Missing = None


def percent_agreement(a: Sequence, b: Sequence) -> float:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return sum(x == y for x, y in pairs) / len(pairs) if pairs else math.nan


def cohen_kappa(a: Sequence, b: Sequence, weights: str | None = None, categories: Sequence | None = None) -> float:
    """Cohen's kappa between two raters; ``weights`` None, "linear" or "quadratic".

    Categories are ordered as given, else sorted over the values observed (as R's irr::kappa2
    does: an unobserved level does not count in the weights). Pairs with a missing value are
    dropped. Returns nan when agreement by chance is already perfect (one category only).
    """
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    cats = list(categories) if categories is not None else sorted({v for p in pairs for v in p})
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        table[index[x], index[y]] += 1
    return kappa_from_table(table, weights)


def kappa_from_table(table: np.ndarray, weights: str | None = None) -> float:
    """Cohen's kappa from a contingency table (rows rater 1, columns rater 2)."""
    table = np.asarray(table, dtype=float)
    k = table.shape[0]
    n = table.sum()
    if n == 0:
        return math.nan
    i, j = np.indices((k, k))
    if weights is None:
        w = (i != j).astype(float)
    elif weights == "linear":
        w = np.abs(i - j) / max(k - 1, 1)
    elif weights == "quadratic":
        w = ((i - j) / max(k - 1, 1)) ** 2
    else:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    observed = (w * table).sum() / n
    expected = (w * np.outer(table.sum(1), table.sum(0))).sum() / n**2
    return math.nan if expected == 0 else 1 - observed / expected


def krippendorff_alpha(data: Sequence[Sequence], level: str = "nominal") -> float:
    """Krippendorff's alpha for rows = observers, columns = units, None = missing.

    ``level``: nominal, ordinal, interval or ratio (Krippendorff 2011, coincidence matrices).
    """
    values = sorted({v for row in data for v in row if v is not None})
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in zip(*data, strict=True):
        present = [v for v in unit if v is not None]
        m = len(present)
        if m < 2:
            continue
        for x, y in permutations(present, 2):
            o[index[x], index[y]] += 1 / (m - 1)
    n_c = o.sum(1)
    n = n_c.sum()
    delta = _delta(values, n_c, level)
    expected = (np.outer(n_c, n_c) * delta).sum()
    return math.nan if expected == 0 else 1 - (n - 1) * (o * delta).sum() / expected


def _delta(values: list, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared distance between values c and k; nominal values may be any labels."""
    c, k = np.meshgrid(np.arange(len(values)), np.arange(len(values)), indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    v = np.array(values, dtype=float)
    if level == "interval":
        return (v[c] - v[k]) ** 2
    if level == "ratio":
        s = v[c] + v[k]
        return np.where(s == 0, 0.0, ((v[c] - v[k]) / np.where(s == 0, 1, s)) ** 2)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        lo, hi = np.minimum(c, k), np.maximum(c, k)
        between = cum[hi + 1] - cum[lo]
        return (between - (n_c[c] + n_c[k]) / 2) ** 2
    raise ValueError(f"level must be nominal, ordinal, interval or ratio, not {level!r}")


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa from subjects x categories counts (every subject rated by the same number
    of raters), via statsmodels."""
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    with np.errstate(invalid="ignore", divide="ignore"):  # one category only: nan, not a warning
        return float(sm_fleiss(np.asarray(counts), method="fleiss"))


def icc(ratings: Sequence[Sequence[float]]) -> dict[str, float]:
    """The six Shrout & Fleiss (1979) intraclass correlations for targets (rows) x judges
    (columns), complete data: ICC(1,1), ICC(2,1), ICC(3,1) and their k-judge averages."""
    x = np.asarray(ratings, dtype=float)
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_err = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))

    def safe(num: float, den: float) -> float:
        return math.nan if den == 0 else num / den

    return {
        "ICC(1,1)": safe(msr - msw, msr + (k - 1) * msw),
        "ICC(2,1)": safe(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n),
        "ICC(3,1)": safe(msr - mse, msr + (k - 1) * mse),
        "ICC(1,k)": safe(msr - msw, msr),
        "ICC(2,k)": safe(msr - mse, msr + (msc - mse) / n),
        "ICC(3,k)": safe(msr - mse, msr),
    }


def mae_and_bias(machine: Sequence[float], human: Sequence[float]) -> tuple[float, float]:
    """Mean absolute error and mean signed difference (machine minus human)."""
    d = np.asarray(machine, dtype=float) - np.asarray(human, dtype=float)
    return float(np.abs(d).mean()), float(d.mean())
