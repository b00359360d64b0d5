"""Backup and restore of the whole platform: the database, the stored files and a manifest with SHA-256 digests.

A backup is a directory:

    manifest.json            format, time, engine, migration state, audit head, every file with size and SHA-256
    database.dump            PostgreSQL: `pg_dump --format=custom`   (or)
    database.sqlite3         SQLite: a copy made with the online backup API (consistent while the platform runs)
    files/…                  the default storage's files under their storage names
    audit-checkpoints/…      the signed audit checkpoints, when AUDIT_CHECKPOINT_DIR is configured

The keys (SECRET_KEY, FIELD_ENCRYPTION_KEY, the audit key) are never in a backup: they are escrowed separately
(docs/operations.md). A backup is therefore useless to whoever steals it without the keys for the encrypted
fields, and the audit chain in it cannot be rewritten without the audit key.

The backup writes its own audit entry *before* the dump, so the dump contains the record of its making and the
manifest's audit head points at it; the outcome (with the manifest's SHA-256) is a second entry in the live
database only. The database is dumped before the files are copied: a file uploaded in between is an orphan in the
backup (harmless), whereas the other order would leave rows pointing at files the backup lacks.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from bureau.kernel.audit import audit, checkpoint_dir, latest_checkpoint, verify_chain
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.models import AuditEntry, AuditHead

FORMAT = "bureau-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
CHECKPOINTS_DIR = "audit-checkpoints"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """A refused or failed backup/restore; the message says why, in Chinese."""


@dataclass
class BackupResult:
    directory: Path
    manifest_sha256: str
    files: int
    total_bytes: int


@dataclass
class RestoreResult:
    checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _silent(_: str) -> None:
    return None


# --- shared helpers -------------------------------------------------------------------------------------------


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"不支持的数据库类型：{vendor}（只支持 PostgreSQL 和 SQLite）")
    return vendor


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_stream(source: Any, target: Path) -> tuple[int, str]:
    """Copy a binary stream into a new file; return its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The connection arguments of the configured database; the password goes through PGPASSWORD, never argv."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"找不到 {program}：请安装与服务器版本一致的 PostgreSQL 客户端（Debian：postgresql-client）"
                          f"并确保它在 PATH 中")
    conf = connection.settings_dict
    args = [executable, "--no-password"]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = os.environ.copy()
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    options = conf.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                          ("sslkey", "PGSSLKEY"), ("service", "PGSERVICE")):
        if options.get(key):
            env[variable] = str(options[key])
    return args, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}失败（退出码 {completed.returncode}）：" + " / ".join(detail))


def _storage_is_local() -> bool:
    return isinstance(default_storage, FileSystemStorage)


def _storage_names() -> Iterator[str]:
    """Every file name in the default storage, through the filesystem or the storage API (listdir)."""
    if isinstance(default_storage, FileSystemStorage):
        root = Path(default_storage.location)
        if not root.is_dir():
            return
        for folder, _dirs, names in os.walk(root):
            for name in sorted(names):
                yield (Path(folder) / name).relative_to(root).as_posix()
        return

    def walk(prefix: str) -> Iterator[str]:
        dirs, names = default_storage.listdir(prefix)
        for name in sorted(names):
            yield f"{prefix}/{name}" if prefix else name
        for sub in sorted(dirs):
            yield from walk(f"{prefix}/{sub}" if prefix else sub)

    yield from walk("")


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KB"


# --- backup ---------------------------------------------------------------------------------------------------


def _migration_state() -> dict[str, str]:
    """The migration applied last in each app (from django_migrations)."""
    recorder = MigrationRecorder(connection)
    state: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        state[app] = name
    return state


def _dump_postgres(target: Path) -> None:
    args, env = _pg_command("pg_dump")
    args += ["--format=custom", "--file", str(target), "--dbname", str(connection.settings_dict["NAME"])]
    _run(args, env, "pg_dump 导出数据库")


