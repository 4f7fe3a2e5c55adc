from django.contrib import admin
from django.urls import include, path

from imroc_site.views import healthz

admin.site.site_header = "Site administration"
admin.site.site_title = "Site admin"

urlpatterns = [
    path("", include("news.urls")),
    path("comments/", include("comments.urls")),
    path("papers/", include("documents.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
