"""Calibration: machine scores against human graders, fitted parameters, a promotion gate."""

from .calibrate import CalibrationResult, CriterionCalibration, calibrate
from .grades import GradeSet, GradesError, load_grades
from .stats import cohen_kappa, fleiss_kappa, icc, krippendorff_alpha, percent_agreement
from .tuning import Fit, fit_criterion

__all__ = [
    "CalibrationResult",
    "CriterionCalibration",
    "Fit",
    "GradeSet",
    "GradesError",
    "calibrate",
    "cohen_kappa",
    "fit_criterion",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
    "load_grades",
    "percent_agreement",
]
