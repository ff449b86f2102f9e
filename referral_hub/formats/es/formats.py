"""How a person reads a date on a Spanish page: "7 dic 2026"; with a time,
"7 dic 2026, 05:15 EST" (see ``referral_hub/formats/en``)."""

DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i T"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
