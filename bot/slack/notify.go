package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// metaEventType names the metadata of the desk's messages, whose payload carries the
// notice id: so a post whose outcome was lost can be found in the channel again.
const metaEventType = "deskbot_notice"

// ErrThreadPending: a reply's thread is not posted yet; the reply waits for it. It wraps
// bot.ErrNotYet, so the worker neither counts nor backs off the wait.
var ErrThreadPending = fmt.Errorf("the thread's opening message is not posted yet: %w", bot.ErrNotYet)

var _ bot.Notifier = (*Desk)(nil)

// Notify posts a notice to the desk channel: a report with its status buttons, a handoff
// as a new message, the handoff's later messages as replies in its thread. It is
// idempotent on the notice id: the ts of the post is recorded in the store and a notice
// already recorded is not posted again. A redelivery (Attempt above 1) without a record
// first looks in the channel for a message carrying the notice id in its metadata — a
// 5xx may have been a success, a crash may have come between posting and recording —
// and adopts it. If two notifiers still post the same notice, the one that records
// second deletes its own message.
//
// Slack's 5xx, 429 (with its Retry-After), network errors and a thread not posted yet
// are returned to be retried; an answer no retry can change (invalid_auth,
// channel_not_found, …) wraps bot.ErrPermanent and is logged with what to fix.
func (d *Desk) Notify(ctx context.Context, dl bot.Delivery) error {
	n := dl.Notice
	if _, ok, err := d.store.Posted(ctx, n.ID); err != nil {
		return fmt.Errorf("look up post: %w", err)
	} else if ok {
		return nil
	}
	if n.Kind == bot.NoticeDigest {
		return d.postDigest(ctx, n)
	}
	var thread string
	if n.Kind == bot.NoticeHandoffMessage || n.Kind == bot.NoticeHandoffClosed || n.Kind == bot.NoticeDeskNote {
		root, ok, err := d.store.Posted(ctx, n.Thread)
		if err != nil {
			return fmt.Errorf("look up thread: %w", err)
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrThreadPending, n.Thread)
		}
		thread = root.Ref
	}
	msg, err := d.render(n)
	if err != nil {
		return fmt.Errorf("%w: %w", bot.ErrPermanent, err)
	}

	var ts string
	if dl.Attempt > 1 {
		if ts, err = d.find(ctx, n, thread); err != nil {
			return d.failed(ctx, n, "conversations.history", err)
		}
	}
	if ts == "" {
		meta := []slackgo.MsgOption{slackgo.MsgOptionMetadata(slackgo.SlackMetadata{
			EventType: metaEventType, EventPayload: map[string]any{"notice_id": n.ID, "conv": bot.LogID(n.Conversation)}})}
		if thread != "" {
			meta = append(meta, slackgo.MsgOptionTS(thread))
		}
		_, ts, err = d.api.PostMessageContext(ctx, d.channel, append(msg.options(), meta...)...)
		if code, _, _ := refusal(err); blocksRefused[code] {
			// Slack refuses the blocks: the desk gets the notice as plain text rather
			// than not at all.
			d.log.ErrorContext(ctx, "Slack refused the desk message's blocks; posting it as plain text", "notice", n.ID, "error", code)
			_, ts, err = d.api.PostMessageContext(ctx, d.channel, append(plainMessage(n, d.labels()).options(), meta...)...)
		}
		if err != nil {
			return d.failed(ctx, n, "chat.postMessage", err)
		}
	}
	p, err := d.store.SetPosted(ctx, bot.DeskPost{Notice: n.ID, Conversation: n.Conversation, Ref: ts})
	if err != nil {
		// The message is up; the redelivery finds it by its metadata.
		return fmt.Errorf("record post: %w", err)
	}
	if p.Ref != ts {
		if _, _, err := d.api.DeleteMessageContext(ctx, d.channel, ts); err != nil {
			d.log.Warn("Slack: a duplicate desk message could not be deleted", "notice", n.ID, "ts", ts, "err", err)
		}
	}
	return nil
}

// render renders a notice by its kind.
func (d *Desk) render(n bot.Notice) (message, error) {
	switch n.Kind {
	case bot.NoticeReport:
		if n.Report == nil {
			return message{}, errors.New("report notice without its report")
		}
		return reportMessage(*n.Report, nil, d.labels()), nil
	case bot.NoticeHandoff:
		return handoffMessage(n), nil
	case bot.NoticeHandoffMessage:
		return clinicMessage(n), nil
	case bot.NoticeHandoffClosed:
		return closedMessage(n), nil
	case bot.NoticeDeskNote:
		return deskNote(n), nil
	}
	return message{}, fmt.Errorf("unknown notice kind %q", n.Kind)
}

// How much of the channel's history is read when looking for an earlier post, from
// shortly before the notice was made: a desk channel does not see a thousand messages in
// the hours a notice may wait through an outage.
const (
	findPages    = 5
	findPageSize = 200
)