def _dump_sqlite(target: Path) -> None:
    # The online backup API copies a consistent snapshot while other connections keep writing (WAL mode).
    source = sqlite3.connect(str(connection.settings_dict["NAME"]))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dest.close()
        source.close()


def create_backup(target: Path, *, progress: Progress = _silent) -> BackupResult:
    """Write a complete backup into `target` (a new or empty directory) and return its manifest digest."""
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"目标目录 {target} 已存在且不是空目录：每次备份请使用一个新目录（例如带日期的目录名）")
    engine = _engine()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建目标目录 {target}：{exc.strerror}") from exc
    who = {"os_user": getpass.getuser(), "host": socket.gethostname(), "target": str(target)}
    # Written before the dump so that the backup contains the record of its own making (see the module docstring).
    try:
        audit(None, "kernel.backup", summary=f"开始备份到 {target}", data=who)
    except DatabaseError as exc:
        raise BackupError(f"无法写入数据库，未开始备份：{exc}") from exc
    try:
        return _write_backup(target, engine, who, progress)
    except Exception as exc:
        message = str(exc) if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
        try:
            audit(None, "kernel.backup_finished", result="失败", summary=f"备份失败：{message}"[:300], data=who)
        except Exception:  # the database may be the reason of the failure; the operator still sees the message
            pass
        raise BackupError(f"{message}（目录 {target} 中的内容不完整，不能用于恢复）") from exc


def _write_backup(target: Path, engine: str, who: dict[str, str], progress: Progress) -> BackupResult:
    head = AuditHead.objects.get(id=1)
    entries: list[dict[str, Any]] = []

    dump = target / DUMP_NAMES[engine]
    progress(f"导出数据库（{ENGINE_NAMES[engine]}）……")
    (_dump_postgres if engine == "postgresql" else _dump_sqlite)(dump)
    entries.append({"path": dump.name, "size": dump.stat().st_size, "sha256": _sha256_file(dump)})
    progress(f"  数据库：{_human(entries[0]['size'])}")

    progress("复制存储文件……")
    stored = 0
    stored_bytes = 0
    for name in _storage_names():
        with default_storage.open(name, "rb") as handle:
            size, sha = _copy_stream(handle, target / FILES_DIR / name)
        entries.append({"path": f"{FILES_DIR}/{name}", "size": size, "sha256": sha})
        stored += 1
        stored_bytes += size
        if stored % 500 == 0:
            progress(f"  已复制 {stored} 个文件（{_human(stored_bytes)}）")
    progress(f"  存储文件：{stored} 个，{_human(stored_bytes)}")

    checkpoints = checkpoint_dir()
    if checkpoints.is_dir():
        for path in sorted(p for p in checkpoints.rglob("*") if p.is_file()):
            relative = path.relative_to(checkpoints).as_posix()
            with path.open("rb") as handle:
                size, sha = _copy_stream(handle, target / CHECKPOINTS_DIR / relative)
            entries.append({"path": f"{CHECKPOINTS_DIR}/{relative}", "size": size, "sha256": sha})
        progress(f"  审计检查点：{sum(1 for e in entries if e['path'].startswith(CHECKPOINTS_DIR))} 个")

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "created_by": who,
        "platform": settings.PLATFORM_NAME,
        "database": {"engine": engine, "file": dump.name, "vendor_version": _vendor_version(engine)},
        "migrations": _migration_state(),
        "audit_head": {"seq": head.last_seq, "hash": head.last_hash},
        "storage": {"backend": settings.STORAGES["default"]["BACKEND"],
                    "files": stored},
        "keys_included": False,
        "files": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (target / MANIFEST).write_text(text, encoding="utf-8")
    manifest_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    total = sum(entry["size"] for entry in entries)
    audit(None, "kernel.backup_finished", summary=f"备份完成：{target}，{len(entries)} 个文件，{_human(total)}",
          data={**who, "manifest_sha256": manifest_sha, "audit_seq": head.last_seq})
    progress(f"清单已写入：{MANIFEST}（SHA-256 {manifest_sha}）")
    return BackupResult(target, manifest_sha, len(entries), total)


