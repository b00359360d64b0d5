"""The production files in deploy/ (issue 12, item 4) agree with the code: the environment file names only variables
the platform reads (or documents), the units run commands that exist with the hardening the deployment guide
promises, and the nginx site serves what the settings say — static files, never the stored files."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.PROJECT_DIR) / "deploy"
SRC = Path(settings.PROJECT_DIR) / "src"
UNITS = sorted((DEPLOY / "systemd").glob("bureau-*.service"))
LONG_RUNNING = {"bureau-web.service", "bureau-worker.service", "bureau-scheduler.service"}
# Read by settings.py only for the test suite or a developer's machine; a production environment never sets them.
DEVELOPMENT_ONLY = {"BUREAU_TESTING", "TEST_SQLITE_NAME", "TEST_DATABASE_NAME"}
PENDING_COMMANDS: set[str] = set()


def _example() -> dict[str, str]:
    """NAME -> value of every line of bureau.env.example, commented-out examples included; NAME_FILE counts as NAME."""
    values: dict[str, str] = {}
    for line in (DEPLOY / "bureau.env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            name = match.group(1)
            values[name.removesuffix("_FILE") if name.endswith("_FILE") else name] = match.group(2)
    return values


def _settings_variables() -> set[str]:
    text = (SRC / "bureau" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'(?:env(?:_bool|_int|_list)?|secret)\(\s*"([A-Z][A-Z0-9_]+)"', text))


def _unit(path: Path) -> dict[str, dict[str, str]]:
    """Section -> key -> value of a unit file; a key given several times (Environment=) joins its values by lines."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            current[key] = f"{current[key]}\n{value}" if key in current else value
    return sections


def test_every_variable_in_the_environment_file_is_read_or_documented():
    """bureau.env.example lists only what the platform reads (settings.py, other code, the units) or what
    docs/deployment.md documents — a typo there would silently fall back to a default."""
    readers = [*SRC.rglob("*.py"), *(p for p in DEPLOY.rglob("*")
                                     if p.is_file() and p.name != "bureau.env.example" and "__pycache__" not in p.parts)]
    code = "\n".join(p.read_text(encoding="utf-8") for p in readers)
    documented = (Path(settings.PROJECT_DIR) / "docs" / "deployment.md").read_text(encoding="utf-8")
    unknown = [name for name in _example()
               if not re.search(rf'["\'$]{{?{name}\b', code) and f"`{name}" not in documented]
    assert unknown == []


def test_every_production_variable_of_settings_is_in_the_environment_file():
    missing = _settings_variables() - DEVELOPMENT_ONLY - set(_example())
    assert missing == set()


def test_units_run_existing_commands_as_the_service_user_with_hardening():
    """Each process is its own unit (web, worker, scheduler), restarted on failure, as user bureau, with the
    environment file, a read-only system and write access only to BUREAU_VAR_DIR (which holds MEDIA_ROOT and
    AUDIT_CHECKPOINT_DIR)."""
    example = _example()
    commands = set(get_commands())
    assert {u.name for u in UNITS} >= LONG_RUNNING | {"bureau-backup.service"}
    for path in UNITS:
        service = _unit(path)["Service"]
        assert service["User"] == "bureau" and service["EnvironmentFile"] == "/etc/bureau/bureau.env", path.name
        assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict", path.name
        assert service["PrivateTmp"] == "yes" and service["ProtectHome"] == "yes", path.name
        writable = service["ReadWritePaths"].split()
        for name in ("BUREAU_VAR_DIR", "MEDIA_ROOT", "AUDIT_CHECKPOINT_DIR"):
            assert any(Path(example[name]).is_relative_to(w) for w in writable), (path.name, name)
        if path.name in LONG_RUNNING:
            assert service["Restart"] == "always", path.name
        for command in re.findall(r"manage\.py (\w+)", service["ExecStart"]):
            assert command in commands or command in PENDING_COMMANDS, (path.name, command)
    web = _unit(DEPLOY / "systemd" / "bureau-web.service")["Service"]
    assert "gunicorn -c deploy/gunicorn.conf.py bureau.wsgi:application" in web["ExecStart"]
    assert f"PROMETHEUS_MULTIPROC_DIR=/run/{web['RuntimeDirectory']}" in web["Environment"]
    assert "manage.py backup --to" in _unit(DEPLOY / "systemd" / "bureau-backup.service")["Service"]["ExecStart"]


def test_nginx_site_matches_the_settings_and_never_serves_stored_files():
    example = _example()
    site = (DEPLOY / "nginx" / "bureau.conf").read_text(encoding="utf-8")
    live = "\n".join(line.split("#", 1)[0] for line in site.splitlines())  # directives only, no comments
    assert f"server 127.0.0.1:{example['PORT']};" in live
    size = re.search(r"client_max_body_size (\d+)m;", live)
    assert size and int(size.group(1)) * 1024 * 1024 >= int(example["UPLOAD_MAX_BYTES"]) + 1024 * 1024
    static_root = re.search(r"location /static/ \{\s*root (\S+);", live)
    assert static_root and f"{static_root.group(1)}/static" == example["STATIC_ROOT"]
    # Stored files go out only through the permission-checked download views.
    assert example["MEDIA_ROOT"] not in live
    assert re.search(r"location /media/ \{\s*return 404;", live)
    metrics = re.search(r"location = /metrics \{(.*?)\}", live, re.S)
    assert metrics and "deny all;" in metrics.group(1)
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", live) and "server_tokens off;" in live
    for header in ("Host $host", "X-Forwarded-For $remote_addr", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in live
    assert "return 301 https://" in live
