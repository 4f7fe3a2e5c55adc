"""The site's AdminSite: Django's own, with the staff dashboard as its home page."""

from django.contrib import admin
from django.template.response import TemplateResponse

from imroc_site.dashboard import dashboard


class StaffAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None) -> TemplateResponse:
        return super().index(request, {**dashboard(request.user), **(extra_context or {})})
