"""Every write of the portal: window consultations and the FAQ grown from them, laws and policies. (Service ratings,
their follow-ups and appeals are the feedback area's: bureau.feedback.services.)"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.accounts import roles as R
from bureau.accounts.models import User
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.portal.models import Consultation, FaqEntry, LawArticle, LawDocument, normalise

# ---------------------------------------------------------------- window consultations and FAQ


def consultation_log(*, actor: User, topic: str, question: str, answer: str, channel: str = "window",
                     visitor_name: str = "") -> Consultation:
    if not actor.has_role(R.CLERK, R.LICENSING_OFFICER, R.SECTION_HEAD):
        raise PermissionDenied("只有窗口人员可以登记咨询")
    org = actor.organisation
    if org is None or org.bureau.region_id is None:
        raise PermissionDenied("您的账号没有所属机构")
    question, answer = question.strip(), answer.strip()
    if not question or not answer:
        raise DomainError("请填写咨询内容和答复内容")
    with transaction.atomic():
        row = Consultation.objects.create(
            channel=channel, topic=topic, question=question, answer=answer, visitor_name=visitor_name[:40],
            region_id=org.bureau.region_id, organisation=org, clerk=actor,
            rating_code=secrets.token_hex(4), created_at=timezone.now())
        audit(actor, "portal.consultation_log", row, summary=f"登记咨询：{question[:60]}")
    return row


def consultation_to_faq(*, actor: User, consultation: Consultation, question: str = "", answer: str = "",
                        faq: FaqEntry | None = None) -> FaqEntry:
    """Grow the FAQ: a new entry from this consultation, or count it towards an existing entry."""
    if not actor.has_role(R.CLERK, R.SECTION_HEAD, R.LEADER):
        raise PermissionDenied("只有窗口人员或科室负责人可以整理常见问题")
    if consultation.faq_id:
        raise DomainError("该咨询已归入常见问题")
    with transaction.atomic():
        if faq is None:
            faq = FaqEntry.objects.create(topic=consultation.topic, question=(question or consultation.question)[:300],
                                          answer=answer or consultation.answer)
        else:
            FaqEntry.objects.filter(pk=faq.pk).update(asked_count=faq.asked_count + 1)
            faq.refresh_from_db()
        Consultation.objects.filter(pk=consultation.pk).update(faq=faq)
        audit(actor, "portal.faq_grow", faq, summary=f"常见问题：{faq.question[:60]}")
    return faq


def law_save(*, actor: User | None, law: LawDocument) -> LawDocument:
    """Save a law/policy and rebuild its search text (also called by the admin screen)."""
    with transaction.atomic():
        law.save()
        law.rebuild_search_text()
        LawDocument.objects.filter(pk=law.pk).update(search_text=law.search_text)
        audit(actor, "portal.law_save", law, summary=f"发布法规政策：{law.title[:80]}")
    return law


# The law library the bureau ships: each law, regulation and rule the checklists and the penalty data cite, with its
# issuing number, dates, the public copy its text was checked against and key articles (verbatim). README of the
# penalties data and docs/penalties.md (法律数据来源) list what was and was not verified.
LAW_LIBRARY = Path(__file__).resolve().parent / "data" / "law-library.json"
_DATES = ("issued_on", "effective_on")


def law_library() -> list[dict[str, Any]]:
    """The entries of data/law-library.json (no database)."""
    entries: list[dict[str, Any]] = json.loads(LAW_LIBRARY.read_text(encoding="utf-8"))
    return entries


def law_library_load(*, actor: User | None) -> int:
    """Load or refresh the shipped law library: a law is matched by its title, its fields and articles are replaced
    by the shipped text; other laws are left alone. Returns the number of laws written."""
    count = 0
    with transaction.atomic():
        for entry in law_library():
            spec = dict(entry)
            articles = spec.pop("articles", [])
            for name in _DATES:
                spec[name] = dt.date.fromisoformat(spec[name]) if spec.get(name) else None
            law = LawDocument.objects.filter(title=spec["title"]).first() or LawDocument(title=spec["title"])
            for name, value in spec.items():
                setattr(law, name, value)
            law.save()
            LawArticle.objects.filter(law=law).delete()
            LawArticle.objects.bulk_create([LawArticle(law=law, number=n, label=label, text=text)
                                            for n, label, text in articles])
            law_save(actor=actor, law=law)
            count += 1
    return count


__all__ = ["consultation_log", "consultation_to_faq", "law_library", "law_library_load", "law_save", "normalise"]
