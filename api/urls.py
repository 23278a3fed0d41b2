
app_name = "api"

urlpatterns: list = [
    # Filled by the REST API work (issue 4): everything lives under /api/v1/.
]
