"""Pages of food aid (the API lives in api.py)."""

app_name = "foodaid"
urlpatterns: list = []
