"""The attitude analysis (notebook 03), one module per question a reader asks.

Every function takes the clean survey data (``data/processed/survey_clean.parquet``, one row
per analysable respondent; Likert items are ordered Categoricals of substantive labels, with a
companion ``<item>_nonsub`` column for "Don't know" and the like) and item metadata as
arguments (:func:`items_from_codebook` builds it from the codebook). Tables that count people
go through :mod:`helpers.disclosure` (:func:`protect_by_role`) before they are written.

- :mod:`.items`: Items, scales and role groups of the attitude analysis, taken from the codebook.
- :mod:`.descriptives`: Descriptives: how many in each group chose each answer, % agreeing with Wilson CIs, and their disclosure control.
- :mod:`.role_differences`: Do the role groups differ? Tests of association between role and each item.
- :mod:`.contrasts`: Which role groups differ? Pairwise differences in % agreeing with Newcombe CIs.
- :mod:`.design`: Who was asked and who answered: sampling frame, AAPOR response rates, raking to the frame, Taylor-linearised intervals.
- :mod:`.multiplicity`: How many tests? Multiplicity families declared in the team's analysis plan.
- :mod:`.models`: Models: proportional-odds regression of each item on role and covariates.
- :mod:`.scales`: Multi-item scales: scores, reliability and scale scores by role.
- :mod:`.then_and_now`: Then and now: this run beside the published 2002 and 2015 figures.
- :mod:`.weighting`: Weighting: raking to population margins and weighted agreement.
- :mod:`.sensitivity`: Do the conclusions depend on the analysis rules? Headline estimates under alternatives.
- :mod:`.summary`: The attitude analysis summarised: workbook sheets and headline sentences.
"""

from helpers.survey.attitudes.contrasts import (  # noqa: F401
    CONTRAST_COLUMNS,
    pairwise_contrasts,
)
from helpers.survey.attitudes.contrasts import empty_note as contrasts_note  # noqa: F401
from helpers.survey.attitudes.descriptives import (  # noqa: F401
    by_role,
    chart_groups,
    distribution_for_chart,
    protect_by_role,
    protect_counts,
    protect_design_role_tests,
    protect_role_tests,
    roles_as_columns,
    suppression_optimality,
    suppression_summary,
    tidy_numbers,
)
from helpers.survey.attitudes.design import (  # noqa: F401
    DESIGN_FILE,
    FRAME_FILE,
    ORGANISATION,
    attach_design,
    design_covariance,
    design_proportion,
    frame_keys,
    frame_margins,
    load_frame,
    protect_response_rates,
    rao_scott,
    response_rates,
    weighted_estimates,
)
from helpers.survey.attitudes.items import (  # noqa: F401
    ALL,
    GROUP_TYPES,
    HIERARCHY,
    OTHER_ROLE,
    ROLES,
    Item,
    Scale,
    _groups,
    batteries,
    battery_figure_name,
    battery_title,
    covariates_from_codebook,
    item_codes,
    items_from_codebook,
    level_columns,
    load_clean,
    scales_from_codebook,
    section_note,
    single_items,
)
from helpers.survey.attitudes.models import (  # noqa: F401
    MODEL_AGREE,
    MODEL_FULL,
    MODEL_WITHHELD,
    beside_proportional_odds,
    data_for_models,
    failing_brant,
    groupings_note,
    model_groupings,
    model_reference_role,
    models_note,
    no_models_note,
    odds_ratios_intro,
    ordinal_models,
    partial_odds_models,
    partial_proportional_odds,
    role_odds_ratios_for_chart,
    with_groupings,
)
from helpers.survey.attitudes.multiplicity import (  # noqa: F401
    PLAN_FILE,
    family_table,
    load_plan,
)
from helpers.survey.attitudes.multiplicity import adjust as adjust_family  # noqa: F401
from helpers.survey.attitudes.role_differences import (  # noqa: F401
    design_role_tests,
    role_tests,
)
from helpers.survey.attitudes.scales import (  # noqa: F401
    SCALE_TESTS_INTRO,
    item_scores,
    scale_reliability,
    scale_scores,
    scales_by_role,
)
from helpers.survey.attitudes.sensitivity import excluded_answers  # noqa: F401
from helpers.survey.attitudes.sensitivity import protect as protect_sensitivity  # noqa: F401
from helpers.survey.attitudes.sensitivity import sensitivity as sensitivity_table  # noqa: F401
from helpers.survey.attitudes.sensitivity import shown as show_sensitivity  # noqa: F401
from helpers.survey.attitudes.summary import (  # noqa: F401
    SHEET_TITLES,
    headline,
    workbook_sheets,
)
from helpers.survey.attitudes.then_and_now import (  # noqa: F401
    MEASURE_LABELS,
    REFERENCE_COLUMNS,
    SAMPLE_2002_FILE,
    comparison_note,
    coverage_missing,
    like_for_like_2002,
    load_reference,
    load_sample_2002,
    reference_for_codebook,
    sample_note,
    then_vs_now,
    then_vs_now_chart_table,
    this_run_measures,
)
from helpers.survey.attitudes.weighting import (  # noqa: F401
    MARGINS_FILE,
    load_margins,
    protect_weighted,
    weighted_agreement,
)
from helpers.survey.attitudes.withholding import (  # noqa: F401
    drop_withheld,
    withheld_items,
    without_withheld,
)
from helpers.survey.attitudes.withholding import note as withheld_note  # noqa: F401
