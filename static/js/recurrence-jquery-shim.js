// django-recurrence expects Django admin's `django.jQuery`; Wagtail's editor already has jQuery.
// Reuse it rather than loading a second copy that would break Wagtail's own widgets.
window.django = window.django || {};
if (!window.django.jQuery) {
  window.django.jQuery = window.jQuery;
}
