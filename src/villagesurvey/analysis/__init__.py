"""The before/after analysis: paired tests, effect sizes, power, clustering, deflation; and
the measurement of multi-item scales with a PLS path model.

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
from .cr2 import CR2Test as CR2Test
from .cr2 import cr2_mean as cr2_mean
from .cr2 import cr2_test as cr2_test
from .cr2 import cr2_wald as cr2_wald
from .cr2 import wild_bootstrap_mean as wild_bootstrap_mean
from .demographics import demographics_table as demographics_table
from .notes import Note as Note
from .paired import PairedTest as PairedTest
from .paired import dz_confidence_interval as dz_confidence_interval
from .paired import holm as holm
from .paired import paired_test as paired_test
from .paired import wilcoxon_test as wilcoxon_test
from .pls import PlsResult as PlsResult
from .pls import pls_path_model as pls_path_model
from .power import PowerPlan as PowerPlan
from .power import min_detectable_effect as min_detectable_effect
from .power import n_for_power as n_for_power
from .power import paired_power as paired_power
from .power import plan_power as plan_power
from .reliability import Alpha as Alpha
from .reliability import average_variance_extracted as average_variance_extracted
from .reliability import composite_reliability as composite_reliability
from .reliability import cronbach_alpha as cronbach_alpha
from .reliability import fornell_larcker as fornell_larcker
from .reliability import htmt as htmt
from .reliability import htmt_bootstrap as htmt_bootstrap
from .reliability import item_total as item_total
from .reliability import rho_a as rho_a
from .robust import McNemar as McNemar
from .robust import cluster_bootstrap_ci as cluster_bootstrap_ci
from .robust import d_av as d_av
from .robust import geometric_mean_ratio as geometric_mean_ratio
from .robust import hodges_lehmann as hodges_lehmann
from .robust import mcnemar as mcnemar
from .robust import sign_test as sign_test
from .scales import THRESHOLDS as THRESHOLDS
from .scales import Measurement as Measurement
from .scales import ScaleNote as ScaleNote
from .scales import measure_scales as measure_scales
from .sensitivity import icc_interval as icc_interval
from .sensitivity import min_detectable_change as min_detectable_change
from .sensitivity import t_power as t_power
from .sensitivity import tost as tost

__all__ = [
    "DEFAULT_CPI",
    "SMALL_SAMPLE",
    "THRESHOLDS",
    "Alpha",
    "Analysis",
    "CR2Test",
    "ClusterResult",
    "CpiTable",
    "McNemar",
    "Measurement",
    "Note",
    "PairedTest",
    "PlsResult",
    "PowerPlan",
    "ScaleNote",
    "analyse",
    "average_variance_extracted",
    "cluster_analysis",
    "cluster_bootstrap_ci",
    "cluster_robust_mean",
    "composite_reliability",
    "cr2_mean",
    "cr2_test",
    "cr2_wald",
    "cronbach_alpha",
    "d_av",
    "default_cpi",
    "demographics_table",
    "design_effect",
    "dz_confidence_interval",
    "fornell_larcker",
    "geometric_mean_ratio",
    "hodges_lehmann",
    "holm",
    "htmt",
    "htmt_bootstrap",
    "icc_interval",
    "icc_oneway",
    "item_total",
    "load_cpi",
    "mcnemar",
    "measure_scales",
    "min_detectable_change",
    "min_detectable_effect",
    "n_for_power",
    "paired_power",
    "paired_test",
    "parse_cpi",
    "plan_power",
    "pls_path_model",
    "rho_a",
    "sign_test",
    "t_power",
    "tost",
    "weighted_cluster_size",
    "wilcoxon_test",
    "wild_bootstrap_mean",
]