def _vendor_version(engine: str) -> str:
    if engine == "sqlite":
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


# --- verification ---------------------------------------------------------------------------------------------


def _safe_relative(name: Any) -> PurePosixPath | None:
    if not isinstance(name, str) or not name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in {"", ".", ".."} for part in path.parts):
        return None
    return path


def verify_backup(source: Path, *, progress: Progress = _silent) -> dict[str, Any]:
    """Check the manifest and every file's size and SHA-256; return the manifest or raise BackupError."""
    source = source.resolve()
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} 中没有 {MANIFEST}：这不是一个完整的备份目录（备份失败时不会写入清单）")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} 无法解析：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} 不是本平台的备份清单")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持（本程序支持版本 {FORMAT_VERSION}）")
    engine = (manifest.get("database") or {}).get("engine")
    if engine not in DUMP_NAMES:
        raise BackupError(f"清单中的数据库类型无效：{engine}")

    problems: list[str] = []
    listed: set[str] = set()
    for entry in manifest.get("files") or []:
        if not isinstance(entry, dict):
            problems.append(f"清单中的条目无效：{entry!r}"[:200])
            continue
        relative = _safe_relative(entry.get("path"))
        if relative is None:
            problems.append(f"清单中的路径不安全：{entry.get('path')!r}")
            continue
        listed.add(relative.as_posix())
        path = source / relative
        if not path.is_file():
            problems.append(f"缺少文件：{relative}")
        elif path.stat().st_size != entry.get("size"):
            problems.append(f"大小不符：{relative}")
        elif _sha256_file(path) != entry.get("sha256"):
            problems.append(f"SHA-256 不符（文件被改动或损坏）：{relative}")
    if DUMP_NAMES[engine] not in listed:
        problems.append(f"清单中没有数据库文件 {DUMP_NAMES[engine]}")
    for path in sorted(source.rglob("*")):
        name = path.relative_to(source).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(f"清单之外的文件：{name}")
    if problems:
        shown = "；".join(problems[:10]) + (f"；另有 {len(problems) - 10} 处问题" if len(problems) > 10 else "")
        raise BackupError(f"备份校验未通过，未做任何改动：{shown}")
    progress(f"备份校验通过：{len(listed)} 个文件的 SHA-256 均与清单一致")
    return manifest


# --- restore --------------------------------------------------------------------------------------------------


EMPTY_DATABASE_HELP = {
    "postgresql": ("请新建一个空库并把 DATABASE_URL 指向它，例如：createdb --owner=bureau bureau_restored"
                   "（或在 psql 中执行 CREATE DATABASE bureau_restored OWNER bureau;）。"),
    "sqlite": "请把 DATABASE_URL 指向一个尚不存在的文件（例如 sqlite:////srv/bureau/var/restored.sqlite3），或先移走现有文件。",
}


def _check_target_empty(engine: str) -> None:
    where = connection.settings_dict["NAME"]
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as exc:
        raise BackupError(f"无法连接目标数据库 {where}：{exc}".strip() + "。" + EMPTY_DATABASE_HELP[engine]) from exc
    if tables:
        raise BackupError(f"目标数据库 {where} 不是空库（已有 {len(tables)} 张表），恢复只写入空库，未做任何改动。"
                          + EMPTY_DATABASE_HELP[engine])


