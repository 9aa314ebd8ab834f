"""Trade-in photos (#12, O-8): re-encoded with Pillow, bounded in pixels, stored under
random names through the storage API, served by a view that checks the user's scope."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from opportunities.tradeins import services as tradeins
from opportunities.tradeins.models import TradeIn, TradeInPhoto
from tests.accounts.factories import PointOfSaleFactory, UserFactory

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^tradeins/[0-9a-f]{32}\.(jpg|png)$")

FORM = {
    "kind": "seche",
    "destination": "particulier",
    "brand": "Peugeot",
    "model": "308",
    "energy": "essence",
    "mileage": "62000",
}


def image_bytes(fmt: str = "JPEG", size=(64, 48), mode: str = "RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=0 if mode == "1" else None).save(buffer, fmt, **save)
    return buffer.getvalue()


def bomb_png(width: int = 12_000, height: int = 12_000) -> bytes:
    """A 1-bit PNG claiming 144 megapixels: a few tens of kilobytes, half a gigabyte
    once decoded in RGB."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def photo_url(photo: TradeInPhoto, thumbnail: bool = False) -> str:
    name = "opportunities:tradein_photo_thumbnail" if thumbnail else "opportunities:tradein_photo"
    return reverse(name, args=[photo.trade_in_id, photo.pk])


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_re_encoded_and_stored_under_a_random_name(client, seller, opportunity):
    sent = image_bytes("JPEG", quality=100)
    client.force_login(seller)
    response = client.post(
        reverse("opportunities:tradein_create", args=[opportunity.pk]),
        {**FORM, "photos": [upload("avant-gauche.jpg", sent)]},
    )
    assert response.status_code == 302
    photo = TradeIn.objects.get().photos.get()
    assert RANDOM_NAME.match(photo.image.name), photo.image.name
    assert RANDOM_NAME.match(photo.thumbnail.name)
    assert "avant" not in photo.image.name
    assert photo.content_type == "image/jpeg"
    with default_storage.open(photo.image.name, "rb") as handle:
        stored = handle.read()
    assert stored != sent
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
    with default_storage.open(photo.thumbnail.name, "rb") as handle:
        assert Image.open(handle).size[0] <= 480


@pytest.fixture
def photo(trade_in):
    return TradeInPhoto.objects.create(
        trade_in=trade_in,
        image=ContentFile(image_bytes("JPEG"), name="photo.jpg"),
        thumbnail=ContentFile(image_bytes("JPEG", size=(16, 12)), name="miniature.jpg"),
        content_type="image/jpeg",
    )


@pytest.mark.parametrize("who", ["seller", "validator"])
def test_the_salesperson_and_the_validator_see_the_photo(client, request, photo, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (64, 48)
    thumbnail = client.get(photo_url(photo, thumbnail=True))
    assert thumbnail.status_code == 200
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).size == (16, 12)


def test_the_trade_in_page_shows_thumbnails_linking_to_the_photo(client, seller, photo):
    client.force_login(seller)
    body = client.get(reverse("opportunities:tradein_detail", args=[photo.trade_in_id])).content
    body = body.decode()
    assert f'src="{photo_url(photo, thumbnail=True)}"' in body
    assert f'href="{photo_url(photo)}"' in body
    assert settings.MEDIA_URL not in body


@pytest.mark.parametrize(
    "who",
    [
        # a salesperson of another entity
        lambda: UserFactory(
            group_type="vendeur", points_of_sale=[PointOfSaleFactory()], rights=["access_vn"]
        ),
        # a validator of another point of sale
        lambda: UserFactory(
            group_type="valideur-reprises",
            points_of_sale=[PointOfSaleFactory()],
            rights=["validate_tradeins"],
        ),
    ],
)
def test_a_user_of_another_entity_gets_404(client, photo, who):
    client.force_login(who())
    assert client.get(photo_url(photo)).status_code == 404
    assert client.get(photo_url(photo, thumbnail=True)).status_code == 404