// find looks for a message posted for n since shortly before n was made, in the channel
// or in thread; it returns its ts, or "" when there is none.
func (d *Desk) find(ctx context.Context, n bot.Notice, thread string) (string, error) {
	var oldest string
	if !n.Time.IsZero() {
		// Slack stamps messages with its own clock; a notice made on a clock set ahead
		// (DESKBOT_NOW) must still find them.
		t := n.Time
		if now := time.Now(); t.After(now) {
			t = now
		}
		oldest = ts(t.Add(-time.Minute))
	}
	cursor := ""
	for range findPages {
		var (
			msgs []slackgo.Message
			more bool
			err  error
		)
		if thread == "" {
			var res *slackgo.GetConversationHistoryResponse
			res, err = d.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
				ChannelID: d.channel, Oldest: oldest, Inclusive: true, Limit: findPageSize, Cursor: cursor, IncludeAllMetadata: true})
			if res != nil {
				msgs, more, cursor = res.Messages, res.HasMore, res.ResponseMetaData.NextCursor
			}
		} else {
			msgs, more, cursor, err = d.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
				ChannelID: d.channel, Timestamp: thread, Oldest: oldest, Inclusive: true, Limit: findPageSize, Cursor: cursor, IncludeAllMetadata: true})
		}
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			// The conversation must match too: a receipt number repeated after the store
			// lost its data must not adopt another clinic's message.
			if m.Metadata.EventType == metaEventType && m.Metadata.EventPayload["notice_id"] == n.ID &&
				m.Metadata.EventPayload["conv"] == bot.LogID(n.Conversation) {
				return m.Timestamp, nil
			}
		}
		if !more || cursor == "" {
			break
		}
	}
	return "", nil
}

// ts is t as a Slack timestamp.
func ts(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// failed translates an error of a Web API call for the outbox worker: rate limits carry
// their Retry-After, answers no retry can change are permanent and logged with the fix.
func (d *Desk) failed(ctx context.Context, n bot.Notice, call string, err error) error {
	var limited *slackgo.RateLimitedError
	if errors.As(err, &limited) {
		return retryAfter{err: fmt.Errorf("%s: %w", call, err), after: limited.RetryAfter}
	}
	if code, fix, ok := refusal(err); ok {
		d.log.ErrorContext(ctx, "Slack refused the desk's message; the notice goes to the dead letters",
			"notice", n.ID, "kind", string(n.Kind), "call", call, "error", code, "fix", fix)
		return fmt.Errorf("%w: %s: %s (%s)", bot.ErrPermanent, call, code, fix)
	}
	return fmt.Errorf("%s: %w", call, err)
}

// retryAfter is a failure Slack asked to wait out; bot.Worker honours RetryAfter.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e retryAfter) Error() string             { return e.err.Error() }
func (e retryAfter) Unwrap() error             { return e.err }
func (e retryAfter) RetryAfter() time.Duration { return e.after }

const (
	fixToken   = "check SLACK_BOT_TOKEN: Slack does not accept it"
	fixChannel = "check SLACK_DESK_CHANNEL and invite the app to that channel"
	fixScopes  = "give the app the scopes chat:write, files:write and channels:history, then reinstall it"
	fixMessage = "deskbot built a message Slack refuses: report this as a bug"
)

// blocksRefused are the errors of a message Slack refuses for its blocks, which then
// goes as plain text.
var blocksRefused = map[string]bool{"invalid_blocks": true, "invalid_blocks_format": true}

// fixes are the Slack errors no retry can change, with what an operator does about them.
var fixes = map[string]string{
	"invalid_auth":            fixToken,
	"not_authed":              fixToken,
	"account_inactive":        fixToken,
	"token_revoked":           fixToken,
	"token_expired":           fixToken,
	"no_permission":           fixToken,
	"team_access_not_granted": fixToken,
	"ekm_access_denied":       fixToken,
	"channel_not_found":       fixChannel,
	"not_in_channel":          fixChannel,
	"is_archived":             fixChannel,
	"restricted_action":       fixChannel,
	"missing_scope":           fixScopes,
	"invalid_blocks":          fixMessage,
	"invalid_blocks_format":   fixMessage,
	"msg_too_long":            fixMessage,
	"no_text":                 fixMessage,
	"invalid_metadata_format": fixMessage,
	"invalid_metadata_schema": fixMessage,
	"metadata_too_large":      fixMessage,
	"invalid_arguments":       fixMessage,
}

// refusal returns Slack's error code in err and, when no retry can change that answer,
// what an operator does about it.
func refusal(err error) (code, fix string, permanent bool) {
	var refused slackgo.SlackErrorResponse
	if !errors.As(err, &refused) {
		return "", "", false
	}
	fix, permanent = fixes[refused.Err]
	return refused.Err, fix, permanent
}

// hint is " (what to fix)" for an error an operator can fix, else "".
func hint(err error) string {
	if _, fix, ok := refusal(err); ok {
		return " (" + fix + ")"
	}
	return ""
}
