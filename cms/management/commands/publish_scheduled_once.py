"""Wagtail's `publish_scheduled`, one run at a time across hosts (core/locks.py); run this one
from cron instead of Wagtail's."""

from wagtail.management.commands.publish_scheduled import Command as PublishScheduled

from core.locks import SingleInstanceCommand


class Command(SingleInstanceCommand, PublishScheduled):
    help = (
        "Publish and unpublish the pages and snippets editors scheduled (Wagtail's "
        "publish_scheduled), unless another host is doing it right now."
    )
    lock_name = "publish_scheduled"
