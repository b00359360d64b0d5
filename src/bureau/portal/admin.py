from typing import Any

from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.portal.models import FaqEntry, LawArticle, LawDocument


class LawArticleInline(admin.TabularInline):
    model = LawArticle
    extra = 1


@admin.register(LawDocument)
class LawDocumentAdmin(AuditedAdmin):
    list_display = ("title", "kind", "topic", "issuer", "issued_on", "is_in_force", "is_published")
    list_filter = ("kind", "topic", "is_published", "is_in_force")
    search_fields = ("title", "doc_number")
    inlines = [LawArticleInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        law = form.instance
        law.rebuild_search_text()
        LawDocument.objects.filter(pk=law.pk).update(search_text=law.search_text)


@admin.register(FaqEntry)
class FaqEntryAdmin(AuditedAdmin):
    list_display = ("question", "topic", "asked_count", "is_published")
    list_filter = ("topic", "is_published")
    search_fields = ("question",)
