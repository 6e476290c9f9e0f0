package bot_test

import (
	"context"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/store"
)

func TestParseSchedule(t *testing.T) {
	for in, want := range map[string]bot.Schedule{
		"mon 09:00":    {Day: time.Monday, Hour: 9},
		"Monday 9:00":  {Day: time.Monday, Hour: 9},
		"FRI 17:30":    {Day: time.Friday, Hour: 17, Minute: 30},
		"月 09:00":      {Day: time.Monday, Hour: 9},
		"月曜 9:00":      {Day: time.Monday, Hour: 9},
		"日曜日 ２３：５９":    {Day: time.Sunday, Hour: 23, Minute: 59},
		"  sun 0:00  ": {Day: time.Sunday},
	} {
		got, err := bot.ParseSchedule(in)
		if err != nil || got != want {
			t.Errorf("ParseSchedule(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if again, err := bot.ParseSchedule(got.String()); err != nil || again != got {
			t.Errorf("ParseSchedule(%q) = %+v, %v; want %+v back", got.String(), again, err, got)
		}
	}
	for _, bad := range []string{"", "mon", "09:00", "mon 24:00", "mon 09:60", "moon 09:00", "mon 9", "毎週月曜 9:00", "mon 09:00:00"} {
		if s, err := bot.ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) = %+v, want an error", bad, s)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"mon 09:00", "月曜 9:00", "sun 23:59", "x 1:1", "mon 99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := bot.ParseSchedule(s)
		if err != nil {
			return
		}
		if sc.Hour > 23 || sc.Minute > 59 || sc.Day < time.Sunday || sc.Day > time.Saturday {
			t.Fatalf("ParseSchedule(%q) = %+v", s, sc)
		}
		if again, err := bot.ParseSchedule(sc.String()); err != nil || again != sc {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, sc, sc.String(), again, err)
		}
	})
}

// ParsePeriod reads the words of the slash commands and `deskbot export --period`.
func TestParsePeriod(t *testing.T) {
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, bot.JST) }
	for _, tc := range []struct {
		in       string
		from, to time.Time
		name     string
	}{
		{"", time.Time{}, time.Time{}, "全期間"},
		{"今日", day(2022, 11, 15), day(2022, 11, 16), "2022-11-15"},
		{"今月", day(2022, 11, 1), day(2022, 12, 1), "2022-11-01〜2022-11-30"},
		{"先月", day(2022, 10, 1), day(2022, 11, 1), "2022-10-01〜2022-10-31"},
		{"7日", day(2022, 11, 9), day(2022, 11, 16), "2022-11-09〜2022-11-15"},
		{"30d", day(2022, 10, 17), day(2022, 11, 16), "2022-10-17〜2022-11-15"},
		{"2022-11", day(2022, 11, 1), day(2022, 12, 1), "2022-11-01〜2022-11-30"},
		{"2022/2", day(2022, 2, 1), day(2022, 3, 1), "2022-02-01〜2022-02-28"},
		{"2022-11-03", day(2022, 11, 3), day(2022, 11, 4), "2022-11-03"},
		{"２０２２－１１－０１ 〜 ２０２２－１１－１０", day(2022, 11, 1), day(2022, 11, 11), "2022-11-01〜2022-11-10"},
		{"2022-10 2022-11", day(2022, 10, 1), day(2022, 12, 1), "2022-10-01〜2022-11-30"},
		{"2022-12-25~2023-01-05", day(2022, 12, 25), day(2023, 1, 6), "2022-12-25〜2023-01-05"},
	} {
		p, name, err := bot.ParsePeriod(tc.in, now)
		if err != nil || !p.From.Equal(tc.from) || !p.To.Equal(tc.to) || name != tc.name {
			t.Errorf("bot.ParsePeriod(%q) = [%v, %v) %q, %v; want [%v, %v) %q", tc.in, p.From, p.To, name, err, tc.from, tc.to, tc.name)
		}
	}
	for _, bad := range []string{"2022-13", "2022-02-30", "きのう", "0日", "2022-11-10 2022-11-01", "2022-11 2022-12 2023-01", "R-20221115"} {
		if p, _, err := bot.ParsePeriod(bad, now); err == nil {
			t.Errorf("bot.ParsePeriod(%q) = %+v, want an error", bad, p)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "今日", "今月", "先月", "30日", "2022-11", "2022-11-01 2022-11-30", "２０２２／１１", "2022-02-30", "0日"} {
		f.Add(s)
	}
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)
	f.Fuzz(func(t *testing.T, s string) {
		p, name, err := bot.ParsePeriod(s, now)
		if err != nil {
			return
		}
		if name == "" || (!p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To)) {
			t.Fatalf("ParsePeriod(%q) = [%v, %v) %q", s, p.From, p.To, name)
		}
		for _, b := range []time.Time{p.From, p.To} {
			if !b.IsZero() && (b.In(bot.JST).Hour() != 0 || b.In(bot.JST).Minute() != 0) {
				t.Fatalf("ParsePeriod(%q): bound %v is not a midnight in Japan", s, b)
			}
		}
	})
}

