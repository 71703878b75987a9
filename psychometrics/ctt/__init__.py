"""Classical test theory the Thai way (การวิเคราะห์ข้อสอบแบบดั้งเดิม): keyed scoring, p and r with
upper/lower groups, correlations, distractors, KR-20/21, α, SEM, Brennan's B, Livingston, EVANA mode;
0/1, polytomous and mixed tests (``max_scores``: Whitney–Sabers p and r, item mean and SD, α).

Pure numpy/scipy, persons × items, nothing of the project. Sources for every formula, threshold and
Thai word: ``/work/shared/notes/thai-practice.md`` §0–§1 (cited in each module).

>>> from psychometrics.ctt import score_answers, analyze_test
>>> keyed = score_answers([["ก", "ข"], ["ก", "ค"], ["ข", "ข"], ["ก", "0"]], ["ก", "ข"])
>>> keyed.scores.tolist()
[[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
>>> report = analyze_test(keyed=keyed, min_n=2)
>>> print(report.summary().title)
การวิเคราะห์ข้อสอบรายข้อ
"""

from psychometrics.ctt.criterion import (
    CriterionAnalysis,
    brennan_b,
    criterion_analysis,
    livingston_reliability,
    lovett_reliability,
)
from psychometrics.ctt.distractors import DistractorAnalysis, analyze_distractors
from psychometrics.ctt.evana import EvanaAnalysis, evana_analysis, evana_delta, fan_table
from psychometrics.ctt.groups import GroupSplit, group_size, split_groups
from psychometrics.ctt.item_analysis import ItemAnalysis, ScoreRange, analyze_items, check_item_scores
from psychometrics.ctt.keying import KeyedResponses, answer_codes, parse_key, score_answers
from psychometrics.ctt.reliability import (
    TestStatistics,
    inter_item_correlations,
    kr20_from_moments,
    kr21_from_moments,
    test_statistics,
)
from psychometrics.ctt.report import CttReport, analyze_test
from psychometrics.ctt.verdicts import (
    difficulty_verdicts,
    discrimination_verdicts,
    distractor_verdicts,
    round_half_up,
)

__all__ = [
    "CriterionAnalysis",
    "CttReport",
    "DistractorAnalysis",
    "EvanaAnalysis",
    "GroupSplit",
    "ItemAnalysis",
    "KeyedResponses",
    "ScoreRange",
    "TestStatistics",
    "analyze_distractors",
    "analyze_items",
    "analyze_test",
    "answer_codes",
    "brennan_b",
    "check_item_scores",
    "criterion_analysis",
    "difficulty_verdicts",
    "discrimination_verdicts",
    "distractor_verdicts",
    "evana_analysis",
    "evana_delta",
    "fan_table",
    "group_size",
    "inter_item_correlations",
    "kr20_from_moments",
    "kr21_from_moments",
    "livingston_reliability",
    "lovett_reliability",
    "parse_key",
    "round_half_up",
    "score_answers",
    "split_groups",
    "test_statistics",
]