def test_a_photo_of_another_trade_in_is_not_served_under_this_one(
    client, seller, photo, opportunity, vehicle_data
):
    other = tradeins.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
    client.force_login(seller)
    url = reverse("opportunities:tradein_photo", args=[other.pk, photo.pk])
    assert client.get(url).status_code == 404


def test_the_photo_view_needs_a_login(client, photo):
    assert client.get(photo_url(photo)).status_code == 302


@pytest.mark.parametrize("size", [(12_000, 12_000), (8_000, 6_000)], ids=["144mp", "48mp"])
def test_a_decompression_bomb_is_refused_next_to_the_field(client, seller, opportunity, size):
    data = bomb_png(*size)
    assert len(data) < 200_000  # cheap to send
    client.force_login(seller)
    response = client.post(
        reverse("opportunities:tradein_create", args=[opportunity.pk]),
        {**FORM, "photos": [upload("bombe.png", data, "image/png")]},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "« bombe.png » est trop grande : 40 mégapixels au plus" in body
    assert "Peugeot" in body  # the rest of the form is kept
    assert not TradeIn.objects.exists()
    assert stored_files() == []


def test_the_service_refuses_a_bomb_too_and_stores_nothing(opportunity, seller, vehicle_data):
    good = upload("bien.jpg", image_bytes("JPEG"))
    bomb = upload("bombe.png", bomb_png(), "image/png")
    with pytest.raises(ValidationError) as exc:
        tradeins.tradein_create(
            opportunity=opportunity, by=seller, photos=[good, bomb], **vehicle_data
        )
    assert "trop grande" in " ".join(exc.value.message_dict["photos"])
    assert not TradeIn.objects.exists()
    assert stored_files() == []


def test_a_gif_with_html_appended_is_stored_without_the_html(client, seller, opportunity):
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    data = image_bytes("GIF", mode="P") + html
    client.force_login(seller)
    response = client.post(
        reverse("opportunities:tradein_create", args=[opportunity.pk]),
        {**FORM, "photos": [upload("polyglotte.gif", data, "image/gif")]},
    )
    assert response.status_code == 302
    photo = TradeIn.objects.get().photos.get()
    with default_storage.open(photo.image.name, "rb") as handle:
        stored = handle.read()
    assert b"<html" not in stored and b"<script" not in stored
    assert photo.content_type == "image/jpeg"
    served = client.get(photo_url(photo))
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"<html" not in b"".join(served.streaming_content)


def test_orientation_is_applied_and_exif_dropped(opportunity, seller, vehicle_data):
    """A phone photo taken upright (EXIF orientation 6) is stored upright, without its
    EXIF (GPS position of the customer's driveway)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    sent = image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())
    trade_in = tradeins.tradein_create(
        opportunity=opportunity, by=seller, photos=[upload("portrait.jpg", sent)], **vehicle_data
    )
    photo = trade_in.photos.get()
    with default_storage.open(photo.image.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.size == (20, 40)
        assert not image.getexif()


def test_transparency_is_kept_as_png(opportunity, seller, vehicle_data):
    sent = image_bytes("PNG", mode="RGBA")
    trade_in = tradeins.tradein_create(
        opportunity=opportunity,
        by=seller,
        photos=[upload("logo.png", sent, "image/png")],
        **vehicle_data,
    )
    photo = trade_in.photos.get()
    assert photo.content_type == "image/png"
    assert photo.image.name.endswith(".png")


def test_a_photo_stored_before_re_encoding_is_served_as_an_image_only(client, seller, trade_in):
    name = default_storage.save("tradeins/2025/01/avant.gif", ContentFile(image_bytes("GIF")))
    legacy = TradeInPhoto.objects.create(trade_in=trade_in, image=name)
    client.force_login(seller)
    response = client.get(photo_url(legacy))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    # its missing thumbnail: the photo itself
    assert client.get(photo_url(legacy, thumbnail=True)).status_code == 200
    html = default_storage.save("tradeins/2025/01/evil.html", ContentFile(b"<script></script>"))
    not_an_image = TradeInPhoto.objects.create(trade_in=trade_in, image=html)
    assert client.get(photo_url(not_an_image)).status_code == 404
