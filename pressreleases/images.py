"""Press-release images: what an upload must pass, what is stored, and the resized copies.

An upload is checked with Pillow before any pixel is decoded (bytes, format, pixel count), then
decoded in full and re-encoded from its pixels alone: EXIF and XMP (with any location data),
comments and bytes trailing the image never reach storage. The EXIF orientation is applied first,
so pictures stay upright.

Renditions are WebP copies at the configured widths narrower than the original. They are made by
a `post_save` receiver whenever an Image is saved with a new file, whatever saved it (the admin,
an import, a revert); replaced renditions are deleted once the change is committed. Deleting an
Image keeps its files, so a release recovered from its revisions gets its pictures back.
"""

import io
import logging
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, JpegImagePlugin

from .models import Image

logger = logging.getLogger(__name__)

# The Pillow plugins an upload may be opened with: no other parser sees untrusted bytes.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Pillow's name for an accepted format → the format and extension the clean copy is stored in.
# Phones write JPEGs with extra frames (depth maps, previews); Pillow's JPEG plugin reads them
# as MPO.
ACCEPTED_FORMATS = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "GIF": ("GIF", "gif"),
}
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif"
RENDITION_QUALITY = 80

NOT_AN_IMAGE = "This file is not a JPEG, PNG, WebP or GIF image."
DAMAGED = "The image file is damaged or incomplete; export it again and upload the new file."
ANIMATED = "Animated images are not accepted; upload a still picture."
TOO_MANY_BYTES = "The file is {size}; the limit is {limit}."
TOO_MANY_PIXELS = "The image is {width:,} × {height:,} pixels; the limit is {limit} megapixels."
BOMB = "The image is too large to open safely; the limit is {limit} megapixels."
NOT_CONVERTIBLE = (
    "The image could not be converted for the web; export it as an RGB JPEG or PNG and "
    "upload it again."
)


class VerifiedImageFile(ContentFile):
    """An image re-encoded by `clean_image_upload`, so saving it does not clean it again."""


def verify_image_upload(upload: File) -> PILImage.Image:
    """Decode an uploaded image in full and return it, or raise ValidationError saying why not.

    The byte size, the format and the pixel count are checked before any pixel is decoded, so a
    decompression bomb costs no more than reading its header.
    """
    byte_limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if upload.size > byte_limit:
        raise ValidationError(
            TOO_MANY_BYTES.format(size=_file_size(upload.size), limit=_file_size(byte_limit)),
            code="too_many_bytes",
        )
    pixel_limit = settings.IMAGE_MAX_PIXELS
    megapixels = f"{pixel_limit / 1_000_000:g}"
    with warnings.catch_warnings():
        # Pillow only warns between its own pixel limit and twice that; refuse those too.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            upload.seek(0)
            header = PILImage.open(upload, formats=OPENED_FORMATS)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise ValidationError(BOMB.format(limit=megapixels), code="too_many_pixels") from None
        except Exception:  # Pillow reports a malformed header with many exception types.
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
        width, height = header.size
        if width * height > pixel_limit:
            raise ValidationError(
                TOO_MANY_PIXELS.format(width=width, height=height, limit=megapixels),
                code="too_many_pixels",
            )
        if header.format != "MPO" and getattr(header, "is_animated", False):
            raise ValidationError(ANIMATED, code="animated")
        try:
            header.verify()
            upload.seek(0)
            image = PILImage.open(upload, formats=OPENED_FORMATS)
            image.load()
        except Exception:
            raise ValidationError(DAMAGED, code="damaged") from None
    return image


def clean_image_upload(upload: File) -> VerifiedImageFile:
    """Verify an upload and return a copy holding only its pixels (upright), its colour profile
    and its transparency, named after the upload with the extension of its format."""
    image = verify_image_upload(upload)
    stored_format, extension = ACCEPTED_FORMATS[image.format]
    options = _encoder_options(image, stored_format)
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # An unreadable EXIF block holds no orientation worth applying.
        upright = image.copy()
    upright.info = {}
    buffer = io.BytesIO()
    try:
        upright.save(buffer, format=stored_format, **options)
    except (OSError, ValueError):
        raise ValidationError(NOT_CONVERTIBLE, code="not_convertible") from None
    stem = slugify(Path(upload.name or "").stem)[:60].strip("-") or "image"
    return VerifiedImageFile(buffer.getvalue(), name=f"{stem}.{extension}")


def _encoder_options(image: PILImage.Image, stored_format: str) -> dict:
    options = {}
    if icc_profile := image.info.get("icc_profile"):
        options["icc_profile"] = icc_profile
    if "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    if stored_format == "JPEG":
        # The original's own quantisation keeps its quality without growing the file.
        if image.quantization:
            options["qtables"] = image.quantization
        options["subsampling"] = JpegImagePlugin.get_sampling(image)
        options["progressive"] = "progressive" in image.info or "progression" in image.info
    elif stored_format == "WEBP":
        options["quality"] = 90
    return options


