"""Uploaded images, checked and re-encoded with Pillow before anything is stored.

An upload is never kept as sent: ``image_reencode`` decodes it, turns it upright
(EXIF orientation), drops everything that is not pixels (EXIF with the GPS position,
comments, bytes appended after the image such as HTML in a GIF) and writes a fresh JPEG
(a PNG when the image has transparency), plus a small thumbnail. The pixel count is
bounded before any decoding (``MAX_PIXELS``): a 12 000 × 12 000 PNG of a few kilobytes
would otherwise take half a gigabyte of memory to open.
"""

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# 40 megapixels: a 7 300 × 5 470 photo. Phones take 12 to 24 MP by default.
MAX_PIXELS = 40_000_000
# Pillow itself refuses twice this (DecompressionBombError) and warns above it, for every
# image it opens in the process (Django's ImageField included): set in CoreConfig.ready().
PILLOW_MAX_IMAGE_PIXELS = MAX_PIXELS

# Only these decoders run on an upload: Pillow would otherwise try every format it knows
# (EPS through Ghostscript, PSD, …) on bytes chosen by the sender.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
JPEG_QUALITY = 85
THUMBNAIL_SIZE = (480, 360)

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}


@dataclass(frozen=True)
class ReencodedImage:
    """A re-encoded image ready for a FileField (``content.name`` is random)."""

    content: ContentFile
    thumbnail: ContentFile
    content_type: str
    width: int
    height: int


def random_name(directory: str, filename: str) -> str:
    """``directory/<uuid>.<ext>``: never the sender's name, never a guessable path. Only
    the extensions that ``image_reencode`` writes are kept."""
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS.values():
        suffix = ".bin"
    return f"{directory.rstrip('/')}/{uuid.uuid4().hex}{suffix}"


def _too_big(name: str) -> ValidationError:
    return ValidationError(
        _(
            "« %(name)s » est trop grande : %(max)s mégapixels au plus (par exemple "
            "7 300 × 5 470 pixels). Réduisez-la avant de l'envoyer."
        ),
        code="image_too_big",
        params={"name": name, "max": MAX_PIXELS // 1_000_000},
    )


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("« %(name)s » n'est pas une image (JPEG, PNG, WebP ou GIF attendu)."),
        code="invalid_image",
        params={"name": name},
    )


def _open(data: bytes, name: str) -> Image.Image:
    """Open without decoding the pixels; refuse what is too big or not an image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big(name) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _not_an_image(name) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_big(name)
    return image


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def image_check(upload) -> None:
    """A cheap check for forms: the header is an accepted image of a bounded size and
    its structure verifies (no pixel is decoded)."""
    name = getattr(upload, "name", "") or ""
    image = _open(_read(upload), name)
    try:
        image.verify()
    except Exception:  # Pillow raises many kinds on broken files
        raise _not_an_image(name) from None


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def image_reencode(upload) -> ReencodedImage:
    """Decode ``upload`` and write it again: JPEG, or PNG when it has transparency.

    Raises ``ValidationError`` (codes ``image_too_big``, ``invalid_image``) with a message
    naming the file. Animated images keep their first frame.
    """
    name = getattr(upload, "name", "") or ""
    data = _read(upload)
    image = _open(data, name)
    try:
        image.verify()
        # verify() leaves the image unusable: open it again to decode it.
        image = _open(data, name)
        image.load()
        image = ImageOps.exif_transpose(image)
        transparent = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if transparent else "RGB")
    except ValidationError:
        raise
    except Exception:  # truncated or corrupt data
        raise _not_an_image(name) from None
    fmt = "PNG" if transparent else "JPEG"
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    extension = EXTENSIONS[fmt]
    return ReencodedImage(
        content=ContentFile(_encode(image, fmt), name=f"photo{extension}"),
        thumbnail=ContentFile(_encode(thumbnail, fmt), name=f"miniature{extension}"),
        content_type=CONTENT_TYPES[fmt],
        width=image.width,
        height=image.height,
    )