func TestScheduleLast(t *testing.T) {
	s := bot.Schedule{Day: time.Monday, Hour: 9}
	for _, tc := range []struct{ now, want time.Time }{
		{jstAt(2022, 11, 14, 9, 0), jstAt(2022, 11, 14, 9, 0)},                     // on the time
		{jstAt(2022, 11, 14, 8, 59), jstAt(2022, 11, 7, 9, 0)},                     // a minute before: last week's
		{jstAt(2022, 11, 20, 23, 0), jstAt(2022, 11, 14, 9, 0)},                    // Sunday
		{time.Date(2022, 11, 14, 0, 0, 0, 0, time.UTC), jstAt(2022, 11, 14, 9, 0)}, // UTC midnight is 9:00 in Japan
	} {
		if got := s.Last(tc.now); !got.Equal(tc.want) {
			t.Errorf("Last(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
	p := bot.DigestPeriod(jstAt(2022, 11, 14, 9, 0))
	if !p.From.Equal(jstAt(2022, 11, 7, 0, 0)) || !p.To.Equal(jstAt(2022, 11, 14, 0, 0)) || p.Name() != "2022-11-07〜2022-11-13" {
		t.Errorf("DigestPeriod = [%v, %v) %q, want the week of 11/7, midnight to midnight", p.From, p.To, p.Name())
	}
}

func jstAt(y, m, d, h, min int) time.Time {
	return time.Date(y, time.Month(m), d, h, min, 0, 0, bot.JST)
}

// The digest of a time is queued once, from that time to a day after it, by any number
// of digests on one store; a time missed by more than a day is skipped.
func TestDigestTick(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(jstAt(2022, 11, 14, 8, 59))
	st := store.NewMemory(clock.Now)
	digests := []*bot.Digest{
		{Queue: st, Schedule: bot.Schedule{Day: time.Monday, Hour: 9}, Now: clock.Now},
		{Queue: st, Schedule: bot.Schedule{Day: time.Monday, Hour: 9}, Now: clock.Now},
	}
	tick := func(want int) {
		t.Helper()
		queued := 0
		for _, d := range digests {
			ok, err := d.Tick(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				queued++
			}
		}
		if queued != want {
			t.Fatalf("at %v: %d digests queued, want %d", clock.Now(), queued, want)
		}
	}
	tick(0) // last week's time is more than a day ago
	clock.Advance(time.Minute)
	tick(1)
	clock.Advance(23 * time.Hour)
	tick(0)
	ds, err := st.Claim(ctx, "test", 10, time.Minute)
	if err != nil || len(ds) != 1 {
		t.Fatalf("outbox: %d notices, %v; want 1", len(ds), err)
	}
	n := ds[0].Notice
	if n.Kind != bot.NoticeDigest || n.ID != "D-20221114-0900" || n.Period == nil || n.Period.Name() != "2022-11-07〜2022-11-13" {
		t.Errorf("digest notice = %+v", n)
	}
	clock.Set(jstAt(2022, 11, 21, 9, 0))
	tick(1)
	clock.Set(jstAt(2022, 11, 29, 9, 1)) // 11/28's time is a day and a minute ago
	tick(0)
}
