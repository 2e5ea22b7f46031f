"""The leak scanner itself must find what it is meant to find (a scanner that cannot fail proves nothing)."""

from pathlib import Path

from tests.leaks import find_leaks

PLANTED = {"card": ["4532015112830366"], "cvv": ["737"], "expiry": ["0827"], "phone": ["4155550132"], "email": ["daniel.brooks@example.com"], "name": ["Gonzalez"]}


def test_finds_card_written_by_whisper_with_separators(tmp_path: Path):
    (tmp_path / "a.log").write_text("customer: 4532, 0151, 1283, 0366 thanks")
    assert find_leaks(tmp_path, PLANTED)


def test_finds_short_values_only_as_whole_numbers(tmp_path: Path):
    (tmp_path / "ok.txt").write_text('{"start": 62.737, "id": 17370, "t": "07.737"}')
    assert find_leaks(tmp_path, PLANTED) == []
    (tmp_path / "bad.txt").write_text("the security code is 737.")
    assert find_leaks(tmp_path, PLANTED)


def test_short_values_inside_identifiers_are_not_leaks(tmp_path: Path):
    (tmp_path / "ids.txt").write_text("run f064efb1-0737-428a-87c5-ccd543e0b1e0 at 2026-08-27 08:27:07.737+00:00 sha 0737" + "ab" * 20)
    assert find_leaks(tmp_path, PLANTED) == []
    (tmp_path / "bad.txt").write_text("run f064efb1-0737-428a-87c5-ccd543e0b1e0: customer said 7-3-7")
    assert find_leaks(tmp_path, PLANTED)


def test_finds_values_inside_sqlite_databases(tmp_path: Path):
    import sqlite3

    con = sqlite3.connect(tmp_path / "x.db")
    con.execute("create table t (v text)")
    con.execute("insert into t values ('expires 0827')")
    con.commit()
    con.close()
    assert any("SQL dump" in leak for leak in find_leaks(tmp_path, PLANTED))


def test_finds_a_surname_in_any_case(tmp_path: Path):
    (tmp_path / "flow.log").write_text("segment 4: thank you, mrs gonzalez")
    assert find_leaks(tmp_path, PLANTED)
