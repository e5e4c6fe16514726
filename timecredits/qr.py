"""QR codes as SVG: a payload in, markup out, nothing else (no ORM, no request)."""

import io

import qrcode
import qrcode.image.svg


def _code(payload: str, box_size: int, border: int) -> qrcode.QRCode:
    # Medium error correction survives a smudged print or a glare on a tablet screen.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_svg(payload: str, *, box_size: int = 10, border: int = 4) -> str:
    """An SVG QR code, for pages: sharp at any size, printed or on a screen."""
    image = _code(payload, box_size, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_png(payload: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG QR code, for downloads and for apps that want an image."""
    buffer = io.BytesIO()
    _code(payload, box_size, border).make_image().save(buffer, format="PNG")
    return buffer.getvalue()
