import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Tokyo, aware."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())
