"""QR codes as SVG: a payload in, markup out, nothing else (no ORM, no request)."""

import qrcode
import qrcode.image.svg


def qr_svg(payload: str, *, box_size: int = 10, border: int = 4) -> str:
    """An SVG QR code with medium error correction, readable from a printed page or a screen."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(payload)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
