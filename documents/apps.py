from django.apps import AppConfig
from django.core import checks


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Papers"

    def ready(self):
        # Imported here: the checks read the models' modules, which need the app registry.
        from documents import checks as documents_checks

        checks.register(documents_checks.check_download_settings)
