package faq

import (
	"testing"
	"time"
)

func TestFormatDate(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2022, 11, 30, "2022年11月30日（令和4年11月30日）"},
		{2023, 3, 31, "2023年3月31日（令和5年3月31日）"},
		{2019, 5, 1, "2019年5月1日（令和元年5月1日）"},
		{2019, 4, 30, "2019年4月30日（平成31年4月30日）"},
		{1989, 1, 8, "1989年1月8日（平成元年1月8日）"},
		{1989, 1, 7, "1989年1月7日"},
	}
	for _, tt := range tests {
		if got := formatDate(time.Date(tt.y, tt.m, tt.d, 0, 0, 0, 0, jst)); got != tt.want {
			t.Errorf("formatDate(%d-%d-%d) = %q, want %q", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}
