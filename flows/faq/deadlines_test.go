package faq_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"deskbot/flows/faq"
)

const deadlineTopics = `deadlines:
  - {id: apply, date: 2022-11-30, label: 申込締切, note: 在庫がある限り申し込めます, note_until: 2023-12-31}
  - {id: start, date: 2023-03-31, label: 運用開始期限, operation: true, passed: 期限切れ}
countdown:
  as_of: "{date}現在"
  days_left: 残り{days}日
  today: 今日まで
topics:
  - id: when
    title: 締切
    answer: 締切は次のとおりです。
    sources: [F12]
    examples: [締切はいつですか]
    deadlines: [apply, {id: start, label: 使い始め}]
`

// Topics name the deadlines of one shared list by id, with a label of their own if they
// like; the countdown's phrases are the knowledge base's.
func TestSharedDeadlines(t *testing.T) {
	kb, err := faq.Load(fstest.MapFS{"faq/10.yaml": {Data: []byte(deadlineTopics)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ now, want string }{
		{"2022-11-15T10:00:00+09:00", "2022年11月15日（令和4年11月15日）現在\n・申込締切：2022年11月30日（令和4年11月30日）　残り15日\n・使い始め：2023年3月31日（令和5年3月31日）　残り136日"},
		{"2022-11-30T10:00:00+09:00", "・申込締切：2022年11月30日（令和4年11月30日）　今日まで"},
		{"2023-04-01T10:00:00+09:00", "・申込締切：2022年11月30日（令和4年11月30日）　締切済み（在庫がある限り申し込めます）\n・使い始め：2023年3月31日（令和5年3月31日）　期限切れ"},
		// the note holds up to its note_until, no longer
		{"2023-12-31T23:00:00+09:00", "締切済み（在庫がある限り申し込めます）"},
		{"2024-01-01T10:00:00+09:00", "・申込締切：2022年11月30日（令和4年11月30日）　締切済み\n"},
	} {
		a, _ := kb.Answer("when", mustTime(t, tc.now))
		if !strings.Contains(a.Text, tc.want) {
			t.Errorf("at %s:\n%s\nwant it to contain\n%s", tc.now, a.Text, tc.want)
		}
	}
	d, ok := kb.Deadline("start")
	if !ok || !d.Operation || d.Label != "運用開始期限" || d.Date.Format("2006-01-02") != "2023-03-31" {
		t.Errorf("Deadline(start) = %+v, %v", d, ok)
	}
	if got := len(kb.Deadlines()); got != 2 {
		t.Errorf("%d shared deadlines, want 2", got)
	}
}

// A reference to a deadline no list has, a deadline defined twice or without an id, and an
// empty countdown phrase are problems with their file and line.
func TestSharedDeadlineProblems(t *testing.T) {
	broken := strings.NewReplacer("deadlines: [apply,", "deadlines: [applied,", "today: 今日まで", "today: \"\"").Replace(deadlineTopics)
	_, err := faq.Load(fstest.MapFS{
		"faq/10.yaml": {Data: []byte(broken)},
		"faq/20.yaml": {Data: []byte("deadlines:\n  - {id: apply, date: 2022-12-01, label: 二度目}\n  - {date: 2022-12-01, label: idなし}\n  - {id: x, date: 2022-12-01, label: y, operation: maybe}\n  - {id: z, date: 2022-12-01, label: y, note: n, note_until: soon}\n")},
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`faq/10.yaml:14: when: deadline "applied" is not in any deadlines: list`,
		`faq/10.yaml:7: countdown: today is empty`,
		`faq/20.yaml:2: deadline "apply" defined twice`,
		`faq/20.yaml:3: deadline: missing id`,
		`faq/20.yaml:4: operation: expected true or false`,
		`faq/20.yaml:5: note_until: "soon" is not a date like 2023-03-31`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
