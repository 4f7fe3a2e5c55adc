from django.apps import AppConfig


class ImrocSiteConfig(AppConfig):
    """The project itself: wires the apps together and owns the staff groups."""

    name = "imroc_site"
    verbose_name = "Site"

    def ready(self):
        # Imported here, as Django documents: the receivers' module imports models, which
        # exist only once the app registry is ready.
        from imroc_site import signals

        signals.connect()
