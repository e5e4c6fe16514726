"""An offer's photo through the API: uploaded as multipart, returned as photo_url."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.spending.conftest import funded_member, make_offer, venue_staff


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_venue_staff_upload_a_photo_and_members_see_its_url(client, venue, programme, settings):
    settings.SITE_URL = "https://credits.example"
    offer = make_offer(venue)
    client.force_login(venue_staff(venue))
    image = jpeg()

    uploaded = client.post(
        f"/api/v1/offers/{offer.pk}/photo",
        {"photo": SimpleUploadedFile("p.jpg", image, content_type="image/jpeg")},
    )
    client.force_login(funded_member(programme).user)
    listed = client.get("/api/v1/offers").json()["items"][0]
    served = client.get(listed["photo_url"].removeprefix("https://credits.example"))

    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["photo_url"] == listed["photo_url"]
    assert listed["photo_url"].startswith(f"https://credits.example/offers/{offer.pk}/photo?v=")
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(served.streaming_content) == image


def test_a_file_that_is_not_an_image_is_refused_with_422_and_nothing_changes(client, venue):
    offer = make_offer(venue)
    client.force_login(venue_staff(venue))

    refused = client.post(
        f"/api/v1/offers/{offer.pk}/photo",
        {"photo": SimpleUploadedFile("p.jpg", b"GIF89a not really", content_type="image/jpeg")},
    )

    offer.refresh_from_db()
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "offer_invalid"
    assert refused.json()["error"]["detail"] == [
        {"field": "photo", "message": "The photo must be a JPEG, PNG, GIF or WebP image."}
    ]
    assert offer.photo.name == ""


def test_a_photo_over_the_size_limit_is_refused_with_422(client, venue, settings):
    settings.OFFER_PHOTO_MAX_BYTES = 100
    offer = make_offer(venue)
    client.force_login(venue_staff(venue))
    image = jpeg()

    refused = client.post(
        f"/api/v1/offers/{offer.pk}/photo",
        {"photo": SimpleUploadedFile("p.jpg", image, content_type="image/jpeg")},
    )

    offer.refresh_from_db()
    assert len(image) > 100
    assert refused.status_code == 422
    assert refused.json()["error"]["detail"][0]["message"] == (
        "The photo is too large: the most is 100\xa0bytes."
    )
    assert offer.photo.name == ""


def test_a_member_cannot_set_an_offer_s_photo(client, venue, programme):
    offer = make_offer(venue)
    client.force_login(funded_member(programme).user)

    refused = client.post(
        f"/api/v1/offers/{offer.pk}/photo",
        {"photo": SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")},
    )

    offer.refresh_from_db()
    assert refused.status_code == 403
    assert offer.photo.name == ""
