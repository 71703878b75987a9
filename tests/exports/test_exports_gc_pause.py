"""render_pdf pauses Python's cyclic garbage collector while WeasyPrint runs, and only then."""

from __future__ import annotations

import gc

from exports import pdf as pdfmod

HTML = '<!DOCTYPE html><html lang="th"><body><p>สวัสดี</p></body></html>'


def test_collector_paused_during_render_and_restored(monkeypatch):
    seen = []
    real = pdfmod.HTML

    class Spy(real):
        def write_pdf(self, *a, **k):
            seen.append(gc.isenabled())
            return super().write_pdf(*a, **k)

    monkeypatch.setattr(pdfmod, "HTML", Spy)
    assert gc.isenabled()
    assert pdfmod.render_pdf(HTML).startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()


def test_collector_left_off_when_it_was_off():
    gc.disable()
    try:
        pdfmod.render_pdf(HTML, repair_text=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_nested_pauses_restore_once():
    with pdfmod._gc_paused():
        with pdfmod._gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
