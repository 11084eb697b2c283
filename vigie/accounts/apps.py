from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigie.accounts"
    label = "accounts"
    verbose_name = "Comptes"
    url_prefix = "comptes/"  # vigie/urls.py mounts `vigie.accounts.urls` there

    def ready(self):
        # Connects the sign-in receiver; declares the app's journal codes.
        from vigie.accounts import journal, menu, reauth  # noqa: F401
