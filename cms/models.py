"""Site-wide pages: the home page, plain content pages, the impact page, and the site settings
used for sharing links on social media."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from attendance.services.impact import public_headline
from core.blocks import BodyBlock
from core.pages import CachedRoutingMixin, CachedViewRestrictionsMixin, SharePageMixin
from core.time import local_date
from outreach.services.figures import public_totals as outreach_totals
from programs.listing import shared_upcoming_programs

from . import site_data


@register_setting(icon="site")
class SocialSettings(BaseSiteSetting):
    """What a link to the site shows when it is shared on Instagram, Facebook or LINE."""

    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("default share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used when a page has no image of its own. 1200×630 works best."),
    )
    instagram_url = models.URLField(_("Instagram URL"), blank=True)
    facebook_url = models.URLField(_("Facebook URL"), blank=True)

    panels = [
        FieldPanel("default_share_image"),
        FieldPanel("instagram_url"),
        FieldPanel("facebook_url"),
    ]

    class Meta:
        verbose_name = _("social media")


class HomePage(CachedRoutingMixin, CachedViewRestrictionsMixin, SharePageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["programs.ProgramIndexPage", "cms.ContentPage", "cms.ImpactPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_share_image(self):
        return self.hero_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["program_index"] = site_data.load(request)["program_index"]
        context["upcoming"] = shared_upcoming_programs(now=timezone.now())[:4]
        return context


class ContentPage(CachedViewRestrictionsMixin, SharePageMixin, Page):
    """A plain page: about us, access, privacy policy, for guardians."""

    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class ImpactPage(CachedViewRestrictionsMixin, SharePageMixin, Page):
    """The year in numbers for the public: visits, people and programme sessions of the current
    fiscal year. Any count below 3 is shown as "<3" so that no one can be singled out."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("impact page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["headline"] = public_headline(now=now)
        context["outreach"] = outreach_totals(
            today=local_date(now), fiscal_year=context["headline"]["fiscal_year"]
        )
        return context
