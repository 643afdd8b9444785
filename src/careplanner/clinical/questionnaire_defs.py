"""The questionnaires' published content: items, answer options, points and severity bands.

Kept apart from the scoring code so a clinician can review the content in one place. Every fact
here is copied from the project's reference notes (scores.md), which name the public source of
each one; the bracketed S-numbers below are those sources.

Licences: PHQ-9/PHQ-2 and GAD-7/GAD-2 item text may be reproduced freely ("No permission
required to reproduce, translate, display or distribute", S8, S15) provided the attribution is
shown. The UCLA 3-item wording has no licence statement we could find (UNVERIFIED); ONS publishes
the loneliness questions for reuse (S18, S22).
"""

from __future__ import annotations

from dataclasses import dataclass

from careplanner.clinical.enums import QuestionnaireKind

__all__ = [
    "PHQ_GAD_ATTRIBUTION",
    "QUESTIONNAIRES",
    "AnswerOption",
    "Band",
    "Questionnaire",
]

PHQ_GAD_ATTRIBUTION = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)


@dataclass(frozen=True, slots=True)
class AnswerOption:
    """One answer a person can give; `points` is the value stored and passed to scoring."""

    points: int
    label: str


@dataclass(frozen=True, slots=True)
class Band:
    """A range of totals [low, high] with a stable key, a clinical label and patient wording."""

    key: str
    low: int
    high: int
    label: str
    patient_wording: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A questionnaire's fixed content; `bands` cover every total from min_total to max_total."""

    kind: QuestionnaireKind
    title: str
    stem: str
    items: tuple[str, ...]
    options: tuple[AnswerOption, ...]
    bands: tuple[Band, ...]
    attribution: str
    source: str
    #: False for the ONS question: its answer is a category, and the number is only a local code.
    numeric_score: bool = True

    @property
    def min_total(self) -> int:
        return min(o.points for o in self.options) * len(self.items)

    @property
    def max_total(self) -> int:
        return max(o.points for o in self.options) * len(self.items)

    @property
    def valid_points(self) -> frozenset[int]:
        return frozenset(o.points for o in self.options)


_STEM_2_WEEKS = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

# S1, S2, S5: every PHQ and GAD item is answered on this 0-3 scale.
_FREQUENCY_0_3 = (
    AnswerOption(0, "Not at all"),
    AnswerOption(1, "Several days"),
    AnswerOption(2, "More than half the days"),
    AnswerOption(3, "Nearly every day"),
)

# PHQ-9 items, S3, S4, S8.
PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed. Or the opposite \u2014 "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

# GAD-7 items, S12, S15.
GAD7_ITEMS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

_NOT_A_DIAGNOSIS = " This is a guide to help us talk, not a diagnosis."

# PHQ-9 cut-points 5, 10, 15, 20 (Kroenke et al. 2001; S1, S2, S6).
_PHQ9_BANDS = (
    Band(
        "minimal",
        0,
        4,
        "Minimal or none (0\u20134)",
        "Your answers show few or no signs of low mood at the moment." + _NOT_A_DIAGNOSIS,
    ),
    Band("mild", 5, 9, "Mild (5\u20139)", "Your answers show some signs of low mood." + _NOT_A_DIAGNOSIS),
    Band(
        "moderate",
        10,
        14,
        "Moderate (10\u201314)",
        "Your answers show that low mood is affecting you. We talked about what might help."
        + _NOT_A_DIAGNOSIS,
    ),
    Band(
        "moderately_severe",
        15,
        19,
        "Moderately severe (15\u201319)",
        "Your answers show that low mood is affecting you a lot. We talked about what might "
        "help." + _NOT_A_DIAGNOSIS,
    ),
    Band(
        "severe",
        20,
        27,
        "Severe (20\u201327)",
        "Your answers show that low mood is affecting you very much. We talked about getting "
        "you more support soon." + _NOT_A_DIAGNOSIS,
    ),
)

# GAD-7 cut-points 5, 10, 15 (Spitzer et al. 2006; S12, S13, S14).
_GAD7_BANDS = (
    Band(
        "minimal",
        0,
        4,
        "Minimal (0\u20134)",
        "Your answers show few or no signs of anxiety at the moment." + _NOT_A_DIAGNOSIS,
    ),
    Band("mild", 5, 9, "Mild (5\u20139)", "Your answers show some signs of anxiety." + _NOT_A_DIAGNOSIS),
    Band(
        "moderate",
        10,
        14,
        "Moderate (10\u201314)",
        "Your answers show that worry and anxiety are affecting you. We talked about what "
        "might help." + _NOT_A_DIAGNOSIS,
    ),
    Band(
        "severe",
        15,
        21,
        "Severe (15\u201321)",
        "Your answers show that worry and anxiety are affecting you a lot. We talked about "
        "getting you more support." + _NOT_A_DIAGNOSIS,
    ),
)


def screen_bands(cutoff: int, max_total: int, topic: str) -> tuple[Band, ...]:
    """Two bands for a 2-item screen (PHQ-2 or GAD-2): below the cut-off, and at or above it.

    The cut-off is a parameter because practices may choose another value (scores.md notes a
    published study using 2 for PHQ-2); the default of 3 is the published one (S9, S10, S16).
    """
    return (
        Band(
            "negative",
            0,
            cutoff - 1,
            f"Below cut-off (0\u2013{cutoff - 1})",
            f"Your answers do not suggest a problem with {topic} at the moment." + _NOT_A_DIAGNOSIS,
        ),
        Band(
            "positive",
            cutoff,
            max_total,
            f"Positive screen ({cutoff}\u2013{max_total}): offer the full questionnaire",
            f"Your answers suggest {topic} may be affecting you, so we asked a few more "
            "questions." + _NOT_A_DIAGNOSIS,
        ),
    )


