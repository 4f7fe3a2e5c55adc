from django.urls import path

from comments.views import post_comment

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", post_comment, name="post"),
]
