"""Proven identity: a command acts as the OS account that runs it, never as a name it claims.

The config's ``users:`` section maps OS accounts to callaudit users (``os_accounts``; by default
the OS account with the user's name; ``"@owner"`` is the OS account that owns the data
directory). ``--as NAME`` only chooses among the users the running account is mapped to; without
it, the one user the account is mapped to acts. Everything else is refused, and the refusal is in
the access log with the OS account that tried.

What this cannot stop (docs/audit-store.md): an account that can write the config file can map
itself to any user, which is why the config must not be writable by other accounts (the data
directory is owner-only); an account with the store's credentials can write rows directly.
"""

from __future__ import annotations

import os
import pwd
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .access import Acting, User, set_acting

OWNER = "@owner"  # in os_accounts: the OS account that owns the data directory


def os_account(uid: int | None = None) -> str:
    """The name of the OS account running this process (effective uid), or of ``uid``."""
    uid = os.geteuid() if uid is None else uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def may_act_as(user: User, account: str, home_owner: str | None) -> bool:
    accounts = user.os_accounts or (user.name,)
    return account in accounts or (home_owner is not None and OWNER in accounts and account == home_owner)


@dataclass(frozen=True)
class Principal:
    """Who a command acts as: ``user`` None when the account proved no user (``refusal`` says why);
    ``name`` is what the access log records as the actor then (the claimed name)."""

    user: User | None
    name: str
    os_account: str
    refusal: str | None = None


def resolve_principal(users: Mapping[str, User], claimed: str | None, home: Path | None = None, account: str | None = None) -> Principal:
    """The callaudit user the running OS account acts as, choosing ``claimed`` among those it is
    mapped to; see the module's description.

    >>> resolve_principal({"qa": User(name="qa", role="qa_lead", os_accounts=("alice",))}, None, account="alice").user.name  # doctest: +SKIP
    'qa'
    """
    account = account or os_account()
    owner = os_account(home.stat().st_uid) if home is not None and home.exists() else None
    mine = [u for u in users.values() if may_act_as(u, account, owner)]
    if claimed is None:
        if len(mine) == 1:
            return Principal(mine[0], mine[0].name, account)
        if not mine:
            return Principal(None, f"{account} (OS account)", account,
                             f"OS account {account!r} is not mapped to any callaudit user; add it to a user's os_accounts in the config")  # fmt: skip
        names = ", ".join(sorted(u.name for u in mine))
        return Principal(None, f"{account} (OS account)", account, f"OS account {account!r} may act as {names}: choose one with --as")
    user = users.get(claimed)
    if user is None:
        return Principal(None, claimed, account, "unknown user; add the user to the config file's users: section")
    if user not in mine:
        if not user.os_accounts:  # a config written before identities were proven (2026-12-02) maps nobody
            return Principal(None, claimed, account, f"OS account {account!r} may not act as {claimed!r}: the config gives {claimed!r} no os_accounts; "
                             f"add os_accounts: [{account!r}] (or ['@owner'], the data directory's owner) to {claimed!r} under users:")  # fmt: skip
        return Principal(None, claimed, account, f"OS account {account!r} may not act as {claimed!r} (its os_accounts in the config)")
    return Principal(user, user.name, account)


def act_as(users: Mapping[str, User], claimed: str | None, home: Path | None = None, correlation_id: str | None = None) -> Principal:
    """Resolve who this command acts as and set it for every access-log row it writes (one
    correlation id per command unless one is given, e.g. a flow run's id)."""
    principal = resolve_principal(users, claimed, home)
    set_acting(Acting(principal.os_account, correlation_id or uuid.uuid4().hex, principal.refusal))
    return principal
