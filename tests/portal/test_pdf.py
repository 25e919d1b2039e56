"""The PDF renderer holds Python's cycle collector off while it works (portal.pdf): it must come
back on afterwards, whatever happens, and must not be turned on for a process that turned it off."""

import gc

import pytest

from portal.pdf import render_pdf

DIVERSITY = {"data": {"threshold": 5, "questions": []}, "tables": []}


@pytest.fixture
def collector_restored():
    was_on = gc.isenabled()
    yield
    gc.enable() if was_on else gc.disable()


def test_the_collector_is_on_again_after_a_pdf(db, collector_restored):
    gc.enable()
    assert render_pdf("pdf/impact_diversity.html", DIVERSITY).startswith(b"%PDF")
    assert gc.isenabled()


def test_the_collector_is_on_again_when_a_pdf_fails(db, collector_restored, monkeypatch):
    import weasyprint

    def fails(*args, **kwargs):
        assert not gc.isenabled()  # held off while WeasyPrint works
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", fails)
    gc.enable()
    with pytest.raises(RuntimeError):
        render_pdf("pdf/impact_diversity.html", DIVERSITY)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off(db, collector_restored):
    gc.disable()
    render_pdf("pdf/impact_diversity.html", DIVERSITY)
    assert not gc.isenabled()
