package main

import (
	"context"
	"fmt"
	"log/slog"

	"deskbot/bot"
	"deskbot/bot/slack"
	"deskbot/store"
)

var (
	_ Store = (*store.Memory)(nil)
	_ Store = (*store.Redis)(nil)
)

// slackDesk connects the Slack desk: the outbox worker's notifier and the handlers of
// Slack's requests. Desk replies go to clinics through the LINE sender, or to the log
// when LINE is not configured.
func (a *app) slackDesk(ctx context.Context) (*slack.Desk, error) {
	var pusher slack.Pusher = logPusher{a.log}
	if a.line != nil {
		pusher = a.line
	}
	d, err := slack.New(ctx, slack.Config{
		Token: a.cfg.SlackBotToken, SigningSecret: a.cfg.SlackSigningSecret, Channel: a.cfg.SlackDeskChannel,
		APIURL: a.cfg.SlackAPIURL, Store: a.store, Engine: a.engine, Pusher: pusher, Labels: a.reportLabels,
		Now: a.cfg.Clock(), Log: a.log,
	})
	if err != nil {
		return nil, fmt.Errorf("Slack: %w", err)
	}
	return d, nil
}

// reportLabels names the ids of reports by the report flow of the knowledge in use: its
// category and facility type choices; and it tells the charts under which labels the
// report and checklist steps keep the quote and the expected start.
func (a *app) reportLabels() bot.Labels {
	var l bot.Labels
	flows := a.brain.Knowledge().Script.Flows
	if f := flows["report"]; f != nil {
		for _, st := range f.Steps {
			var dst *[]bot.Choice
			switch st.ID {
			case "categories":
				dst = &l.Categories
			case "facility_type":
				dst = &l.FacilityTypes
			case "quote_amount":
				l.Quote = append(l.Quote, st.Label)
			case "expected_start":
				l.Start = append(l.Start, st.Label)
			}
			if dst == nil {
				continue
			}
			for _, o := range st.Choices {
				*dst = append(*dst, bot.Choice{Label: o.Label, Value: o.Value})
			}
		}
	}
	if f := flows["checklist"]; f != nil {
		for _, st := range f.Steps {
			switch st.ID {
			case "cost_intro":
				l.Quote = append(l.Quote, st.Label)
			case "start":
				l.Start = append(l.Start, st.Label)
			}
		}
	}
	return l
}

// logPusher stands in for LINE when it is not configured: a desk reply is logged by the
// conversation's pseudonym, never with its text.
type logPusher struct{ log *slog.Logger }

func (p logPusher) Push(conv, _ string, msgs []bot.Message) {
	p.log.Warn("desk reply not sent: LINE is not configured", "conv", bot.LogID(conv), "messages", len(msgs))
}

// isLINEKind reports whether notices of kind k are messages for a clinic on LINE.
func isLINEKind(k bot.NoticeKind) bool { return k == bot.NoticeLINEPush }
