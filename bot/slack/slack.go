// Package slack is the desk's side of deskbot in Slack: it posts the notices of the outbox
// to the desk channel (reports with their status buttons, handoff threads), takes the
// buttons, the slash command and the replies desk staff write in threads, and hands those
// replies to the engine for the clinic. Every request from Slack is verified with the
// signing secret before anything is read from it, and acted on only when it comes from the
// desk's workspace and channel.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// Store is what the desk keeps: where each notice was posted, the status history of each
// report, the archive of reports, and the keys of requests already seen. Implementations
// are safe for concurrent use by several instances.
type Store interface {
	// Posted returns where notice id was posted; ok is false when it was not recorded.
	Posted(ctx context.Context, noticeID string) (p bot.DeskPost, ok bool, err error)
	// PostedAt returns the notice posted as the message ref (a ts); ok is false when none.
	PostedAt(ctx context.Context, ref string) (p bot.DeskPost, ok bool, err error)
	// SetPosted records p unless a post of p.Notice is recorded already, and returns the
	// post recorded: p, or the earlier one.
	SetPosted(ctx context.Context, p bot.DeskPost) (bot.DeskPost, error)

	// Report returns the archived report with receipt number id.
	Report(ctx context.Context, id string) (r bot.Report, ok bool, err error)
	// Reports returns every archived report, ordered by receipt number.
	Reports(ctx context.Context) ([]bot.Report, error)
	// AddStatus appends c to report id's status history and returns the whole history.
	AddStatus(ctx context.Context, reportID string, c bot.StatusChange) ([]bot.StatusChange, error)
	// Statuses returns the histories of the reports with those ids; reports without
	// changes are absent.
	Statuses(ctx context.Context, reportIDs ...string) (map[string][]bot.StatusChange, error)

	// FirstSeen marks key seen for ttl and reports whether it was not seen already.
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Forget unmarks key.
	Forget(ctx context.Context, key string) error
}

// Engine is what the desk needs of bot.Engine: desk replies are events of the clinic's
// conversation.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error)
}

// Pusher sends messages to a clinic outside a reply: *line.Sender. deskThread is the
// notice id of the desk thread the messages answer, where the pusher tells the desk
// when they cannot be delivered.
type Pusher interface {
	Push(conv, deskThread string, msgs []bot.Message)
}

// api is the part of the Slack Web API the desk calls; *slackgo.Client has it.
type api interface {
	AuthTestContext(ctx context.Context) (*slackgo.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channel string, opts ...slackgo.MsgOption) (string, string, error)
	UpdateMessageContext(ctx context.Context, channel, ts string, opts ...slackgo.MsgOption) (string, string, string, error)
	DeleteMessageContext(ctx context.Context, channel, ts string) (string, string, error)
	PostEphemeralContext(ctx context.Context, channel, user string, opts ...slackgo.MsgOption) (string, error)
	GetConversationHistoryContext(ctx context.Context, p *slackgo.GetConversationHistoryParameters) (*slackgo.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, p *slackgo.GetConversationRepliesParameters) ([]slackgo.Message, bool, string, error)
	UploadFileContext(ctx context.Context, p slackgo.UploadFileParameters) (*slackgo.FileSummary, error)
	GetUploadURLExternalContext(ctx context.Context, p slackgo.GetUploadURLExternalParameters) (*slackgo.GetUploadURLExternalResponse, error)
	UploadToURL(ctx context.Context, p slackgo.UploadToURLParameters) error
	CompleteUploadExternalContext(ctx context.Context, p slackgo.CompleteUploadExternalParameters) (*slackgo.CompleteUploadExternalResponse, error)
}

// Config configures a Desk.
type Config struct {
	// Token is the bot token (xoxb-…), SigningSecret the app's signing secret, Channel
	// the desk channel's id.
	Token, SigningSecret, Channel string
	// APIURL is the Web API's base URL, ending in /api/; "" means Slack's.
	APIURL string
	// HTTPClient calls the Web API; nil means a client with a 15s timeout.
	HTTPClient *http.Client

	Store  Store
	Engine Engine
	Pusher Pusher
	// Labels names categories and facility types; nil shows the ids. It is called for
	// each message, so edited flow texts show at once.
	Labels func() bot.Labels
	// Now is the clock of status changes and command periods; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Desk is the Slack desk: a bot.Notifier for the outbox worker and the handlers of
// Slack's requests. It is safe for concurrent use.
type Desk struct {
	api           api
	secret        string
	channel       string
	team, botUser string
	store         Store
	engine        Engine
	pusher        Pusher
	labels        func() bot.Labels
	now           func() time.Time
	log           *slog.Logger
	// background counts the work handlers leave running after answering (CSV and chart
	// uploads).
	background sync.WaitGroup
}

// New connects the desk: auth.test tells the workspace and the bot's own user, against
// which requests are checked. A token Slack refuses is an error here, at start.
func New(ctx context.Context, c Config) (*Desk, error) {
	if c.Token == "" || c.SigningSecret == "" || c.Channel == "" {
		return nil, errors.New("token, signing secret and channel are all needed")
	}
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(client)}
	if c.APIURL != "" {
		opts = append(opts, slackgo.OptionAPIURL(c.APIURL))
	}
	d := &Desk{api: slackgo.New(c.Token, opts...), secret: c.SigningSecret, channel: c.Channel, store: c.Store,
		engine: c.Engine, pusher: c.Pusher, labels: c.Labels, now: c.Now, log: c.Log}
	if d.labels == nil {
		d.labels = func() bot.Labels { return bot.Labels{} }
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	who, err := d.api.AuthTestContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth.test: %w%s", err, hint(err))
	}
	d.team, d.botUser = who.TeamID, who.UserID
	d.log.Info("Slack desk connected", "team", d.team, "channel", d.channel)
	return d, nil
}

// Close waits for the work handlers left running after answering; each piece of it has
// its own time limit.
func (d *Desk) Close() { d.background.Wait() }

// Events is POST /webhooks/slack/events: the Events API (URL verification, and the
// messages desk staff write in threads).
func (d *Desk) Events() http.Handler { return d.verified(d.events) }

// Interactions is POST /webhooks/slack/interactions: the status buttons.
func (d *Desk) Interactions() http.Handler { return d.verified(d.interactions) }

// Commands is POST /webhooks/slack/commands: the slash command.
func (d *Desk) Commands() http.Handler { return d.verified(d.commands) }
