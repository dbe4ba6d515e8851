"""The before/after analysis: paired tests, effect sizes, power, clustering, deflation.

Functions here return data (frozen dataclasses and DataFrames); nothing prints or writes.
:func:`analyse` runs the whole analysis of a clean dataset; the building blocks are public
for anyone who wants one number.
"""

from ._analyse import SMALL_SAMPLE as SMALL_SAMPLE
from ._analyse import Analysis as Analysis
from ._analyse import analyse as analyse
from .clustering import ClusterResult as ClusterResult
from .clustering import cluster_analysis as cluster_analysis
from .clustering import cluster_robust_mean as cluster_robust_mean
from .clustering import design_effect as design_effect
from .clustering import icc_oneway as icc_oneway
from .clustering import weighted_cluster_size as weighted_cluster_size
from .cpi import DEFAULT_CPI as DEFAULT_CPI
from .cpi import CpiTable as CpiTable
from .cpi import default_cpi as default_cpi
from .cpi import load_cpi as load_cpi
from .cpi import parse_cpi as parse_cpi
from .demographics import demographics_table as demographics_table
from .notes import Note as Note
from .paired import PairedTest as PairedTest
from .paired import dz_confidence_interval as dz_confidence_interval
from .paired import holm as holm
from .paired import paired_test as paired_test
from .paired import wilcoxon_test as wilcoxon_test
from .power import PowerPlan as PowerPlan
from .power import min_detectable_effect as min_detectable_effect
from .power import n_for_power as n_for_power
from .power import paired_power as paired_power
from .power import plan_power as plan_power

__all__ = [
    "DEFAULT_CPI",
    "SMALL_SAMPLE",
    "Analysis",
    "ClusterResult",
    "CpiTable",
    "Note",
    "PairedTest",
    "PowerPlan",
    "analyse",
    "cluster_analysis",
    "cluster_robust_mean",
    "default_cpi",
    "demographics_table",
    "design_effect",
    "dz_confidence_interval",
    "holm",
    "icc_oneway",
    "load_cpi",
    "min_detectable_effect",
    "n_for_power",
    "paired_power",
    "paired_test",
    "parse_cpi",
    "plan_power",
    "weighted_cluster_size",
    "wilcoxon_test",
]
