from django import template
from django.utils.translation import gettext as _
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from cms import site_data
from cms.accounts.middleware import ADMIN_SESSION
from core.images import safe_rendition
from programs.kinds import SupportKind

register = template.Library()

SHARE_RENDITION = "fill-1200x630"


@register.inclusion_tag("includes/meta.html", takes_context=True)
def page_meta(context, page=None, title=None, description=None):
    """Title, description, canonical URL and Open Graph / Twitter card tags.

    Links to the site are mostly shared on Instagram, Facebook and LINE, so every public page
    needs a title, a description and an image that make sense in a preview card.
    """
    request = context["request"]
    # The site and its social settings without a query (below, and in the footer).
    site_data.load(request)
    page = page or context.get("page") or context.get("self")
    site_name = _("Manabiba")
    image = None
    canonical = request.build_absolute_uri(request.path)
    if page is not None and hasattr(page, "specific"):
        title = title or page.seo_title or page.title
        description = (
            description
            or page.search_description
            or getattr(page, "summary", "")
            or getattr(page, "intro", "")
        )
        image = page.get_share_image() if hasattr(page, "get_share_image") else None
        canonical = page.get_full_url(request) or canonical
    if image is None:
        # Wagtail's `settings` context proxy is an empty dict until first used (falsy) and has no
        # attribute access: ask the setting model directly (cached on the request).
        from cms.models import SocialSettings

        image = SocialSettings.for_request(request).default_share_image
    image_url = image_alt = None
    # A share image whose file is gone leaves the card without a picture, not the page a 500.
    rendition = safe_rendition(image, SHARE_RENDITION) if image is not None else None
    if rendition is not None:
        image_url = request.build_absolute_uri(rendition.url)
        image_alt = image.title
    description = description or _(
        "Manabiba: free learning support for teenagers in Masuda. An open study space, "
        "experiments, fieldwork, projects and consultations, at your own pace."
    )
    return {
        "title": title or site_name,
        "site_name": site_name,
        "description": " ".join(str(description).split())[:200],
        "canonical": canonical,
        "image_url": image_url,
        "image_alt": image_alt,
        "og_type": "article" if page is not None and page.depth and page.depth > 2 else "website",
        "og_locale": "ja_JP" if context.get("LANGUAGE_CODE", "ja") == "ja" else "en_US",
    }


@register.simple_tag
def kind_label(value):
    try:
        return SupportKind(value).label
    except ValueError:
        return ""


@register.simple_tag(takes_context=True)
def program_index(context):
    """The programme index, for the site navigation (shared between requests: cms/site_data.py)."""
    return site_data.load(context["request"])["program_index"]


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some parameters replaced (pagination keeps the filter)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's user bar, for sessions that were given admin access at login. Asking Wagtail
    itself costs every student two permission queries per page for a bar they never see."""
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None or not session.get(ADMIN_SESSION):
        return ""
    return wagtailuserbar(context)
