"""Password policies: every broken rule reported, JSON round trips, admin validation, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type

from shared.errors import DomainError, DomainErrors
from subgraphs.identity.password_policy import (
    CharacterClass,
    PasswordErrorCode,
    PasswordPolicy,
    PolicyErrorCode,
    check_password,
    is_common_password,
)
from subgraphs.identity.passwords import hash_password

CHEAP = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
STRONG = "Velvet-Orbit-Harbor-42"


def codes(errors: list[DomainError]) -> list[str]:
    return [e.code_name for e in errors]


def check(policy: PasswordPolicy, password: str, **kwargs: object) -> list[DomainError]:
    return check_password(
        policy,
        password,
        email=kwargs.get("email", "asha.verma@college.example"),  # type: ignore[arg-type]
        display_name=kwargs.get("display_name", "Asha Verma"),  # type: ignore[arg-type]
        previous_hashes=kwargs.get("previous_hashes", ()),  # type: ignore[arg-type]
        hasher=CHEAP,
    )


def test_a_strong_password_passes_the_default_policy() -> None:
    assert check(PasswordPolicy(), STRONG) == []


def test_every_broken_rule_is_reported_with_its_parameter() -> None:
    # given a strict policy and the previous password
    policy = PasswordPolicy(min_length=14, min_character_classes=3, history_count=3)
    previous = [hash_password("verma", hasher=CHEAP)]

    # when a short, common-looking, personal, reused, one-class password is checked
    errors = check(policy, "verma", previous_hashes=previous)

    # then every failure is listed, on the password field, naming its parameter
    assert codes(errors) == [
        "PASSWORD_TOO_SHORT",
        "PASSWORD_MISSING_CHARACTER_CLASSES",
        "PASSWORD_CONTAINS_PERSONAL_DATA",
        "PASSWORD_REUSED",
    ]
    assert {e.field for e in errors} == {"password"}
    messages = [e.message for e in errors]
    assert "at least 14 characters" in messages[0]
    assert "at least 3 of these kinds" in messages[1]
    assert "(it uses 1)" in messages[1]
    assert "one of the last 3 passwords" in messages[3]
    assert errors[0].error_code is PasswordErrorCode.PASSWORD_TOO_SHORT


def test_too_long() -> None:
    errors = check(PasswordPolicy(max_length=64), "Zq7!" * 17)

    assert codes(errors) == ["PASSWORD_TOO_LONG"]
    assert "at most 64 characters" in errors[0].message


def test_length_counts_characters_after_normalisation() -> None:
    # given 12 characters, one an accent written as two code points
    password = "Tr\u00e8sLongMot9"
    decomposed = "Tre\u0300sLongMot9"

    # then both forms count 12 characters and pass a 12-character minimum
    assert check(PasswordPolicy(), password) == []
    assert check(PasswordPolicy(), decomposed) == []


@pytest.mark.parametrize(
    ("password", "present"),
    [
        ("alllowercaseletters", 1),
        ("lowerAndUpperLetters", 2),
        ("lowerUpperAnd1234567", 3),
        ("lower Upper 123 & more", 4),
        ("ÉCOLE-été-numéro-sept", 3),  # non-ASCII letters count as letters
    ],
)
def test_character_classes_are_counted(password: str, present: int) -> None:
    policy = PasswordPolicy(min_character_classes=4)

    errors = check(policy, password)

    if present == 4:
        assert errors == []
    else:
        assert codes(errors) == ["PASSWORD_MISSING_CHARACTER_CLASSES"]
        assert f"(it uses {present})" in errors[0].message


def test_only_the_listed_classes_count() -> None:
    # given a policy counting only digits and symbols, needing both
    policy = PasswordPolicy(
        character_classes=frozenset({CharacterClass.DIGIT, CharacterClass.SYMBOL}),
        min_character_classes=2,
    )

    # then letters do not help, a digit and a symbol do
    assert codes(check(policy, "OnlyLettersHereAtAll")) == ["PASSWORD_MISSING_CHARACTER_CLASSES"]
    assert "digit, symbol" in check(policy, "OnlyLettersHereAtAll")[0].message
    assert check(policy, "letters7and#symbols") == []


@pytest.mark.parametrize(
    "password",
    ["password1234", "Password2024!", "!!Iloveyou!!12", "QWERTYUIOP12", "1qaz2wsx3edc"],
)
def test_common_passwords_are_refused_with_affixes(password: str) -> None:
    errors = check(PasswordPolicy(), password)

    assert "PASSWORD_TOO_COMMON" in codes(errors)


def test_the_list_is_the_shipped_one() -> None:
    # the top of the list, case-insensitive; an uncommon passphrase is not on it
    assert is_common_password("123456")
    assert is_common_password("PASSWORD")
    assert is_common_password("trustno1")
    assert not is_common_password(STRONG)
    assert not is_common_password("")  # nothing is common about nothing


def test_common_check_can_be_turned_off() -> None:
    assert check(PasswordPolicy(reject_common=False), "password1234") == []


@pytest.mark.parametrize(
    "password",
    [
        "asha.verma-2024!",  # the whole local part
        "ilovemyVERMAfamily",  # a part of it, any case
        "AshaVerma#Secure9",  # the display name without spaces
        "my-name-is-asha-ok",  # a part of the display name
    ],
)
def test_personal_data_is_refused(password: str) -> None:
    errors = check(PasswordPolicy(reject_common=False), password)

    assert codes(errors) == ["PASSWORD_CONTAINS_PERSONAL_DATA"]
    assert "email name or your display name" in errors[0].message


def test_short_name_parts_are_not_looked_for() -> None:
    # given a user called "Li Wu" with email "li.wu@..." (parts under 4 characters)
    errors = check(
        PasswordPolicy(),
        "royal-willow-sunrise",
        email="li.wu@college.example",
        display_name="Li Wu",
    )

    # then words that merely contain "li" or "wu" pass; the joined name does not
    assert errors == []
    assert codes(
        check(PasswordPolicy(), "liwu-garden-walks", email="li.wu@c.example", display_name="Li Wu")
    ) == ["PASSWORD_CONTAINS_PERSONAL_DATA"]


def test_personal_check_can_be_turned_off_and_works_without_data() -> None:
    assert check(PasswordPolicy(reject_personal_data=False), "asha.verma-2024!") == []
    assert check(PasswordPolicy(), STRONG, email=None, display_name=None) == []


def test_history_looks_at_the_last_n_hashes_only() -> None:
    # given five previous passwords, newest first
    previous = [hash_password(f"Old-Password-No-{i}", hasher=CHEAP) for i in range(5)]
    policy = PasswordPolicy(history_count=3)

    # then the three newest are refused, older ones are allowed again
    for i in range(3):
        assert codes(check(policy, f"Old-Password-No-{i}", previous_hashes=previous)) == [
            "PASSWORD_REUSED"
        ]
    assert check(policy, "Old-Password-No-3", previous_hashes=previous) == []
    assert (
        check(PasswordPolicy(history_count=0), "Old-Password-No-0", previous_hashes=previous) == []
    )


def test_json_round_trip_and_defaults_for_missing_keys() -> None:
    # given a policy with every setting changed
    policy = PasswordPolicy(
        min_length=10,
        max_length=200,
        character_classes=frozenset({CharacterClass.UPPER, CharacterClass.DIGIT}),
        min_character_classes=1,
        history_count=8,
        max_age_days=90,
        reject_common=False,
        reject_personal_data=False,
    )

    # when it goes to JSON and back
    stored = policy.to_json()

    # then nothing is lost, and an empty object is the default policy
    assert PasswordPolicy.from_json(stored) == policy
    assert stored["character_classes"] == ["upper", "digit"]
    assert PasswordPolicy.from_json({}) == PasswordPolicy()
    assert PasswordPolicy.from_json({"min_length": 16}) == PasswordPolicy(min_length=16)
    assert PasswordPolicy.from_json(PasswordPolicy().to_json()) == PasswordPolicy()


def test_an_invalid_policy_reports_every_setting_at_fault() -> None:
    # when an admin submits values out of range
    with pytest.raises(DomainErrors) as caught:
        PasswordPolicy.from_json(
            {
                "min_length": 6,
                "max_length": 2000,
                "min_character_classes": 5,
                "history_count": 30,
                "max_age_days": 0,
            }
        )

    # then each is named, with its field and the allowed range
    errors = list(caught.value)
    assert {e.field: e.message for e in errors} == {
        "minLength": "min_length must be between 8 and 128, got 6.",
        "maxLength": "max_length must be between 64 and 1024, got 2000.",
        "minCharacterClasses": "min_character_classes must be between 0 and 4, got 5.",
        "historyCount": "history_count must be between 0 and 24, got 30.",
        "maxAgeDays": "max_age_days must be between 1 and 3650, got 0.",
    }
    assert {e.error_code for e in errors} == {PolicyErrorCode.POLICY_VALUE_OUT_OF_RANGE}


def test_max_length_below_min_length_is_refused() -> None:
    problems = PasswordPolicy(min_length=100, max_length=80).problems()

    assert [(p.field, p.message) for p in problems] == [
        ("maxLength", "max_length (80) must not be less than min_length (100).")
    ]


def test_wrong_types_and_unknown_keys_are_named() -> None:
    with pytest.raises(DomainErrors) as caught:
        PasswordPolicy.from_json(
            {
                "min_length": "12",
                "reject_common": "yes",
                "character_classes": ["lower", "emoji"],
                "max_age_days": True,
                "expiry_days": 30,
            }
        )

    by_field = {e.field: (e.code_name, e.message) for e in caught.value}
    assert by_field["expiryDays"][0] == "POLICY_UNKNOWN_SETTING"
    assert "not a password policy setting" in by_field["expiryDays"][1]
    assert by_field["minLength"] == (
        "POLICY_INVALID_VALUE",
        "min_length must be a whole number, got '12'.",
    )
    assert by_field["rejectCommon"] == (
        "POLICY_INVALID_VALUE",
        "reject_common must be true or false, got 'yes'.",
    )
    assert "unknown classes ['emoji']" in by_field["characterClasses"][1]
    assert by_field["maxAgeDays"][1] == "max_age_days must be a whole number or null, got True."
    assert len(caught.value) == 5


def test_expiry() -> None:
    changed = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    policy = PasswordPolicy(max_age_days=90)

    # a password expires exactly max_age_days after it was set
    assert policy.expires_at(changed) == changed + timedelta(days=90)
    assert not policy.has_expired(changed, now=changed + timedelta(days=89, hours=23))
    assert policy.has_expired(changed, now=changed + timedelta(days=90))
    # and never without a maximum age
    assert PasswordPolicy().expires_at(changed) is None
    assert not PasswordPolicy().has_expired(changed, now=changed + timedelta(days=10_000))
