"""Renders plain data into PDF, DOCX, XLSX and CSV. Never opens the database."""
