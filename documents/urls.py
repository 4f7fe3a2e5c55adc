from django.urls import path

from documents.views import DocumentDownloadView

app_name = "documents"

urlpatterns = [
    path("<int:pk>/download/", DocumentDownloadView.as_view(), name="download"),
]
