"""Students, administrations, answer ingest, scoring and the score warehouse (the loop issue).

Read API for the analysis, the reports and the exports (every function takes ``(session, actor, …)``
and applies the embargo: a school actor sees its own school's data, and only once released):

- :func:`scoring.responses.load_scored_matrix` ``(session, actor, administration_id) -> ScoredMatrix``:
  persons × items in FORM order — ``scores`` (float, NaN = not presented or a dropped item),
  ``codes`` (int16 raw answer codes: option index, -1 omitted, -2 several marks, a bit mask for
  multiple-answer items, points for rubric items, -9 not presented; see :mod:`scoring.keying`),
  ``item_version_ids``/``item_codes``/``max_points``/``kinds``/``n_options``/``keys`` per item,
  ``student_ids``/``school_ids``/``student_codes``/``sex``/``variants`` per person, and the full
  ``key`` (:class:`scoring.keying.FormKey`, with indicators and the administration's settings).
- :func:`scoring.warehouse.school_results` ``(session, actor, administration_id, school_id) -> SchoolResults``
  and :func:`scoring.warehouse.district_results` ``(session, actor, administration_id) -> DistrictResults``:
  plain dataclasses of :class:`scoring.warehouse.GroupResult` (n, mean, SD, min, max, mean %, 10 %
  bands, grade and quality counts/shares, indicator mastery, percentiles) with classes, schools and
  a three-year :class:`scoring.warehouse.TrendPoint` list.

Use cases: :mod:`scoring.rosters` (years, classes, students, roster import), :mod:`scoring.administrations`
(create, list, show, close, release, downloads, the embargo), :mod:`scoring.uploads` (answer templates
and imports, scoring in the upload's transaction), :mod:`scoring.exports` (score exports).
Tables: :mod:`scoring.models`.
"""

from scoring import authz as _authz  # noqa: F401  (registers scoring's actions before any service runs)
