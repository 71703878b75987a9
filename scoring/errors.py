"""The one error type this room raises on purpose, and how its file readers collect problems."""

from __future__ import annotations

from itembank.errors import KhlangError, Where

#: How many problems of one file are listed; the rest are counted ("… และอีก 37 ปัญหา").
MAX_PROBLEMS = 20


class ScoringError(KhlangError):
    """Anything scoring refuses to do; `code` says which."""


def problem(
    code: str, th: str, en: str, where: Where | None = None, *, kind: str = "invalid"
) -> ScoringError:
    """One problem, Thai and English, pointing at a file, a row and a column."""
    return ScoringError(code, kind=kind, where=where, message_th=th, message_en=en)


def raise_problems(problems: list[ScoringError], total: int | None = None, *, file: str | None = None) -> None:
    """Raise one error carrying the first MAX_PROBLEMS problems (and how many more there were)."""
    total = len(problems) if total is None else total
    if not total:
        return
    shown = list(problems[:MAX_PROBLEMS])
    if total > len(shown):
        more = total - len(shown)
        shown.append(problem("file.more_problems", f"… และอีก {more} ปัญหา", f"… and {more} more"))
    raise ScoringError("file.invalid", where=Where(file) if file else None, problems=shown)


def from_engine(e: Exception, source: str | None, code: str = "analysis.refused") -> ScoringError:
    """The engine's refusal (a PsychometricsError, "Thai / English") as this room's error naming the file."""
    th, _, en = str(e).partition(" / ")
    return ScoringError(code, where=Where(source) if source else None, message_th=th, message_en=en or th)
