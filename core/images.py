"""Renditions that never take a page down.

An image row can outlive its file: a second app server without shared media, a database
restored without its media folder, an original deleted from the bucket, or a damaged file
uploaded before uploads were checked (core/image_forms.py). Wagtail's `{% image %}` tag turns
a missing original into a broken `<img src="…/not-found">`, and a damaged one, or any direct
`get_rendition()`, into a 500. Pages render images through `safe_rendition` instead: no image,
one warning on the "manabiba.images" logger.

Wagtail's own admin views (image listing, edit page, chooser) make thumbnails through
`get_rendition_or_not_found`, which only expects `SourceImageIOError`: a damaged file made them
answer 500. `guard_pillow_decoding` below makes a file Pillow cannot decode raise that error too,
so the admin shows its "not found" thumbnail instead. (docs/stack-notes.md, Wagtail.)
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


def guard_pillow_decoding() -> None:
    """Make Willow's Pillow decoder raise Wagtail's `SourceImageIOError` for a file it cannot
    decode (truncated, or garbage after a valid header), as Wagtail already does for a file it
    cannot open. Done through Willow's registry, its plugin interface: each converter that opens
    a stored file in Pillow is registered again, wrapped. Idempotent.

    Uploads are unaffected: `SourceImageIOError` is an `OSError`, which the upload form turns
    into its "Upload a valid image" error (core/image_forms.py)."""
    from wagtail.images.models import SourceImageIOError
    from willow.plugins.pillow import PillowImage
    from willow.registry import registry

    for source_class, _cost in getattr(PillowImage.open, "_willow_converter_from", ()):
        opener = registry.get_converter(source_class, PillowImage)
        if getattr(opener, "_manabiba_guarded", False):
            continue

        def open_or_source_error(image_file, _open=opener):
            try:
                return _open(image_file)
            except SourceImageIOError:
                raise
            except (OSError, SyntaxError) as exc:  # Pillow's errors for truncated or corrupt data
                raise SourceImageIOError(f"cannot decode: {type(exc).__name__}: {exc}") from exc

        open_or_source_error._manabiba_guarded = True
        registry.register_converter(source_class, PillowImage, open_or_source_error)


# Registered on import: this module is imported with the template tag libraries
# (core/templatetags/safe_images.py, cms/templatetags/cms_tags.py), which Django loads when its
# template engine starts, before any admin view renders a thumbnail.
guard_pillow_decoding()


def safe_image_chosen_view():
    """Wagtail's image chooser "chosen" view (the step after an editor picks an image), with a
    "not found" preview instead of a 500 when the image's file is missing or cannot be read:
    Wagtail's own `get_chosen_response_data` calls `get_rendition` without catching
    `SourceImageIOError`. Mounted by cms/urls.py on Wagtail's address, before Wagtail's."""
    from wagtail.admin.views.generic.chooser import ChosenResponseMixin
    from wagtail.images.models import SourceImageIOError
    from wagtail.images.shortcuts import get_rendition_or_not_found
    from wagtail.images.views.chooser import viewset

    class SafeImageChosenView(viewset.chosen_view_class):
        def get_chosen_response_data(self, image, preview_image_filter="max-165x165"):
            try:
                return super().get_chosen_response_data(image, preview_image_filter)
            except SourceImageIOError:
                logger.warning("image %s: file missing or unreadable (chooser)", image.pk)
                data = ChosenResponseMixin.get_chosen_response_data(self, image)
                preview = get_rendition_or_not_found(image, preview_image_filter)
                data["preview"] = {
                    "url": preview.url,
                    "width": preview.width,
                    "height": preview.height,
                }
                data["default_alt_text"] = image.default_alt_text
                return data

    return viewset.construct_view(SafeImageChosenView)
