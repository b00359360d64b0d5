"""gunicorn settings for the platform (systemd's bureau-web.service and `manage.py run_platform`).

Every value comes from the same environment as the application (deploy/bureau.env.example).
"""

import os

import gunicorn.http.wsgi

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# below nginx's proxy_read_timeout (deploy/nginx/bureau.conf), so nginx never waits on a worker gunicorn killed
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# a worker is replaced after this many requests (memory stays flat over months); jitter avoids all at once
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = "-"
# no query strings in the access log: a look-up's GET may carry numbers and codes
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# the proxy's headers are judged by the application (TRUSTED_PROXIES), not by gunicorn
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "bureau-web"

# Hide the Server header (it names the software and its version: 等保 2.0 asks not to give attackers that).
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _headers_without_server(self):  # type: ignore[no-untyped-def]
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _headers_without_server


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker's metrics files go when it does (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
