"""Instrumentation for the benchmark (bench/run.py), installed only when BENCHMARK=true.

`QueryCountMiddleware` tells the client how many SQL queries a response cost, and `baseline`
is the framework's own limit on the machine: the full middleware stack and base.html with the
real site navigation, but no database access and no cache. osce_cms/urls.py includes this module
under /__bench__/; its routes exist only with settings.BENCHMARK on.
"""

import functools
from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils import timezone

from taxonomy.navigation import Navigation, build_navigation

BASELINE_TEMPLATE = """{% extends "base.html" %}
{% block title %}Baseline{% endblock %}
{% block content %}<h1>Baseline</h1>
<p>The site's chrome rendered without touching the database: the benchmark's reference.</p>
{% endblock %}"""


class QueryCountMiddleware:
    """Adds `X-Query-Count`: the SQL queries run while answering, on every database alias.

    Put it first in MIDDLEWARE so sessions, authentication and every other middleware count.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counting))
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


@functools.cache
def _navigation() -> Navigation:
    # Built once per worker process, so after the first request the page queries nothing
    # whether or not a cache is configured; the benchmark's warm-up absorbs that request.
    return build_navigation(timezone.localdate().year)


@functools.cache
def _template():
    return engines["django"].from_string(BASELINE_TEMPLATE)


def baseline(request: HttpRequest) -> HttpResponse:
    """base.html with the site navigation and no database access (after a worker's first
    request); the view's `site_navigation` overrides the context processor's."""
    return HttpResponse(_template().render({"site_navigation": _navigation()}, request))


urlpatterns = [path("baseline/", baseline, name="bench-baseline")] if settings.BENCHMARK else []
