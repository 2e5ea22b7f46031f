"""Tuning finds a known best threshold and improves held-out agreement; the gate promotes and refuses."""

import pytest

from scoring.calibration import GradeSet, GradesError, calibrate, fit_criterion, load_grades
from scoring.context import CallContext
from scoring.rubric import Rubric
from tests.scoring.transcripts import dialogue

SILENCES = [2, 5, 8, 12, 15, 20, 25, 35, 40, 50, 3, 18]  # seconds of dead air, one call each
HUMAN_LIMIT = 20  # graders accept silences up to 20 s: the threshold tuning must find


def call_with_silence(gap: float):
    return dialogue(("agent", 0, 3, "Let me check that for you."), ("agent", 3 + gap, 6 + gap, "Thanks for waiting."))


def rubric(critical: bool = False, target: float = 0.7) -> Rubric:
    return Rubric.model_validate({
        "id": "synthetic", "version": 1, "title": "synthetic",
        "sections": [{"id": "s", "title": "s", "weight": 1, "criteria": [
            {"id": "dead_air", "question": "No long silence?", "critical": critical, "target_kappa": target,
             "method": {"type": "timing", "metric": "longest_silence", "max": 45}},
            {"id": "thanks", "question": "Thanked for waiting?", "method": {"type": "phrase", "speaker": "agent", "patterns": ["thanks for waiting"]}},
        ]}],
    })  # fmt: skip


def grades_for(rule) -> GradeSet:  # noqa: ANN001
    g = GradeSet()
    for i, gap in enumerate(SILENCES):
        call = f"C{i:02d}"
        g.answers[(call, "dead_air")] = {"g1": rule(gap), "g2": rule(gap), "g3": "no" if i == 3 else rule(gap)}
        g.answers[(call, "thanks")] = {"g1": "yes", "g2": "yes", "g3": "yes"}
    return g


@pytest.fixture(scope="module")
def contexts():
    return {f"C{i:02d}": CallContext(call_with_silence(gap)) for i, gap in enumerate(SILENCES)}


def test_tuning_finds_the_known_threshold_and_held_out_agreement_improves(contexts):
    r = rubric()
    consensus = {call: ("yes" if SILENCES[int(call[1:])] <= HUMAN_LIMIT else "no") for call in contexts}
    fit = fit_criterion(r.sections[0].criteria[0], contexts, consensus)
    assert fit.parameter == "max" and HUMAN_LIMIT <= fit.fitted < 25
    assert fit.kappa_before < 0.6  # the default (45 s) accepts what the graders reject
    assert fit.kappa_after > fit.kappa_before and fit.kappa_after >= 0.8
    assert fit.folds == 5


def test_gate_promotes_with_fitted_parameters_and_flags_nothing_when_on_target(contexts):
    result = calibrate(rubric(), contexts, grades_for(lambda gap: "yes" if gap <= HUMAN_LIMIT else "no"))
    assert result.verdict == "promote"
    calibrated = result.calibrated_rubric
    assert calibrated.version == 2 and calibrated.content_hash != rubric().content_hash
    assert HUMAN_LIMIT <= calibrated.sections[0].criteria[0].method.max < 25
    assert not any(c.needs_review for _, c in calibrated.criteria())
    dead_air = result.criteria[0]
    assert set(dead_air.machine_vs_graders) == {"g1", "g2", "g3"} and dead_air.graders_alpha < 1.0 and dead_air.graders_fleiss is not None
    # g3 graded one call differently: against the others' consensus (a tie goes to the stricter
    # answer) every grader then agrees on all but that call
    assert all(0.5 < k < 1.0 for k in dead_air.graders_vs_consensus.values())


def test_gate_refuses_when_a_critical_criterion_misses_its_target(contexts):
    noisy = grades_for(lambda gap: "yes" if int(gap) % 2 == 0 else "no")  # graders agree on nothing the machine can learn
    result = calibrate(rubric(critical=True), contexts, noisy)
    assert result.verdict == "refuse" and result.calibrated_rubric is None
    assert any("dead_air" in r for r in result.reasons)


def test_non_critical_criterion_below_target_is_promoted_but_flagged(contexts):
    noisy = grades_for(lambda gap: "yes" if int(gap) % 2 == 0 else "no")
    result = calibrate(rubric(critical=False), contexts, noisy)
    assert result.verdict == "promote"
    flagged = {c.id for _, c in result.calibrated_rubric.criteria() if c.needs_review}
    assert flagged == {"dead_air"}
    assert result.criteria[0].disagreements and result.criteria[0].disagreements[0].quote


@pytest.mark.parametrize(
    "rows, message",
    [
        ("grader_id,call_id,criterion_id,answer\ng1,C00,dead_air,maybe\n", "not on the scale"),
        ("grader_id,call_id,criterion_id,answer\ng1,C99,dead_air,yes\n", "unknown call"),
        ("grader_id,call_id,criterion_id,answer\ng1,C00,nope,yes\n", "unknown criterion"),
        ("grader_id,call_id,criterion_id,answer\ng1,C00,dead_air,yes\ng1,C00,dead_air,no\n", "duplicate grade by g1"),
        ("grader,call,answer\n", "missing column"),
    ],
)
def test_grades_file_errors_say_which_line_and_why(tmp_path, rows, message):
    path = tmp_path / "grades.csv"
    path.write_text(rows)
    with pytest.raises(GradesError, match=message):
        load_grades(path, rubric(), {"C00"})


def test_na_answers_are_accepted(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("grader_id,call_id,criterion_id,answer\ng1,C00,dead_air,N/A\ng1,C00,thanks,Yes\n")
    g = load_grades(path, rubric(), {"C00"})
    assert g.answers[("C00", "dead_air")] == {"g1": None} and g.answers[("C00", "thanks")] == {"g1": "yes"}
