"""NĐ 09/2019 periods, cut-offs, working days and deadlines (pure Python, no database)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.reporting.periods import (
    CUTOFF_RULES,
    DEADLINE_RULES,
    HOLIDAYS_FILE,
    KINDS,
    add_working_days,
    deadline_error,
    default_deadline,
    holiday_name,
    is_working_day,
    next_working_day,
    parse_period_code,
    period,
    period_containing,
    periods_in_year,
    public_holidays,
    working_days_between,
)

D = dt.date


# --- cut-offs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "year", "number", "start", "end", "label", "code"),
    [
        ("month", 2026, 1, D(2025, 12, 15), D(2026, 1, 14), "Tháng 1 năm 2026", "2026-M01"),
        ("month", 2026, 3, D(2026, 2, 15), D(2026, 3, 14), "Tháng 3 năm 2026", "2026-M03"),
        ("month", 2026, 12, D(2026, 11, 15), D(2026, 12, 14), "Tháng 12 năm 2026", "2026-M12"),
        ("quarter", 2026, 1, D(2025, 12, 15), D(2026, 3, 14), "Quý I năm 2026", "2026-Q1"),
        ("quarter", 2026, 2, D(2026, 3, 15), D(2026, 6, 14), "Quý II năm 2026", "2026-Q2"),
        ("quarter", 2026, 3, D(2026, 6, 15), D(2026, 9, 14), "Quý III năm 2026", "2026-Q3"),
        ("quarter", 2026, 4, D(2026, 9, 15), D(2026, 12, 14), "Quý IV năm 2026", "2026-Q4"),
        ("half_year", 2026, 1, D(2025, 12, 15), D(2026, 6, 14), "6 tháng đầu năm 2026", "2026-H1"),
        ("half_year", 2026, 2, D(2026, 6, 15), D(2026, 12, 14), "6 tháng cuối năm 2026", "2026-H2"),
        ("year", 2026, 1, D(2025, 12, 15), D(2026, 12, 14), "Năm 2026", "2026-Y"),
        ("year", 2019, 1, D(2018, 12, 15), D(2019, 12, 14), "Năm 2019", "2019-Y"),
    ],
)
def test_nd09_cutoffs(kind, year, number, start, end, label, code):
    got = period(kind, year, number)
    assert (got.kind, got.year, got.number) == (kind, year, number)
    assert (got.start, got.end, got.cutoff) == (start, end, end)
    assert got.label_vi == label == str(got)
    assert got.code == code
    assert parse_period_code(code) == got


def test_february_and_leap_years_need_no_special_case():
    assert period("month", 2024, 3).start == D(2024, 2, 15)
    assert period("month", 2024, 2) == parse_period_code("2024-M02")
    assert period("month", 2024, 2).end == D(2024, 2, 14)


def test_year_rule_is_marked_unconfirmed_and_every_rule_has_a_source():
    assert set(CUTOFF_RULES) == set(KINDS)
    assert all(rule.source for rule in CUTOFF_RULES.values())
    assert CUTOFF_RULES["year"].confirmed is False
    assert "[?]" in CUTOFF_RULES["year"].source
    assert all(CUTOFF_RULES[kind].confirmed for kind in ("month", "quarter", "half_year"))


def test_periods_in_year_counts_and_order():
    assert [x.code for x in periods_in_year("quarter", 2026)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert len(periods_in_year("month", 2026)) == 12
    assert [x.number for x in periods_in_year("half_year", 2026)] == [1, 2]
    assert periods_in_year("year", 2026) == [period("year", 2026)]


def test_period_containing_crosses_the_year_boundary():
    assert period_containing("quarter", D(2025, 12, 20)).code == "2026-Q1"
    assert period_containing("quarter", D(2025, 12, 14)).code == "2025-Q4"
    assert period_containing("month", D(2026, 1, 1)).code == "2026-M01"
    assert period_containing("half_year", D(2026, 6, 15)).code == "2026-H2"
    assert period_containing("year", D(2026, 12, 15)).code == "2027-Y"
    assert D(2026, 3, 14) in period("quarter", 2026, 1)
    assert D(2026, 3, 15) not in period("quarter", 2026, 1)


@pytest.mark.parametrize(
    ("kind", "year", "number"),
    [
        ("month", 2026, 13),
        ("month", 2026, 0),
        ("quarter", 2026, 5),
        ("half_year", 2026, 3),
        ("year", 2026, 2),
        ("week", 2026, 1),
        ("year", 1800, 1),
    ],
)
def test_bad_period_arguments(kind, year, number):
    with pytest.raises(ValueError, match="không hợp lệ"):
        period(kind, year, number)


# --- codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_codes_round_trip_for_every_period_of_a_year(kind):
    for item in periods_in_year(kind, 2026):
        assert parse_period_code(item.code) == item


def test_codes_are_read_leniently_about_case_and_spaces():
    assert parse_period_code(" 2026-q1 ") == period("quarter", 2026, 1)
    assert parse_period_code("2026-m3") == period("month", 2026, 3)
    assert parse_period_code("2026-y").code == "2026-Y"


@pytest.mark.parametrize(
    "code",
    ["", "2026", "2026-Q5", "2026-Q0", "2026-H3", "2026-M13", "2026-M00", "2026-W01", "26-Q1", "2026Q1", "2026-Y1"]
    + ["Quý I/2026", None, 2026],
)
def test_bad_codes_raise_a_vietnamese_message(code):
    with pytest.raises(ValueError, match="Mã kỳ báo cáo .* không hợp lệ"):
        parse_period_code(code)


# --- holidays and working days -------------------------------------------------------------------


def test_holiday_file_is_well_formed():
    with HOLIDAYS_FILE.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0].startswith("#")
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert rows and set(rows[0]) == {"date", "name", "source"}
    days = [D.fromisoformat(row["date"]) for row in rows]
    assert len(days) == len(set(days)) == len(public_holidays())
    assert all(row["name"] and row["source"] for row in rows)
    assert {day.year for day in days} >= set(range(2018, 2028))
    for year in range(2018, 2028):
        for month, day in [(1, 1), (4, 30), (5, 1), (9, 2)]:
            assert D(year, month, day) in public_holidays(), (year, month, day)
    # From 2021 (Bộ luật Lao động 2019) Quốc khánh has a second day, 1/9 or 3/9.
    for year in range(2021, 2028):
        assert D(year, 9, 1) in public_holidays() or D(year, 9, 3) in public_holidays(), year


@pytest.mark.parametrize(
    "day",
    [D(2018, 4, 25), D(2019, 4, 14), D(2020, 4, 2), D(2021, 4, 21), D(2022, 4, 10)]
    + [D(2023, 4, 29), D(2024, 4, 18), D(2025, 4, 7), D(2026, 4, 26), D(2027, 4, 16)],
)
def test_hung_kings_day_each_year(day):
    # 10/3 âm lịch, converted with the Vietnamese lunar calendar (UTC+7).
    assert holiday_name(day).startswith("Giỗ Tổ Hùng Vương")


def test_weekends_and_ordinary_days():
    assert is_working_day(D(2026, 3, 13))  # Friday
    assert not is_working_day(D(2026, 3, 14))  # Saturday
    assert not is_working_day(D(2026, 3, 15))  # Sunday
    assert next_working_day(D(2026, 3, 13)) == D(2026, 3, 16)
    assert next_working_day(D(2026, 3, 14)) == D(2026, 3, 16)
    assert next_working_day(D(2026, 3, 16)) == D(2026, 3, 17)
    assert holiday_name(D(2026, 3, 16)) is None


def test_tet_2019():
    # Tết Kỷ Hợi: off from Saturday 02/02 to Sunday 10/02/2019.
    for offset in range(9):
        assert not is_working_day(D(2019, 2, 2) + dt.timedelta(days=offset))
    assert "Kỷ Hợi" in holiday_name(D(2019, 2, 5))
    assert next_working_day(D(2019, 2, 1)) == D(2019, 2, 11)
    assert working_days_between(D(2019, 2, 1), D(2019, 2, 11)) == 1
    assert add_working_days(D(2019, 2, 1), 2) == D(2019, 2, 12)


def test_tet_2026():
    # Tết Bính Ngọ: off from Saturday 14/02 to Sunday 22/02/2026.
    assert all(not is_working_day(D(2026, 2, 14) + dt.timedelta(days=i)) for i in range(9))
    assert is_working_day(D(2026, 2, 13)) and is_working_day(D(2026, 2, 23))
    assert "Bính Ngọ" in holiday_name(D(2026, 2, 17))
    # The February 2026 cut-off (Saturday 14/02) falls on the first day of Tết.
    feb = period("month", 2026, 2)
    assert feb.end == D(2026, 2, 14)
    assert next_working_day(feb.end) == D(2026, 2, 23)
    assert deadline_error(feb.end, D(2026, 2, 20)) is not None
    assert deadline_error(feb.end, D(2026, 2, 23)) is None
    assert default_deadline("month", feb) == D(2026, 2, 25)


def test_compensatory_days():
    assert not is_working_day(D(2023, 1, 2))  # 1/1/2023 was a Sunday
    assert not is_working_day(D(2026, 4, 27))  # Giỗ Tổ 26/4/2026 is a Sunday
    assert not is_working_day(D(2025, 5, 2))  # swapped for Saturday 26/04/2025
    assert not is_working_day(D(2024, 9, 3))  # the second Quốc khánh day in 2024


def test_add_and_count_working_days():
    friday = D(2026, 3, 13)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == D(2026, 3, 16)
    assert add_working_days(friday, 5) == D(2026, 3, 20)
    assert add_working_days(D(2026, 3, 16), -1) == friday
    assert working_days_between(friday, D(2026, 3, 20)) == 5
    assert working_days_between(D(2026, 3, 20), friday) == -5
    assert working_days_between(friday, friday) == 0
    # 30/4 and 1/5/2026 (Thursday, Friday) are holidays.
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)


# --- deadlines -----------------------------------------------------------------------------------


def test_deadline_on_the_cutoff_day_is_refused():
    message = deadline_error(D(2026, 3, 12), D(2026, 3, 12))  # Thursday
    assert message == (
        "Hạn nộp 12/03/2026 quá sát ngày chốt số liệu 12/03/2026: phải cách ít nhất một ngày làm việc "
        "(sớm nhất 13/03/2026)."
    )
    assert deadline_error(D(2026, 3, 12), D(2026, 3, 13)) is None


def test_deadline_on_the_weekend_after_a_saturday_cutoff_is_refused():
    cutoff = period("quarter", 2026, 1).end  # Saturday 14/03/2026
    assert deadline_error(cutoff, D(2026, 3, 15)) == (
        "Hạn nộp 15/03/2026 quá sát ngày chốt số liệu 14/03/2026: phải cách ít nhất một ngày làm việc "
        "(sớm nhất 16/03/2026)."
    )
    assert deadline_error(cutoff, D(2026, 3, 14)) is not None
    assert deadline_error(cutoff, D(2026, 3, 16)) is None
    assert deadline_error(cutoff, D(2026, 3, 25)) is None


def test_deadline_the_day_after_a_friday_cutoff_is_refused_when_it_is_saturday():
    cutoff = D(2026, 3, 13)
    assert deadline_error(cutoff, D(2026, 3, 14)) is not None  # Saturday
    assert deadline_error(cutoff, D(2026, 3, 15)) is not None  # Sunday
    assert deadline_error(cutoff, D(2026, 3, 16)) is None  # Monday


def test_deadline_before_the_cutoff_is_refused():
    message = deadline_error(D(2026, 3, 14), D(2026, 3, 10))
    assert message is not None and "sớm hơn ngày chốt số liệu 14/03/2026" in message


def test_the_seed_request_deadline_is_valid():
    # Công văn 9654/BNN-VPĐP: results to 31/12/2018, due before 10/01/2019.
    assert deadline_error(D(2018, 12, 31), D(2019, 1, 9)) is None
    assert next_working_day(D(2018, 12, 31)) == D(2019, 1, 2)  # 31/12 swapped, 1/1 holiday


def test_default_deadlines():
    q1 = period("quarter", 2026, 1)
    assert default_deadline("quarter", q1) == D(2026, 3, 18)  # three working days after Saturday 14/03
    assert default_deadline("periodic", q1) == D(2026, 3, 18)
    assert default_deadline("province_to_government", q1) == D(2026, 3, 25)
    assert default_deadline("province_to_government", period("half_year", 2026, 2)) == D(2026, 12, 25)
    assert default_deadline("adhoc", D(2018, 12, 31)) == D(2019, 1, 4)
    for rule_name in DEADLINE_RULES:
        assert deadline_error(q1.end, default_deadline(rule_name, q1)) is None
    with pytest.raises(ValueError, match="Không có quy tắc hạn nộp"):
        default_deadline("weekly", q1)


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))
holiday_years = st.dates(min_value=D(2017, 12, 1), max_value=D(2028, 1, 31))


@given(day=dates, kind=st.sampled_from(KINDS))
def test_periods_of_a_year_tile_its_reporting_span(day, kind):
    year = day.year
    items = periods_in_year(kind, year)
    span = period("year", year)
    assert items[0].start == span.start
    assert items[-1].end == span.end
    for before, after in zip(items, items[1:]):
        assert after.start == before.end + dt.timedelta(days=1)
    assert all(item.start <= item.end for item in items)
    # ...and consecutive years join up too.
    assert periods_in_year(kind, year + 1)[0].start == items[-1].end + dt.timedelta(days=1)
    # Every day belongs to exactly one period of each kind.
    found = period_containing(kind, day)
    assert day in found
    assert parse_period_code(found.code) == found


@given(day=holiday_years)
def test_next_working_day_is_later_and_working(day):
    nxt = next_working_day(day)
    assert nxt > day
    assert is_working_day(nxt)
    assert all(not is_working_day(day + dt.timedelta(days=i)) for i in range(1, (nxt - day).days))
    assert deadline_error(day, nxt) is None
    assert deadline_error(day, nxt - dt.timedelta(days=1)) is not None


@given(day=holiday_years, n=st.integers(min_value=-30, max_value=30))
def test_working_day_arithmetic_is_consistent(day, n):
    target = add_working_days(day, n)
    assert working_days_between(day, target) == n
    if n > 0:
        assert target > day and is_working_day(target)
    if n < 0:
        assert target < day and is_working_day(target)
