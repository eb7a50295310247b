from django.conf import settings
from django.urls import include, path

from baosong.api.api import api
from baosong.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("baosong.orgs.urls")),
    path("", include("baosong.signing.urls")),
    path("", include("baosong.editorial.urls")),  # before reports: /reports/<id>/review-sheet.pdf
    path("", include("baosong.reports.urls")),
    path("", include("baosong.intake.urls")),  # 邮件报送: the quarantine
    path("", include("baosong.workdays.urls")),
    path("", include("baosong.notifications.urls")),
    path("", include("baosong.solicitations.urls")),
    path("", include("baosong.datareports.urls_outputs")),  # before datareports.urls: …/u/<id>/rollup.xlsx
    path("", include("baosong.datareports.urls")),
    path("", include("baosong.instructions.urls")),
    path("", include("baosong.scoring.urls")),
    path("", include("baosong.portal.urls")),
    path("", include("baosong.roster.urls")),
    path("", include("baosong.search.urls")),
    path("", include("baosong.grouping.urls")),  # /inbox/groups/…: same-event grouping
    path("", include("baosong.oversight.urls")),  # /oversight/…: silent units, suspected 漏报
    path("", include("baosong.federation.urls")),  # /federation/…: peers, mapping, the receiving end
    path("", include("baosong.help.urls")),
    path("api/v1/", api.urls),
]

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/floor/", core_views.bench_floor, name="bench_floor"))

handler403 = "baosong.core.views.permission_denied"
handler404 = "baosong.core.views.page_not_found"
