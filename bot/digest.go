package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Schedule is when the weekly digest is posted: a day of the week and a time of day, in
// Japan.
type Schedule struct {
	Day          time.Weekday
	Hour, Minute int
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"日": time.Sunday, "月": time.Monday, "火": time.Tuesday, "水": time.Wednesday,
	"木": time.Thursday, "金": time.Friday, "土": time.Saturday,
}

var scheduleRE = regexp.MustCompile(`^(\S+?)\s*(\d{1,2}):(\d{2})$`)

// ParseSchedule reads DESKBOT_DIGEST: a weekday and a 24-hour time in Japan, e.g.
// "mon 09:00", "Monday 9:00", "月 09:00" or "月曜 9:00".
func ParseSchedule(s string) (Schedule, error) {
	m := scheduleRE.FindStringSubmatch(strings.TrimSpace(toASCII.Replace(strings.ReplaceAll(s, "：", ":"))))
	if m == nil {
		return Schedule{}, fmt.Errorf("%q: want a weekday and a time, e.g. mon 09:00", s)
	}
	day := strings.ToLower(m[1])
	day = strings.TrimSuffix(strings.TrimSuffix(day, "曜日"), "曜")
	if len(day) > 3 && day[0] < 0x80 {
		day = day[:3] // monday → mon
	}
	wd, ok := weekdays[day]
	if !ok {
		return Schedule{}, fmt.Errorf("%q: %q is not a day of the week", s, m[1])
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	if h > 23 || mi > 59 {
		return Schedule{}, fmt.Errorf("%q: no such time of day", s)
	}
	return Schedule{Day: wd, Hour: h, Minute: mi}, nil
}

// String is s as ParseSchedule reads it.
func (s Schedule) String() string {
	return fmt.Sprintf("%s %02d:%02d", strings.ToLower(s.Day.String()[:3]), s.Hour, s.Minute)
}

// Last is the latest time of s at or before now.
func (s Schedule) Last(now time.Time) time.Time {
	now = now.In(JST)
	t := time.Date(now.Year(), now.Month(), now.Day(), s.Hour, s.Minute, 0, 0, JST)
	t = t.AddDate(0, 0, -((int(now.Weekday()) - int(s.Day) + 7) % 7))
	if t.After(now) {
		t = t.AddDate(0, 0, -7)
	}
	return t
}

// DigestPeriod is what a digest posted at t covers: the seven days of Japan before t's
// day, midnight to midnight.
func DigestPeriod(t time.Time) Period {
	t = t.In(JST)
	end := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, JST)
	return Period{From: end.AddDate(0, 0, -7), To: end}
}

// DigestQueue is what the digest needs of a store: store.Redis and store.Memory have it.
type DigestQueue interface {
	// ClaimNotice puts n in the outbox unless claim was taken within ttl, and reports
	// whether it did. Of any number of callers with one claim, one gets true; the claim
	// and the notice are written in one step, so a crash leaves both or neither.
	ClaimNotice(ctx context.Context, claim string, ttl time.Duration, n Notice) (bool, error)
}

// Digest queues the weekly digest for the desk, once per time of its schedule however
// many instances run one: each claims the time in the store, and the instance that wins
// puts the digest notice in the outbox, from where the worker posts it like any notice,
// retries included. A time is posted up to CatchUp after it passed, so an instance that
// was down at the time (or started just after) still posts it; older ones are skipped.
type Digest struct {
	Queue    DigestQueue
	Schedule Schedule
	// CatchUp is how late a digest may still be queued; 0 means a day.
	CatchUp time.Duration
	// Poll is how often Run looks at the clock; 0 means 30s.
	Poll time.Duration
	Now  func() time.Time
	Log  *slog.Logger
}

// DigestConversation is the conversation id digest notices carry: they belong to no
// clinic.
const DigestConversation = "desk:digest"

// Tick queues the digest of the schedule's latest time if it is due and no instance
// queued it yet; it reports whether this call queued it.
func (d *Digest) Tick(ctx context.Context) (bool, error) {
	now := d.now()
	at := d.Schedule.Last(now)
	if now.Sub(at) > d.catchUp() {
		return false, nil
	}
	p := DigestPeriod(at)
	n := Notice{ID: "D-" + at.Format("20060102-1504"), Kind: NoticeDigest, Conversation: DigestConversation,
		Time: at, Period: &p}
	// The claim outlives the catch-up window, so a time is never claimed twice.
	ok, err := d.Queue.ClaimNotice(ctx, "digest:"+at.Format("20060102T1504"), d.catchUp()+8*24*time.Hour, n)
	if err != nil {
		return false, fmt.Errorf("queue digest: %w", err)
	}
	if ok {
		d.log().LogAttrs(ctx, slog.LevelInfo, "digest queued", slog.String("notice", n.ID), slog.String("period", p.Name()))
	}
	return ok, nil
}

// Run ticks until ctx is done. Store errors are logged and tried again at the next tick.
func (d *Digest) Run(ctx context.Context) {
	poll := d.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			d.log().LogAttrs(ctx, slog.LevelWarn, "digest not queued", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Digest) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Digest) catchUp() time.Duration {
	if d.CatchUp > 0 {
		return d.CatchUp
	}
	return 24 * time.Hour
}

func (d *Digest) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}
