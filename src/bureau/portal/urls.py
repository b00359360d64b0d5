from collections.abc import Callable

from django.http.response import HttpResponseBase
from django.urls import path
from django.views.generic import RedirectView

from bureau.kernel.access import acts_on
from bureau.portal import views


def moved(pattern_name: str, *acts_on_models: str, action: str = "view") -> Callable[..., HttpResponseBase]:
    """An address from before service ratings moved to /feedback/ (bookmarks, links in earlier notifications): a
    redirect, declared like the page it leads to (which checks who may open it)."""
    return acts_on(*acts_on_models, action=action)(
        RedirectView.as_view(pattern_name=pattern_name, permanent=False, query_string=True))


app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("laws/", views.law_list, name="laws"),
    path("laws/<id:pk>/", views.law_detail, name="law_detail"),
    path("faq/", views.faq, name="faq"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<id:pk>/", views.decision, name="decision"),
    path("rate/window/<id:pk>/<str:code>/", views.window_rate, name="window_rate"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<id:pk>/faq/", views.consultation_to_faq, name="consultation_faq"),
    path("sharing/tokens/", views.tokens, name="tokens"),
    path("sharing/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("sharing/calls/", views.calls, name="calls"),
    path("sharing/licence/", views.licence, name="licence"),
    path("rate/<str:service_type>/<str:service_id>/", moved("feedback:service_rate", "feedback.Rating", action="change")),
    path("ratings/", moved("feedback:ratings", "feedback.Rating", "feedback.RatingFollowUp", "feedback.RatingAppeal")),
    path("ratings/followups/<id:pk>/", moved("feedback:followup", "feedback.RatingFollowUp", action="action")),
]
