from django import template

from cms.accounts.carrier_mail import sender_domain

register = template.Library()


@register.simple_tag
def mail_sender_domain() -> str:
    """The domain carrier-mail users must allow (cms/accounts/carrier_mail.py)."""
    return sender_domain()
