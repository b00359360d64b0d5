from django.urls import path

from bureau.licensing import views

app_name = "licensing"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("approvals/", views.approvals, name="approvals"),
    path("all/", views.all_applications, name="all"),
    path("mine/", views.mine, name="mine"),
    path("department/", views.department, name="department"),
    path("items/", views.catalogue, name="catalogue"),
    path("items/<slug:code>/apply/", views.apply, name="apply"),
    path("drafts/<id:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/act/<slug:action>/", views.act, name="act"),
    path("<id:pk>/opinion/<id:opinion_id>/", views.opinion, name="opinion"),
    path("<id:pk>/commitment/<slug:op>/", views.commitment, name="commitment"),
    path("<id:pk>/commitments/<id:cid>/<slug:op>/", views.commitment_step, name="commitment_step"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:code>/", views.guide_item, name="guide_item"),
    path("guide/<slug:code>/<slug:kind>.pdf", views.guide_form, name="guide_form"),
    path("progress/", views.progress, name="progress"),
]
