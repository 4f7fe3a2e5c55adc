from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from imroc_site.views import favicon, healthz, privacy_notice, robots_txt, two_factor_settings
from news.freshness import conditional_on_content
from news.sitemaps import sitemaps

# Database faults raised outside a view still get the 503 page (see server_error).
handler500 = "imroc_site.views.server_error"

admin.site.site_header = "Site administration"
admin.site.site_title = "Site admin"

urlpatterns = [
    path("", include("news.urls")),
    path("comments/", include("comments.urls")),
    path("papers/", include("documents.urls")),
    # An index of the sitemap's pages (news.sitemaps), each a section's page: ?p=2 and on.
    path(
        "sitemap.xml",
        conditional_on_content(index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        conditional_on_content(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("privacy/", privacy_notice, name="privacy"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    # Before the admin's own routes, under its address (the admin's catch-all would 404 it).
    path("admin/two-factor/", two_factor_settings, name="two_factor"),
    path("admin/", admin.site.urls),
]