def _check_migrations_known(manifest: dict[str, Any]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [f"{app}.{name}" for app, name in (manifest.get("migrations") or {}).items()
               if (app, name) not in loader.disk_migrations]
    if unknown:
        raise BackupError("备份来自更新版本的程序（本程序没有这些数据库迁移："
                          + "、".join(sorted(unknown)[:5]) + "），请先部署与备份相同或更新的版本再恢复")


def _storage_conflicts(manifest: dict[str, Any], source: Path) -> tuple[list[dict[str, Any]], int]:
    """The stored files to write; identical files already present are skipped, different ones refuse."""
    to_write: list[dict[str, Any]] = []
    same = 0
    clashes: list[str] = []
    for entry in manifest["files"]:
        if not entry["path"].startswith(FILES_DIR + "/"):
            continue
        name = entry["path"][len(FILES_DIR) + 1:]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() == entry["sha256"]:
                same += 1
                continue
            clashes.append(name)
        to_write.append({**entry, "name": name})
    if clashes:
        raise BackupError(f"存储中已有 {len(clashes)} 个同名但内容不同的文件（例如 {clashes[0]}），未做任何改动："
                          "请使用空的文件存储（MEDIA_ROOT 或存储桶）进行恢复")
    return to_write, same


def _restore_postgres(dump: Path) -> None:
    args, env = _pg_command("pg_restore")
    # --no-owner/--no-acl: the configured user owns everything it restores; grants to other roles (e.g. a
    # read-only reporting role) are re-applied by hand. --single-transaction: all or nothing.
    args += ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
             "--dbname", str(connection.settings_dict["NAME"]), str(dump)]
    connection.close()
    _run(args, env, "pg_restore 导入数据库")


def _restore_sqlite(dump: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
    os.close(handle)
    shutil.copyfile(dump, temp_name)
    # A leftover WAL of the empty file would be replayed onto the restored one and corrupt it.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(temp_name, target)


def _write_stored_files(entries: list[dict[str, Any]], source: Path, progress: Progress) -> None:
    for index, entry in enumerate(entries, start=1):
        path = source / entry["path"]
        if _storage_is_local():
            destination = Path(default_storage.path(entry["name"]))  # safe_join: stays inside MEDIA_ROOT
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        else:
            with path.open("rb") as handle:
                saved = default_storage.save(entry["name"], File(handle))
            if saved != entry["name"]:
                raise BackupError(f"存储把文件 {entry['name']} 保存为 {saved}，与原名不同")
        if index % 500 == 0:
            progress(f"  已恢复 {index} 个文件")


def _restore_checkpoints(manifest: dict[str, Any], source: Path) -> int:
    folder = checkpoint_dir()
    written = 0
    for entry in manifest["files"]:
        if not entry["path"].startswith(CHECKPOINTS_DIR + "/"):
            continue
        destination = folder / entry["path"][len(CHECKPOINTS_DIR) + 1:]
        if destination.exists():  # a checkpoint already here is newer evidence; never overwrite it
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / entry["path"], destination)
        written += 1
    return written


def check_encrypted_fields() -> tuple[list[str], list[str]]:
    """Read one stored value of every encrypted field through the ORM; return (fields that decrypt, failures)."""
    decrypted: list[str] = []
    failed: list[str] = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, EncryptedTextField):
                continue
            label = f"{model._meta.label}.{model_field.name}"
            rows = model._base_manager.exclude(**{model_field.name: ""}).exclude(**{f"{model_field.name}__isnull": True})
            try:
                value = rows.order_by("pk").values_list(model_field.name, flat=True).first()
            except Exception as exc:  # a wrong key shows as a padding or decoding error
                failed.append(f"{label}（{type(exc).__name__}）")
                continue
            if value:
                decrypted.append(label)
    return decrypted, failed


def restore_backup(source: Path, *, progress: Progress = _silent) -> RestoreResult:
    """Restore a verified backup into the configured (empty) database and storage, then check what came back."""
    source = source.resolve()
    manifest = verify_backup(source, progress=progress)
    engine = _engine()
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"备份来自 {ENGINE_NAMES[manifest['database']['engine']]}，当前配置的数据库是 "
                          f"{ENGINE_NAMES[engine]}：请把 DATABASE_URL 指向同类数据库")
    _check_migrations_known(manifest)
    _check_target_empty(engine)
    files, same = _storage_conflicts(manifest, source)

    dump = source / manifest["database"]["file"]
    progress(f"导入数据库（{ENGINE_NAMES[engine]}）……")
    (_restore_postgres if engine == "postgresql" else _restore_sqlite)(dump)
    progress(f"恢复存储文件：{len(files)} 个" + (f"（另有 {same} 个相同文件已存在）" if same else ""))
    _write_stored_files(files, source, progress)
    checkpoints = _restore_checkpoints(manifest, source)
    if checkpoints:
        progress(f"恢复审计检查点：{checkpoints} 个")
    try:
        return check_restored(source, manifest=manifest, record=True)
    except BackupError as exc:
        raise BackupError(f"数据库和文件已导入，但恢复后的检查未通过：{exc}。排除原因后运行 "
                          f"manage.py restore --check --from {source} 复查（不要重新导入）") from exc


