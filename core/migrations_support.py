"""Helpers for migrations that move a model from one app to another without moving its table."""


def move_content_types(apps, from_app: str, to_app: str, models: list[str]) -> None:
    """Give the moved models' content types to their new app, so that permissions granted on
    them, Wagtail's audit entries and anything else that points at a content type follow the
    model. A content type already made for the new app (by a `migrate` that ran before this
    migration existed) is merged into the moved one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in models:
        old = ContentType.objects.filter(app_label=from_app, model=model).first()
        if old is None:
            continue
        stale = ContentType.objects.filter(app_label=to_app, model=model).first()
        if stale is not None:
            # Permissions made for the stale type duplicate the moved ones: drop them.
            Permission.objects.filter(content_type=stale).delete()
            stale.delete()
        old.app_label = to_app
        old.save(update_fields=["app_label"])
