"""How dates and times read in Danish, the one place every page, the bot and the API take them
from (through ``domain.display`` or the ``date`` filter with these names): "7. dec. kl. 01.12".

Danish writes the time with a full stop ("kl. 14.30") and abbreviates months in lower case
with a full stop ("dec."); Django's own Danish formats use numbers ("07.12.2026") and its "M"
capitalises the abbreviation ("Dec"), which read as English on a Danish page.
"""

DATE_FORMAT = "j. F Y"  # 7. december 2026
SHORT_DATE_FORMAT = "j. N Y"  # 7. dec. 2026
DATETIME_FORMAT = r"l j. F Y \k\l. H.i"  # mandag 7. december 2026 kl. 01.12
SHORT_DATETIME_FORMAT = r"j. N \k\l. H.i"  # 7. dec. kl. 01.12
MONTH_DAY_FORMAT = "j. F"  # 7. december
YEAR_MONTH_FORMAT = "F Y"  # december 2026
TIME_FORMAT = "H.i"  # 01.12
FIRST_DAY_OF_WEEK = 1
# Form fields keep Django's Danish input formats (and the ISO ones the browsers send).
