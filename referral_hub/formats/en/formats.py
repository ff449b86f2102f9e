"""How a person reads a date on an English page: one format everywhere ("7 Dec 2026";
with a time, "7 Dec 2026, 5:15 AM EST"), the day before the month as the Spanish pages
have it, the month a word so nobody wonders which number is which. ``{{ d|date }}``,
``|date:"DATE_FORMAT"`` and people's ``|when`` use these; a form value or a
``<time datetime>`` keeps ISO 8601."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, g:i A T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, g:i A"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
