from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from bureau.api.main import api
from bureau.kernel import views as kernel_views
from bureau.kernel.metrics import metrics_view

admin.site.site_header = settings.PLATFORM_NAME + " · 系统配置"
admin.site.site_title = settings.PLATFORM_NAME
admin.site.index_title = "配置管理"
# Every sign-in goes through the platform's login page (throttled, second factor); the admin's own form is not used.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", kernel_views.workbench, name="workbench"),
    path("healthz", kernel_views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("inbox/", kernel_views.inbox, name="inbox"),
    path("documents/<id:pk>/download", kernel_views.document_download, name="document_download"),
    path("attachments/<id:pk>/download", kernel_views.attachment_download, name="attachment_download"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

# Each area mounts its own urls.py under /<area>/ (portal at /portal/).
for config in apps.get_app_configs():
    if config.name.startswith("bureau.") and config.label not in {"api"}:
        module = f"{config.name}.urls"
        if importlib.util.find_spec(module) is not None:
            urlpatterns.append(path(f"{config.label}/", include(module)))

# Chinese error pages in the site's frame (issue 17 item 3); Django uses them when DEBUG is off.
handler403 = "bureau.kernel.error_pages.error_403"
handler404 = "bureau.kernel.error_pages.error_404"
handler500 = "bureau.kernel.error_pages.error_500"
