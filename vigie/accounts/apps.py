from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigie.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from vigie.accounts import reauth  # noqa: F401  (connects the sign-in receiver)
