"""A paper added from the post form's "+" (a popup): its accessibility advice comes first."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from tests.factories import make_document, make_staff, pdf_bytes

pytestmark = pytest.mark.django_db


def test_adding_a_paper_in_a_popup_shows_its_advice_then_done_hands_it_back(
    client, django_user_model
):
    client.force_login(make_staff(django_user_model, "Editors"))
    upload = SimpleUploadedFile("paper.pdf", pdf_bytes(), content_type="application/pdf")

    advice = client.post(
        reverse("admin:documents_document_add") + "?_popup=1&_to_field=id",
        {
            "title": "Untagged paper",
            "visibility": "public",
            "file": upload,
            "_popup": "1",
            "_to_field": "id",
        },
    )

    document = Document.objects.get()
    page = advice.content.decode()
    assert advice.status_code == 200
    assert "Accessibility of the paper" in page and "No tags: screen readers" in page
    assert "Done: use this paper" in page
    assert "popup_response" not in page  # the popup stays open until "Done"

    done = client.get(
        reverse("admin:documents_document_popup_done", args=[document.pk]),
        {"_popup": "1", "_to_field": "id"},
    )
    data = re.search(r'data-popup-response="([^"]+)"', done.content.decode())[1]
    answer = json.loads(data.replace("&quot;", '"'))
    assert answer == {"value": str(document.pk), "obj": str(document)}


def test_done_is_for_staff_who_may_see_papers(client, django_user_model):
    document = make_document()
    url = reverse("admin:documents_document_popup_done", args=[document.pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.get(url).status_code == 403
