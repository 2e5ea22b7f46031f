"""Call, agent and team ids: the one rule every id is checked against, wherever it comes from
(sidecar, file name, store). A light module (no NumPy), so the store can import it."""

from __future__ import annotations

import re

# A call id names a folder (audio/CALL_ID, vault/CALL_ID) and appears in reports and terminals:
# ASCII letters, digits and . _ : - only, starting with a letter or digit (so never "." or ".."),
# at most 64 characters.
CALL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
CALL_ID_RULE = "letters, digits and . _ : - only, starting with a letter or digit, at most 64 characters"
# An agent or team id is matched against the config's users and shown in reports: the same
# characters (and @, for e-mail-style ids), at most 100.
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$"


def is_valid_call_id(call_id: str) -> bool:
    """Whether ``call_id`` may be a call id (``CALL_ID_PATTERN``)."""
    return re.fullmatch(CALL_ID_PATTERN, call_id, flags=re.ASCII) is not None
