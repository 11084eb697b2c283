from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "vigie.housing"
    label = "housing"
    verbose_name = "Patrimoine et ménages"
