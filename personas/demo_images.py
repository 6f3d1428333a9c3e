"""Demo pictures drawn locally with Pillow, so the demo needs no network and no stock photos."""

import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFilter, ImageFont


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]):
    width, height = size
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def avatar(monogram: str, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A 512×512 avatar: a soft gradient, a light disc and a Latin monogram."""
    image = _gradient((512, 512), top, bottom)
    draw = ImageDraw.Draw(image)
    draw.ellipse((96, 96, 416, 416), fill=(255, 255, 255))
    font = ImageFont.load_default(size=170)
    draw.text((256, 262), monogram, fill=bottom, font=font, anchor="mm")
    return _png(image)


def cover(top: tuple[int, int, int], bottom: tuple[int, int, int], seed: str) -> bytes:
    """A 1280×720 JPEG cover: gradient with blurred bubbles placed from `seed`."""
    image = _gradient((1280, 720), top, bottom)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    digest = hashlib.sha256(seed.encode()).digest()
    for i in range(12):
        x = digest[i] * 5
        y = digest[i + 12] * 3
        r = 40 + digest[i + 20] % 120
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 70))
    layer = layer.filter(ImageFilter.GaussianBlur(8))
    image = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    return _jpeg(image)


def placeholder_qr(seed: str) -> bytes:
    """A QR-code-like square for the demo. It encodes nothing: real accounts upload their own."""
    cells = 25
    scale = 12
    image = Image.new("RGB", (cells * scale, cells * scale), "white")
    draw = ImageDraw.Draw(image)
    digest = hashlib.sha256(seed.encode()).digest() * math.ceil(cells * cells / 256)
    for row in range(cells):
        for col in range(cells):
            in_finder = any(
                r <= row < r + 7 and c <= col < c + 7
                for r, c in ((0, 0), (0, cells - 7), (cells - 7, 0))
            )
            if in_finder:
                r0, c0 = (0 if row < 7 else cells - 7), (0 if col < 7 else cells - 7)
                dr, dc = row - r0, col - c0
                dark = dr in (0, 6) or dc in (0, 6) or (2 <= dr <= 4 and 2 <= dc <= 4)
            else:
                dark = (digest[(row * cells + col) // 8] >> ((row * cells + col) % 8)) & 1
            if dark:
                x, y = col * scale, row * scale
                draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill="black")
    return _png(image)


def picture(seed: str, size: int = 800) -> bytes:
    """A square JPEG whose colours and shapes follow from `seed` (for demo posts)."""
    digest = hashlib.sha256(seed.encode()).digest()
    top = (155 + digest[0] % 100, 155 + digest[1] % 100, 155 + digest[2] % 100)
    bottom = (60 + digest[3] % 120, 60 + digest[4] % 120, 60 + digest[5] % 120)
    image = Image.open(io.BytesIO(cover(top, bottom, seed))).resize((size, size))
    draw = ImageDraw.Draw(image)
    r = size // 5
    cx, cy = size // 2, size // 2 + digest[6] % (size // 6)
    draw.rounded_rectangle(
        (cx - r // 2, cy - r, cx + r // 2, cy + r), radius=r // 4, fill=(255, 255, 255)
    )
    draw.rectangle((cx - r // 3, cy - r - r // 3, cx + r // 3, cy - r), fill=bottom)
    return _jpeg(image)
