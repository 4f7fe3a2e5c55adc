from django.urls import path

from comments.views import (
    comment_permalink,
    form_time,
    moderate_from_email,
    moderate_reply,
    post_comment,
)

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", post_comment, name="post"),
    path("<int:pk>/", comment_permalink, name="permalink"),
    path("form-time/", form_time, name="form_time"),
    path("moderate/", moderate_reply, name="moderate"),
    path("moderate/<str:token>/", moderate_from_email, name="moderate_from_email"),
]
