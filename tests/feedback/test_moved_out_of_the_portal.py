"""Service ratings moved out of the portal into their own area (issue 13 item 6) without losing a row, a timeline
entry or an address: the tables stay, the content types are renamed, the old addresses lead to the new pages."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bureau.feedback import services
from bureau.feedback.models import Rating, RatingAppeal, RatingFollowUp
from bureau.kernel.models import Notification, ProcessHistory

BEFORE_THE_MOVE = [("portal", "0001_initial"), ("feedback", None)]


def _migrate_back_to_before_the_move():  # type: ignore[no-untyped-def]
    """Unapply the move's migrations (and nothing else) as `migrate portal 0001_initial` then `migrate feedback zero`
    would, each from the state just before it. `executor.migrate(BEFORE_THE_MOVE)` does the same but first walks and
    re-renders the state through every migration of the project in order (about 230): 15 s of a CI run."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(BEFORE_THE_MOVE)
    assert plan and all(backwards for _, backwards in plan)
    for migration, _ in plan:
        before = executor.loader.project_state((migration.app_label, migration.name), at_end=False)
        executor.unapply_migration(before, migration)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_database_keeps_ratings_and_their_timelines():
    """Rule: no data loss. A database from before the move (ratings in the portal's state, content types
    portal.*) keeps every rating, follow-up and appeal after `migrate`, and their timeline rows stay attached."""
    old = _migrate_back_to_before_the_move()  # the models as they were before the move
    OldContentType = old.get_model("contenttypes", "ContentType")
    assert OldContentType.objects.filter(app_label="portal", model="ratingfollowup").exists()
    assert not OldContentType.objects.filter(app_label="feedback").exists()
    rating = old.get_model("portal", "Rating").objects.create(
        service_type="window.visit", service_id="7", service_label="窗口服务：行政许可咨询", level=1, comment="等太久",
        real_name=True, rater_name="刘女士", region_id="140802", created_at=timezone.now())
    followup = old.get_model("portal", "RatingFollowUp").objects.create(
        rating_id=rating.pk, state="open", due_date=timezone.localdate())
    appeal = old.get_model("portal", "RatingAppeal").objects.create(rating_id=rating.pk, reason="恶意刷评",
                                                                    state="pending")
    old.get_model("kernel", "ProcessHistory").objects.create(
        content_type=OldContentType.objects.get(app_label="portal", model="ratingfollowup"), object_id=followup.pk,
        at=timezone.now(), actor_name="系统", action="open", action_label="差评自动转整改", from_state="", to_state="open")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = Rating.objects.get(pk=rating.pk)
    assert moved.comment == "等太久" and moved.followup.pk == followup.pk
    assert RatingAppeal.objects.get(pk=appeal.pk).rating_id == rating.pk
    assert [h.action_label for h in RatingFollowUp.objects.get(pk=followup.pk).history()] == ["差评自动转整改"]
    assert not ContentType.objects.filter(app_label="portal", model__startswith="rating").exists()
    assert ProcessHistory.objects.filter(content_type__app_label="feedback").count() == 1


@pytest.mark.django_db
def test_a_followup_notice_links_to_the_feedback_page(world):
    """Rule: the unit is told of a bad real-name rating with a link to the follow-up, now under /feedback/."""
    rating = services.rating_submit(actor=None, service_type="licensing.application", service_id="1",
                                    service_label="危险化学品经营许可", level=1, region_id="140800",
                                    organisation=world.xk, rater_name="刘女士", rater_phone="13912340000")
    notice = Notification.objects.get(recipient=world.clerk)
    assert notice.url == f"/feedback/ratings/followups/{rating.followup.pk}/"


@pytest.mark.parametrize("old, new", [
    ("/portal/ratings/?start=2026-01-01&end=2026-06-30", "/feedback/ratings/?start=2026-01-01&end=2026-06-30"),
    ("/portal/ratings/followups/12/", "/feedback/ratings/followups/12/"),
    ("/portal/rate/licensing.application/34/", "/feedback/rate/licensing.application/34/"),
])
def test_addresses_from_before_the_move_lead_to_the_new_pages(client, old, new):
    """Rule: bookmarks and the links in notifications sent before the move still arrive (a redirect)."""
    response = client.get(old)
    assert response.status_code == 302 and response.url == new
