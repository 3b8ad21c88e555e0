"""Hostile files against the registry (issue 11, finding 2): photos (a PNG decompression bomb, too
many pixels, a truncated JPEG, a non-image with a JPEG magic number, metadata to strip) and LRMX
files and zips of them (6 MB, deeply nested, a zip bomb by ratio and by total size, a member lying
about its size, 10,000 members, a parsing child that gets killed). Every one ends as a Chinese
message for that file, nothing of it is stored, and this process — the worker — survives."""

from __future__ import annotations

import io
import os
import signal
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from ganbu.audit.models import AuditEvent
from ganbu.cadres import services
from ganbu.cadres.lrmx import LrmxError, import_lrmx, parse_lrmx, zip_members
from ganbu.cadres.lrmx import archive as lrmx_archive
from ganbu.cadres.lrmx import reading as lrmx_reading
from ganbu.cadres.models import Cadre
from ganbu.cadres.services import photos
from ganbu.cadres.tests.test_appointment_form import tiny_png
from ganbu.cadres.tests.test_lrmx import minimal_lrmx
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


# --- hostile images -----------------------------------------------------------------------------


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int, rows: int = 64) -> bytes:
    """A small, well-formed PNG header declaring width × height (grey), with only a few rows of
    data: decoding it would allocate for every declared pixel (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress((b"\x00" + b"\x00" * width) * rows, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def jpeg(width: int = 30, height: int = 40, **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 30, 30)).save(out, "JPEG", **save)
    return out.getvalue()


PNG_BOMB = png_declaring(50_000, 50_000)  # 2.5 billion pixels in a few KB
OVER_LIMIT = png_declaring(5_001, 5_000)  # just above 25 megapixels (Pillow alone would only warn)
TRUNCATED_JPEG = jpeg(400, 400)[:600]
FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"<?php system($_GET['c']); ?>" * 20
HOSTILE_PHOTOS = [
    pytest.param(PNG_BOMB, "照片尺寸过大", id="png-decompression-bomb"),
    pytest.param(OVER_LIMIT, "照片尺寸过大（5001×5000 像素", id="png-over-25-megapixels"),
    pytest.param(TRUNCATED_JPEG, "不是有效的图片", id="truncated-jpeg"),
    pytest.param(FAKE_JPEG, "不是有效的图片", id="non-image-with-jpeg-magic"),
    pytest.param(b"GIF89a" + b"\x00" * 64, "照片应为 JPG 或 PNG 格式", id="gif"),
    pytest.param(b"", "照片应为 JPG 或 PNG 格式", id="empty"),
    pytest.param(b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024), "照片不能超过 2MB", id="over-2-mb"),
]


def test_the_bomb_is_small_and_declares_billions_of_pixels() -> None:
    assert len(PNG_BOMB) < 100_000
    assert struct.unpack(">II", PNG_BOMB[16:24]) == (50_000, 50_000)  # IHDR width, height


@pytest.mark.parametrize(("content", "message"), HOSTILE_PHOTOS)
def test_a_hostile_photo_is_refused_in_chinese_and_nothing_is_stored(
    world: World, content: bytes, message: str
) -> None:
    cadre = make_cadre(world.town_a, "张三")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.cadre_set_photo(cadre=cadre, content=content, actor=world.users["clerk_a"])
    assert message in exc.value.message_dict["photo"][0]
    cadre.refresh_from_db()
    assert not cadre.photo
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("content", "message"), HOSTILE_PHOTOS[:4])
def test_the_upload_page_shows_the_reason(world: World, content: bytes, message: str) -> None:
    cadre = make_cadre(world.town_a, "张三")
    client = Client()
    client.force_login(world.users["clerk_a"])
    url = reverse("cadres:photo_upload", kwargs={"pk": cadre.pk})
    response = client.post(url, {"photo": SimpleUploadedFile("photo.jpg", content)}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    cadre.refresh_from_db()
    assert not cadre.photo


def test_the_pixel_limit_is_the_declared_size_at_the_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(photos, "PHOTO_MAX_PIXELS", 35 * 45)  # the child is forked: it sees this value
    assert photos.photo_reencode(tiny_png(35, 45)).startswith(b"\xff\xd8\xff")
    with pytest.raises(ValidationError, match="35×46 像素"):
        photos.photo_reencode(tiny_png(35, 46))


def test_a_photo_is_stored_re_encoded_without_its_metadata(world: World) -> None:
    exif = Image.Exif()
    exif[0x010F] = "SECRET-CAMERA"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90°
    original = jpeg(30, 40, exif=exif.tobytes(), comment=b"SECRET-COMMENT") + b"SECRET-TRAILER"
    cadre = make_cadre(world.town_a, "张三")
    services.cadre_set_photo(cadre=cadre, content=original, actor=None)
    cadre.refresh_from_db()
    stored = cadre.photo.read()
    assert cadre.photo.name.endswith(".jpg")
    assert b"SECRET" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 30)  # the orientation was applied before it was dropped
        assert not image.getexif() and "comment" not in image.info and "icc_profile" not in image.info
    event = AuditEvent.objects.get(action="cadre.photo")
    assert event.payload["sha256"] != event.payload["uploaded_sha256"]


def test_a_png_with_transparency_is_stored_on_white(world: World) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, "PNG")
    stored = photos.photo_reencode(out.getvalue())
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


def test_an_lrmx_whose_photo_is_a_bomb_fails_that_file(world: World) -> None:
    import base64

    data = minimal_lrmx(ZhaoPian=base64.b64encode(PNG_BOMB).decode())
    with pytest.raises(LrmxError, match="ZhaoPian（照片）有误：照片尺寸过大"):
        import_lrmx(data, unit=world.town_a, actor=world.users["clerk_a"])
    assert not Cadre.objects.exists()


# --- hostile LRMX files and zips ----------------------------------------------------------------


def lrmx_of(size: int) -> bytes:
    head = minimal_lrmx()
    return head.replace(
        b"</Person>", b"<JianKangZhuangKuang>" + b"x" * size + b"</JianKangZhuangKuang></Person>"
    )


def test_an_lrmx_of_6_mb_is_refused_before_parsing(world: World, tmp_path: Path) -> None:
    data = lrmx_of(6 * 1024 * 1024)
    with pytest.raises(LrmxError, match="文件超过 5 MB"):
        parse_lrmx(data)
    path = tmp_path / "big.lrmx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_lrmx", str(path), "--unit", "TA", stdout=io.StringIO())


def test_a_deeply_nested_lrmx_is_a_chinese_error() -> None:
    depth = 500_000  # 3.5 MB of nested elements
    data = b"<Person><XingMing>x</XingMing>" + b"<a>" * depth + b"</a>" * depth + b"</Person>"
    with pytest.raises(LrmxError, match="缺少"):
        parse_lrmx(data)


def _zip(members: list[tuple[str, bytes]], *, level: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


def _run_import(world: World, tmp_path: Path, data: bytes) -> tuple[str, str]:
    """(the command's report, its error or "")."""
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    out = io.StringIO()
    try:
        call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


def test_a_zip_bomb_by_ratio_fails_its_members_and_the_others_go_on(world: World, tmp_path: Path) -> None:
    blanks = b"<Person>" + b" " * (4 * 1024 * 1024) + b"</Person>"  # under 5 MB, ~1000 times compressed
    data = _zip([("炸弹1.lrmx", blanks), ("好.lrmx", minimal_lrmx()), ("炸弹2.lrmx", blanks)])
    assert len(data) < 100_000
    report, error = _run_import(world, tmp_path, data)
    assert "成功 1 个，失败 2 个" in error
    assert "[失败] 炸弹1.lrmx：压缩比异常（疑似压缩炸弹）" in report
    assert "[失败] 炸弹2.lrmx：压缩比异常（疑似压缩炸弹）" in report
    assert "[成功] 好.lrmx：陈明（新增）" in report


def test_a_zip_bomb_by_total_size_is_refused_whole(world: World, tmp_path: Path) -> None:
    member = b"<Person>" + b" " * (4 * 1024 * 1024) + b"</Person>"
    count = lrmx_archive.MAX_ZIP_EXPANDED_BYTES // len(member) + 1  # just over 1 GB expanded
    data = _zip([(f"{i}.lrmx", member) for i in range(count)])
    assert len(data) < 10 * 1024 * 1024
    _report, error = _run_import(world, tmp_path, data)
    assert "压缩包解压后超过 1024 MB" in error
    assert not Cadre.objects.exists()


def test_a_member_lying_about_its_size_is_never_read_past_its_declared_size(
    world: World, tmp_path: Path
) -> None:
    big = b"<Person>" + b" " * (20 * 1024 * 1024) + b"</Person>"
    data = bytearray(_zip([("谎报.lrmx", big), ("好.lrmx", minimal_lrmx())], level=9))
    declared = struct.pack("<I", len(big))
    # rewrite the declared size in the local header and the central directory: 1000 bytes
    assert data.count(declared) == 2
    data = bytearray(bytes(data).replace(declared, struct.pack("<I", 1000)))
    names = [(name, content is None, problem) for name, content, problem in zip_members(bytes(data))]
    assert names[0] == ("谎报.lrmx", True, "压缩包中的该文件已损坏或加密，无法读取")
    assert names[1] == ("好.lrmx", False, "")


def test_a_zip_with_10000_members_is_refused(world: World, tmp_path: Path) -> None:
    data = _zip([(f"{i}.lrmx", b"x") for i in range(10_000)])
    _report, error = _run_import(world, tmp_path, data)
    assert "压缩包内文件过多（10000 个，最多 5000 个）" in error
    with pytest.raises(LrmxError, match="压缩包内文件过多"):
        list(zip_members(data))


def test_not_a_zip_is_a_chinese_error() -> None:
    with pytest.raises(LrmxError, match="不是有效的 zip 压缩包"):
        list(zip_members(b"PK\x03\x04" + b"\x00" * 100))


def test_a_killed_parsing_child_fails_that_file_and_the_next_file_goes_on(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse = lrmx_reading._parse

    def parse_or_die(data: bytes, codes: Any) -> Any:  # in the child: a parser that crashes hard
        if b"KILL-THE-PARSER" in data:
            os.kill(os.getpid(), signal.SIGKILL)
        return parse(data, codes)

    monkeypatch.setattr(lrmx_reading, "_parse", parse_or_die)
    deadly = minimal_lrmx(JianKangZhuangKuang="KILL-THE-PARSER")
    data = _zip([("致命.lrmx", deadly), ("好.lrmx", minimal_lrmx())])
    report, error = _run_import(world, tmp_path, data)
    assert "[失败] 致命.lrmx：文件过大或结构异常，超出系统读取限制" in report
    assert "[成功] 好.lrmx：陈明（新增）" in report
    assert "成功 1 个，失败 1 个" in error
    assert list(Cadre.objects.values_list("name", flat=True)) == ["陈明"]


def test_a_killed_unpacking_child_is_a_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(data: bytes, directory: str) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(lrmx_archive, "_unpack", die)
    with pytest.raises(LrmxError, match="超出系统读取限制"):
        list(zip_members(_zip([("a.lrmx", minimal_lrmx())])))
