"""Exam forms (ฉบับข้อสอบ): the `khlang forms` commands (and later their pages and API)."""
