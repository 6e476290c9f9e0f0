package main

import (
	"bufio"
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/transcript"
	"deskbot/store"
)

// The golden transcripts of flows/testdata/transcripts, through `deskbot chat`: taps are
// typed as the numbers the terminal shows, and what it prints for each action is exactly
// the golden file's reply (flows' TestTranscripts writes them with -update).
func TestChatTranscripts(t *testing.T) {
	files, err := filepath.Glob("../../flows/testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			c := newChatChannel(t)
			bottest.RunTranscript(t, f, c.clock, c, nil, false)
		})
	}
}

// chatChannel drives a transcript through the terminal conversation of `deskbot chat`,
// on the embedded store and a clock the transcript sets.
type chatChannel struct {
	clock *bottest.Clock
	term  *terminal
	out   bytes.Buffer
	// older are the choices of earlier replies, which a transcript may tap as a clinic
	// taps an old message on LINE; the terminal itself only numbers the latest.
	older []bot.Choice
	// thread is the thread of the last handoff opened, for [desk-close].
	thread string
}

func newChatChannel(t *testing.T) *chatChannel {
	t.Helper()
	a := testApp(t, "chat", env())
	c := &chatChannel{clock: bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))}
	// As newApp wires it, on the transcript's clock.
	st := store.NewMemory(c.clock.Now)
	a.store = st
	a.engine = bot.NewEngine(bot.Config{Store: st, Brain: a.brain, Now: c.clock.Now, TTL: a.cfg.SessionTTL, Log: a.log, Observe: observeTurn})
	c.term = newTerminal(a, bufio.NewWriter(&c.out), threadNotifier{&c.thread})
	return c
}

// threadNotifier keeps the thread of the last handoff opened.
type threadNotifier struct{ thread *string }

func (n threadNotifier) Notify(_ context.Context, d bot.Delivery) error {
	if d.Kind == bot.NoticeHandoff {
		*n.thread = d.Thread
	}
	return nil
}

// Act implements bottest.Channel.
func (c *chatChannel) Act(t testing.TB, l transcript.Line) string {
	t.Helper()
	ctx := context.Background()
	var ev bot.Event
	switch l.Kind {
	case transcript.Type:
		var tapped string
		if ev, tapped = c.term.typed(l.Text); tapped != "" {
			t.Fatalf("line %d: %q typed in the terminal taps [%s]", l.N, l.Text, tapped)
		}
	case transcript.Tap:
		if i := slices.IndexFunc(c.term.choices, func(ch bot.Choice) bool { return ch.Label == l.Text }); i >= 0 {
			ev, _ = c.term.typed(strconv.Itoa(i + 1))
			break
		}
		i := slices.IndexFunc(c.older, func(ch bot.Choice) bool { return ch.Label == l.Text })
		if i < 0 {
			t.Fatalf("line %d: no choice %q offered", l.N, l.Text)
		}
		ev = bot.Event{Kind: bot.ChoiceEvent, Text: c.older[i].Value}
	case transcript.Follow:
		ev = bot.Event{Kind: bot.FollowEvent}
	case transcript.Unfollow:
		ev = bot.Event{Kind: bot.UnfollowEvent}
	case transcript.Unsupported:
		ev = bot.Event{Kind: bot.UnsupportedEvent, Text: l.Text}
	case transcript.Redelivery:
		ev = bot.Event{Kind: bot.TextEvent, ID: l.ID, Text: l.Text}
	case transcript.DeskReply:
		ev = bot.Event{Kind: bot.DeskReplyEvent, Text: l.Text}
	case transcript.DeskClose:
		ev = bot.Event{Kind: bot.DeskCloseEvent, Text: c.thread}
		if l.Text == "another" {
			ev.Text = "H-ANOTHER"
		}
	}
	if len(c.term.choices) > 0 {
		c.older = c.term.choices
	}
	c.out.Reset()
	if err := c.term.event(ctx, ev); err != nil {
		t.Fatal(err)
	}
	return c.out.String()
}
