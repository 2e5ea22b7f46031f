"""The coaching report: per agent, how the period went and what to work on, with the evidence
a coach and an agent can sit down with. Built from the store, through the access check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from statistics import fmean

from jinja2 import Environment, select_autoescape

from audit_store import Action, AuditStore, CallRecord, User, utc_now
from scoring import Score

from audit_store.files import private_folder, write_private
from audit_store.plots import inline_plot
from audit_store.store import CALLS_BY, call_time

WEAKEST = 3  # criteria shown with evidence
EXCERPTS = 3  # evidence excerpts per weak criterion
BEST = 3  # best calls listed as positive examples


@dataclass
class CriterionStat:
    criterion_id: str
    question: str
    critical: bool
    agent_rate: float  # share of applicable calls answered with full points
    team_rate: float | None
    applicable: int
    needs_review: bool


@dataclass
class Excerpt:
    call_id: str
    start: float
    speaker: str
    quote: str
    command: str


@dataclass
class AgentReport:
    agent_id: str
    team: str | None
    calls: int
    mean: float | None
    team_mean: float | None
    trend: list[tuple[str, float, str]]  # (day, total, call id)
    sections: list[tuple[str, float | None, float | None]]  # (title, agent mean, team mean)
    criteria: list[CriterionStat]
    weakest: list[tuple[CriterionStat, list[Excerpt]]]
    critical_failures: list[tuple[str, str, list[str]]]  # (call id, day, reasons)
    best_calls: list[tuple[str, float, str]]
    trend_plot: str = ""


@dataclass
class CoachingReport:
    scope: str
    period: str
    rubric: str
    generated_at: str
    generated_by: str
    calls_by: str = CALLS_BY["started"]  # which calls the period holds, in words (audit_store.store.CALLS_BY)
    agents: list[AgentReport] = field(default_factory=list)


def build_coaching_report(
    store: AuditStore, user: User | None, rubric_id: str, start: date, end: date, *,
    agent_id: str | None = None, team: str | None = None, actor_name: str | None = None, by: str = "started",
) -> CoachingReport:
    """The report for one agent (``agent_id``) or a team, over the calls that started in [start,
    end] (``by="processed"``: that were processed in it); one access-log row per generation."""
    if (agent_id is None) == (team is None):
        raise ValueError("give either --agent or --team")
    scope_team = team if team else store.team_of_agent(agent_id)
    store.check(user, Action.COACHING_REPORT, "team" if team else "agent", team or agent_id, purpose="coaching report",
                actor_name=actor_name, scope={"team": scope_team, "agent": agent_id})  # fmt: skip
    since = datetime.combine(start, time.min, timezone.utc).isoformat()
    until = datetime.combine(end + timedelta(days=1), time.min, timezone.utc).isoformat()
    team_calls = store.scored_calls(since, until, rubric_id, team=scope_team, by=by) if scope_team else []
    scoped = [(c, s) for c, s in (team_calls if scope_team else store.scored_calls(since, until, rubric_id, agent_id=agent_id, by=by)) if agent_id is None or c.agent_id == agent_id]
    agents = sorted({c.agent_id or "unknown" for c, _ in scoped})
    who = user.name if user else (actor_name or "unknown")
    report = CoachingReport(f"agent {agent_id}" if agent_id else f"team {team}", f"{start} to {end}", rubric_id, utc_now(), who, CALLS_BY[by])
    for a in agents:
        mine = [(c, s) for c, s in scoped if (c.agent_id or "unknown") == a]
        report.agents.append(_agent_report(a, scope_team, mine, team_calls, who, by))
    return report


def _day(call: CallRecord, by: str) -> str:
    """The call's day on the trend's axis: the same time the period selected it by (UTC)."""
    return call_time(call, by).date().isoformat()


def _rates(calls: list[tuple[CallRecord, Score]]) -> dict[str, tuple[float, int]]:
    hits: dict[str, list[bool]] = {}
    for _, s in calls:
        for c in s.criteria:
            if not c.na:
                hits.setdefault(c.criterion_id, []).append(c.points >= c.max_points)
    return {k: (sum(v) / len(v), len(v)) for k, v in hits.items()}


def _agent_report(agent: str, team: str | None, mine: list[tuple[CallRecord, Score]], team_calls: list[tuple[CallRecord, Score]], who: str, by: str) -> AgentReport:
    totals = [s.total for _, s in mine if s.total is not None]
    team_totals = [s.total for _, s in team_calls if s.total is not None]
    mine_rates, team_rates = _rates(mine), _rates(team_calls)
    first = mine[0][1] if mine else None
    questions = {c.criterion_id: (c.question, c.critical) for _, s in mine for c in s.criteria}
    review = {c.criterion_id for _, s in mine for c in s.criteria if c.needs_review}
    stats = [
        CriterionStat(cid, questions[cid][0], questions[cid][1], round(rate, 3), round(team_rates[cid][0], 3) if cid in team_rates else None, n, cid in review)
        for cid, (rate, n) in mine_rates.items()
    ]
    weakest = sorted((st for st in stats if st.agent_rate < 1.0), key=lambda st: (st.agent_rate, not st.critical))[:WEAKEST]
    weak_with_evidence = []
    for st in weakest:
        excerpts = []
        for call, score in mine:
            result = next((c for c in score.criteria if c.criterion_id == st.criterion_id), None)
            if result is None or result.na or result.points >= result.max_points:
                continue
            for e in result.evidence[:1]:
                excerpts.append(Excerpt(call.call_id, e.start, e.speaker, e.quote, f"callaudit show {call.call_id} --as {who}"))
            if len(excerpts) == EXCERPTS:
                break
        weak_with_evidence.append((st, excerpts))

    sections = []
    for sec in first.sections if first else []:
        a = [x.score for _, s in mine for x in s.sections if x.section_id == sec.section_id and x.score is not None]
        t = [x.score for _, s in team_calls for x in s.sections if x.section_id == sec.section_id and x.score is not None]
        sections.append((sec.title, round(fmean(a), 1) if a else None, round(fmean(t), 1) if t else None))
    trend = sorted((_day(c, by), s.total, c.call_id) for c, s in mine if s.total is not None)
    report = AgentReport(
        agent_id=agent, team=team, calls=len(mine), mean=round(fmean(totals), 1) if totals else None,
        team_mean=round(fmean(team_totals), 1) if team_totals else None, trend=trend, sections=sections,
        criteria=sorted(stats, key=lambda st: st.agent_rate), weakest=weak_with_evidence,
        critical_failures=[(c.call_id, _day(c, by), list(s.auto_fail_reasons)) for c, s in mine if s.auto_fail],
        best_calls=sorted(((c.call_id, s.total, _day(c, by)) for c, s in mine if s.total is not None and not s.auto_fail), key=lambda x: -x[1])[:BEST],
    )  # fmt: skip
    report.trend_plot = inline_plot(lambda ax: _draw_trend(ax, report), size=(8, 2.6)) if trend else ""
    return report


def _draw_trend(ax, r: AgentReport) -> None:  # noqa: ANN001
    xs = list(range(len(r.trend)))
    ax.plot(xs, [t for _, t, _ in r.trend], "o-", color="#2f6fb3", label=f"{r.agent_id}")
    if r.team_mean is not None:
        ax.axhline(r.team_mean, color="#9aa5b1", linestyle="--", label=f"team mean {r.team_mean:g}")
    ax.set_xticks(xs, [f"{d}\n{cid}" for d, _, cid in r.trend], fontsize=7)
    ax.set_ylim(-5, 105)
    ax.set_ylabel("score")
    ax.legend(fontsize=7, loc="lower left")


def render_coaching_report(report: CoachingReport) -> str:
    env = Environment(autoescape=select_autoescape(["html", "j2"]))
    template = env.from_string(resources.files("flows").joinpath("templates/coaching.html.j2").read_text())
    return template.render(r=report)


def write_coaching_report(report: CoachingReport, path: Path) -> Path:
    if not path.parent.exists():  # an existing folder is the user's choice; the file is owner-only either way
        private_folder(path.parent, "report folder")
    return write_private(path, render_coaching_report(report))  # 0600: it quotes calls
