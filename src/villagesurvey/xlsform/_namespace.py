"""The names an XLSForm written by villagesurvey keeps the instrument's extras under: custom
bind attributes (``bind::villagesurvey:<name>`` columns of the survey sheet), which phones
ignore and the import reads back.
"""

__all__ = ["ATTRIBUTES", "NAMESPACE", "NAMESPACE_URI"]

NAMESPACE = "villagesurvey"
NAMESPACE_URI = "https://github.com/villagesurvey/villagesurvey/blob/main/docs/xlsform.md"
#: The custom bind attributes written (``bind::villagesurvey:<name>`` columns), in order.
ATTRIBUTES = (
    "section",
    "after",
    "key",
    "unit",
    "soft_min",
    "soft_max",
    "part_of",
    "pii",
    "scale",
    "reverse",
    "when_skipped",
    "sesoi",
    "radius_km",
    "backcheck",
    "backcheck_tolerance",
    "roster_key",
    "exactly_one",
    "sums",
    "older_than",
    "severity",
)
