// Package japan is the one home of how deskbot counts and writes time and money the way
// Japanese offices do: Japan time, calendar days, dates in both calendars (2023年3月31日
// （令和5年3月31日）) and yen with 万 (42万9,000円).
package japan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Zone is Japan time (UTC+9). It is fixed: Japan has no daylight saving, and the binary
// then needs no time-zone database.
var Zone = time.FixedZone("JST", 9*60*60)

// Day is the calendar day of t in Japan, at midnight Japan time.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// DaysUntil counts calendar days in Japan from the day of now to the day of d: 0 on the
// day itself, negative once it has passed.
func DaysUntil(now, d time.Time) int {
	from, to := civil(Day(now)), civil(Day(d))
	return int(to.Sub(from).Hours() / 24)
}

// civil is t's date at midnight UTC, so that days subtract exactly.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Date writes the day of t in Japan in both calendars: 2023年3月31日（令和5年3月31日）. The
// first year of an era reads 元年 (2019年5月1日（令和元年5月1日）); 令和 starts on
// 2019-05-01 and 平成 on 1989-01-08; days before 平成 are written in the Western calendar
// only. The zero time is "".
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(Zone).Date()
	g := fmt.Sprintf("%d年%d月%d日", y, m, d)
	era, ey := Era(y, m, d)
	if era == "" {
		return g
	}
	eyText := strconv.Itoa(ey)
	if ey == 1 {
		eyText = "元"
	}
	return fmt.Sprintf("%s（%s%s年%d月%d日）", g, era, eyText, m, d)
}

// Era returns the era (令和 or 平成) of a date and its year in it; "" before 平成.
func Era(y int, m time.Month, d int) (string, int) {
	ymd := y*10000 + int(m)*100 + d
	switch {
	case ymd >= 20190501:
		return "令和", y - 2018
	case ymd >= 19890108:
		return "平成", y - 1988
	}
	return "", 0
}

// Yen writes an amount the way Japanese offices write it: 42万9,000円, 50万円, 8,000円,
// 1,200万円.
func Yen(n int64) string {
	if n < 0 {
		return "-" + Yen(-n)
	}
	if n >= 10000 {
		man, rest := n/10000, n%10000
		if rest == 0 {
			return group(man) + "万円"
		}
		return group(man) + "万" + group(rest) + "円"
	}
	return group(n) + "円"
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
