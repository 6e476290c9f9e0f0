package faq_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// On 2022-11-15 the 4-model deadline is 15 days away, the 1-model one has passed, and a
// reader can still be ordered while stock lasts.
func TestAnswerReaderDeadline(t *testing.T) {
	k := loadEmbedded(t)
	a, ok := k.Answer("reader-deadline", mustTime(t, "2022-11-15T10:00:00+09:00"))
	if !ok {
		t.Fatal("no answer for reader-deadline")
	}
	_, paragraph, _ := strings.Cut(a.Text, "\n\n")
	want := "2022年11月15日（令和4年11月15日）時点の状況です。\n" +
		"・1機種の申込締切：2022年10月30日（令和4年10月30日）　締切済み（在庫がある限り、締切後も申し込めます）\n" +
		"・残り4機種の申込締切：2022年11月30日（令和4年11月30日）　あと15日\n" +
		"・補助金の条件となる申込期限：2022年12月31日（令和4年12月31日）　あと46日\n" +
		"・補助金の条件となる業者との契約期限：2023年2月28日（令和5年2月28日）　あと105日\n" +
		"・補助金の条件となる運用開始期限：2023年3月31日（令和5年3月31日）　あと136日"
	if diff := cmp.Diff(want, paragraph); diff != "" {
		t.Errorf("date paragraph (-want +got):\n%s", diff)
	}
	if a.ID != "reader-deadline" || a.Title != "カードリーダーの申込締切" {
		t.Errorf("answer is %q %q", a.ID, a.Title)
	}
	var related []string
	for _, r := range a.Related {
		related = append(related, r.ID)
	}
	if diff := cmp.Diff([]string{"after-deadline", "why-early", "reader-apply"}, related); diff != "" {
		t.Errorf("related (-want +got):\n%s", diff)
	}
}

// Days are counted in calendar days of Japan time, whatever the zone of now.
func TestAnswerDaysLeft(t *testing.T) {
	k := loadEmbedded(t)
	line := func(now, label string) string {
		a, _ := k.Answer("reader-deadline", mustTime(t, now))
		for l := range strings.Lines(a.Text) {
			if strings.HasPrefix(l, "・"+label) {
				_, status, _ := strings.Cut(strings.TrimSpace(l), "　")
				return status
			}
		}
		t.Fatalf("no line for %s in %q", label, a.Text)
		return ""
	}
	tests := []struct{ now, label, want string }{
		{"2022-11-29T23:59:00+09:00", "残り4機種", "あと1日"},
		{"2022-11-29T15:30:00Z", "残り4機種", "本日"}, // 00:30 on the 30th in Japan
		{"2022-11-30T00:00:00+09:00", "残り4機種", "本日"},
		{"2022-11-30T23:59:59+09:00", "残り4機種", "本日"},
		{"2022-12-01T00:00:00+09:00", "残り4機種", "締切済み（在庫がある限り、締切後も申し込めます）"},
		{"2022-12-01T00:00:00+09:00", "補助金の条件", "あと30日"},
		{"2023-01-01T09:00:00+09:00", "補助金の条件", "締切済み"},
		{"2021-12-31T12:00:00+09:00", "1機種", "あと303日"},
	}
	for _, tt := range tests {
		if got := line(tt.now, tt.label); got != tt.want {
			t.Errorf("at %s, %s: %q, want %q", tt.now, tt.label, got, tt.want)
		}
	}
}

func TestAnswerPassedLabel(t *testing.T) {
	k := loadEmbedded(t)
	a, _ := k.Answer("mandate", mustTime(t, "2023-05-01T09:00:00+09:00"))
	if want := "・原則義務化の開始：2023年4月1日（令和5年4月1日）　開始済み"; !strings.Contains(a.Text, want) {
		t.Errorf("mandate after April 2023:\n%s\nwant a line %q", a.Text, want)
	}
}

func TestAnswerPlain(t *testing.T) {
	k := loadEmbedded(t)
	a, ok := k.Answer("consult-desk", time.Time{})
	if !ok {
		t.Fatal("no answer for consult-desk")
	}
	tp, _ := k.Topic("consult-desk")
	if a.Text != tp.Answer || a.Offer != "handoff" {
		t.Errorf("consult-desk answer = %+v", a)
	}
	if _, ok := k.Answer("", time.Now()); ok {
		t.Error(`Answer("") found a topic`)
	}
}

