"""What people type or import: full-width and half-width are the same thing.

Japanese keyboards and phones produce full-width letters, digits and symbols (`Ｐ－９００１`,
`ｋ７ｑｍ２ｘｐａ`) as easily as half-width ones. NFKC normalisation maps them (and half-width
katakana, and compatibility characters such as `①`) to one form, so `Ｐ－９００１` is the
participant `P-9001`. This module is the one place that does it: forms through
`NFKCFormMixin`, the importer, search and the check-in code through `nfkc`.
"""

import unicodedata

from django import forms


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


class NFKCFormMixin:
    """Normalise every text field of a bound form before it is validated. Passwords are left
    exactly as typed: they are compared, not read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            key = self.add_prefix(name)
            if hasattr(data, "getlist"):
                if key in data:
                    data.setlist(key, [_text(value) for value in data.getlist(key)])
            elif isinstance(data.get(key), str):
                data[key] = nfkc(data[key])
        self.data = data


def _text(value):
    return nfkc(value) if isinstance(value, str) else value
