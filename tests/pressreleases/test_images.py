import io
import struct
import zlib

import pytest
from django.contrib.admin import AdminSite, TabularInline
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import ExifTags, ImageCms
from PIL import Image as PILImage

from pressreleases.images import ImageForm, UploadedImageField, image_srcset
from pressreleases.models import Image, PressRelease
from tests.factories import PressReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db

GPS = ExifTags.IFD.GPSInfo


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def release():
    return PressReleaseFactory()


def picture(size=(1200, 800), mode="RGB", color=(200, 40, 40)) -> PILImage.Image:
    image = PILImage.new(mode, size, color)
    image.paste((20, 60, 180) if mode != "P" else 3, (0, 0, size[0] // 2, size[1] // 2))
    return image


def encode(image: PILImage.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def exif_with_location(orientation: int = 1) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Camera maker"
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 12.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (16.0, 22.0, 10.0)
    return exif


def bound_form(release, content: bytes, name="press-photo.jpg", **data) -> ImageForm:
    fields = {"alt_text": "Delegates at a round table", "caption": "", "credit": "", "order": 0}
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return ImageForm(
        data={**fields, **data}, files={"file": upload}, instance=Image(release=release)
    )


def upload(release, content: bytes, name="press-photo.jpg") -> Image:
    form = bound_form(release, content, name)
    assert form.is_valid(), form.errors
    return form.save()


def stored(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as file:
        image = PILImage.open(io.BytesIO(file.read()))
        image.load()
    return image


def month_folder() -> str:
    return f"releases/{timezone.now():%Y/%m}"


def test_location_data_is_never_stored(release):
    original = encode(picture(), "JPEG", exif=exif_with_location())
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(GPS) != {}

    image = upload(release, original)

    kept = stored(image.file.name)
    assert kept.format == "JPEG"
    assert kept.getexif().get_ifd(GPS) == {}
    assert dict(kept.getexif()) == {}


@pytest.mark.parametrize(("image_format", "extension"), [("PNG", "png"), ("WEBP", "webp")])
def test_location_data_is_stripped_from_every_format(release, image_format, extension):
    original = encode(picture(), image_format, exif=exif_with_location())
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(GPS) != {}

    image = upload(release, original, name=f"press-photo.{extension}")

    assert image.file.name == f"{month_folder()}/press-photo.{extension}"
    assert stored(image.file.name).getexif().get_ifd(GPS) == {}


def test_xmp_and_comments_are_not_stored(release):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,12.5N</exif:GPSLatitude>'
    original = encode(picture(), "JPEG", xmp=xmp + b"</x:xmpmeta>", comment=b"Taken at home")
    assert {"xmp", "comment"} <= PILImage.open(io.BytesIO(original)).info.keys()

    image = upload(release, original)

    assert {"xmp", "comment"} & stored(image.file.name).info.keys() == set()


def test_camera_orientation_is_applied_before_the_metadata_is_dropped(release):
    # Orientation 6: the camera was turned, the picture must be turned a quarter to stand up.
    original = encode(picture((600, 400)), "JPEG", exif=exif_with_location(orientation=6))

    image = upload(release, original)

    assert (image.width, image.height) == (400, 600)
    assert stored(image.file.name).size == (400, 600)


def test_colour_profile_is_kept(release):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = upload(release, encode(picture(), "JPEG", icc_profile=profile))

    assert stored(image.file.name).info["icc_profile"] == profile
    assert stored(image.renditions["480"]).info["icc_profile"] == profile


def test_renditions_are_made_at_each_width_narrower_than_the_original(release):
    image = upload(release, encode(picture((1200, 800)), "JPEG"))

    folder = month_folder()
    assert image.renditions == {
        "480": f"{folder}/press-photo.w480.webp",
        "960": f"{folder}/press-photo.w960.webp",
    }
    assert Image.objects.get(pk=image.pk).renditions == image.renditions
    sizes = {width: stored(name).size for width, name in image.renditions.items()}
    assert sizes == {"480": (480, 320), "960": (960, 640)}
    assert {stored(name).format for name in image.renditions.values()} == {"WEBP"}


def test_srcset_lists_the_renditions_then_the_original(release):
    image = upload(release, encode(picture((1200, 800)), "JPEG"))

    folder = month_folder()
    assert image_srcset(image) == (
        f"/media/{folder}/press-photo.w480.webp 480w, "
        f"/media/{folder}/press-photo.w960.webp 960w, "
        f"/media/{folder}/press-photo.jpg 1200w"
    )


def test_an_image_narrower_than_every_rendition_is_its_own_srcset(release):
    image = upload(release, encode(picture((400, 300)), "JPEG"))

    assert image.renditions == {}
    assert image_srcset(image) == f"/media/{month_folder()}/press-photo.jpg 400w"


def test_png_transparency_is_kept_in_the_original_and_the_renditions(release):
    original = picture((1000, 500), mode="RGBA", color=(0, 0, 0, 0))

    image = upload(release, encode(original, "PNG"), name="logo.png")

    kept = stored(image.file.name)
    assert (kept.format, kept.mode) == ("PNG", "RGBA")
    assert kept.getpixel((999, 499)) == (0, 0, 0, 0)
    rendition = stored(image.renditions["480"]).convert("RGBA")
    assert rendition.getpixel((479, 239))[3] == 0
    assert rendition.getpixel((0, 0))[3] == 255


def test_palette_transparency_is_kept(release):
    original = picture((600, 300), mode="P", color=1)
    original.putpalette([255, 255, 255, 200, 0, 0, 0, 0, 0, 20, 60, 180])

    image = upload(release, encode(original, "GIF", transparency=1), name="map.gif")

    kept = stored(image.file.name)
    assert kept.format == "GIF"
    assert kept.convert("RGBA").getpixel((599, 299))[3] == 0
    assert kept.convert("RGBA").getpixel((0, 0)) == (20, 60, 180, 255)
    assert stored(image.renditions["480"]).convert("RGBA").getpixel((479, 239))[3] == 0


def test_cmyk_photo_gets_rgb_renditions(release):
    image = upload(release, encode(picture((800, 600), mode="CMYK", color=(0, 0, 0, 0)), "JPEG"))

    assert stored(image.file.name).mode == "CMYK"
    assert stored(image.renditions["480"]).getpixel((479, 359)) == (255, 255, 255)


def test_phone_photo_with_extra_frames_is_stored_as_a_jpeg(release):
    first, depth_map = picture((800, 600)), picture((800, 600), mode="RGB", color=(0, 0, 0))
    original = encode(first, "MPO", save_all=True, append_images=[depth_map])
    assert PILImage.open(io.BytesIO(original)).format == "MPO"

    image = upload(release, original, name="IMG_0042.JPG")

    assert image.file.name == f"{month_folder()}/img_0042.jpg"
    assert stored(image.file.name).format == "JPEG"


def test_text_file_named_like_a_jpeg_is_refused(release):
    form = bound_form(release, b"Embargoed until Monday 09:00 CET.\n" * 20)

    assert form.errors == {"file": ["This file is not a JPEG, PNG, WebP or GIF image."]}


def test_image_in_another_format_is_refused(release):
    form = bound_form(release, encode(picture(), "TIFF"), name="scan.tif")

    assert form.errors == {"file": ["This file is not a JPEG, PNG, WebP or GIF image."]}


def test_truncated_jpeg_is_refused(release):
    whole = encode(picture(), "JPEG")

    form = bound_form(release, whole[: len(whole) // 2])

    assert form.errors == {
        "file": [
            "The image file is damaged or incomplete; export it again and upload the new file."
        ]
    }


def test_png_with_a_broken_checksum_is_refused(release):
    whole = bytearray(encode(picture(), "PNG"))
    whole[-20] ^= 0xFF  # inside the last data chunk, whose checksum no longer matches

    form = bound_form(release, bytes(whole), name="chart.png")

    assert form.errors == {
        "file": [
            "The image file is damaged or incomplete; export it again and upload the new file."
        ]
    }


def test_empty_file_is_refused(release):
    form = bound_form(release, b"")

    assert form.errors == {"file": ["The submitted file is empty."]}


def test_animated_gif_is_refused(release):
    frames = [picture((200, 100), color=color) for color in ["red", "green", "blue"]]
    original = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])

    form = bound_form(release, original, name="banner.gif")

    assert form.errors == {"file": ["Animated images are not accepted; upload a still picture."]}


def test_image_over_the_pixel_limit_is_refused_before_its_pixels_are_decoded(
    release, settings, monkeypatch
):
    settings.IMAGE_MAX_PIXELS = 100_000
    original = encode(picture((400, 300)), "PNG")

    def decode(self):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(PILImage.Image, "load", decode)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", decode)
    form = bound_form(release, original, name="poster.png")

    assert form.errors == {"file": ["The image is 400 × 300 pixels; the limit is 0.1 megapixels."]}


def test_pixel_limit_message_groups_thousands(release, settings):
    settings.IMAGE_MAX_PIXELS = 1_500_000
    form = bound_form(release, encode(picture((1600, 1000)), "JPEG"))

    assert form.errors == {
        "file": ["The image is 1,600 × 1,000 pixels; the limit is 1.5 megapixels."]
    }


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims another size, with a valid header checksum."""
    data = bytearray(encode(PILImage.new("L", (8, 8)), "PNG"))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def test_decompression_bomb_is_a_form_error(release):
    form = bound_form(release, png_claiming(100_000, 100_000), name="bomb.png")

    assert form.errors == {
        "file": ["The image is too large to open safely; the limit is 40 megapixels."]
    }


def test_pillow_bomb_warning_is_refused_even_when_the_limit_allows_more(release, settings):
    # 10,000 × 10,000 is above Pillow's own limit but below twice it, where Pillow only warns.
    settings.IMAGE_MAX_PIXELS = 200_000_000

    form = bound_form(release, png_claiming(10_000, 10_000), name="bomb.png")

    assert form.errors == {
        "file": ["The image is too large to open safely; the limit is 200 megapixels."]
    }


def test_header_over_the_limit_is_refused_without_decoding(release):
    form = bound_form(release, png_claiming(8_000, 6_000), name="large.png")

    assert form.errors == {
        "file": ["The image is 8,000 × 6,000 pixels; the limit is 40 megapixels."]
    }


@pytest.mark.parametrize(
    ("limit", "size", "message"),
    [
        (1024, 1536, "The file is 1.5 KB; the limit is 1 KB."),
        (2 * 1024 * 1024, 3 * 1024 * 1024, "The file is 3 MB; the limit is 2 MB."),
    ],
)
def test_file_over_the_byte_limit_is_refused(release, settings, limit, size, message):
    settings.IMAGE_MAX_UPLOAD_BYTES = limit
    content = encode(picture((40, 30)), "PNG")
    content += b"\0" * (size - len(content))

    form = bound_form(release, content, name="photo.png")

    assert form.errors == {"file": [message]}


def test_alt_text_is_required(release):
    form = bound_form(release, encode(picture(), "JPEG"), alt_text="")

    assert form.errors == {"alt_text": ["This field is required."]}


def test_refused_upload_writes_nothing(release, media):
    bound_form(release, b"not an image").is_valid()

    assert list(media.rglob("*")) == []
    assert Image.objects.count() == 0


def test_editing_the_caption_keeps_the_file_and_renditions(release):
    image = upload(release, encode(picture(), "JPEG"))
    form = ImageForm(
        data={"alt_text": "Delegates", "caption": "Opening session", "credit": "", "order": 1},
        instance=image,
    )

    assert form.is_valid(), form.errors
    edited = form.save()

    folder = month_folder()
    assert edited.file.name == f"{folder}/press-photo.jpg"
    assert Image.objects.get(pk=image.pk).renditions == {
        "480": f"{folder}/press-photo.w480.webp",
        "960": f"{folder}/press-photo.w960.webp",
    }
    assert sorted(default_storage.listdir(folder)[1]) == [
        "press-photo.jpg",
        "press-photo.w480.webp",
        "press-photo.w960.webp",
    ]


def test_replacing_the_file_replaces_the_renditions(release, django_capture_on_commit_callbacks):
    image = upload(release, encode(picture((1200, 800)), "JPEG"))
    old_original, old_renditions = image.file.name, set(image.renditions.values())
    form = ImageForm(
        data={"alt_text": "Delegates", "caption": "", "credit": "", "order": 0},
        files={"file": SimpleUploadedFile("second.png", encode(picture((1000, 500)), "PNG"))},
        instance=image,
    )
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        replaced = form.save()

    folder = month_folder()
    assert replaced.renditions == {
        "480": f"{folder}/second.w480.webp",
        "960": f"{folder}/second.w960.webp",
    }
    assert [default_storage.exists(name) for name in old_renditions] == [False, False]
    # The replaced original stays: an earlier revision of the image may point at it.
    assert default_storage.exists(old_original)


def test_deleting_a_release_keeps_its_image_files_for_recovery(
    release, media, django_capture_on_commit_callbacks
):
    image = upload(release, encode(picture(), "JPEG"))
    stored = sorted(str(path) for path in media.rglob("*") if path.is_file())
    assert len(stored) == 3

    with django_capture_on_commit_callbacks(execute=True):
        PressRelease.objects.filter(pk=release.pk).delete()

    # A deleted release can be recovered from its revisions, images included.
    assert sorted(str(path) for path in media.rglob("*") if path.is_file()) == stored
    assert not Image.objects.filter(pk=image.pk).exists()


def test_image_saved_outside_the_form_is_cleaned_too(release):
    original = encode(picture(), "JPEG", exif=exif_with_location())

    image = Image.objects.create(
        release=release, alt_text="Imported", file=ContentFile(original, name="Imported Photo.jpg")
    )

    assert image.file.name == f"{month_folder()}/imported-photo.jpg"
    assert stored(image.file.name).getexif().get_ifd(GPS) == {}
    assert sorted(image.renditions) == ["480", "960"]


def test_bad_file_saved_outside_the_form_is_refused(release):
    with pytest.raises(ValidationError) as refused:
        Image.objects.create(
            release=release, alt_text="Imported", file=ContentFile(b"<html>", name="photo.jpg")
        )

    assert refused.value.messages == ["This file is not a JPEG, PNG, WebP or GIF image."]
    assert Image.objects.count() == 0


def test_admin_inline_built_on_the_form_verifies_uploads():
    class ImageInline(TabularInline):
        model = Image
        form = ImageForm

    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True)
    formset = ImageInline(PressRelease, AdminSite()).get_formset(request)

    file_field = formset.form.base_fields["file"]
    assert isinstance(file_field, UploadedImageField)
    assert isinstance(file_field.widget, AdminFileWidget)
    assert file_field.widget.attrs["accept"] == "image/jpeg,image/png,image/webp,image/gif"
