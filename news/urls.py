"""Every address of news, each routed to its view in news.views."""

from django.urls import path, re_path

from news import views
from news.renditions import RENDITIONS_DIR

app_name = "news"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.PostListView.as_view(), name="post_list"),
    path("news/category/<slug:slug>/", views.CategoryArchiveView.as_view(), name="category"),
    path("news/tag/<slug:slug>/", views.TagArchiveView.as_view(), name="tag"),
    # Years 1000 to 9999 and months 1 to 12 only: anything else is no archive (404, never 500;
    # year 0 has no calendar date at all).
    re_path(r"^news/(?P<year>[1-9][0-9]{3})/$", views.YearArchiveView.as_view(), name="year"),
    re_path(
        r"^news/(?P<year>[1-9][0-9]{3})/(?P<month>1[0-2]|[1-9])/$",
        views.MonthArchiveView.as_view(),
        name="month",
    ),
    path("news/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("news/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path("events.ics", views.events_ics, name="events_ics"),
    path("feeds/rss/", views.rss, name="rss"),
    path("feeds/atom/", views.atom, name="atom"),
    path("feeds/<slug:slug>/rss/", views.rss, name="category_rss"),
    path("feeds/<slug:slug>/atom/", views.atom, name="category_atom"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path(f"media/{RENDITIONS_DIR}/<path:name>", views.rendition, name="image"),
]
