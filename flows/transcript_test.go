package flows_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line/linetest"
	"deskbot/bot/transcript"
	"deskbot/flows"
	"deskbot/store"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts from what the engine says")

// Transcripts are conversations written down as the desk would read them: scripts in
// testdata/transcripts/*.txt in the syntax of package transcript, each with a golden file
// beside it of exactly what the clinic received (go test -update rewrites them from the
// engine). Every script runs through the engine directly, with the checks below, and
// through the signed LINE webhook against the recording fake of the Messaging API, where
// every call is checked against LINE's limits; cmd/deskbot runs them through `deskbot
// chat`. Checks, after the action they follow:
//
//	< words                         some message of the reply contains words
//	<! words                        no message of the reply contains words
//	<? LABEL                        the reply offers a choice labelled LABEL
//	<?! LABEL                       the reply offers no choice labelled LABEL
//	<~ REGEXP                       some message of the reply matches the regular expression
//	<- nothing                      the reply is empty
//	= flow FLOW STEP                the session is in FLOW at STEP ("-" for none)
//	= empty                         nothing of the conversation is kept in the store
//	= notice KIND [words]           the turn sent a notice of KIND (to the desk) containing words
//	= no notice                     the turn sent no notice
//	= report FIELD VALUE            the last report notice has FIELD (id, facility, prefecture, code,
//	                                type, contact, details, categories, answers, checklist) containing VALUE
//	                                ("-": FIELD is empty)
//	= card words                    some card of the reply (title, rows or notes) contains words
//	= records N                     the conversation keeps N finished checklists
func TestTranscripts(t *testing.T) {
	files := transcripts(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			bottest.RunTranscript(t, f, h.clock, h, h.checkLine, *update)
		})
	}
	if *update {
		return
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run("line/"+name, func(t *testing.T) {
			clock := bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))
			c := linetest.NewChannel(t, flows.NewBrain(embedded(t)), store.NewMemory(clock.Now), clock.Now)
			bottest.RunTranscript(t, f, clock, c, nil, false)
		})
	}
}

func transcripts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	return files
}

// harness is an engine on a memory store with the embedded knowledge base: the engine
// channel of the transcripts.
type harness struct {
	t      *testing.T
	clock  *bottest.Clock
	store  *store.Memory
	engine *bot.Engine
	conv   string

	reply   []bot.Message
	offered []bot.Choice
	notices []bot.Notice
	report  *bot.Report
	// thread is the thread of the last handoff opened, for [desk-close].
	thread string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	k := embedded(t)
	c := bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))
	st := store.NewMemory(c.Now)
	e := bot.NewEngine(bot.Config{Store: st, Brain: flows.NewBrain(k), Now: c.Now, TTL: 168 * time.Hour})
	return &harness{t: t, clock: c, store: st, engine: e, conv: "line:Utranscript"}
}

// send applies one event and collects the reply and the notices it queued.
func (h *harness) send(ev bot.Event) {
	h.t.Helper()
	ev.Conversation = h.conv
	msgs, err := h.engine.Handle(context.Background(), ev)
	if err != nil {
		h.t.Fatalf("Handle(%v %q): %v", ev.Kind, ev.Text, err)
	}
	h.reply = msgs
	if o := transcript.Offered(msgs); len(o) > 0 {
		h.offered = o
	}
	ds, err := h.store.Claim(context.Background(), "test", 100, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	h.notices = nil
	for _, d := range ds {
		h.notices = append(h.notices, d.Notice)
		if d.Report != nil {
			h.report = d.Report
		}
		if d.Kind == bot.NoticeHandoff {
			h.thread = d.Thread
		}
		h.store.Ack(context.Background(), d)
	}
}

func labels(cs []bot.Choice) string {
	var l []string
	for _, c := range cs {
		l = append(l, "["+c.Label+"]")
	}
	return strings.Join(l, " ")
}

// replyText is the whole reply as text: messages, cards and choice labels.
func replyText(msgs []bot.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		if m.Card != nil {
			b.WriteString(m.Card.Text + "\n")
		}
		b.WriteString(m.Text + "\n")
		b.WriteString(labels(m.Choices) + "\n")
	}
	return b.String()
}

// Act implements bottest.Channel.
func (h *harness) Act(t testing.TB, l transcript.Line) string {
	t.Helper()
	switch l.Kind {
	case transcript.Tap:
		i := slices.IndexFunc(h.offered, func(c bot.Choice) bool { return c.Label == l.Text })
		if i < 0 {
			t.Fatalf("line %d: no choice %q offered; offered: %s", l.N, l.Text, labels(h.offered))
		}
		h.send(bot.Event{Kind: bot.ChoiceEvent, Text: h.offered[i].Value})
	case transcript.Follow:
		h.send(bot.Event{Kind: bot.FollowEvent})
	case transcript.Unfollow:
		h.send(bot.Event{Kind: bot.UnfollowEvent})
	case transcript.Unsupported:
		h.send(bot.Event{Kind: bot.UnsupportedEvent, Text: l.Text})
	case transcript.DeskReply:
		h.send(bot.Event{Kind: bot.DeskReplyEvent, Text: l.Text})
	case transcript.DeskClose:
		thread := h.thread
		if l.Text == "another" {
			thread = "H-ANOTHER"
		}
		h.send(bot.Event{Kind: bot.DeskCloseEvent, Text: thread})
	case transcript.Redelivery:
		h.send(bot.Event{Kind: bot.TextEvent, ID: l.ID, Text: l.Text})
	default:
		h.send(bot.Event{Kind: bot.TextEvent, Text: l.Text})
	}
	var b strings.Builder
	transcript.Render(&b, h.reply)
	return b.String()
}

