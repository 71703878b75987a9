"""พิมพ์แบบทดสอบรายโรงเรียนเมื่อเผยแพร่ (the release's booklets): each variant of the administration's form
rendered once, then one stamped copy per participating school, recorded for the schools' downloads.

The one use case behind the ``render_release_booklets`` job (web) and ``khlang demo seed`` (demo):
:func:`render_release_booklets` plans (:func:`scoring.administrations.booklet_plan`), builds each
variant's booklet data (:func:`testgen.booklets.build_booklet`), hands it to `render_copies` and
records the files (:func:`scoring.administrations.record_booklets`). Rendering belongs to
:mod:`exports`, which this room may not import: the caller passes
:func:`exports.stamp.render_school_copies` (or anything with its signature).

It takes a :class:`~itembank.store.Store`, not a session: the rendering of a variant takes seconds, and
no transaction (SQLite's write lock above all) is held while it runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.administrations import booklet_plan, record_booklets

if TYPE_CHECKING:
    from exports.data import Booklet
    from itembank.authz import Actor
    from itembank.store import Store

#: render_copies(booklet, [(school code, school name)], folder) -> one file per school, in order
RenderCopies = Callable[["Booklet", Sequence[tuple[str, str]], Path], Sequence[Path]]
#: progress(done, total, message_th, message_en)
Progress = Callable[[int, int, str, str], None]


@dataclass(frozen=True)
class ReleasedBooklets:
    """What a release render made: the administration, the schools given copies, the variants, the folder."""

    administration: str
    n_schools: int
    variants: tuple[str, ...]
    folder: Path

    def message(self, locale: str = "th") -> str:
        names = ", ".join(v or "-" for v in self.variants)
        if locale == "en":
            return f"rendered the booklets of {self.administration}: {self.n_schools} schools, variants {names}"
        return f"พิมพ์แบบทดสอบการสอบ {self.administration}: {self.n_schools} โรงเรียน ชุด {names}"


def render_release_booklets(store: Store, actor: Actor, administration: str, render_copies: RenderCopies, *,
                            folder: Path, district: str = "", again: bool = False,
                            progress: Progress | None = None) -> ReleasedBooklets:
    """Render every variant once and stamp a copy for each school still without its booklets (every
    participating school with `again`), into `folder`/<variant>/<school code>.pdf; record them."""
    from testgen.booklets import build_booklet

    with store.read_session() as s:
        plan = booklet_plan(s, actor, administration, again=again)
    rendered: dict[str, dict[str, dict]] = {code: {} for code, _ in plan.schools}
    for k, variant in enumerate(plan.variants if plan.schools else ()):
        with store.read_session() as s:
            booklet = build_booklet(s, actor, plan.form_code, variant or None, district=district,
                                    academic_year=str(plan.year_be), title=plan.title,
                                    administration=plan.administration)
        paths = render_copies(booklet, plan.schools, folder / (variant or "form"))
        for (code, _), path in zip(plan.schools, paths, strict=True):
            rendered[code][variant] = {"path": str(path), "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest()}
        if progress:
            progress(k + 1, len(plan.variants), f"พิมพ์ชุด {variant or '-'} แล้ว", f"rendered variant {variant or '-'}")
    with store.session() as s:
        n = record_booklets(s, actor, administration, rendered)
    return ReleasedBooklets(plan.administration, n, tuple(plan.variants), folder)
