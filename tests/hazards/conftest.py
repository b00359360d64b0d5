from __future__ import annotations

import pytest

from tests.hazards.factories import world


@pytest.fixture
def real_pdf():
    """Request this fixture to render documents for real (with the embedded font)."""


@pytest.fixture(autouse=True)
def _fast_pdf(request, monkeypatch):
    """Rendering a PDF with the embedded font costs ~0.3 s: tests that only need the document row stub the
    renderer; tests that request `real_pdf` render for real."""
    if "real_pdf" in request.fixturenames:
        return
    monkeypatch.setattr("bureau.kernel.documents.render_pdf", lambda spec: b"%PDF-1.4 stub " + spec.title.encode())


@pytest.fixture
def w(db):
    """The small world of the area's tests: an enterprise of 盐湖区, its user, the county's officers."""
    return world()
