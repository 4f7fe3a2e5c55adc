from django.urls import path, re_path

from news import feeds, images, preview, search
from news.views import (
    CategoryArchiveView,
    HomeView,
    MonthArchiveView,
    PostDetailView,
    PostListView,
    TagArchiveView,
    YearArchiveView,
)

app_name = "news"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("news/", PostListView.as_view(), name="post_list"),
    path("news/category/<slug:slug>/", CategoryArchiveView.as_view(), name="category"),
    path("news/tag/<slug:slug>/", TagArchiveView.as_view(), name="tag"),
    # Four-digit years and months 1 to 12 only: anything else is no archive (404, never 500).
    re_path(r"^news/(?P<year>[0-9]{4})/$", YearArchiveView.as_view(), name="year"),
    re_path(
        r"^news/(?P<year>[0-9]{4})/(?P<month>1[0-2]|[1-9])/$",
        MonthArchiveView.as_view(),
        name="month",
    ),
    path("news/<slug:slug>/", PostDetailView.as_view(), name="post_detail"),
    *feeds.urlpatterns,
    *search.urlpatterns,
    *preview.urlpatterns,
    *images.urlpatterns,
]
