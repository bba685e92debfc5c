"""briefgen.extract.dates: normalising date expressions (pure Python, no spaCy)."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.extract.dates import display, parse_date, parse_iso

REF = date(2023, 9, 6)  # a Wednesday


def iso(text: str, **kw: object) -> tuple[str | None, str | None]:
    value = parse_date(text, **kw)  # type: ignore[arg-type]
    assert value is not None, text
    return value.date, value.precision


# --- absolute dates


def test_month_day_takes_the_year_of_the_reference_date() -> None:
    value = parse_date("September 4", ref=REF)
    assert value is not None
    assert (value.date, value.precision, value.sort_key) == ("2023-09-04", "day", "2023-09-04")
    assert value.text == "September 4"
    assert value.relative is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("September 4, 2021", ("2021-09-04", "day")),
        ("Sept. 4, 2021", ("2021-09-04", "day")),
        ("4 September 2021", ("2021-09-04", "day")),
        ("on 4th of September 2021", ("2021-09-04", "day")),
        ("2021-09-04", ("2021-09-04", "day")),
        ("May 2020", ("2020-05-01", "month")),
        ("in 2019", ("2019-01-01", "year")),
        ("2019", ("2019-01-01", "year")),
    ],
)
def test_dates_with_their_year(text: str, expected: tuple[str, str]) -> None:
    assert iso(text) == expected
    assert iso(text, ref=REF) == expected  # a written year beats the reference year


def test_year_only_sorts_before_its_months() -> None:
    year = parse_date("2019")
    month = parse_date("March 2019")
    assert year is not None and month is not None
    assert year.sort_key == "2019-00-00"
    assert year.sort_key < month.sort_key


def test_month_alone_gets_month_precision() -> None:
    assert iso("July", ref=REF) == ("2023-07-01", "month")


def test_a_date_just_after_new_year_refers_to_last_december() -> None:
    assert iso("December 30", ref=date(2024, 1, 2)) == ("2023-12-30", "day")


@pytest.mark.parametrize("text", ["10 to 13 September", "September 10 to 13", "Sept. 10-13"])
def test_day_ranges_keep_start_and_end(text: str) -> None:
    value = parse_date(text, ref=REF)
    assert value is not None
    assert (value.date, value.end_date, value.precision) == ("2023-09-10", "2023-09-13", "day")


def test_invalid_iso_date_is_not_a_date() -> None:
    assert parse_date("2023-02-30") is None


@pytest.mark.parametrize("text", ["", "   ", "the day", "a sunny afternoon", "the talks"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_date(text, ref=REF) is None


# --- relative dates


def test_last_month() -> None:
    value = parse_date("last month", ref=REF)
    assert value is not None
    assert (value.date, value.precision, value.relative) == ("2023-08-01", "month", True)


def test_last_month_in_january_is_last_december() -> None:
    assert iso("last month", ref=date(2023, 1, 15)) == ("2022-12-01", "month")


def test_the_previous_day_counts_from_the_anchor() -> None:
    value = parse_date("the previous day", ref=REF, anchor=date(2023, 8, 31))
    assert value is not None
    assert (value.date, value.precision) == ("2023-08-30", "day")


def test_the_previous_day_without_anchor_counts_from_the_reference() -> None:
    assert iso("the previous day", ref=REF) == ("2023-09-05", "day")


def test_the_following_day_crosses_the_year() -> None:
    assert iso("the following day", ref=REF, anchor=date(2023, 12, 31)) == ("2024-01-01", "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", "2023-09-05"),
        ("today", "2023-09-06"),
        ("tomorrow", "2023-09-07"),
        ("two days ago", "2023-09-04"),
        ("last Tuesday", "2023-09-05"),
        ("on Monday", "2023-09-04"),
    ],
)
def test_relative_days(text: str, expected: str) -> None:
    assert iso(text, ref=REF) == (expected, "day")


def test_a_weekday_in_a_future_context_is_the_next_one() -> None:
    assert iso("on Monday", ref=REF, future=True) == ("2023-09-11", "day")


def test_last_year() -> None:
    assert iso("last year", ref=REF) == ("2022-01-01", "year")


# --- no reference date: never guess a year


def test_undated_partial_keeps_text_and_sort_key_but_no_date() -> None:
    value = parse_date("September 4")
    assert value is not None
    assert value.date is None
    assert value.precision == "day"
    assert value.text == "September 4"
    assert value.sort_key == "9999-09-04"


def test_undated_partials_sort_in_calendar_order() -> None:
    keys = [parse_date(t).sort_key for t in ("July", "August 30", "August 31", "September 4")]  # type: ignore[union-attr]
    assert keys == sorted(keys)
    assert keys[0] == "9999-07-00"


def test_undated_relative_date_has_no_date() -> None:
    value = parse_date("last month")
    assert value is not None
    assert value.date is None
    assert value.relative is True


# --- helpers


def test_parse_iso() -> None:
    assert parse_iso("2023-09-04") == date(2023, 9, 4)
    assert parse_iso("2023-09-04T10:00:00Z") == date(2023, 9, 4)
    assert parse_iso("04/09/2023") is None
    assert parse_iso(None) is None


def test_display() -> None:
    assert display("2023-09-04", "day") == "4 September 2023"
    assert display("2023-09-01", "month") == "September 2023"
    assert display("2023-01-01", "year") == "2023"
    assert display(None, "day", "September 4") == "September 4"


def test_a_month_in_future_tense_is_the_coming_one() -> None:
    ref = date(2015, 12, 10)
    # "the election will be held in November", written in December 2015: November 2016.
    assert parse_date("November", ref=ref, future=True).date == "2016-11-01"  # type: ignore[union-attr]
    # Without a future verb the nearest (past preferred) November: 2015.
    assert parse_date("November", ref=ref).date == "2015-11-01"  # type: ignore[union-attr]
    # A coming month later in the same year stays in it.
    assert parse_date("March 3", ref=date(2016, 1, 5), future=True).date == "2016-03-03"  # type: ignore[union-attr]
    # The same day is not a year ahead.
    assert parse_date("January 5", ref=date(2016, 1, 5), future=True).date == "2016-01-05"  # type: ignore[union-attr]


def test_a_month_day_without_year_is_in_the_current_year_months_ahead() -> None:
    # News writes the year of a date outside the current one: "the 8 October gig",
    # written in late July, is this October, not last year's.
    assert iso("8 October", ref=date(2011, 7, 26)) == ("2011-10-08", "day")
    assert iso("March 3", ref=date(2011, 7, 26)) == ("2011-03-03", "day")  # earlier this year
    assert iso("December 28", ref=date(2024, 1, 5)) == ("2023-12-28", "day")  # last month
    # Far ahead the past still wins: "November 20" written in January is last November.
    assert iso("November 20", ref=date(2024, 1, 5)) == ("2023-11-20", "day")


def test_the_next_day_counts_from_an_earlier_date_or_names_no_day() -> None:
    assert iso("the next day", ref=REF, anchor=date(2023, 6, 24)) == ("2023-06-25", "day")
    assert iso("two days later", ref=REF, anchor=date(2023, 6, 24)) == ("2023-06-26", "day")
    for text in ("the next day", "two days later", "a day later"):
        value = parse_date(text, ref=REF)
        assert value is not None and value.date is None and value.precision is None, text
    assert iso("tomorrow", ref=REF) == ("2023-09-07", "day")  # counts from the report


def test_a_coming_weekday_on_that_weekday_is_the_same_day() -> None:
    friday = date(2010, 5, 28)
    assert iso("Friday", ref=friday, future=True) == ("2010-05-28", "day")  # "will go on Friday"
    assert iso("next Friday", ref=friday) == ("2010-06-04", "day")
    assert iso("Tuesday", ref=friday, future=True) == ("2010-06-01", "day")


def test_a_past_event_takes_the_last_occurrence() -> None:
    january = date(2011, 1, 11)
    assert iso("March 20", ref=january) == ("2011-03-20", "day")  # nearest: 68 days ahead
    assert iso("March 20", ref=january, past=True) == ("2010-03-20", "day")
    assert iso("April 20", ref=january) == ("2010-04-20", "day")  # over a quarter ahead
    assert iso("January 11", ref=january, past=True) == ("2011-01-11", "day")
    assert iso("April 20", ref=january, future=True) == ("2011-04-20", "day")