def check_restored(source: Path, *, manifest: dict[str, Any] | None = None, record: bool = False) -> RestoreResult:
    """Check the configured database against a backup: the audit chain verifies and contains the backup's head,
    and the encrypted fields decrypt with this FIELD_ENCRYPTION_KEY. `record` appends the restore's audit entry."""
    source = source.resolve()
    if manifest is None:
        manifest = verify_backup(source)
    result = RestoreResult()
    pending = MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes())
    if pending:
        # The models are ahead of the restored tables: reading them through the ORM would fail before migrate.
        result.warnings.append(f"备份来自较旧版本，有 {len(pending)} 个数据库迁移尚未执行：请运行 manage.py migrate，"
                               f"再运行 manage.py restore --check --from {source} 完成恢复后的检查")
        return result
    report = verify_chain(checkpoint=False)
    if not report.ok:
        raise BackupError(f"恢复后审计日志链校验未通过：第 {report.first_broken_seq} 条，{report.reason}。"
                          "请确认 AUDIT_KEY 与备份时一致；在查明原因前不要使用恢复的数据")
    result.checks.append(f"审计日志链完整：共校验 {report.checked} 条")
    latest = latest_checkpoint()
    if latest is not None and latest.seq > report.checked:
        # a checkpoint written after the backup: the entries after the backup are not in it (expected when an
        # older backup is restored); anything up to the backup's own checkpoints was compared above
        result.warnings.append(f"检查点目录中最新的检查点（{latest.at}）记录了 {latest.seq} 条日志，恢复的日志只有 "
                               f"{report.checked} 条：备份之后产生的日志不在此备份中。以后用 audit_verify 核验时，"
                               "请用 --checkpoint 指定备份时的检查点")
    elif latest is not None:
        against = verify_chain(checkpoint=latest)
        if not against.ok:
            raise BackupError(f"恢复的审计日志与检查点（{latest.at}）不符：{against.reason}")
        result.checks.append(f"与检查点（{latest.at}，第 {latest.seq} 条）相符")
    head = manifest["audit_head"]
    if head["seq"]:
        entry = AuditEntry.objects.filter(seq=head["seq"]).values_list("hash", flat=True).first()
        if entry != head["hash"]:
            raise BackupError(f"恢复后第 {head['seq']} 条审计日志的摘要与备份清单记录的链头不符")
        result.checks.append(f"备份清单记录的链头（第 {head['seq']} 条）与恢复的日志一致")
    decrypted, failed = check_encrypted_fields()
    if failed:
        raise BackupError("加密字段无法解密：" + "、".join(failed[:5])
                          + "。FIELD_ENCRYPTION_KEY 与备份时的密钥不同：请从密钥托管处取回备份时的原密钥")
    if decrypted:
        result.checks.append(f"加密字段解密正常：{len(decrypted)} 个字段（例如 {decrypted[0]}）")
    else:
        result.warnings.append("备份中没有含加密字段的数据，未能检验 FIELD_ENCRYPTION_KEY")
    if not record:
        return result
    audit(None, "kernel.restore", summary=f"从备份恢复：{source}（备份时间 {manifest['created_at']}）",
          data={"source": str(source), "backup_created_at": manifest["created_at"], "audit_seq": head["seq"],
                "os_user": getpass.getuser(), "host": socket.gethostname(),
                "restored_at": timezone.now().isoformat()})
    return result
