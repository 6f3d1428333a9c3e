"""Images as the API and previews describe them: one rendition size, absolute URLs."""

from __future__ import annotations

from collections.abc import Callable

IMAGE_RENDITION = "max-1080x1080"


def image_dict(image, alt: str = "", absolute: Callable[[str], str] = str) -> dict | None:
    """``{"url", "width", "height", "alt"}`` of `image`'s rendition, or None."""
    if image is None:
        return None
    rendition = image.get_rendition(IMAGE_RENDITION)
    return {
        "url": absolute(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": alt or getattr(image, "default_alt_text", "") or image.title,
    }


def with_renditions(image_queryset):
    """`image_queryset` with the API rendition prefetched (no query per image)."""
    return image_queryset.prefetch_renditions(IMAGE_RENDITION)
