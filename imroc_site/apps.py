from django.apps import AppConfig
from django.core import checks

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
