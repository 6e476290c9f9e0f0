package faq

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"deskbot/japan"
)

// Countdown are the phrases of the paragraph an answer with deadlines ends with, from the
// countdown: of a faq/*.yaml file; {date} and {days} are filled in.
type Countdown struct {
	AsOf string // the paragraph's first line: 「{date}時点の状況です。」
	// Dated follows an answer whose facts no longer apply: {source} is their month
	// (2022年8月), and it points to where to look for what applies now.
	Dated    string
	DaysLeft string // a deadline ahead: 「あと{days}日」
	Today    string // a deadline today: 「本日」
	Passed   string // a deadline passed, unless it says otherwise: 「締切済み」
}

// defaultCountdown are the phrases until a file sets them.
var defaultCountdown = Countdown{AsOf: "{date}時点の状況です。", DaysLeft: "あと{days}日", Today: "本日", Passed: "締切済み",
	Dated: "（{source}時点の情報です。現在の制度や手続きは、医療機関等向け総合ポータルサイト https://www.iryohokenjyoho-portalsite.jp/ または窓口でご確認ください。）"}

// Deadlines returns the shared list of deadlines, in the order of the files. The slice is
// the caller's.
func (kb *KB) Deadlines() []Deadline { return append([]Deadline(nil), kb.deadlines...) }

// Deadline returns the shared deadline with that id.
func (kb *KB) Deadline(id string) (Deadline, bool) {
	for _, d := range kb.deadlines {
		if d.ID == id {
			return d, true
		}
	}
	return Deadline{}, false
}

// Countdown returns the phrases of the countdown.
func (kb *KB) Countdown() Countdown { return kb.countdown }

// Status is what the countdown says of a deadline on the day of now: the days left, today,
// or passed with what still applies (its note, up to its NoteUntil).
func (c Countdown) Status(d Deadline, now time.Time) string {
	switch days := japan.DaysUntil(now, d.Date); {
	case days > 0:
		return strings.ReplaceAll(c.DaysLeft, "{days}", strconv.Itoa(days))
	case days == 0:
		return c.Today
	}
	s := d.Passed
	if s == "" {
		s = c.Passed
	}
	if d.Note != "" && (d.NoteUntil.IsZero() || japan.DaysUntil(now, d.NoteUntil) >= 0) {
		s += "（" + d.Note + "）"
	}
	return s
}

// sharedDeadlines reads the deadlines: of a file: each an id, a date, a label and,
// optionally, a note, a passed status and operation: true.
func (l *loader) sharedDeadlines(v *yaml.Node) {
	if v.Kind != yaml.SequenceNode {
		l.addf(v, "deadlines: expected a list of {id, date, label}")
		return
	}
	for _, n := range v.Content {
		var id string
		var operation bool
		d, ok := l.deadlineFields(n, func(key string, v *yaml.Node) bool {
			switch key {
			case "id":
				id = l.str(v, "id")
			case "operation":
				if v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
					l.addf(v, "operation: expected true or false")
				}
				operation = v.Value == "true"
			default:
				return false
			}
			return true
		})
		if n.Kind != yaml.MappingNode {
			continue
		}
		d.ID, d.Operation = id, operation
		switch {
		case id == "":
			l.addf(n, "deadline: missing id")
		case !idPattern.MatchString(id):
			l.addf(n, "deadline: id %q should be lower-case words joined by hyphens", id)
		case l.sharedDeadline(id) >= 0:
			l.addf(n, "deadline %q defined twice", id)
		case ok:
			l.deadlines = append(l.deadlines, d)
		}
	}
}

func (l *loader) sharedDeadline(id string) int {
	for i, d := range l.deadlines {
		if d.ID == id {
			return i
		}
	}
	return -1
}

// deadlineRef reads a topic's reference to a shared deadline: its id, or {id, label} to
// name it otherwise in that answer.
func (l *loader) deadlineRef(n *yaml.Node) Deadline {
	d := Deadline{file: l.name, line: n.Line}
	if n.Kind == yaml.ScalarNode {
		d.ID = n.Value
		return d
	}
	l.fields(n, "deadline", func(key string, v *yaml.Node) bool {
		switch key {
		case "id":
			d.ID = l.str(v, "id")
		case "label":
			d.Label = l.str(v, "label")
		default:
			return false
		}
		return true
	})
	return d
}

// resolveDeadlines fills in the deadlines topics name by id from the shared list.
func (l *loader) resolveDeadlines() {
	for i := range l.topics {
		t := &l.topics[i]
		for j, d := range t.Deadlines {
			if d.ID == "" {
				continue
			}
			s, ok := l.findShared(d.ID)
			if !ok {
				l.problems = append(l.problems, Problem{File: d.file, Line: d.line, Msg: fmt.Sprintf("%s: deadline %q is not in any deadlines: list", t.ID, d.ID)})
				continue
			}
			if d.Label != "" {
				s.Label = d.Label
			}
			t.Deadlines[j] = s
		}
	}
}

func (l *loader) findShared(id string) (Deadline, bool) {
	if i := l.sharedDeadline(id); i >= 0 {
		return l.deadlines[i], true
	}
	return Deadline{}, false
}

// readCountdown reads the countdown: phrases; each one set replaces the default.
func (l *loader) readCountdown(v *yaml.Node) {
	l.fields(v, "countdown", func(key string, v *yaml.Node) bool {
		var dst *string
		switch key {
		case "as_of":
			dst = &l.countdown.AsOf
		case "days_left":
			dst = &l.countdown.DaysLeft
		case "today":
			dst = &l.countdown.Today
		case "passed":
			dst = &l.countdown.Passed
		case "dated":
			dst = &l.countdown.Dated
		default:
			return false
		}
		if s := l.str(v, key); s != "" {
			*dst = s
		} else {
			l.addf(v, "countdown: %s is empty", key)
		}
		return true
	})
}

func hasKey(n *yaml.Node, key string) bool { return mapValue(n, key) != nil }

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
