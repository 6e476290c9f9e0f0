package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"deskbot/bot"
)

// EventTTL is how long an Events API event id is remembered. Slack retries within
// minutes; a day is the floor the desk asked for.
const EventTTL = 48 * time.Hour

// events answers the Events API: the URL verification challenge, and the messages of the
// desk channel, of which those desk staff write in a desk thread go to the clinic. Other
// events are acknowledged and ignored, so Slack does not retry them.
func (d *Desk) events(w http.ResponseWriter, r *http.Request, body []byte) {
	var outer struct{ Type string }
	if err := json.Unmarshal(body, &outer); err != nil || outer.Type == "" {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		d.log.Info("Slack event ignored: not one the desk reads", "type", outer.Type, "err", err)
		return
	}
	switch data := ev.Data.(type) {
	case *slackevents.EventsAPIURLVerificationEvent:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, data.Challenge)
	case *slackevents.EventsAPICallbackEvent:
		if ev.TeamID != d.team {
			d.refuse(w, r, txtWrongWorkspace, ev.TeamID, "")
			return
		}
		m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
		if !ok {
			return
		}
		if retry := r.Header.Get("X-Slack-Retry-Num"); retry != "" {
			d.log.Info("Slack event redelivered", "event", data.EventID, "retry", retry, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		if err := d.deskReply(r.Context(), data.EventID, m); err != nil {
			d.log.Error("Slack event not applied; Slack will redeliver it", "event", data.EventID, "err", err)
			http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
		}
	}
}

// deskReply passes what a staff member wrote in a desk thread — a report's or a
// handoff's — to the clinic: to the engine as a DeskReplyEvent of the thread's
// conversation, and the engine's answer on to the clinic through the pusher. Messages of
// bots (this one included), edits, deletions and other subtypes, messages of users of
// another workspace (Slack Connect), and messages outside the desk's threads are
// ignored, so the desk's own posts never loop back. A file cannot go to LINE: the thread
// is told so, and the text beside it, if any, goes on.
//
// The event id is remembered for EventTTL, so Slack's retries are dropped here; a retry
// after a failure is let through, and the engine, which applies an event id once, does
// not apply it twice.
func (d *Desk) deskReply(ctx context.Context, eventID string, m *slackevents.MessageEvent) error {
	if m.Channel != d.channel || m.ThreadTimeStamp == "" || m.ThreadTimeStamp == m.TimeStamp ||
		(m.SubType != "" && m.SubType != "thread_broadcast" && m.SubType != "file_share") || m.BotID != "" || m.User == "" || m.User == d.botUser {
		return nil
	}
	if (m.UserTeam != "" && m.UserTeam != d.team) || (m.SourceTeam != "" && m.SourceTeam != d.team) {
		// Slack Connect: someone of another workspace wrote in the shared desk channel.
		// Only the desk's own staff speak to clinics.
		d.log.Warn("Slack: a message by a user of another workspace ignored", "user_team", m.UserTeam, "source_team", m.SourceTeam)
		return nil
	}
	text := plainText(m.Text)
	files := m.SubType == "file_share" || (m.Message != nil && len(m.Message.Files) > 0)
	if (text == "" && !files) || eventID == "" {
		return nil
	}
	post, ok, err := d.store.PostedAt(ctx, m.ThreadTimeStamp)
	if err != nil {
		return fmt.Errorf("look up thread: %w", err)
	}
	if !ok {
		return nil
	}
	key := "slack:event:" + eventID
	first, err := d.store.FirstSeen(ctx, key, EventTTL)
	if err != nil {
		return fmt.Errorf("dedupe event: %w", err)
	}
	if !first {
		d.log.Info("Slack event already handled", "event", eventID)
		return nil
	}
	if files {
		// LINE gets no file from the desk: say so in the thread, never drop it silently.
		note := txtFileText
		if text == "" {
			note = txtFileOnly
		}
		if _, _, err := d.api.PostMessageContext(ctx, d.channel, slackgo.MsgOptionText(note, false), slackgo.MsgOptionTS(m.ThreadTimeStamp)); err != nil {
			d.log.Warn("Slack: the note that a file does not reach LINE could not be posted", "err", err)
		}
		if text == "" {
			return nil
		}
	}
	msgs, err := d.engine.Handle(ctx, bot.Event{ID: "slack:" + eventID, Conversation: post.Conversation, Kind: bot.DeskReplyEvent,
		Text: text, DeskThread: post.Notice})
	if err != nil {
		if ferr := d.store.Forget(context.WithoutCancel(ctx), key); ferr != nil {
			d.log.Error("Slack event id not released; its redelivery will be dropped", "event", eventID, "err", ferr)
		}
		return fmt.Errorf("desk reply: %w", err)
	}
	if len(msgs) > 0 {
		d.pusher.Push(post.Conversation, post.Notice, msgs)
	}
	d.log.Info("desk reply passed to the clinic", "conv", bot.LogID(post.Conversation), "notice", post.Notice, "messages", len(msgs))
	return nil
}

// slackMarkup matches Slack's markup in message text: <@U123>, <#C123|name>, <!here>,
// <https://…|label>, <mailto:…|label>.
var slackMarkup = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace

// plainText turns the text of a Slack message into what a clinic reads on LINE: links as
// their label and address, mentions as their names, the escapes undone.
func plainText(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackMarkup.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if label != "" {
				return target[:1] + label
			}
			return ""
		case strings.HasPrefix(target, "!"):
			return ""
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		case label != "" && label != target:
			return label + "（" + target + "）"
		}
		return target
	})
	return strings.TrimSpace(unescape(s))
}
