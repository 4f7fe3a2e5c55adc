"""The site's AdminSite: Django's own, with the staff dashboard as its home page."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from imroc_site import staff_words
from imroc_site.dashboard import dashboard


class StaffAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None) -> TemplateResponse:
        return super().index(request, {**dashboard(request.user), **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        """The apps and models, each named in the words staff use (imroc_site.staff_words)."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                model["name"] = capfirst(staff_words.plural(model["model"]._meta))
        return app_list
