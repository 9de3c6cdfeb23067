"""QR codes as SVG: for an authenticator's setup link and a survey's public link."""

import base64
import io

import qrcode
import qrcode.image.svg


def qr_svg(text: str, box_size: int = 12) -> bytes:
    """The text as a QR code, an SVG document (paths, no raster), with a quiet zone."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_data_uri(text: str) -> str:
    """The text as a QR code image, inline as a data URI (allowed by the CSP's img-src)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode()
