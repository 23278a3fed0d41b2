from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from config import health

urlpatterns = [
    # Served by config.middleware.HealthCheckMiddleware before any other middleware; listed
    # here so they can be reversed and show up in `show_urls`-style listings.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", RedirectView.as_view(url=static("catalog/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("catalog.urls")),
]

# JSON in the API's error shape under /api/, the site's pages elsewhere (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
