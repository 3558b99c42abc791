"""Loaded with `-p` before pytest-django configures Django, so settings see these values.

Tests run against the development configuration (no HTTPS redirect, plain static storage);
the production settings are checked separately in tests/test_settings.py.
"""

import os

os.environ.setdefault("DEBUG", "true")
# Playwright's sync API runs an event loop in the test thread, which Django would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.pop("REDIS_URL", None)
