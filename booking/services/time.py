import datetime as dt

from programs.schedule import local_zone

__all__ = ["local_date", "local_zone", "start_of_day"]


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Tokyo, aware."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())
