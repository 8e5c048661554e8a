"""argon2id hashing: matches, mismatches, rehash on changed parameters, absent accounts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type

from subgraphs.identity.passwords import (
    DEFAULT_HASHER,
    MAX_PASSWORD_CHARS,
    PasswordCheck,
    hash_password,
    hash_password_async,
    verify_password,
    verify_password_async,
)

CHEAP = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
STRONGER = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1, type=Type.ID)


def test_default_parameters_are_the_documented_ones() -> None:
    # given a hash made with the server's parameters
    stored = hash_password("correct horse battery staple")

    # then it is argon2id with 46 MiB, 1 pass, 1 lane, and verifies without rehash
    assert stored.startswith("$argon2id$v=19$m=47104,t=1,p=1$")
    assert DEFAULT_HASHER.type is Type.ID
    assert verify_password(stored, "correct horse battery staple") == PasswordCheck(
        matched=True, needs_rehash=False
    )


def test_a_wrong_password_does_not_match() -> None:
    stored = hash_password("correct horse battery staple", hasher=CHEAP)

    assert verify_password(stored, "correct horse battery stapl", hasher=CHEAP) == PasswordCheck(
        matched=False
    )
    assert not verify_password(stored, "", hasher=CHEAP).matched


def test_each_hash_has_its_own_salt() -> None:
    # when one password is hashed twice
    one = hash_password("same password here", hasher=CHEAP)
    two = hash_password("same password here", hasher=CHEAP)

    # then the hashes differ and both verify
    assert one != two
    assert verify_password(one, "same password here", hasher=CHEAP).matched
    assert verify_password(two, "same password here", hasher=CHEAP).matched


def test_a_hash_with_other_parameters_matches_and_asks_for_a_rehash() -> None:
    # given a hash made before the parameters were raised
    old = hash_password("long enough password", hasher=CHEAP)

    # when it is verified with the new parameters
    right = verify_password(old, "long enough password", hasher=STRONGER)
    wrong = verify_password(old, "another password", hasher=STRONGER)

    # then the right password matches and needs a rehash; a wrong one says nothing more
    assert right == PasswordCheck(matched=True, needs_rehash=True)
    assert wrong == PasswordCheck(matched=False, needs_rehash=False)
    new = hash_password("long enough password", hasher=STRONGER)
    assert verify_password(new, "long enough password", hasher=STRONGER).needs_rehash is False


def test_unicode_forms_of_one_password_match() -> None:
    # given a password with a composed accent and full-width digits
    stored = hash_password("caf\u00e9 \uff11\uff12\uff13 latte", hasher=CHEAP)

    # then the decomposed accent and ASCII digits match it
    assert verify_password(stored, "cafe\u0301 123 latte", hasher=CHEAP).matched


def test_an_absent_account_never_matches_but_costs_a_verification() -> None:
    # when there is no stored hash (unknown email, or no password set yet)
    check = verify_password(None, "anything at all")

    # then nothing matches
    assert check == PasswordCheck(matched=False)


def test_over_long_input_is_refused_without_hashing() -> None:
    stored = hash_password("x" * MAX_PASSWORD_CHARS, hasher=CHEAP)

    assert verify_password(stored, "x" * MAX_PASSWORD_CHARS, hasher=CHEAP).matched
    assert not verify_password(stored, "x" * (MAX_PASSWORD_CHARS + 1), hasher=CHEAP).matched
    with pytest.raises(ValueError, match="longer than 1024"):
        hash_password("x" * (MAX_PASSWORD_CHARS + 1))


def test_a_stored_value_that_is_no_hash_is_a_bug_not_a_mismatch() -> None:
    with pytest.raises(ValueError, match="not an argon2 hash"):
        verify_password("plain-text-password", "plain-text-password")


async def test_async_variants_run_in_a_thread() -> None:
    stored = await hash_password_async("through a worker thread", hasher=CHEAP)

    assert (await verify_password_async(stored, "through a worker thread", hasher=CHEAP)).matched
    assert not (await verify_password_async(stored, "something else", hasher=CHEAP)).matched
