from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ganbu.org.access import public

admin.site.site_header = "干部管理系统 · 代码表与账号管理"
admin.site.site_title = "干部管理系统"

urlpatterns = [
    path(
        "login/",
        public("the login page")(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", public("logout (POST only)")(auth_views.LogoutView.as_view()), name="logout"),
    path("", include("ganbu.home.urls")),
    path("units/", include("ganbu.org.urls")),
    path("cadres/", include("ganbu.cadres.urls")),
    path("analytics/", include("ganbu.analytics.urls")),
    path("ballots/", include("ganbu.ballots.urls")),
    path("village/", include("ganbu.villagework.urls")),
    path("assessment/", include("ganbu.assessment.urls")),
    path("selection/", include("ganbu.selection.urls")),
    path("v/", include("ganbu.ballots.public_urls")),
    path("api/", include("ganbu.ballots.api_urls")),
    path("admin/", admin.site.urls),
]
