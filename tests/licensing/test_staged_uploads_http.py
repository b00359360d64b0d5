"""Staged uploads (kernel/staging.py): a refused 在线申请 keeps every file that passed its own checks, names every
refused file, and a resubmission uses the kept files once, only in the same user's hands; expired ones are deleted
(rule kernel.staged_upload_hours)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.kernel import staging
from bureau.kernel.models import StagedUpload
from bureau.kernel.tasks import housekeeping
from bureau.licensing.models import Application
from tests.licensing.conftest import files_for, form_for

pytestmark = pytest.mark.django_db


def fields(w, item, **values):
    return {f"field_{k}": v for k, v in form_for(item, w.enterprise, **values).items()}


def tokens(response) -> dict[str, str]:
    """staged_<field> → token, as the re-rendered form carries them."""
    return {staging.FIELD_PREFIX + f: rows[0].token for f, rows in response.context["staged"].items()}


def refused_with_files(world, client, item, **extra):
    """Every material but no 申请书 data: refused, the files kept."""
    data = {"idempotency_key": "s1", **{f"material_{k}": v for k, v in files_for(item).items()}, **extra}
    return client.post(f"/licensing/items/{item.code}/apply/", data)


def test_refused_apply_keeps_files_and_resubmission_uses_them(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    r = refused_with_files(world, client, item)
    page = r.content.decode()
    assert r.status_code == 200 and not Application.objects.exists()
    expected = files_for(item)
    assert set(r.context["staged"]) == {f"material_{k}" for k in expected}
    first = min(expected)
    assert f"已选择：m{first}.pdf（" in page and 'name="staged_remove"' in page
    # the same form again, now complete, without choosing any file again
    again = {"idempotency_key": "s2", **fields(world, item, scope="甲醇"), **tokens(r)}
    done = client.post(f"/licensing/items/{item.code}/apply/", again)
    assert done.status_code == 302, done.content.decode()[:2000]
    app = Application.objects.get()
    uploaded = app.materials.filter(material_id=first).get()
    assert uploaded.status == "provided"
    assert not StagedUpload.objects.exists()  # consumed with the record


def test_bad_and_good_file_both_named_and_good_one_kept(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    ids = sorted(files_for(item))
    bad_a = SimpleUploadedFile("假.pdf", b"not a pdf", content_type="application/pdf")
    bad_b = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="application/pdf")
    data = {"idempotency_key": "s3", f"material_{ids[0]}": bad_a, f"material_{ids[1]}": bad_b,
            **{f"material_{k}": v for k, v in files_for(item).items() if k not in ids[:2]}, **fields(world, item)}
    r = client.post(f"/licensing/items/{item.code}/apply/", data)
    page = r.content.decode()
    assert "假.pdf" in page and "病毒.exe" in page  # both refused files, each named
    assert set(r.context["staged"]) == {f"material_{k}" for k in ids[2:]}
    assert not Application.objects.exists()


def test_token_of_another_session_is_ignored(world, login):
    item = world.items["hazchem_operation"]
    r = refused_with_files(world, login(world.qiye), item)
    stolen = tokens(r)
    other = login(world.qiye_other)
    page = other.post(f"/licensing/items/{item.code}/apply/", {"idempotency_key": "s4", **stolen})
    assert page.status_code in {200, 302, 404}
    assert StagedUpload.objects.count() == len(stolen)  # untouched, not claimed by the other user
    assert "已选择：" not in page.content.decode()


def test_token_is_used_once(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    r = refused_with_files(world, client, item)
    carried = tokens(r)
    done = client.post(f"/licensing/items/{item.code}/apply/",
                       {"idempotency_key": "s5", **fields(world, item, scope="甲醇"), **carried})
    assert done.status_code == 302
    # the same tokens once more (another key): nothing is staged any more, so the materials are missing
    again = client.post(f"/licensing/items/{item.code}/apply/",
                        {"idempotency_key": "s6", **fields(world, item, scope="乙醇"), **carried})
    assert again.status_code == 200 and Application.objects.count() == 1
    assert not again.context["staged"]


def test_expired_staged_files_are_deleted_and_not_used(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    r = refused_with_files(world, client, item)
    carried = tokens(r)
    row = StagedUpload.objects.first()
    storage, name = row.file.storage, row.file.name
    assert storage.exists(name)
    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))  # rule: 24 hours
    page = client.post(f"/licensing/items/{item.code}/apply/",
                       {"idempotency_key": "s7", **fields(world, item, scope="甲醇"), **carried})
    assert page.status_code == 200 and not Application.objects.exists()
    housekeeping.func()  # the hourly job
    assert not StagedUpload.objects.exists() and not storage.exists(name)


def test_ticking_remove_drops_the_kept_file(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    r = refused_with_files(world, client, item)
    carried = tokens(r)
    dropped_field, dropped_token = next(iter(carried.items()))
    again = client.post(f"/licensing/items/{item.code}/apply/",
                        {"idempotency_key": "s8", **carried, "staged_remove": dropped_token})
    shown = again.context["staged"]
    assert dropped_field.removeprefix(staging.FIELD_PREFIX) not in shown
    assert len(shown) == len(carried) - 1
