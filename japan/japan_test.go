package japan_test

import (
	"fmt"
	"testing"
	"time"

	"deskbot/japan"
)

func TestDate(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2023, 3, 31, 0, 0, 0, 0, japan.Zone), "2023年3月31日（令和5年3月31日）"},
		{time.Date(2019, 5, 1, 0, 0, 0, 0, japan.Zone), "2019年5月1日（令和元年5月1日）"},
		// Before 令和 began, 2019 is 平成31年, not 令和元年.
		{time.Date(2019, 4, 30, 0, 0, 0, 0, japan.Zone), "2019年4月30日（平成31年4月30日）"},
		{time.Date(1989, 1, 8, 0, 0, 0, 0, japan.Zone), "1989年1月8日（平成元年1月8日）"},
		{time.Date(1989, 1, 7, 0, 0, 0, 0, japan.Zone), "1989年1月7日"},
		// The day is Japan's: 15:00 UTC on the 31st is already April 1st in Japan.
		{time.Date(2023, 3, 31, 15, 0, 0, 0, time.UTC), "2023年4月1日（令和5年4月1日）"},
		{time.Time{}, ""},
	} {
		if got := japan.Date(tc.t); got != tc.want {
			t.Errorf("Date(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestDaysUntil(t *testing.T) {
	now := time.Date(2022, 11, 15, 23, 59, 0, 0, japan.Zone)
	for _, tc := range []struct {
		d    time.Time
		want int
	}{
		{time.Date(2022, 11, 30, 0, 0, 0, 0, japan.Zone), 15},
		{time.Date(2022, 11, 15, 0, 0, 0, 0, japan.Zone), 0},
		{time.Date(2022, 11, 14, 0, 0, 0, 0, japan.Zone), -1},
		{time.Date(2023, 3, 31, 0, 0, 0, 0, japan.Zone), 136},
		// Counted in Japan's days whatever the zones given: 15:00 UTC is the next day there.
		{time.Date(2022, 11, 15, 15, 0, 0, 0, time.UTC), 1},
	} {
		if got := japan.DaysUntil(now, tc.d); got != tc.want {
			t.Errorf("DaysUntil(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
	if got := japan.DaysUntil(time.Date(2022, 11, 15, 16, 0, 0, 0, time.UTC), time.Date(2022, 11, 30, 0, 0, 0, 0, japan.Zone)); got != 14 {
		t.Errorf("from 01:00 on the 16th in Japan: %d days, want 14", got)
	}
}

func TestYen(t *testing.T) {
	for n, want := range map[int64]string{
		429000: "42万9,000円", 500000: "50万円", 8000: "8,000円", 0: "0円",
		12000000: "1,200万円", 21010000: "2,101万円", 10001: "1万1円", -5000: "-5,000円",
	} {
		if got := japan.Yen(n); got != want {
			t.Errorf("Yen(%d) = %q, want %q", n, got, want)
		}
	}
}

func ExampleDate() {
	fmt.Println(japan.Date(time.Date(2023, 3, 31, 0, 0, 0, 0, japan.Zone)))
	fmt.Println(japan.Yen(429000))
	// Output:
	// 2023年3月31日（令和5年3月31日）
	// 42万9,000円
}
