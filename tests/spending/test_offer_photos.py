"""An offer's photo: uploaded on the venue's form, checked as an image, served by the app."""

import io
import random

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from partners.models import StaffMembership
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.spending.display import photo_url
from timecredits.spending.models import Offer
from timecredits.spending.use_cases import offer_photo_set


def png(width=4, height=3, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name="swim.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def offer_form(programme, **values):
    return {
        "programmes": [str(programme.pk)],
        "title": "Swim",
        "credits": "1",
        "category": "leisure",
        "days": [str(d) for d in range(7)],
        "active": "on",
    } | values


def test_a_photo_uploaded_on_the_venue_form_is_served_with_its_type_and_caching(
    client, venue, programme
):
    client.force_login(venue_staff(venue, StaffMembership.Role.ORG_ADMIN))
    image = png()

    saved = client.post(
        f"/organisations/{venue.pk}/offers/",
        offer_form(programme, photo=upload(image)),
        follow=True,
    )
    offer = Offer.objects.get()
    member = funded_member(programme)
    client.force_login(member.user)
    page = client.get(f"/offers/{offer.pk}/").content.decode()
    client.logout()
    served = client.get(photo_url(offer))

    assert saved.status_code == 200 and "Offer saved." in saved.content.decode()
    assert offer.photo.name.startswith("offers/") and offer.photo.name.endswith(".png")
    assert f'<img src="{photo_url(offer)}"' in page.replace("&amp;", "&")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "public, max-age=86400"
    assert b"".join(served.streaming_content) == image


def test_a_browser_that_has_the_photo_gets_304(client, venue):
    offer = make_offer(venue)
    offer = offer_photo_set(
        actor=venue_staff(venue), offer_id=offer.pk, photo=upload(png(), name="a.png")
    )
    etag = client.get(photo_url(offer))["ETag"]

    again = client.get(photo_url(offer), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again["ETag"] == etag


def test_replacing_a_photo_serves_the_new_one_at_a_new_url_and_deletes_the_old_file(
    client, venue, django_capture_on_commit_callbacks
):
    staff = venue_staff(venue)
    offer = offer_photo_set(actor=staff, offer_id=make_offer(venue).pk, photo=upload(png()))
    old_url, old_name = photo_url(offer), offer.photo.name
    blue = png(colour=(0, 0, 255))

    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_photo_set(
            actor=staff,
            offer_id=offer.pk,
            photo=upload(blue, name="b.jpg", content_type="image/jpeg"),
        )

    assert photo_url(offer) != old_url
    assert offer.photo.name.endswith(".png")  # named by what it is, not what it was called
    assert b"".join(client.get(photo_url(offer)).streaming_content) == blue
    assert default_storage.exists(old_name) is False


def test_a_file_that_is_not_an_image_is_refused_on_the_form_and_nothing_is_saved(client, venue):
    offer = make_offer(venue, title="Swim")
    client.force_login(venue_staff(venue))

    response = client.post(
        f"/organisations/{venue.pk}/offers/{offer.pk}/",
        offer_form(venue.programmes.get(), title="Changed", photo=upload(b"<svg>", name="x.png")),
    )

    offer.refresh_from_db()
    assert response.status_code == 200
    assert "Upload a valid image." in response.content.decode()
    assert (offer.title, offer.photo.name) == ("Swim", "")


@override_settings(OFFER_PHOTO_MAX_BYTES=1000)
def test_a_photo_over_the_size_limit_is_refused_on_the_form_and_nothing_is_saved(client, venue):
    noisy = io.BytesIO()
    Image.frombytes("L", (64, 64), random.Random(1).randbytes(64 * 64)).save(noisy, format="PNG")
    client.force_login(venue_staff(venue))

    response = client.post(
        f"/organisations/{venue.pk}/offers/",
        offer_form(venue.programmes.get(), photo=upload(noisy.getvalue())),
    )

    assert len(noisy.getvalue()) > 1000
    assert response.status_code == 200
    assert "The photo is too large: the most is 1000" in response.content.decode()
    assert Offer.objects.count() == 0


def test_an_unpublished_offer_s_photo_is_only_for_its_venue_s_staff(client, venue):
    staff = venue_staff(venue)
    offer = offer_photo_set(
        actor=staff, offer_id=make_offer(venue, active=False).pk, photo=upload(png())
    )

    stranger = client.get(photo_url(offer))
    client.force_login(staff)
    own = client.get(photo_url(offer))

    assert stranger.status_code == 404
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"


def test_an_offer_without_a_photo_has_no_photo_url_and_its_photo_is_404(client, venue):
    offer = make_offer(venue)

    assert photo_url(offer) == ""
    assert client.get(f"/offers/{offer.pk}/photo").status_code == 404
