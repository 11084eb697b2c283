from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigie.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        # Connects the sign-in receiver; declares the app's journal codes.
        from vigie.accounts import journal, reauth  # noqa: F401
