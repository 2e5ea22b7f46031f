"""Files a person takes away (exports, reports): owner-only, and safe to open in a spreadsheet.

- Folders are created 0700 and files 0600 whatever the umask; an existing folder that other
  accounts can read is refused (``FolderTooOpen``), never silently changed: an export holds the
  access log and every score, and someone chose that folder's mode.
- CSV cells that a spreadsheet would run as a formula are neutralised as OWASP's CSV-injection
  rule says: a text cell starting with ``= + - @``, a tab or a carriage return (or their
  full-width forms) gets a leading apostrophe. ``--purpose '=HYPERLINK(...)'`` then reads as
  text in Excel and LibreOffice. Numbers (a negative score) are not text cells and are untouched.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AuditStoreError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # OWASP, and full-width = + - @
if TYPE_CHECKING:
    import pandas as pd

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


class FolderTooOpen(AuditStoreError):
    """A folder that other accounts can read or write was given for private output."""


def private_folder(path: Path, what: str = "output folder") -> Path:
    """``path`` as a folder only its owner can use: created 0700 (with any missing parents), or,
    if it exists, checked: FolderTooOpen if group or others have any access."""
    path = Path(path)
    if not path.exists():
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for p in reversed(missing):
            p.mkdir(mode=PRIVATE_FOLDER)
            os.chmod(p, PRIVATE_FOLDER)  # mkdir's mode is masked by the umask; ours is created here, so this changes nothing of anyone's
        return path
    check_private_folder(path, what)
    return path


def check_private_folder(path: Path, what: str) -> None:
    """FolderTooOpen unless ``path`` is a real folder (not a link) of this account that only it can use."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise FolderTooOpen(f"{what} {path} is not a folder (a symbolic link?); give a real folder")
    if st.st_uid != os.geteuid():  # its owner reads what we write, whatever its mode (root writes into anyone's 0700 folder)
        import pwd

        try:
            owner = f"{pwd.getpwuid(st.st_uid).pw_name!r}, uid {st.st_uid}"
        except KeyError:
            owner = f"uid {st.st_uid}"
        raise FolderTooOpen(f"{what} {path} belongs to another account ({owner}); choose a folder of your own, or run callaudit as that account")
    if st.st_mode & 0o077:
        raise FolderTooOpen(
            f"{what} {path} can be used by other accounts (mode {stat.S_IMODE(st.st_mode):04o}); callaudit does not change the mode of "
            f"a folder it did not create: run `chmod 700 {path}` if that is what you want, or choose a folder only you can read"
        )


def write_private(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` as a 0600 file (an existing file is truncated and made 0600; a
    symbolic link is refused)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(raw)
    finally:
        if fd >= 0:
            os.close(fd)
    return Path(path)


def neutralise_formula(value: object) -> object:
    """A text cell that would start a spreadsheet formula, with a leading apostrophe; any other
    value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(df: pd.DataFrame) -> str:
    """``df`` as CSV with every text cell quoted and neutralised (``neutralise_formula``), headers too."""
    import pandas as pd

    safe = df.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC)  # text quoted (OWASP), so a CR or LF in it stays in its cell
    return buffer.getvalue()
