from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "real_pdf: render official documents with the real PDF engine")


@pytest.fixture(autouse=True)
def _fast_pdf(request, monkeypatch):
    """Most procedure tests only need the stored document rows; rendering every PDF with the embedded CJK font
    would dominate the run time. Tests marked real_pdf render for real."""
    if request.node.get_closest_marker("real_pdf"):
        return
    from tests.factories import skip_pdf_rendering

    skip_pdf_rendering(monkeypatch)


@pytest.fixture
def empty_benchmark(db):
    """The tests of the benchmark import start from a bureau that has loaded no benchmark yet (the test database
    holds the shipped one, tests/conftest.py); emptied inside the test's transaction, so only this test sees it."""
    from bureau.penalties.models import BenchmarkRow

    BenchmarkRow.objects.all().delete()
