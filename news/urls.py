from django.urls import path

from news.views import HomeView, PostDetailView

app_name = "news"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("news/<slug:slug>/", PostDetailView.as_view(), name="post_detail"),
]
