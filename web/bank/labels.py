"""The bank's codes as the page's language says them: :mod:`itembank.vocabulary`, read at render time.

The words (Thai and English) live in the centre so that commands and documents say the same;
here each label is a lazy string that picks the page's locale when the template renders it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from itembank import vocabulary
from web.i18n import page_language as _lang


def _labels(kind: str) -> dict[str, LazyString]:
    return {code: LazyString(lambda c=code: vocabulary.label(kind, c, _lang())) for code in vocabulary.codes(kind)}


TYPE_LABELS = _labels("item_type")
STATUS_LABELS = _labels("status")
LEVEL_LABELS = _labels("cognitive_level")
PURPOSE_LABELS = _labels("purpose")
KIND_LABELS = _labels("instrument_kind")
GRADES = ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6")

#: What became of a review task (itembank.review_tasks.TASK_STATUSES), in the page's language.
TASK_STATUS_LABELS = {
    "open": _l("รอดำเนินการ"), "kept": _l("คงข้อไว้"), "rekeyed": _l("แก้เฉลยแล้ว"), "cancelled": _l("ยกเลิกข้อ"),
    "revised": _l("ปรับปรุงข้อแล้ว"), "dismissed": _l("ไม่ต้องดำเนินการ"),
}
#: IOC ratings as experts read them.
IOC_LABELS = {1: _l("+1 สอดคล้อง"), 0: _l("0 ไม่แน่ใจ"), -1: _l("−1 ไม่สอดคล้อง")}
