"""django-recurrence's widget, made to live inside Wagtail's page editor.

The stock widget media load Django admin's own jQuery, which replaces the jQuery that Wagtail's
editor already put on the page and breaks its date-time chooser (docs/stack-notes.md).
This subclass loads a tiny shim that points `django.jQuery` at Wagtail's jQuery instead, and
the JavaScript translation catalogue the widget's scripts need for `gettext`.
"""

from django import forms
from django.templatetags.static import static
from django.urls import reverse
from recurrence.forms import RecurrenceWidget


class WagtailRecurrenceWidget(RecurrenceWidget):
    @property
    def media(self):
        return forms.Media(
            js=[
                reverse("recurrence-jsi18n"),
                static("js/recurrence-jquery-shim.js"),
                static("recurrence/js/recurrence.js"),
                static("recurrence/js/recurrence-widget.js"),
                static("recurrence/js/recurrence-widget.init.js"),
            ],
            css={"all": [static("recurrence/css/recurrence.css")]},
        )
