"""Renders plain data into PDF, DOCX, XLSX and CSV. Never opens the database.

What to call (all take dataclasses from :mod:`exports.data`; :mod:`demo.documents` builds a full one):

- :func:`exports.booklet.render_booklet_pdf` — exam booklet (WeasyPrint, sandboxed, Thai page numbers)
- :func:`exports.stamp.stamp_copies` — per-school copies of one rendered booklet, by overlay
- :func:`exports.answer_sheet.render_answer_sheet` — OMR answer sheet PDF + JSON layout in mm
- :func:`exports.keys.render_key_pdf`, :func:`exports.keys.write_key_csv` — answer keys per variant
- :func:`exports.docx.booklet_docx`, :func:`exports.docx.key_docx`, :func:`exports.docx.docx_to_pdf`
- :mod:`exports.reports` — item-analysis report, school report, student slips (PDF and DOCX)
- :func:`exports.xlsx.write_tables`, :func:`exports.xlsx.neutralise` — workbooks and safe CSV cells

Modules are imported on demand: ``import exports`` loads neither WeasyPrint nor matplotlib.
"""
