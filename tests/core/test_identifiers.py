"""Unified social credit codes (GB 32100-2015): check character and validation."""

import pytest

from pollution_map_plugin.core.identifiers import (
    ALPHABET,
    WEIGHTS,
    credit_code_check_char,
    credit_code_problem,
    is_valid_credit_code,
    make_credit_code,
    organisation_check_char,
    organisation_code_valid,
)

# Codes printed on public business licences (commonly cited examples).
KNOWN_VALID = [
    "91350100M000100Y43",
    "91110000600037341L",
    "911100001000128855",
    "91440300708461136T",
    "9144030071526726XG",
]


def test_alphabet_and_weights():
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    assert WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert all(w == pow(3, i, 31) for i, w in enumerate(WEIGHTS))


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code):
    assert credit_code_check_char(code[:17]) == code[17]
    assert is_valid_credit_code(code)
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_single_character_change_is_caught(code):
    # the check character detects any single substitution
    for pos in range(18):
        for ch in ALPHABET:
            if ch != code[pos]:
                tampered = code[:pos] + ch + code[pos + 1:]
                assert not is_valid_credit_code(tampered), tampered


def test_adjacent_transpositions_are_caught():
    code = "91350100M000100Y43"
    for pos in range(17):
        a, b = code[pos], code[pos + 1]
        if a != b:
            swapped = code[:pos] + b + a + code[pos + 2:]
            assert not is_valid_credit_code(swapped), swapped


def test_lower_case_and_white_space_are_tolerated():
    assert is_valid_credit_code(" 91350100m000100y43 ")


@pytest.mark.parametrize("bad", [None, 91350100, "", "91350100M000100Y4", "91350100M000100Y433",
                                 "91350100M000100I43", "91350100M00010OY43"])
def test_malformed_codes_are_invalid(bad):
    assert not is_valid_credit_code(bad)
    assert credit_code_problem(bad)


def test_problem_names_the_expected_check_character():
    assert credit_code_problem("91350100M000100Y44") == (
        "credit code check character is 4, expected 3")
    assert "18 characters" in credit_code_problem("9135")
    assert "invalid character" in credit_code_problem("91350100M000100S43")


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        credit_code_check_char("123")
    with pytest.raises(ValueError):
        credit_code_check_char("9135010OM000100Y4")


def test_check_char_value_zero_maps_to_zero():
    # a body whose weighted sum is a multiple of 31 gets check character "0"
    assert credit_code_check_char("0" * 17) == "0"


def test_organisation_code_and_assembly():
    assert organisation_code_valid("M000100Y4")
    assert organisation_code_valid("600037341")
    assert not organisation_code_valid("600037342")
    assert organisation_check_char("71526726") == "X"
    code = make_credit_code("9", "1", "500103", "20280334")
    assert len(code) == 18 and is_valid_credit_code(code)
    assert organisation_code_valid(code[8:17])
