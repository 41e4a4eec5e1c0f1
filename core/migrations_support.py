"""Helpers for migrations that move a model from one app to another without moving its table."""


def move_content_types(apps, from_app: str, to_app: str, models: list[str]) -> None:
    """Give the moved models' content types to their new app, so that permissions granted on
    them, Wagtail's audit entries and anything else that points at a content type follow the
    model (same ids, new app label).

    A content type already made for the new app (by a `migrate` of only part of the apps, whose
    post_migrate ran before this migration) is merged into the moved one: its permissions'
    grants and every row pointing at it move over first, then it is deleted."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in models:
        moved = ContentType.objects.filter(app_label=from_app, model=model).first()
        if moved is None:
            continue
        stale = ContentType.objects.filter(app_label=to_app, model=model).first()
        if stale is not None:
            _merge(apps, ContentType, Permission, stale=stale, into=moved)
        moved.app_label = to_app
        moved.save(update_fields=["app_label"])


def _merge(apps, ContentType, Permission, *, stale, into) -> None:
    kept = {p.codename: p for p in Permission.objects.filter(content_type=into)}
    for permission in Permission.objects.filter(content_type=stale):
        twin = kept.get(permission.codename)
        if twin is None:
            permission.content_type = into
            permission.save(update_fields=["content_type"])
            continue
        twin.group_set.add(*permission.group_set.all())
        twin.user_set.add(*permission.user_set.all())
        permission.delete()
    # Hidden relations too (related_name="+"): Wagtail's log entries point at content types so.
    for relation in ContentType._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.is_relation) or relation.concrete:
            continue
        if relation.related_model is Permission or relation.many_to_many:
            continue
        relation.related_model._default_manager.filter(**{relation.field.name: stale}).update(
            **{relation.field.name: into}
        )
    stale.delete()
