"""The one place a document's renderer is picked by its format.

Booklets render to PDF or DOCX, keys to PDF, DOCX or CSV, answer sheets to PDF or to their JSON layout
(the position of every bubble, in mm, for the OMR reader); results reports and slips to PDF, DOCX or
XLSX; supervision visit records and the committee (ก.ต.ป.น.) report to PDF or DOCX::

    pdf = render(booklet, "pdf", thai_digits=False)
    write(key, Path("key_A.csv"))                     # the format from the extension

A booklet that names a school (``school_code``) renders in PDF as the district master with the
school stamped over it (:mod:`exports.stamp`), so every school's copy has the master's layout; in
DOCX the school's name is written on the cover. An unknown format is refused with
:class:`~exports.errors.ExportError`, in Thai.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from exports.data import (
    AnswerKey,
    AnswerSheetSpec,
    Booklet,
    CommitteeReport,
    ProctorPack,
    ResultSlips,
    ResultsReport,
    VisitRecord,
)
from exports.errors import ExportError
from exports.instruments import InstrumentSheet

Document = (Booklet | AnswerKey | AnswerSheetSpec | ResultsReport | ResultSlips | VisitRecord | CommitteeReport
            | InstrumentSheet | ProctorPack)

#: Every document with its formats, and its name in the messages (Thai, English).
FORMATS: dict[type, tuple[tuple[str, ...], str, str]] = {
    Booklet: (("pdf", "docx"), "แบบทดสอบ", "booklet"),
    AnswerKey: (("pdf", "docx", "csv"), "เฉลย", "key"),
    AnswerSheetSpec: (("pdf", "json"), "กระดาษคำตอบ", "answer sheet"),
    ResultsReport: (("pdf", "docx", "xlsx"), "รายงานผลการสอบ", "results report"),
    ResultSlips: (("pdf", "docx", "xlsx"), "ใบแจ้งผลการสอบ", "result slips"),
    VisitRecord: (("pdf", "docx"), "บันทึกการนิเทศ", "visit record"),
    CommitteeReport: (("pdf", "docx"), "รายงาน ก.ต.ป.น.", "committee report"),
    InstrumentSheet: (("pdf", "docx"), "เครื่องมือวัด", "instrument"),
    ProctorPack: (("pdf",), "ชุดเอกสารกรรมการคุมสอบ", "proctor's kit"),
}


def formats_of(data: Document | type) -> tuple[str, ...]:
    """The formats `data` (a document or its type) renders to."""
    return FORMATS[data if isinstance(data, type) else type(data)][0]


def check_format(data: Document | type, fmt: str) -> str:
    """`fmt` in lower case without a dot, or ExportError naming the formats this document has."""
    kind = data if isinstance(data, type) else type(data)
    if kind not in FORMATS:
        raise TypeError(f"exports cannot render {kind.__name__}")
    formats, name_th, name_en = FORMATS[kind]
    chosen = str(fmt).lower().lstrip(".")
    if chosen not in formats:
        raise ExportError("render.format_unknown", fmt=fmt,
                          message_th=f"ไม่รู้จักรูปแบบ {fmt!r} ของ{name_th}: ใช้ได้ {', '.join(formats)}",
                          message_en=f"unknown format {fmt!r} for a {name_en}: one of {', '.join(formats)}")
    return chosen


def render(data: Document, fmt: str, *, thai_digits: bool = True) -> bytes:
    """The document in `fmt` ("pdf", "docx", "csv", "json"), as bytes."""
    return _RENDERERS[(type(data), check_format(data, fmt))](data, thai_digits)


def write(data: Document, out: str | Path, fmt: str | None = None, *, thai_digits: bool = True) -> bytes:
    """Render `data` in `fmt` (by default the extension of `out`) into `out`; return the bytes written."""
    out = Path(out)
    content = render(data, fmt or out.suffix, thai_digits=thai_digits)
    out.write_bytes(content)
    return content


def _booklet_pdf(booklet: Booklet, thai_digits: bool) -> bytes:
    from exports.booklet import render_booklet_pdf
    from exports.stamp import SchoolStamp, stamp_copy

    if not booklet.school_code:
        return render_booklet_pdf(booklet, thai_digits=thai_digits)
    master = render_booklet_pdf(replace(booklet, school="", school_code=""), thai_digits=thai_digits)
    return stamp_copy(master, SchoolStamp(booklet.school_code, booklet.school))


def _booklet_docx(booklet: Booklet, thai_digits: bool) -> bytes:
    from exports.docx import booklet_docx

    return booklet_docx(booklet, thai_digits=thai_digits)


def _key_pdf(key: AnswerKey, thai_digits: bool) -> bytes:
    from exports.keys import render_key_pdf

    return render_key_pdf(key, thai_digits=thai_digits)


def _key_docx(key: AnswerKey, thai_digits: bool) -> bytes:
    from exports.docx import key_docx

    return key_docx(key, thai_digits=thai_digits)


def _key_csv(key: AnswerKey, thai_digits: bool) -> bytes:
    from exports.keys import key_csv

    return key_csv(key).encode("utf-8-sig")  # with BOM: Excel opens Thai CSV correctly


def _sheet_pdf(spec: AnswerSheetSpec, thai_digits: bool) -> bytes:
    from exports.answer_sheet import render_answer_sheet

    return render_answer_sheet(spec)[0]


def _sheet_json(spec: AnswerSheetSpec, thai_digits: bool) -> bytes:
    from exports.answer_sheet import answer_sheet_layout

    return json.dumps(answer_sheet_layout(spec), ensure_ascii=False, indent=1).encode("utf-8")


def _through_file(fn: Callable[..., bytes], suffix: str) -> Callable[[Any, bool], bytes]:
    """A renderer that writes a file (openpyxl's workbooks) as one that returns bytes."""

    def rendered(data: Any, thai_digits: bool) -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            return fn(data, Path(folder) / f"document{suffix}")

    return rendered


def _lazy(module: str, name: str) -> Callable[[Any, bool], bytes]:
    """The renderer `module.name(data, thai_digits=...)`, imported when first used."""

    def rendered(data: Any, thai_digits: bool) -> bytes:
        import importlib

        return getattr(importlib.import_module(module), name)(data, thai_digits=thai_digits)

    return rendered


def _lazy_xlsx(name: str) -> Callable[[Any, bool], bytes]:
    def rendered(data: Any, thai_digits: bool) -> bytes:
        from exports import reports

        return _through_file(getattr(reports, name), ".xlsx")(data, thai_digits)

    return rendered


_RENDERERS: dict[tuple[type, str], Callable[[Any, bool], bytes]] = {
    (ResultsReport, "pdf"): _lazy("exports.reports", "results_report_pdf"),
    (ResultsReport, "docx"): _lazy("exports.reports", "results_report_docx"),
    (ResultsReport, "xlsx"): _lazy_xlsx("results_report_xlsx"),
    (ResultSlips, "pdf"): _lazy("exports.reports", "result_slips_pdf"),
    (ResultSlips, "docx"): _lazy("exports.reports", "result_slips_docx"),
    (ResultSlips, "xlsx"): _lazy_xlsx("result_slips_xlsx"),
    (VisitRecord, "pdf"): _lazy("exports.supervision", "visit_record_pdf"),
    (VisitRecord, "docx"): _lazy("exports.supervision", "visit_record_docx"),
    (CommitteeReport, "pdf"): _lazy("exports.supervision", "committee_report_pdf"),
    (CommitteeReport, "docx"): _lazy("exports.supervision", "committee_report_docx"),
    (Booklet, "pdf"): _booklet_pdf,
    (Booklet, "docx"): _booklet_docx,
    (AnswerKey, "pdf"): _key_pdf,
    (AnswerKey, "docx"): _key_docx,
    (AnswerKey, "csv"): _key_csv,
    (AnswerSheetSpec, "pdf"): _sheet_pdf,
    (AnswerSheetSpec, "json"): _sheet_json,
    (InstrumentSheet, "pdf"): _lazy("exports.instruments", "instrument_pdf"),
    (InstrumentSheet, "docx"): _lazy("exports.instruments", "instrument_docx"),
    (ProctorPack, "pdf"): _lazy("exports.proctor", "proctor_pack_pdf"),
}
