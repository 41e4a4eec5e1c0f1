"""The upload form: a CSV or Excel file, not empty, not larger than the limit."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .uploads import EXTENSIONS, MAX_UPLOAD_SIZE


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance spreadsheet"),
        help_text=_(
            "A CSV file (UTF-8 or Shift_JIS) or an Excel workbook (.xlsx) with the columns "
            "participant, school, date, kind. Nothing is imported before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received. Choose the file again."),
        },
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if Path(file.name).suffix.lower() not in EXTENSIONS:
            raise ValidationError(
                _("Choose a CSV (.csv) or Excel (.xlsx) file; “%(name)s” is neither."),
                code="extension",
                params={"name": Path(file.name).name[:100]},
            )
        if file.size > MAX_UPLOAD_SIZE:
            raise ValidationError(
                _("The file is %(size)s; files up to %(limit)s can be imported. Split it in two."),
                code="too_large",
                params={
                    "size": filesizeformat(file.size),
                    "limit": filesizeformat(MAX_UPLOAD_SIZE),
                },
            )
        if file.size == 0:
            raise ValidationError(self.fields["file"].error_messages["empty"], code="empty")
        return file
