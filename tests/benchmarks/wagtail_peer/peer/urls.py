from blog.views import post_reply
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("documents/", include(wagtaildocs_urls)),
    path("reply/<int:page_id>/", post_reply, name="post_reply"),
    path("", include(wagtail_urls)),
]
