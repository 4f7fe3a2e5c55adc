from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from taggit import apps as taggit_apps

from imroc_site import checks as site_checks


class ImrocSiteConfig(AppConfig):
    """The project itself: wires the apps together and owns the staff groups."""

    name = "imroc_site"
    verbose_name = "Site"

    def ready(self):
        # Imported here, as Django documents: the receivers' module imports models, which
        # exist only once the app registry is ready.
        from imroc_site import signals

        signals.connect()
        # The production mistakes Django's own checks cannot see (issue 11).
        checks.register(site_checks.check_site_url, checks.Tags.security)
        checks.register(site_checks.check_mail_leaves_the_request, checks.Tags.security)
        checks.register(site_checks.check_private_files, checks.Tags.security)


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site's own AdminSite (its home page is the staff dashboard)."""

    default = False  # named in INSTALLED_APPS for django.contrib.admin: not this app's own
    default_site = "imroc_site.admin_site.StaffAdminSite"


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit, named as staff know it: "Tags", not "Taggit", in the admin."""

    default = False  # named in INSTALLED_APPS for taggit: not this app's own
    verbose_name = "Tags"
