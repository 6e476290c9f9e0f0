package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AllTime names the zero Period, which holds every report.
const AllTime = "全期間"

// A bound of a period: 2022-11-15 (a day) or 2022-11 (a month), with - or /.
var periodBound = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?$`)

// A span back from today: 30日, 30d.
var periodDays = regexp.MustCompile(`^(\d{1,4})(?:日|日間|d)$`)

// toASCII folds full-width digits and signs typed in Japanese input.
var toASCII = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6",
	"７", "7", "８", "8", "９", "9", "－", "-", "／", "/", "〜", " ", "～", " ", "~", " ", "..", " ")

// ParsePeriod reads a period as the desk types it, in Japan's days from midnight to
// midnight: "" (all), 今日, 今月, 先月, a number of days back (30日), a month (2022-11), a
// day (2022-11-15) or two of those for a span, both included. It returns the period and
// how to name it. The slash commands and `deskbot export --period` read periods with it,
// so the same words give the same reports everywhere.
func ParsePeriod(s string, now time.Time) (Period, string, error) {
	now = now.In(JST)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, JST)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, JST)
	f := strings.Fields(toASCII.Replace(s))
	var p Period
	switch {
	case len(f) == 0:
		return Period{}, AllTime, nil
	case len(f) == 1 && f[0] == "今日":
		p = Period{From: today, To: today.AddDate(0, 0, 1)}
	case len(f) == 1 && f[0] == "今月":
		p = Period{From: month, To: month.AddDate(0, 1, 0)}
	case len(f) == 1 && f[0] == "先月":
		p = Period{From: month.AddDate(0, -1, 0), To: month}
	case len(f) == 1 && periodDays.MatchString(f[0]):
		n, _ := strconv.Atoi(periodDays.FindStringSubmatch(f[0])[1])
		if n < 1 {
			return Period{}, "", errors.New("zero days")
		}
		p = Period{From: today.AddDate(0, 0, 1-n), To: today.AddDate(0, 0, 1)}
	case len(f) == 1 || len(f) == 2:
		from, err := span(f[0])
		if err != nil {
			return Period{}, "", err
		}
		to := from
		if len(f) == 2 {
			if to, err = span(f[1]); err != nil {
				return Period{}, "", err
			}
		}
		if !from.From.Before(to.To) {
			return Period{}, "", errors.New("the period ends before it starts")
		}
		p = Period{From: from.From, To: to.To}
	default:
		return Period{}, "", fmt.Errorf("%q is not a period", s)
	}
	return p, p.Name(), nil
}

// span is the day or month a bound names.
func span(s string) (Period, error) {
	m := periodBound.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("%q is not a day or a month", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 {
		return Period{}, fmt.Errorf("%q: no such month", s)
	}
	if m[3] == "" {
		from := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, JST)
		return Period{From: from, To: from.AddDate(0, 1, 0)}, nil
	}
	day, _ := strconv.Atoi(m[3])
	from := time.Date(y, time.Month(mo), day, 0, 0, 0, 0, JST)
	if from.Day() != day || from.Month() != time.Month(mo) {
		return Period{}, fmt.Errorf("%q: no such day", s)
	}
	return Period{From: from, To: from.AddDate(0, 0, 1)}, nil
}

// Name names a period by its first and last days in Japan, AllTime for the zero one. A
// period with one open bound is named by the other.
func (p Period) Name() string {
	switch {
	case p.From.IsZero() && p.To.IsZero():
		return AllTime
	case p.To.IsZero():
		return p.From.In(JST).Format("2006-01-02") + "〜"
	case p.From.IsZero():
		return "〜" + p.To.In(JST).AddDate(0, 0, -1).Format("2006-01-02")
	}
	first, last := p.From.In(JST).Format("2006-01-02"), p.To.In(JST).AddDate(0, 0, -1).Format("2006-01-02")
	if first == last {
		return first
	}
	return first + "〜" + last
}

// Archive is what reading the desk's figures needs of a store: store.Redis and
// store.Memory have it.
type Archive interface {
	// Reports returns every archived report, ordered by receipt number.
	Reports(ctx context.Context) ([]Report, error)
	// Statuses returns the status histories of the reports with those ids.
	Statuses(ctx context.Context, reportIDs ...string) (map[string][]StatusChange, error)
}

// ReportSet is the reports of one period with their status histories: the one set of
// numbers that `/deskbot 集計`, the CSV, every chart and the digest are made from.
type ReportSet struct {
	Period Period
	// Name names the period for people (ParsePeriod's name).
	Name     string
	Reports  []Report
	Statuses map[string][]StatusChange
	// At is when the set was read; charts judge "now" (time to resolve of open
	// reports) against it.
	At time.Time
}

// LoadReports reads the reports created in p, by the JST midnight bounds of p, and their
// status histories, at time now.
func LoadReports(ctx context.Context, a Archive, p Period, name string, now time.Time) (ReportSet, error) {
	all, err := a.Reports(ctx)
	if err != nil {
		return ReportSet{}, fmt.Errorf("reports: %w", err)
	}
	rs := p.Filter(all)
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	st, err := a.Statuses(ctx, ids...)
	if err != nil {
		return ReportSet{}, fmt.Errorf("statuses: %w", err)
	}
	return ReportSet{Period: p, Name: name, Reports: rs, Statuses: st, At: now}, nil
}
