"""How dates and times read in English (British order, as a Danish service writes English):
"7 Dec, 01:12". See the Danish module for where these are used."""

DATE_FORMAT = "j F Y"  # 7 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 7 Dec 2026
DATETIME_FORMAT = "l j F Y, H:i"  # Monday 7 December 2026, 01:12
SHORT_DATETIME_FORMAT = "j M, H:i"  # 7 Dec, 01:12
MONTH_DAY_FORMAT = "j F"  # 7 December
YEAR_MONTH_FORMAT = "F Y"  # December 2026
TIME_FORMAT = "H:i"  # 01:12
FIRST_DAY_OF_WEEK = 1
