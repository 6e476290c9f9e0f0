package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"deskbot/bot"
)

// ReportQuery selects archived reports; an empty field matches any. The desk's totals and
// exports are built on it.
type ReportQuery struct {
	// Day is a day in Japan, "20221115", by the report's creation time.
	Day string
	// Category is an obstacle category id, e.g. "over-cap".
	Category string
	// Prefecture as the report gives it, e.g. "東京都".
	Prefecture string
}

// matches reports whether rep is selected by q.
func (q ReportQuery) matches(rep *bot.Report) bool {
	return (q.Day == "" || reportDay(rep) == q.Day) &&
		(q.Category == "" || slices.Contains(rep.Categories, q.Category)) &&
		(q.Prefecture == "" || rep.Prefecture == q.Prefecture)
}

// reportDay is the day in Japan a report was created, as receipt numbers count days.
func reportDay(rep *bot.Report) string { return rep.Created.In(bot.JST).Format("20060102") }

func sortReports(rs []bot.Report) {
	slices.SortFunc(rs, func(a, b bot.Report) int { return cmp.Compare(a.ID, b.ID) })
}

// Report returns the archived report with receipt number id; ok is false when there is
// none.
func (m *Memory) Report(_ context.Context, id string) (bot.Report, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.reports[id]
	if !ok {
		return bot.Report{}, false, nil
	}
	var r bot.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return bot.Report{}, false, fmt.Errorf("decode report: %w", err)
	}
	return r, true, nil
}

// ReportsFor returns the archived reports that match q, ordered by receipt number.
func (m *Memory) ReportsFor(ctx context.Context, q ReportQuery) ([]bot.Report, error) {
	all, err := m.Reports(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r bot.Report) bool { return !q.matches(&r) }), nil
}
