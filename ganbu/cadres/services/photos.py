"""The 2-inch photo of the 任免审批表.

A photo comes from outside (an upload, the ZhaoPian of an LRMX file) and is decoded by native code,
so it is never stored as sent: `photo_reencode` decodes it with Pillow in a limited child process
(`core.sandbox`), after checking the size its header declares (at most PHOTO_MAX_PIXELS, so a small
file declaring a huge image — a decompression bomb — is refused before any pixel is decoded), and
writes a new JPEG of the pixels only (EXIF, GPS, ICC profiles, comments and any bytes appended to
the file are dropped; the EXIF orientation is applied first). Not an image, a damaged or truncated
one, or too many pixels: a ValidationError with a Chinese message.
"""

from __future__ import annotations

import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.cadres.errors import PHOTO_PIXELS, PHOTO_TOO_LARGE, PHOTO_TYPE
from ganbu.cadres.models import Cadre
from ganbu.cadres.services.common import require_scope
from ganbu.core import sandbox
from ganbu.org.models import User

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_PIXELS = 25_000_000  # declared width × height; a 2-inch photo at 600 dpi is 1.4 million
PHOTO_MAX_SIDE = 1600  # the stored photo is scaled down to fit 1600 × 1600
PHOTO_QUALITY = 90
# The decoding child: a 25-megapixel RGBA image is 100 MB, its RGB copy 75 MB.
PHOTO_LIMITS = sandbox.Limits(memory_mb=1024, cpu_seconds=20, wall_seconds=30, output_mb=16)

NOT_AN_IMAGE = "照片应为 JPG 或 PNG 格式的图片，该文件不是有效的图片（或已损坏、不完整）"
TOO_LARGE = f"照片不能超过 {PHOTO_MAX_BYTES // (1024 * 1024)}MB"


class PhotoError(ValueError):
    """A photo that cannot be stored; `code` is one of the registry's error codes."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)
        self.message = message
        self.code = code


def _pixels_message(width: int | None = None, height: int | None = None) -> str:
    size = f"{width}×{height} 像素，" if width is not None else ""
    return f"照片尺寸过大（{size}最多 {PHOTO_MAX_PIXELS // 1_000_000} 百万像素），疑似异常文件，请使用正常的证件照"


def _reencode(content: bytes) -> bytes:
    """In the child: check the declared size, decode, write a clean JPEG. Any failure of the
    decoder is "not a valid image" (never another exception)."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS  # Pillow's own guard as well (it refuses above twice this)
    try:
        with Image.open(io.BytesIO(content), formats=["JPEG", "PNG"]) as image:
            width, height = image.size  # from the header: nothing is decoded yet
            if width <= 0 or height <= 0 or width * height > PHOTO_MAX_PIXELS:
                raise PhotoError(_pixels_message(width, height), PHOTO_PIXELS)
            image.load()  # decodes: a truncated or damaged file fails here
            upright = ImageOps.exif_transpose(image) or image
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                clean = Image.new("RGB", rgba.size, (255, 255, 255))
                clean.paste(rgba, mask=rgba.getchannel("A"))
            else:
                clean = upright.convert("RGB")
            clean.info = {}  # no EXIF, ICC profile, comment or text chunk travels on
            clean.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
            return out.getvalue()
    except PhotoError:
        raise
    except Image.DecompressionBombError as exc:
        raise PhotoError(_pixels_message(), PHOTO_PIXELS) from exc
    except Exception as exc:  # UnidentifiedImageError, truncated data, a decoder's own error
        raise PhotoError(NOT_AN_IMAGE, PHOTO_TYPE) from exc


def photo_reencode(content: bytes) -> bytes:
    """The photo as a clean JPEG (see the module docstring), decoded in a limited child process.
    Raises ValidationError({"photo": message}) with code PHOTO_TOO_LARGE, PHOTO_TYPE or
    PHOTO_PIXELS."""
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": TOO_LARGE}, code=PHOTO_TOO_LARGE)
    if not content:
        raise ValidationError({"photo": NOT_AN_IMAGE}, code=PHOTO_TYPE)
    try:
        return sandbox.run(_reencode, content, limits=PHOTO_LIMITS)
    except PhotoError as exc:
        raise ValidationError({"photo": exc.message}, code=exc.code) from exc
    except sandbox.SandboxError as exc:
        raise ValidationError(
            {"photo": "照片无法在限制内读取（内存或时间超限），疑似异常文件，请使用正常的证件照"},
            code=PHOTO_PIXELS,
        ) from exc


def cadre_set_photo(*, cadre: Cadre, content: bytes, actor: User | None) -> Cadre:
    """Store the 2-inch photo of the 任免审批表 (JPEG or PNG, at most 2 MB), re-encoded as a clean
    JPEG (`photo_reencode`); replaces the old one. The event keeps the SHA-256 of what was sent and
    of what was stored."""
    require_scope(actor, cadre.unit)
    clean = photo_reencode(content)
    digest = hashlib.sha256(clean).hexdigest()
    old_name = cadre.photo.name if cadre.photo else ""
    with transaction.atomic():
        cadre.photo.save(f"{cadre.pk}_{digest[:12]}.jpg", ContentFile(clean), save=False)
        cadre.save(update_fields=["photo", "updated_at"])
        record_event(
            actor=actor,
            action="cadre.photo",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"sha256": digest, "uploaded_sha256": hashlib.sha256(content).hexdigest()},
        )
    if old_name and old_name != cadre.photo.name:
        cadre.photo.storage.delete(old_name)
    return cadre
