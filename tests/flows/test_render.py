"""What the CLI prints is the store's text, literally (issue #20, finding 9): an agent id, team,
file name or reason holding Rich markup neither styles the terminal nor crashes `show`."""

from __future__ import annotations

from audit_store import AuditStore, User
from flows import render
from scoring import find_rubric, score_call

MARKUP = "[/]"  # a closing tag with nothing open: Rich raises MarkupError


def test_show_prints_markup_in_stored_fields_literally(tmp_path, redacted_samples):
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    r = redacted_samples["NW-20261121-0001"]
    store.append_call(call_id="C-1", audio_sha256="a" * 64, sources=["c.flac"], agent_id=f"{MARKUP}bold", team="[bold red]billing",
                      started_at=None, transcript=r, score=score_call(r, find_rubric("core-contact-centre")), redacted_audio=[])  # fmt: skip
    view = store.read_call(User(name="admin", role="admin"), "C-1")
    with render.console.capture() as out:
        render.print_call(view)
    assert f"agent {MARKUP}bold" in out.get() and "team [bold red]billing" in out.get()


def test_the_quarantine_table_prints_reasons_literally():
    from types import SimpleNamespace

    row = SimpleNamespace(run_id="r1", inbox="[/]inbox", started_at="t0", finished_at="t1", counts='{"counts": {"quarantined": 1}}')
    bad = SimpleNamespace(source="[/]x.flac", error_type="BadAudio", reason="[link=file:///etc/passwd]click[/link]")
    with render.console.capture() as out:
        render.print_run(row, [bad])
    assert "[/]x.flac" in out.get() and "[link=file:///etc/passwd]" in out.get()


def test_control_characters_are_shown_as_escapes():
    assert render.printable("coaching\x1b[2J\nforged line") == "coaching\\x1b[2J\\nforged line"
