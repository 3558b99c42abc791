from django.http import HttpRequest

from .navigation import site_navigation as build_navigation


def site_navigation(request: HttpRequest) -> dict:
    """The taxonomy menu for base.html, built lazily so pages that don't render it pay nothing."""
    return {"site_navigation": build_navigation}
