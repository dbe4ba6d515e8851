"""The instrument: a questionnaire defined once, in a versioned YAML file."""

from .advice import instrument_advice as instrument_advice
from .backcheck import Tolerance as Tolerance
from .conditions import Condition as Condition
from .conditions import ConditionSyntaxError as ConditionSyntaxError
from .conditions import parse_condition as parse_condition
from .derive import Derived as Derived
from .dump import dump_instrument as dump_instrument
from .dump import instrument_to_dict as instrument_to_dict
from .model import SKIPPED_NOT_APPLICABLE as SKIPPED_NOT_APPLICABLE
from .model import TODAY as TODAY
from .model import BoundRule as BoundRule
from .model import Choice as Choice
from .model import Column as Column
from .model import Instrument as Instrument
from .model import OlderThan as OlderThan
from .model import Question as Question
from .model import Roster as Roster
from .model import RosterSum as RosterSum
from .model import Rule as Rule
from .model import Scale as Scale
from .model import Section as Section
from .model import WavePair as WavePair
from .monitoring import Consent as Consent
from .monitoring import Monitoring as Monitoring
from .parse import load_instrument as load_instrument
from .parse import parse_instrument as parse_instrument
from .rosters import roster_instrument as roster_instrument

__all__ = [
    "SKIPPED_NOT_APPLICABLE",
    "TODAY",
    "BoundRule",
    "Choice",
    "Column",
    "Condition",
    "ConditionSyntaxError",
    "Consent",
    "Derived",
    "Instrument",
    "Monitoring",
    "OlderThan",
    "Question",
    "Roster",
    "RosterSum",
    "Rule",
    "Scale",
    "Section",
    "Tolerance",
    "WavePair",
    "dump_instrument",
    "instrument_advice",
    "instrument_to_dict",
    "load_instrument",
    "parse_condition",
    "parse_instrument",
    "roster_instrument",
]
