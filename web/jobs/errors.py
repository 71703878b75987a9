"""JobError: what the job queue refuses (a misconfigured backend, an unknown job)."""

from __future__ import annotations

from itembank.errors import KhlangError


class JobError(KhlangError):
    """Anything the job queue refuses to do; `code` says which (``jobs.backend_unknown``, ``jobs.unknown``)."""
