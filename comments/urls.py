from django.urls import path

from comments.views import (
    comment_permalink,
    decide_in_place,
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
    path("decide/<int:pk>/", decide_in_place, name="decide"),
    path("moderate/", moderate_reply, name="moderate"),
    path("moderate/<str:token>/", moderate_from_email, name="moderate_from_email"),
]
