"""Equality monitoring: the Census 2021 (England and Wales) questions, categories and bands.

Stored values are stable lowercase codes; people see the Census labels. Every question is
optional and has "Prefer not to say"; a blank string means the question was not answered.
The impact app's diversity report groups answers with the helpers at the bottom.
"""

from datetime import date

from django.db import models

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"


class EthnicGroup(models.TextChoices):
    """The 19 Census 2021 ethnic group categories (grouped in ETHNIC_GROUP_OF)."""

    WHITE_BRITISH = "white_british", "English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "Roma"
    WHITE_OTHER = "white_other", "Any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "White and Black African"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "White and Asian"
    MIXED_OTHER = "mixed_other", "Any other Mixed or Multiple ethnic background"
    ASIAN_INDIAN = "asian_indian", "Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Chinese"
    ASIAN_OTHER = "asian_other", "Any other Asian background"
    BLACK_CARIBBEAN = "black_caribbean", "Caribbean"
    BLACK_AFRICAN = "black_african", "African"
    BLACK_OTHER = "black_other", "Any other Black, Black British or Caribbean background"
    OTHER_ARAB = "other_arab", "Arab"
    OTHER_ANY = "other_any", "Any other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


# The five Census groups, in Census order, with their labels.
ETHNIC_GROUPS: dict[str, str] = {
    "white": "White",
    "mixed": "Mixed or Multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
}

ETHNIC_GROUP_OF: dict[str, str] = {
    code: code.split("_", 1)[0] for code in EthnicGroup.values if code != PREFER_NOT_TO_SAY
}

# "Any other … background" answers that invite a free-text description.
ETHNIC_DESCRIBE = {
    EthnicGroup.WHITE_OTHER,
    EthnicGroup.MIXED_OTHER,
    EthnicGroup.ASIAN_OTHER,
    EthnicGroup.BLACK_OTHER,
    EthnicGroup.OTHER_ANY,
}


def ethnic_choices_by_group() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(code, label), ...]) in Census order, for a grouped radio list."""
    out = []
    for group, label in ETHNIC_GROUPS.items():
        out.append((label, [(c, lbl) for c, lbl in EthnicGroup.choices if ETHNIC_GROUP_OF.get(c) == group]))
    return out


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class ConditionReduces(models.TextChoices):
    A_LOT = "a_lot", "Yes, a lot"
    A_LITTLE = "a_little", "Yes, a little"
    NOT_AT_ALL = "not_at_all", "Not at all"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Carer(models.TextChoices):
    NO = "no", "No"
    HOURS_1_19 = "1_19", "Yes, 1 to 19 hours a week"
    HOURS_20_49 = "20_49", "Yes, 20 to 49 hours a week"
    HOURS_50_PLUS = "50_plus", "Yes, 50 or more hours a week"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


# The questions in the order the form asks them: field code -> (question, choices).
QUESTIONS: dict[str, tuple[str, type[models.TextChoices]]] = {
    "ethnic_group": ("What is your ethnic group?", EthnicGroup),
    "sex": ("What is your sex?", Sex),
    "gender_same_as_birth": (
        "Is the gender you identify with the same as your sex registered at birth?",
        YesNo,
    ),
    "sexual_orientation": (
        "Which of the following best describes your sexual orientation?",
        SexualOrientation,
    ),
    "long_term_condition": (
        "Do you have any physical or mental health conditions or illnesses lasting or expected "
        "to last 12 months or more?",
        YesNo,
    ),
    "condition_reduces_ability": (
        "Do any of your conditions or illnesses reduce your ability to carry out day-to-day activities?",
        ConditionReduces,
    ),
    "religion": ("What is your religion?", Religion),
    "carer": (
        "Do you look after, or give any help or support to, anyone because they have long-term "
        "physical or mental health conditions or illnesses, or problems related to old age?",
        Carer,
    ),
}

# --- Report helpers ---------------------------------------------------------------------------

DISABILITY_CATEGORIES: dict[str, str] = {
    "disabled_a_lot": "Disabled, limited a lot",
    "disabled_a_little": "Disabled, limited a little",
    "condition_not_disabled": "Long-term condition, not disabled",
    "no_condition": "No long-term condition",
}


def disability_category(condition: str, reduces: str) -> str:
    """The Equality Act report category, or "" when it cannot be told (not answered)."""
    if condition == YesNo.NO:
        return "no_condition"
    if condition != YesNo.YES:
        return ""
    return {
        ConditionReduces.A_LOT: "disabled_a_lot",
        ConditionReduces.A_LITTLE: "disabled_a_little",
        ConditionReduces.NOT_AT_ALL: "condition_not_disabled",
    }.get(reduces, "")


# (label, lowest age, highest age or None)
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("under 25", 0, 24),
    ("25–34", 25, 34),
    ("35–44", 35, 44),
    ("45–54", 45, 54),
    ("55–64", 55, 64),
    ("65–74", 65, 74),
    ("75+", 75, None),
]

CENSUS_AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("under 15", 0, 14),
    ("15 to 64", 15, 64),
    ("65 and over", 65, None),
]


def _band(year_of_birth: int | None, on_date: date, bands) -> str:
    if not year_of_birth:
        return ""
    # Year of birth only: age is what they turn this calendar year (never more than a year out).
    age = on_date.year - year_of_birth
    for label, low, high in bands:
        if age >= low and (high is None or age <= high):
            return label
    return ""


def age_band(year_of_birth: int | None, on_date: date) -> str:
    """ "under 25", "25–34", ... "75+", or "" when not given."""
    return _band(year_of_birth, on_date, AGE_BANDS)


def census_age_band(year_of_birth: int | None, on_date: date) -> str:
    """ "under 15", "15 to 64", "65 and over", or "" when not given."""
    return _band(year_of_birth, on_date, CENSUS_AGE_BANDS)
