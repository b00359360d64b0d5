"""Every URL pattern of the site as (route, namespace, view): what the declaration and sweep tests walk."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
                 ) -> list[tuple[str, str, object]]:
    found = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if p.namespace and namespace else (p.namespace or namespace)
            found += url_patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), namespace, p.callback))
    return found
