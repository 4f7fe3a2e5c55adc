"""The personal-data page: export, or erase after a confirmation, the replies someone left."""

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import content_disposition_header

from comments.admin.pages import AdminPages
from comments.models import replies
from comments.personal_data import comments_by, erase_personal_data, export_personal_data


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Every reply given with this address, in any mix of capitals, is included.",
    )


class PersonalDataPage(AdminPages):
    """Mixed into the comments' ModelAdmin: the page at personal-data/. Viewing replies allows
    an export; erasing needs the permission to delete them."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.personal_data_view)
        # Before the default URLs, whose "<path:object_id>/" would swallow it.
        page = path("personal-data/", view, name=self.url_name("personal_data"))
        return [page, *super().get_urls()]

    def personal_data_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return self._render(request, "personal_data.html", "Personal data", form=form)
        email = form.cleaned_data["email"]
        if "erase" not in request.POST:
            return self._export(email)
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.POST.get("confirmed") == "yes":
            count = erase_personal_data(email)
            self.message_user(request, f"Erased {replies(count)} given with that address.")
            return redirect(self._url("personal_data"))
        comments = comments_by(email).select_related("post").order_by("submitted_at", "pk")
        return self._render(
            request,
            "personal_data_erase.html",
            "Erase personal data",
            email=email,
            comments=comments,
        )

    def _export(self, email):
        data = json.dumps(export_personal_data(email), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(data, content_type="application/json")
        # The address stays out of the file name: downloads folders get synced and shared.
        response["Content-Disposition"] = content_disposition_header(True, "personal-data.json")
        return response
