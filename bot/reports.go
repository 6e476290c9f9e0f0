package bot

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Status is where the desk is with a report. A report without status changes is open.
type Status string

const (
	StatusOpen       Status = "open"
	StatusInProgress Status = "in-progress"
	StatusResolved   Status = "resolved"
)

// StatusOrder lists the statuses in the order a report goes through them.
var StatusOrder = []Status{StatusOpen, StatusInProgress, StatusResolved}

// Label is the status as the desk reads it.
func (s Status) Label() string {
	switch s {
	case StatusOpen:
		return "未対応"
	case StatusInProgress:
		return "対応中"
	case StatusResolved:
		return "解決済み"
	}
	return string(s)
}

// StatusChange is one change of a report's status by a desk staff member. A report keeps
// every change, so two staff members acting at once are both on record.
type StatusChange struct {
	Status Status `json:"status"`
	// By is the staff member's id at the desk (a Slack user id); Name is how they were
	// called then.
	By   string    `json:"by"`
	Name string    `json:"name,omitempty"`
	At   time.Time `json:"at"`
}

// CurrentStatus is the status a history of changes leaves a report in.
func CurrentStatus(h []StatusChange) Status {
	if len(h) == 0 {
		return StatusOpen
	}
	return h[len(h)-1].Status
}

// DeskPost is a notice as the desk shows it: the message a notifier posted for it.
type DeskPost struct {
	// Notice is the notice's ID.
	Notice       string `json:"notice"`
	Conversation string `json:"conv"`
	// Ref is the desk's own id of the message (Slack's ts).
	Ref string `json:"ref"`
}

// Labels name the ids a report holds, for people: the obstacle categories and the
// facility types, in the order the report flow offers them. They come from the flow
// texts, which the desk edits; an id without a label is shown as it is.
type Labels struct {
	Categories    []Choice
	FacilityTypes []Choice
	// Quote and Start are the labels under which a report's Answers or Checklist carry
	// the introduction quote and the expected start of operation, as the flows show them
	// (e.g. 見積額（導入費用）, 運用開始の見込み). The charts read the figures from them.
	Quote, Start []string
}

// Category returns the label of a category id.
func (l Labels) Category(id string) string { return label(l.Categories, id) }

// FacilityType returns the label of a facility type id.
func (l Labels) FacilityType(id string) string { return label(l.FacilityTypes, id) }

func label(cs []Choice, id string) string {
	if i := slices.IndexFunc(cs, func(c Choice) bool { return c.Value == id }); i >= 0 {
		return cs[i].Label
	}
	return id
}

// Period is a span of report times, [From, To); a zero bound is open, so the zero
// Period holds every report.
type Period struct {
	From, To time.Time
}

// Contains reports whether t is in p.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// Filter returns the reports created in p, in their order.
func (p Period) Filter(rs []Report) []Report {
	var out []Report
	for _, r := range rs {
		if p.Contains(r.Created) {
			out = append(out, r)
		}
	}
	return out
}

// Count is one line of a tally.
type Count struct {
	Name string
	N    int
}

// Totals are the desk's figures over a set of reports.
type Totals struct {
	Reports int
	// ByCategory has every known category, in the report flow's order, with its count
	// (a report with two categories counts in both), then unknown ids by name.
	ByCategory []Count
	// ByPrefecture has the prefectures that reported, the most first, ties by name.
	ByPrefecture []Count
	// ByStatus has every status, in order.
	ByStatus []Count
}

// NoPrefecture names the reports without a prefecture in a tally.
const NoPrefecture = "（未回答）"

// Tally counts rs by category, prefecture and current status.
func Tally(rs []Report, statuses map[string][]StatusChange, l Labels) Totals {
	t := Totals{Reports: len(rs)}
	cats := map[string]int{}
	prefs := map[string]int{}
	states := map[Status]int{}
	for _, r := range rs {
		for i, c := range r.Categories {
			if !slices.Contains(r.Categories[:i], c) {
				cats[c]++
			}
		}
		p := r.Prefecture
		if p == "" {
			p = NoPrefecture
		}
		prefs[p]++
		states[CurrentStatus(statuses[r.ID])]++
	}
	for _, c := range l.Categories {
		t.ByCategory = append(t.ByCategory, Count{Name: c.Label, N: cats[c.Value]})
		delete(cats, c.Value)
	}
	var unknown []Count
	for id, n := range cats {
		unknown = append(unknown, Count{Name: id, N: n})
	}
	slices.SortFunc(unknown, func(a, b Count) int { return cmp.Compare(a.Name, b.Name) })
	t.ByCategory = append(t.ByCategory, unknown...)
	for p, n := range prefs {
		t.ByPrefecture = append(t.ByPrefecture, Count{Name: p, N: n})
	}
	slices.SortFunc(t.ByPrefecture, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name))
	})
	for _, s := range StatusOrder {
		t.ByStatus = append(t.ByStatus, Count{Name: s.Label(), N: states[s]})
	}
	return t
}

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"受付番号", "受付日時", "障害の種類", "施設名", "都道府県", "医療機関コード", "施設の種類",
	"詳細", "補足", "見積チェックリスト", "連絡先", "状態", "状態の更新者", "状態の更新日時"}

// bom makes Excel read the file as UTF-8; without it, Japanese text is garbled.
const bom = "\uFEFF"

// WriteCSV writes the reports, one row each under CSVHeader, as UTF-8 with a byte order
// mark and CRLF line ends, so Excel opens it as it is. Times are in Japan time. A cell
// that Excel would take for a formula (starting with =, +, -, @, tab or CR) is prefixed
// with an apostrophe: the text is the clinic's, not the desk's.
func WriteCSV(w io.Writer, rs []Report, statuses map[string][]StatusChange, l Labels) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range rs {
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		var state, by, at string
		if h := statuses[r.ID]; len(h) > 0 {
			last := h[len(h)-1]
			state, by, at = last.Status.Label(), cmp.Or(last.Name, last.By), last.At.In(JST).Format(csvTime)
		} else {
			state = StatusOpen.Label()
		}
		row := []string{r.ID, r.Created.In(JST).Format(csvTime), strings.Join(cats, "、"), r.Facility, r.Prefecture,
			r.Code, l.FacilityType(r.FacilityType), r.Details, fieldLines(r.Answers), fieldLines(r.Checklist),
			r.Contact, state, by, at}
		for i := range row {
			row[i] = defuse(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

const csvTime = "2006-01-02 15:04"

// fieldLines is labelled values as lines, "label: value".
func fieldLines(fs []Field) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.Label + ": " + f.Value
	}
	return strings.Join(lines, "\n")
}

// defuse keeps a spreadsheet from evaluating s.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
