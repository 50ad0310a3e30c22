"""Working days as Japanese public offices count them.

Closed on Saturdays, Sundays, national holidays (jpholiday) and 29 December to 3 January,
the year-end closure set by the Act on Holidays of Administrative Organs.
"""

import datetime

import jpholiday
from django.utils import timezone


def is_year_end_closure(day):
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day):
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_year_end_closure(day)


def working_days_before(moment, count):
    """The moment `count` working days before `moment`, at the same local time of day.

    An enquiry received before this moment has waited more than `count` working days.
    """
    local = timezone.localtime(moment)
    day = local.date()
    remaining = count
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)
