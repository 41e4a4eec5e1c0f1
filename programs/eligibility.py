"""Who may book a programme: its schools (none listed: anyone, at a school or not) and its age
band. The one rule that `book()` enforces and that pages explain.

Only a participant's birth year is known, so on a given day they are one of two ages; they are
admitted when either fits the band. A participant whose birth year we do not know is admitted:
staff turn nobody away on a guess.
"""

import datetime as dt


def age_band_admits(birth_year: int | None, *, on: dt.date, age_min: int, age_max: int) -> bool:
    if birth_year is None:
        return True
    oldest = on.year - birth_year  # after their birthday this year
    youngest = oldest - 1  # before it
    return youngest <= age_max and oldest >= age_min


def admits(
    *,
    restricted_to_schools: bool,
    at_listed_school: bool,
    birth_year: int | None,
    on: dt.date,
    age_min: int,
    age_max: int,
) -> bool:
    if restricted_to_schools and not at_listed_school:
        return False
    return age_band_admits(birth_year, on=on, age_min=age_min, age_max=age_max)
