"""Behaviour shared by the site's page types."""


class SharePageMixin:
    """Pages say which image represents them when shared; the meta tags fall back to the
    site's default share image."""

    def get_share_image(self):
        return None
