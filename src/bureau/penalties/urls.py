from django.urls import path

from bureau.penalties import publication_views, views, workbook_views

app_name = "penalties"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases/new/", views.case_open, name="open"),
    path("cases/<id:pk>/", views.case_detail, name="detail"),
    path("cases/<id:pk>/evidence/", views.evidence_add, name="evidence"),
    path("cases/<id:pk>/proposal/", views.proposal, name="proposal"),
    path("cases/<id:pk>/exemption/", views.exemption, name="exemption"),
    path("cases/<id:pk>/discussion/", views.discussion, name="discussion"),
    path("cases/<id:pk>/hearing/", views.hearing_schedule, name="hearing_schedule"),
    path("cases/<id:pk>/statement-review/", views.statement_review, name="statement_review"),
    path("cases/<id:pk>/legal-review/", views.legal_review, name="legal_review"),
    path("cases/<id:pk>/act/<str:action>/", views.case_act, name="act"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("benchmark/import/", workbook_views.benchmark_import, name="benchmark_import"),
    path("benchmark/imports/<id:pk>/", workbook_views.benchmark_import_detail, name="benchmark_import_detail"),
    path("benchmark/imports/<id:pk>/progress.json", workbook_views.benchmark_import_progress,
         name="benchmark_import_progress"),
    path("benchmark/template.xlsx", views.benchmark_template, name="benchmark_template"),
    path("publications/", publication_views.publication_list, name="publications"),
    path("publications/<id:pk>/publish/", publication_views.publication_publish, name="publication_publish"),
    path("publications/<id:pk>/withhold/", publication_views.publication_withhold, name="publication_withhold"),
    path("publications/<id:pk>/withdraw/", publication_views.publication_withdraw, name="publication_withdraw"),
    path("publications/<id:pk>/mask/", publication_views.publication_mask, name="publication_mask"),
]
