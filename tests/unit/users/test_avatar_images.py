"""Avatar images: the type told by the bytes, the square crop, metadata dropped, bombs refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from shared.errors import DomainError
from subgraphs.users.avatars import normalise_image, sniff_image_type
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.settings import UsersSettings

SETTINGS = UsersSettings(avatar_size=64)


def _encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_encoded(Image.new("RGB", (4, 4)), "PNG"), "image/png"),
        (_encoded(Image.new("RGB", (4, 4)), "JPEG"), "image/jpeg"),
        (_encoded(Image.new("RGB", (4, 4)), "WEBP"), "image/webp"),
        (_encoded(Image.new("RGB", (4, 4)), "GIF"), None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"", None),
    ],
)
def test_the_type_is_told_by_the_first_bytes(data: bytes, expected: str | None) -> None:
    # when the bytes are sniffed, then only PNG, JPEG and WebP are recognised
    assert sniff_image_type(data) == expected


def test_a_wide_image_is_cropped_to_its_centre_and_scaled_down() -> None:
    # given a 300x100 image: red, green and blue thirds
    image = Image.new("RGB", (300, 100), (255, 0, 0))
    image.paste((0, 255, 0), (100, 0, 200, 100))
    image.paste((0, 0, 255), (200, 0, 300, 100))
    # when it is normalised to 64 pixels a side
    result = normalise_image(_encoded(image, "PNG"), SETTINGS)
    # then it is a 64x64 JPEG (no transparency) of the green centre
    assert (result.content_type, result.width, result.height) == ("image/jpeg", 64, 64)
    with Image.open(io.BytesIO(result.data)) as out:
        assert out.size == (64, 64)
        red, green, blue = out.convert("RGB").getpixel((32, 32))  # type: ignore[misc]
    assert green > 200
    assert red < 60
    assert blue < 60


def test_metadata_is_dropped() -> None:
    # given a JPEG carrying EXIF data (a camera model)
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 3000"
    data = _encoded(Image.new("RGB", (80, 80), (10, 20, 30)), "JPEG", exif=exif)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()[0x0110] == "Secret Camera 3000"
    # when it is normalised, then the stored image has no EXIF
    result = normalise_image(data, SETTINGS)
    with Image.open(io.BytesIO(result.data)) as out:
        assert dict(out.getexif()) == {}


def test_a_header_claiming_a_huge_image_is_refused_before_decoding() -> None:
    # given a tiny file whose header claims 30000 x 30000 pixels
    bomb = _png_claiming(30_000, 30_000)
    assert len(bomb) < 100
    # when it is normalised, then it is refused for its pixel count
    with pytest.raises(DomainError) as raised:
        normalise_image(bomb, UsersSettings())
    assert raised.value.error_code is UsersErrorCode.AVATAR_TOO_MANY_PIXELS
    # and under the platform's own limit, the configured limit still applies
    with pytest.raises(DomainError) as raised:
        normalise_image(_png_claiming(5000, 5000), UsersSettings(avatar_max_pixels=1_000_000))
    assert raised.value.error_code is UsersErrorCode.AVATAR_TOO_MANY_PIXELS
