from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vigie.core"
    label = "core"
    verbose_name = "Vigie"
    # Mounted by vigie/urls.py like every app declaring `url_prefix` (its `urls` module).
    url_prefix = ""
