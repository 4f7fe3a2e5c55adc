from django.urls import path

from comments.email_links import moderate_from_email
from comments.views import post_comment

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", post_comment, name="post"),
    path("moderate/<str:token>/", moderate_from_email, name="moderate_from_email"),
]
