from django.urls import path

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
    path("news/<int:year>/", YearArchiveView.as_view(), name="year"),
    path("news/<int:year>/<int:month>/", MonthArchiveView.as_view(), name="month"),
    path("news/<slug:slug>/", PostDetailView.as_view(), name="post_detail"),
    *feeds.urlpatterns,
    *search.urlpatterns,
    *preview.urlpatterns,
    *images.urlpatterns,
]
