"""The project's wiring: one settings module reading the environment, URL routes, the Celery
app, WSGI, health endpoints and the site-wide error handling. It may import every package.
"""

from config.celery import app as celery_app

__all__ = ("celery_app",)
