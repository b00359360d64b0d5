"""Reads of the portal, including `law_url` for other areas (checklist items and decisions link to the law)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse

from bureau.portal.models import FaqEntry, LawArticle, LawDocument, normalise
from bureau.portal.rules import query_terms


def law_url(title: str, article: int | None = None) -> str | None:
    """The stable portal address of a law (and article) by its title, or None when it is not published.

    e.g. law_url("中华人民共和国行政许可法", 42) -> "/portal/laws/3/#art-42". Titles may carry 《》."""
    name = (title or "").strip().strip("《》")
    if not name:
        return None
    row = (LawDocument.objects.filter(is_published=True, title=name).values_list("pk", flat=True).first()
           or LawDocument.objects.filter(is_published=True, title__startswith=name).values_list("pk", flat=True)
           .order_by("pk").first())
    if row is None:
        return None
    url = reverse("portal:law_detail", args=[row])
    if article is not None:
        if not LawArticle.objects.filter(law_id=row, number=article).exists():
            return url
        url += f"#art-{article}"
    return url


def law_search(params: Any) -> QuerySet[LawDocument]:
    qs = LawDocument.objects.filter(is_published=True)
    terms = query_terms(params.get("q", ""))
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    if params.get("industry"):
        qs = qs.filter(Q(industries__contains=f",{params['industry']},") | Q(industries__contains=",general,"))
    if params.get("topic"):
        qs = qs.filter(topic=params["topic"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if terms:
        first = terms[0]
        qs = qs.annotate(rank=Case(When(title__icontains=first, then=Value(0)), default=Value(1),
                                   output_field=IntegerField())).order_by("rank", "-issued_on", "id")
    else:
        qs = qs.order_by("-issued_on", "id")
    return qs.defer("search_text", "body")


def get_law(pk: int) -> LawDocument:
    law = LawDocument.objects.filter(pk=pk, is_published=True).select_related("interprets").first()
    if law is None:
        raise Http404("文件不存在")
    return law


def faq_search(params: Any) -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.filter(is_published=True)
    for term in query_terms(params.get("q", "")):
        qs = qs.filter(search_text__contains=normalise(term))
    if params.get("topic"):
        qs = qs.filter(topic=params["topic"])
    return qs.order_by("-asked_count", "id")
