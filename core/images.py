"""Renditions that never take a page down.

An image row can outlive its file: a second app server without shared media, a database
restored without its media folder, an original deleted from the bucket, or a damaged file
uploaded before uploads were checked (core/image_forms.py). Wagtail's `{% image %}` tag turns
a missing original into a broken `<img src="…/not-found">`, and a damaged one, or any direct
`get_rendition()`, into a 500. Pages render images through `safe_rendition` instead: no image,
one warning on the "manabiba.images" logger.
"""

import logging

logger = logging.getLogger("manabiba.images")

# SourceImageIOError (the original is missing) is an OSError, and so is what Pillow raises for a
# truncated or corrupt file. With object storage, botocore's errors (the store refuses or cannot
# be reached) are not OSErrors.
try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - boto3 is in requirements.txt
    RENDITION_ERRORS: tuple[type[BaseException], ...] = (OSError,)
else:
    RENDITION_ERRORS = (OSError, BotoCoreError, ClientError)


def safe_rendition(image, spec):
    """`image.get_rendition(spec)`, or None when its file cannot be read: logged once per image
    instance, which is not asked again (a page shows its hero image and shares it in its meta
    tags, and each miss may be a round trip to the object store)."""
    if getattr(image, "_manabiba_unreadable", False):
        return None
    try:
        return image.get_rendition(spec)
    except RENDITION_ERRORS as exc:
        image._manabiba_unreadable = True
        logger.warning(
            "Image %s (%s) left out: its file cannot be rendered as %s: %s: %s",
            image.pk,
            image.file.name,
            spec,
            type(exc).__name__,
            exc,
        )
        return None