// True on the day: once a topic's facts have stopped applying, its answer says them in the
// past tense, dated, with a pointer to the portal or the desk — and on its last day it is
// still the present one.
func TestAnswerTrueOnTheDay(t *testing.T) {
	k := loadEmbedded(t)
	tests := []struct {
		id, now      string
		want, wantNo []string
	}{
		{"mandate", "2022-11-15T10:00:00+09:00", []string{"原則として義務化されます"}, []string{"時点の情報です"}},
		{"mandate", "2023-03-31T23:59:00+09:00", []string{"原則として義務化されます"}, []string{"時点の情報です"}},
		{"mandate", "2026-12-02T10:00:00+09:00", []string{"2023年4月（令和5年4月）から原則として義務化されています", "2022年8月時点の情報です", "portalsite"}, []string{"義務化されます"}},
		{"subsidy-schedule", "2026-12-02T10:00:00+09:00", []string{"この補助金の申請受付は終了しています", "2022年8月時点の情報です", "締切済み"}, []string{"必要があります"}},
		{"subsidy-amount", "2026-12-02T10:00:00+09:00", []string{"190.3万円でした", "申請受付は終了しています"}, []string{"上限は、診療所で実費42.9万円、病院でカードリーダー1台なら210.1万円、2台なら200.2万円、3台なら190.3万円です"}},
		{"reader-deadline", "2026-12-02T10:00:00+09:00", []string{"いずれも過ぎています", "時点の情報です"}, []string{"あと", "在庫がある限り、締切後も"}},
		// The notes of the countdown hold as long as the answers that say them.
		{"after-deadline", "2022-12-31T12:00:00+09:00", []string{"締切済み（在庫がある限り、締切後も申し込めます）"}, nil},
		{"after-deadline", "2026-12-03T10:00:00+09:00", []string{"2022年（令和4年）のカードリーダーの申込締切は過ぎています", "締切済み"}, []string{"在庫がある限り、締切後も"}},
		{"reader-apply", "2026-12-03T10:00:00+09:00", []string{"2022年（令和4年）の制度では", "時点の情報です"}, []string{"できるだけ早めにお申し込みください"}},
		{"portal-account", "2026-12-03T10:00:00+09:00", []string{"郵送されていました", "相談窓口"}, []string{"カードリーダーを申し込んでください"}},
		{"reader-models", "2026-12-03T10:00:00+09:00", []string{"2022年（令和4年）の時点では", "時点の情報です"}, []string{"違いがあります"}},
		{"reader-free", "2026-12-03T10:00:00+09:00", []string{"提供されていました"}, []string{"出ており"}},
	}
	for _, tt := range tests {
		a, ok := k.Answer(tt.id, mustTime(t, tt.now))
		if !ok {
			t.Fatalf("no answer for %s", tt.id)
		}
		for _, w := range tt.want {
			if !strings.Contains(a.Text, w) {
				t.Errorf("%s at %s: answer lacks %q:\n%s", tt.id, tt.now, w, a.Text)
			}
		}
		for _, w := range tt.wantNo {
			if strings.Contains(a.Text, w) {
				t.Errorf("%s at %s: answer says %q:\n%s", tt.id, tt.now, w, a.Text)
			}
		}
	}
}

// In December 2026 no answer speaks of the 2022 schemes — deadlines, the subsidy, the free
// readers and their application — as current: a topic whose answer names a date of 2022 or
// 2023, counts down to one, or tells of the free readers says its facts are of 2022 and
// where to look for today's rules.
func TestAnswersOf2022In2026(t *testing.T) {
	// The facts of DOMAIN.md that are the 2022 schemes: applying for the reader on the
	// portal (F9, F10), the deadlines (F11, F12), the subsidy (F19, F20).
	schemeFacts := []string{"F9", "F10", "F11", "F12", "F19", "F20"}
	k := loadEmbedded(t)
	now := mustTime(t, "2026-12-03T10:00:00+09:00")
	dated := regexp.MustCompile(`202[23]年`)
	for _, tp := range k.Topics() {
		scheme := slices.ContainsFunc(tp.Sources, func(f string) bool { return slices.Contains(schemeFacts, f) })
		if !dated.MatchString(tp.Answer) && len(tp.Deadlines) == 0 && !scheme && !strings.Contains(tp.Answer, "無償") {
			continue
		}
		a, _ := k.Answer(tp.ID, now)
		if tp.Until.IsZero() || !tp.Until.Before(now) {
			t.Errorf("%s: its 2022 facts have no until before %s", tp.ID, now.Format(time.DateOnly))
		}
		if !strings.Contains(a.Text, "2022年") || !strings.Contains(a.Text, "portalsite") && !strings.Contains(a.Text, "窓口") {
			t.Errorf("%s: the answer does not say its facts are of 2022 and where to look now:\n%s", tp.ID, a.Text)
		}
	}
}