def _file_size(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


class UploadedImageField(forms.FileField):
    """A file field whose upload is verified and replaced by its clean copy.

    The stored name is made from the upload's name, so the upload's own name length is not
    limited.
    """

    def __init__(self, *, max_length: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)

    def to_python(self, data) -> VerifiedImageFile | None:
        upload = super().to_python(data)
        return None if upload is None else clean_image_upload(upload)

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPTED_TYPES
        return attrs


class ImageForm(forms.ModelForm):
    """A release's image as staff edit it; a new file is verified and cleaned on upload."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "order"]
        field_classes = {"file": UploadedImageField}


def rendition_widths(image: Image) -> list[int]:
    """The configured widths narrower than the image: upscaled copies would only cost bytes."""
    return sorted(w for w in settings.IMAGE_RENDITION_WIDTHS if image.width and w < image.width)


def create_renditions(image: Image) -> dict[str, str]:
    """Write a WebP copy of the image's file at each of its `rendition_widths`, record them on
    the image and its row, and return them as {"480": file name, ...}.

    Existing rendition files are left alone. An original that cannot be read from storage
    (a record restored without its file) is logged and gets no renditions.
    """
    storage = image.file.storage
    root = os.path.splitext(image.file.name)[0]
    renditions = {}
    widths = rendition_widths(image)
    if widths:
        try:
            with storage.open(image.file.name, "rb") as stored:
                original = PILImage.open(io.BytesIO(stored.read()))
                original.load()
        except OSError:
            logger.warning("Image %s: cannot read %s to make renditions.", image.pk, image.file)
            widths = []
        else:
            picture, icc_profile = _web_ready(original)
        for width in widths:
            height = max(1, round(picture.height * width / picture.width))
            resized = picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3)
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=RENDITION_QUALITY, icc_profile=icc_profile)
            name = storage.save(f"{root}.w{width}.webp", ContentFile(buffer.getvalue()))
            renditions[str(width)] = name
    image.renditions = renditions
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    return renditions


def _web_ready(picture: PILImage.Image) -> tuple[PILImage.Image, bytes | None]:
    """RGB or RGBA pixels for WebP, and the colour profile that describes them, if any."""
    icc_profile = picture.info.get("icc_profile")
    if picture.mode.startswith("I"):
        # convert() clips 16-bit grey at 255 instead of scaling it down.
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    if icc_profile and picture.mode in ("CMYK", "L"):
        # A CMYK or grey profile cannot describe RGB pixels: convert through it to sRGB.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            srgb = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(picture, source, srgb, outputMode="RGB"), None
        except ImageCms.PyCMSError:
            logger.warning("Unusable %s colour profile; converting without it.", picture.mode)
    if picture.mode not in ("RGB", "RGBA", "P", "PA"):
        icc_profile = None
    return picture.convert("RGBA" if picture.has_transparency_data else "RGB"), icc_profile


def image_srcset(image: Image) -> str:
    """The `srcset` of an image: its renditions, narrowest first, then the original, as
    "url 480w, url 960w, url 1200w". Empty when the image has no file."""
    if not image.file:
        return ""
    storage = image.file.storage
    by_width = sorted(image.renditions.items(), key=lambda item: int(item[0]))
    candidates = [f"{storage.url(name)} {width}w" for width, name in by_width]
    candidates.append(f"{image.file.url} {image.width}w")
    return ", ".join(candidates)


def _delete_files(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        storage.delete(name)


@receiver(pre_save, sender=Image, dispatch_uid="pressreleases.images.clean_new_file")
def clean_new_file(sender, instance: Image, raw: bool, **kwargs) -> None:
    """Give files assigned outside ImageForm (imports, demo data) the same checks and clean-up,
    and note what the row held, for `refresh_renditions`."""
    if raw:
        return
    instance._stored_files = (
        Image.objects.filter(pk=instance.pk).values("file", "renditions").first()
        if instance.pk
        else None
    )
    if (
        instance.file
        and not instance.file._committed
        and not isinstance(instance.file.file, VerifiedImageFile)
    ):
        instance.file = clean_image_upload(instance.file.file)


@receiver(post_save, sender=Image, dispatch_uid="pressreleases.images.refresh_renditions")
def refresh_renditions(sender, instance: Image, raw: bool, **kwargs) -> None:
    """Remake the renditions when the file, or the widths wanted, changed.

    The renditions the row held are deleted once the save is committed. A replaced original is
    kept: an earlier revision of the image may point at it.
    """
    stored = instance.__dict__.pop("_stored_files", None)
    if raw:
        return
    stored_file, stored_renditions = (
        (stored["file"], stored["renditions"]) if stored else (None, {})
    )
    wanted = [str(width) for width in rendition_widths(instance)]
    if (
        stored_file == instance.file.name
        and instance.renditions == stored_renditions
        and sorted(stored_renditions, key=int) == wanted
    ):
        return
    renditions = create_renditions(instance)
    # Only files the row itself held: a copied or restored record may list another's files.
    obsolete = set(stored_renditions.values()) - set(renditions.values())
    if obsolete:
        storage = instance.file.storage
        transaction.on_commit(lambda: _delete_files(storage, obsolete), robust=True)
