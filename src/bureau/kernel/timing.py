"""Where a request's time goes, for operators (issue 18).

SERVER_TIMING (setting, env SERVER_TIMING=1): every response carries a `Server-Timing` header — total, SQL and the
number of queries, and the Python part (total − SQL) — which the browser's developer tools show per request.
PROFILE_REQUESTS_DIR (setting, env): every request is run under cProfile and its statistics written there as
`<view>-<time>.prof` (read with `python -m pstats` or snakeviz). Both are off by default and cost nothing then.
"""

from __future__ import annotations

import cProfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse


class SqlTimer:
    """An execute wrapper adding up the time spent in the database driver and the number of queries."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    """First in MIDDLEWARE, so `total` covers every other middleware, the view and the template."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timing, profile_dir = settings.SERVER_TIMING, settings.PROFILE_REQUESTS_DIR
        if not timing and not profile_dir:
            return self.get_response(request)
        timer = SqlTimer()
        profiler = cProfile.Profile() if profile_dir else None
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(timer))
            if profiler is not None:
                profiler.enable()
            try:
                response = self.get_response(request)
            finally:
                if profiler is not None:
                    profiler.disable()
        total = (time.perf_counter() - started) * 1000
        sql = timer.seconds * 1000
        if timing:
            response["Server-Timing"] = (f'total;dur={total:.1f}, sql;dur={sql:.1f};desc="{timer.count} queries", '
                                         f'app;dur={total - sql:.1f}')
        if profiler is not None:
            match = getattr(request, "resolver_match", None)
            name = (match.view_name if match and match.view_name else "unmatched").replace(":", "-")
            folder = Path(profile_dir)
            folder.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(folder / f"{name}-{time.time():.6f}.prof")
        return response
