"""Loaded as a pytest plugin (``-p tests.testenv``) before Django's settings are read."""

import os

# Tests run with a throwaway key; production refuses to start without SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
