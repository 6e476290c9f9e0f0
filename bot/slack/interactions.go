package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// interactions takes the status buttons of the reports: the report's status changes in
// the store, with who and when, and its message is updated to show every change.
// Presses from another workspace or channel get 403.
func (d *Desk) interactions(w http.ResponseWriter, r *http.Request, body []byte) {
	var cb slackgo.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err == nil {
		err = json.Unmarshal([]byte(form.Get("payload")), &cb)
	}
	if err != nil {
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	channel := cmp.Or(cb.Channel.ID, cb.Container.ChannelID)
	switch {
	case cb.Team.ID != d.team || (cb.User.TeamID != "" && cb.User.TeamID != d.team):
		// A user of another workspace in a shared channel (Slack Connect) is not desk staff.
		d.refuse(w, r, txtWrongWorkspace, cmp.Or(cb.User.TeamID, cb.Team.ID), channel)
		return
	case channel != d.channel:
		d.refuse(w, r, fmt.Sprintf(txtWrongChannel, d.channel), cb.Team.ID, channel)
		return
	case cb.Type != slackgo.InteractionTypeBlockActions:
		return
	}
	// A signed request may be replayed within the signature's five minutes; each press
	// has its own trigger id, so a replay is recognised and changes nothing.
	key := "slack:trigger:" + cb.TriggerID
	if cb.TriggerID != "" {
		first, err := d.store.FirstSeen(r.Context(), key, EventTTL)
		if err != nil {
			d.log.Error("Slack: interaction dedupe failed", "err", err)
			http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
			return
		}
		if !first {
			d.log.Info("Slack interaction already handled")
			return
		}
	}
	fail := func(what string, err error, attrs ...any) {
		d.log.Error("Slack: "+what+" failed", append(attrs, "err", err)...)
		if cb.TriggerID != "" {
			d.store.Forget(context.WithoutCancel(r.Context()), key) // pressing again must work
		}
		http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == actionCloseHandoff {
			if err := d.closeHandoff(r.Context(), a.Value, cb.User); err != nil {
				fail("closing a handoff", err, "thread", a.Value)
				return
			}
			continue
		}
		s, ok := strings.CutPrefix(a.ActionID, actionPrefix)
		if st := bot.Status(s); !ok || (st != bot.StatusInProgress && st != bot.StatusResolved) {
			continue
		}
		if err := d.setStatus(r.Context(), a.Value, bot.Status(s), cb.User, cb.Container.MessageTs); err != nil {
			fail("status change", err, "report", a.Value)
			return
		}
	}
}

// closeHandoff closes handoff thread for the clinic, through the engine, and says so in
// the thread. The engine applies the close of one thread once, so a second press, or a
// replayed one, changes nothing and says nothing more.
func (d *Desk) closeHandoff(ctx context.Context, thread string, user slackgo.User) error {
	post, ok, err := d.store.Posted(ctx, thread)
	if err != nil {
		return fmt.Errorf("look up handoff: %w", err)
	}
	if !ok {
		d.log.Warn("Slack: close button of an unknown handoff", "thread", thread)
		return nil
	}
	msgs, err := d.engine.Handle(ctx, bot.Event{ID: "slack:close:" + thread, Conversation: post.Conversation, Kind: bot.DeskCloseEvent,
		Text: thread, DeskThread: thread})
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if len(msgs) == 0 {
		return nil // closed already, by the clinic or by another press
	}
	d.pusher.Push(post.Conversation, thread, msgs)
	t := fmt.Sprintf(txtHandoffClosedBy, user.ID, when(d.now()))
	if _, _, err := d.api.PostMessageContext(ctx, d.channel, slackgo.MsgOptionText(t, false), slackgo.MsgOptionTS(post.Ref)); err != nil {
		d.log.Warn("Slack: could not say in the thread that the handoff was closed", "err", err)
	}
	return nil
}

// setStatus records a status change of report id by user and shows it on the report's
// message. The press counts only when it comes from the message the report was posted
// as, by the same conversation: a button on a message the store has no record of (one
// posted before the store lost its data, whose receipt number may have been given out
// again) changes nothing.
func (d *Desk) setStatus(ctx context.Context, id string, st bot.Status, user slackgo.User, msgTS string) error {
	rep, ok, err := d.store.Report(ctx, id)
	if err != nil {
		return fmt.Errorf("load report: %w", err)
	}
	if !ok {
		d.log.Warn("Slack: status button of an unknown report", "report", id)
		return nil
	}
	post, ok, err := d.store.Posted(ctx, id)
	if err != nil {
		return fmt.Errorf("look up post: %w", err)
	}
	if !ok || post.Ref != msgTS || post.Conversation != rep.Conversation {
		d.log.Warn("Slack: status button of a message that is not the report's post; ignored", "report", id, "ts", msgTS)
		return nil
	}
	h, err := d.store.AddStatus(ctx, id, bot.StatusChange{Status: st, By: user.ID, Name: user.Name, At: d.now()})
	if err != nil {
		return fmt.Errorf("add status: %w", err)
	}
	d.log.Info("report status changed", "report", id, "status", string(st), "changes", len(h))
	return d.showStatus(ctx, rep, post.Ref, h)
}

// showStatus updates the report's message to show history h, and again while the stored
// history has grown meanwhile: when two staff members press at once, the update that
// lands last may carry the shorter history, and its re-read mends that. Since histories
// only grow, the last writer always ends with the whole of it.
func (d *Desk) showStatus(ctx context.Context, rep bot.Report, msgTS string, h []bot.StatusChange) error {
	for range 5 {
		msg := reportMessage(rep, h, d.labels())
		if _, _, _, err := d.api.UpdateMessageContext(ctx, d.channel, msgTS, msg.options()...); err != nil {
			return fmt.Errorf("chat.update: %w", err)
		}
		now, err := d.store.Statuses(ctx, rep.ID)
		if err != nil {
			return fmt.Errorf("statuses: %w", err)
		}
		if len(now[rep.ID]) == len(h) {
			return nil
		}
		h = now[rep.ID]
	}
	return nil
}