// checkLine checks one check line against the last reply and the store.
func (h *harness) checkLine(l transcript.Line) error {
	op, arg, _ := strings.Cut(l.Raw, " ")
	arg = strings.TrimSpace(arg)
	switch op {
	case "<":
		if !strings.Contains(replyText(h.reply), arg) {
			return fmt.Errorf("reply does not contain %q\nthe bot said:\n%s", arg, replyText(h.reply))
		}
	case "<!":
		if strings.Contains(replyText(h.reply), arg) {
			return fmt.Errorf("reply contains %q", arg)
		}
	case "<?", "<?!":
		last := transcript.Offered(h.reply)
		offers := slices.ContainsFunc(last, func(c bot.Choice) bool { return c.Label == arg })
		if op == "<?" && !offers {
			return fmt.Errorf("reply does not offer [%s]; offers %s", arg, labels(last))
		}
		if op == "<?!" && offers {
			return fmt.Errorf("reply offers [%s]", arg)
		}
	case "<~":
		re, err := regexp.Compile(arg)
		if err != nil {
			return err
		}
		if !re.MatchString(replyText(h.reply)) {
			return fmt.Errorf("reply does not match %s", arg)
		}
	case "<-":
		if len(h.reply) != 0 {
			return fmt.Errorf("reply is not empty")
		}
	case "=":
		return h.check(arg)
	default:
		return fmt.Errorf("unknown line")
	}
	return nil
}

func (h *harness) check(arg string) error {
	fields := strings.Fields(arg)
	l, err := h.store.Load(context.Background(), h.conv, "")
	if err != nil {
		return err
	}
	s := l.Session
	switch fields[0] {
	case "flow":
		want := fields[1:]
		got := place(s)
		if len(want) != 2 || !slices.Equal(want, got) {
			return fmt.Errorf("session is at %v, want %v", got, want)
		}
	case "empty":
		if s.Version != 0 || !s.Empty() {
			return fmt.Errorf("the store keeps the conversation: version %d, %+v", s.Version, s)
		}
	case "card":
		words := strings.Join(fields[1:], " ")
		for _, m := range h.reply {
			if m.Card != nil && strings.Contains(m.Card.Text, words) {
				return nil
			}
		}
		return fmt.Errorf("no card containing %q", words)
	case "records":
		if got := fmt.Sprint(len(s.Records)); got != fields[1] {
			return fmt.Errorf("%s records kept, want %s", got, fields[1])
		}
	case "notice":
		words := strings.Join(fields[2:], " ")
		for _, n := range h.notices {
			if string(n.Kind) == fields[1] && strings.Contains(fmt.Sprintf("%+v %+v %+v", n, n.Report, n.Context), words) {
				return nil
			}
		}
		return fmt.Errorf("no %s notice containing %q; notices: %+v", fields[1], words, h.notices)
	case "no":
		if len(h.notices) != 0 {
			return fmt.Errorf("notices sent: %+v", h.notices)
		}
	case "report":
		r := h.report
		if r == nil {
			return fmt.Errorf("no report sent")
		}
		var got string
		switch fields[1] {
		case "facility":
			got = r.Facility
		case "prefecture":
			got = r.Prefecture
		case "code":
			got = r.Code
		case "type":
			got = r.FacilityType
		case "contact":
			got = r.Contact
		case "details":
			got = r.Details
		case "id":
			got = r.ID
		case "categories":
			got = strings.Join(r.Categories, ",")
		case "answers":
			got = fields2text(r.Answers)
		case "checklist":
			got = fields2text(r.Checklist)
		default:
			return fmt.Errorf("unknown report field %q", fields[1])
		}
		want := strings.Join(fields[2:], " ")
		if want == "-" {
			want = ""
			if got != "" {
				return fmt.Errorf("report %s = %q, want empty", fields[1], got)
			}
		}
		if !strings.Contains(got, want) {
			return fmt.Errorf("report %s = %q, want it to contain %q", fields[1], got, want)
		}
	default:
		return fmt.Errorf("unknown check")
	}
	return nil
}

// fields2text writes labelled fields as "label value" lines; nothing for none.
func fields2text(fs []bot.Field) string {
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.Label+" "+f.Value)
	}
	return strings.Join(lines, "\n")
}

func or(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// place is where the session is, as "= flow" names it: the flow and its step, or the
// flow and the screen it is at (confirm, edit, summary), or faq and the topic answered,
// or handoff and ask or open.
func place(s *bot.Session) []string {
	switch s.Mode {
	case bot.ModeStep:
		return []string{or(s.Flow), or(s.Step)}
	case bot.ModeFAQ:
		return []string{"faq", or(s.Topic)}
	case bot.ModeHandoffAsk:
		return []string{"handoff", "ask"}
	case bot.ModeHandoffOpen:
		return []string{"handoff", "open"}
	}
	return []string{or(s.Flow), s.Mode.String()}
}
