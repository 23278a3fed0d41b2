from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("tools/<str:owner>/<str:name>/", views.tool_detail, name="tool-detail"),
]
