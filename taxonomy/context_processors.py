from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import site_navigation as build_navigation


def site_navigation(request: HttpRequest) -> dict:
    """The taxonomy menu for base.html, built lazily so pages that don't render it pay nothing,
    and at most once per request however often templates read it."""
    return {"site_navigation": SimpleLazyObject(build_navigation)}
