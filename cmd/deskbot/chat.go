package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"deskbot/bot"
	"deskbot/bot/transcript"
	"deskbot/flows/parse"
)

// chatConversation is the conversation of the terminal.
const chatConversation = "chat:local"

// chat is a conversation in the terminal, as a clinic would have it on LINE: the same
// engine and texts, choices numbered (typing the number taps it), and what the desk would
// be told printed as such.
func chat(ctx context.Context, a *app, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	c := newTerminal(a, w, terminalNotifier{w, a.reportLabels})
	interactive := isTerminal(in)
	if err := c.event(ctx, bot.Event{Kind: bot.FollowEvent}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if interactive {
			fmt.Fprint(w, "あなた> ")
			w.Flush()
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if !interactive {
			fmt.Fprintf(w, "あなた> %s\n", line)
		}
		ev, tapped := c.typed(line)
		if tapped != "" {
			fmt.Fprintf(w, "（「%s」を選択）\n", tapped)
		}
		if err := c.event(ctx, ev); err != nil {
			return err
		}
	}
	return sc.Err()
}

// terminal is the conversation of the terminal: it applies events, prints the replies
// with transcript.Render and hands the desk's notices to its notifier.
type terminal struct {
	a      *app
	w      *bufio.Writer
	worker *bot.Worker
	// choices are those of the latest reply, which typed numbers tap.
	choices []bot.Choice
}

func newTerminal(a *app, w *bufio.Writer, n bot.Notifier) *terminal {
	return &terminal{a: a, w: w, worker: &bot.Worker{Outbox: a.store, Notifier: n, Name: "chat", Log: a.log}}
}

// typed is the event of a typed line: a number among the choices of the latest reply
// taps that choice (its label is returned), anything else is text. A number typed where
// no choice is offered (a prefecture code, an amount) is text.
func (c *terminal) typed(line string) (bot.Event, string) {
	if n, err := strconv.Atoi(parse.Normalize(line)); err == nil && n >= 1 && n <= len(c.choices) {
		ch := c.choices[n-1]
		return bot.Event{Kind: bot.ChoiceEvent, Text: ch.Value}, ch.Label
	}
	return bot.Event{Kind: bot.TextEvent, Text: line}, ""
}

// event applies one event of the terminal's conversation, prints the reply and passes
// the notices it queued to the desk. A turn that fails is said, logged and skipped.
func (c *terminal) event(ctx context.Context, ev bot.Event) error {
	ev.Conversation = chatConversation
	msgs, err := c.a.engine.Handle(ctx, ev)
	if err != nil {
		fmt.Fprintln(c.w, "（申し訳ありません、ただいま処理できませんでした。もう一度お試しください。）")
		c.a.log.Error("chat turn failed", "err", err)
		return c.w.Flush()
	}
	transcript.Render(c.w, msgs)
	c.choices = transcript.Offered(msgs)
	if _, err := c.worker.Drain(ctx); err != nil {
		c.a.log.Error("desk notification failed", "err", err)
	}
	return c.w.Flush()
}

// terminalNotifier prints what the desk would be told.
type terminalNotifier struct {
	w      io.Writer
	labels func() bot.Labels
}

func (n terminalNotifier) Notify(_ context.Context, d bot.Delivery) error {
	fmt.Fprintf(n.w, "📣 [窓口への通知] %s\n", noticeSummary(d.Notice, n.labels()))
	return nil
}

// noticeSummary is a notice in a few lines, for the terminal and the log-only desk.
func noticeSummary(n bot.Notice, l bot.Labels) string {
	var b strings.Builder
	switch n.Kind {
	case bot.NoticeReport:
		r := n.Report
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		fmt.Fprintf(&b, "障害の報告 %s：%s（%s・%s）%s", r.ID, r.Facility, r.Prefecture, l.FacilityType(r.FacilityType), strings.Join(cats, "、"))
		if r.Code != "" {
			fmt.Fprintf(&b, " コード=%s", r.Code)
		}
		for _, f := range r.Answers {
			fmt.Fprintf(&b, "\n    %s：%s", f.Label, f.Value)
		}
		fmt.Fprintf(&b, "\n    詳しい内容：%s", r.Details)
		for _, f := range r.Checklist {
			fmt.Fprintf(&b, "\n    [見積チェック] %s：%s", f.Label, f.Value)
		}
	case bot.NoticeHandoff:
		fmt.Fprintf(&b, "担当者への相談 %s：%s", n.Thread, n.Text)
		if w := n.Context; w != nil {
			fmt.Fprintf(&b, "\n    手続き：%s（回答済み%d項目）", w.Flow, w.Answers)
			if w.Question != "" {
				fmt.Fprintf(&b, "\n    質問：%s", w.Question)
			}
		}
	case bot.NoticeHandoffMessage:
		fmt.Fprintf(&b, "相談 %s への追加：%s", n.Thread, n.Text)
	case bot.NoticeHandoffClosed:
		fmt.Fprintf(&b, "相談 %s は終了しました", n.Thread)
	default:
		fmt.Fprintf(&b, "%s %s", n.Kind, n.ID)
	}
	return b.String()
}

// isTerminal reports whether r is an interactive terminal, to show a prompt only there.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
