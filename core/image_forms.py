"""The admin's image form (`WAGTAILIMAGES_IMAGE_FORM_BASE`, cms/settings/base.py), used by the
single and multiple upload views, the chooser's upload and the edit view.

Wagtail's image field reads an upload's size through Willow, which decodes the whole picture
with Pillow; a damaged file (a PNG cut in half) makes Pillow raise "image file is truncated",
and the field lets that OSError through: the upload answers 500. Here it becomes the field's
usual "Upload a valid image" error. (docs/stack-notes.md, Wagtail.)
"""

from django.core.exceptions import ValidationError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class DecodedImageField(WagtailImageField):
    def to_python(self, data):
        try:
            return super().to_python(data)
        except (OSError, SyntaxError) as exc:  # Pillow's errors for truncated or corrupt data
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The field is built by Wagtail's formfield callback, which a base form cannot replace;
        # swap it for the same field that keeps its label, widget and requiredness.
        field = self.fields.get("file")
        if isinstance(field, WagtailImageField):
            self.fields["file"] = DecodedImageField(
                label=field.label, required=field.required, widget=field.widget
            )
