from typing import Any

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from bureau.kernel.admin import AuditedAdmin
from bureau.kernel.audit import audit
from bureau.petitions.models import HandlingLimit, HotlineOutbox, PetitionCategory, RoutingRule


@admin.register(PetitionCategory)
class PetitionCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "sort", "is_active")


@admin.register(HandlingLimit)
class HandlingLimitAdmin(AuditedAdmin):
    list_display = ("category", "urgency", "amount", "unit", "source", "effective_from")
    list_filter = ("urgency", "unit")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("order", "name", "category", "region", "keywords", "to_region_bureau", "target", "is_active")
    list_editable = ("is_active",)
    ordering = ("order", "id")


@admin.register(HotlineOutbox)
class HotlineOutboxAdmin(AuditedAdmin):
    """12345回传: read-only; a failed row can be queued again (same idempotency key: the platform drops repeats)."""

    list_display = ("idempotency_key", "event", "status", "attempts", "next_attempt_at", "delivered_at", "last_error")
    list_filter = ("status", "event")
    search_fields = ("idempotency_key",)
    actions = ["requeue"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description="重新推送所选的失败记录")
    def requeue(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            count = queryset.filter(status=HotlineOutbox.Status.FAILED).update(
                status=HotlineOutbox.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None)
            audit(request.user, "petitions.outbox_requeue", summary=f"重新推送12345回传 {count} 条",
                  data={"count": count})
        self.message_user(request, f"已重新排队 {count} 条")
