"""Prefect flows (nightly batch, deployment), the per-call pipeline and the `callaudit` CLI.

Prefect is imported only here, and lazily by the CLI: settings such as PREFECT_HOME must be in
place before it is first imported.
"""
