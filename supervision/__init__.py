"""Supervision visits, QA self-assessment summaries, committee reports."""