def ucla_bands(cutoff: int) -> tuple[Band, ...]:
    """UCLA-3 bands: 3 to cutoff-1 "not lonely", cutoff to 9 "lonely".

    The conventional grouping is 3-5 / 6-9 (S20); it is a convention rather than a validated
    threshold, so the cut-off is configurable with a default of 6.
    """
    return (
        Band(
            "not_lonely",
            3,
            cutoff - 1,
            f"Not lonely (3\u2013{cutoff - 1})",
            "Your answers suggest you do not often feel lonely.",
        ),
        Band(
            "lonely",
            cutoff,
            9,
            f"Lonely ({cutoff}\u20139)",
            "Your answers suggest you feel lonely at times. We talked about people and "
            "groups that might help.",
        ),
    )


# ONS direct question and its five answers in the published order (S18, S23). The question has
# no numeric score; these points are a local code only (higher = more often lonely), UNVERIFIED
# as any official coding, used so that answers fit the same storage as the other scales.
_ONS_OPTIONS = (
    AnswerOption(4, "Often/always"),
    AnswerOption(3, "Some of the time"),
    AnswerOption(2, "Occasionally"),
    AnswerOption(1, "Hardly ever"),
    AnswerOption(0, "Never"),
)

_ONS_BANDS = (
    Band("never", 0, 0, "Never lonely", "You said you never feel lonely."),
    Band("hardly_ever", 1, 1, "Hardly ever lonely", "You said you hardly ever feel lonely."),
    Band("occasionally", 2, 2, "Occasionally lonely", "You said you feel lonely occasionally."),
    Band(
        "some_of_the_time",
        3,
        3,
        "Lonely some of the time",
        "You said you feel lonely some of the time. We talked about people and groups that might help.",
    ),
    Band(
        "often_always",
        4,
        4,
        "Often or always lonely (the ONS loneliness indicator)",
        "You said you feel lonely often or always. We talked about people and groups that might help.",
    ),
)

_PHQ_SOURCE = "Kroenke, Spitzer, Williams 2001 (PHQ-9) and 2003 (PHQ-2); scores.md S1-S11"
_GAD_SOURCE = "Spitzer et al. 2006 (GAD-7); GAD-2 cut-off from a secondary source; scores.md S12-S16"


def build_questionnaires(
    *, phq2_cutoff: int = 3, gad2_cutoff: int = 3, ucla_cutoff: int = 6
) -> dict[QuestionnaireKind, Questionnaire]:
    """All six questionnaires, with the screening cut-offs a practice may have configured."""
    ucla_options = (
        AnswerOption(1, "Hardly ever or never"),
        AnswerOption(2, "Some of the time"),
        AnswerOption(3, "Often"),
    )
    return {
        QuestionnaireKind.PHQ9: Questionnaire(
            QuestionnaireKind.PHQ9,
            "PHQ-9 (mood)",
            _STEM_2_WEEKS,
            PHQ9_ITEMS,
            _FREQUENCY_0_3,
            _PHQ9_BANDS,
            PHQ_GAD_ATTRIBUTION,
            _PHQ_SOURCE,
        ),
        QuestionnaireKind.PHQ2: Questionnaire(
            QuestionnaireKind.PHQ2,
            "PHQ-2 (mood screen)",
            _STEM_2_WEEKS,
            PHQ9_ITEMS[:2],
            _FREQUENCY_0_3,
            screen_bands(phq2_cutoff, 6, "low mood"),
            PHQ_GAD_ATTRIBUTION,
            _PHQ_SOURCE,
        ),
        QuestionnaireKind.GAD7: Questionnaire(
            QuestionnaireKind.GAD7,
            "GAD-7 (anxiety)",
            _STEM_2_WEEKS,
            GAD7_ITEMS,
            _FREQUENCY_0_3,
            _GAD7_BANDS,
            PHQ_GAD_ATTRIBUTION,
            _GAD_SOURCE,
        ),
        QuestionnaireKind.GAD2: Questionnaire(
            QuestionnaireKind.GAD2,
            "GAD-2 (anxiety screen)",
            _STEM_2_WEEKS,
            GAD7_ITEMS[:2],
            _FREQUENCY_0_3,
            screen_bands(gad2_cutoff, 6, "worry or anxiety"),
            PHQ_GAD_ATTRIBUTION,
            _GAD_SOURCE,
        ),
        QuestionnaireKind.UCLA3: Questionnaire(
            QuestionnaireKind.UCLA3,
            "UCLA 3-item loneliness scale",
            "",
            (
                "How often do you feel that you lack companionship?",
                "How often do you feel left out?",
                "How often do you feel isolated from others?",
            ),
            ucla_options,
            ucla_bands(ucla_cutoff),
            "Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A Short Scale for Measuring "
            "Loneliness in Large Surveys. Res Aging 2004;26(6):655-672. Answer wording as "
            "recommended by the Office for National Statistics.",
            "Hughes et al. 2004; ONS recommended measures; scores.md S17-S20",
        ),
        QuestionnaireKind.ONS_LONELINESS: Questionnaire(
            QuestionnaireKind.ONS_LONELINESS,
            "ONS loneliness question",
            "",
            ("How often do you feel lonely?",),
            _ONS_OPTIONS,
            _ONS_BANDS,
            "Office for National Statistics, national indicator of loneliness.",
            "ONS Measuring loneliness guidance; scores.md S18, S22-S24",
            numeric_score=False,
        ),
    }


#: The questionnaires with the published default cut-offs.
QUESTIONNAIRES: dict[QuestionnaireKind, Questionnaire] = build_questionnaires()
