from django.urls import path

from vigie.tests_example import views

app_name = "ideas"
urlpatterns = [path("", views.suggestion_list, name="list")]
