from django.apps import AppConfig


class ImrocSiteConfig(AppConfig):
    """The project itself: wires the apps together and owns the staff groups."""

    name = "imroc_site"
    verbose_name = "Site"
