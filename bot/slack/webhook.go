package slack

import (
	"encoding/json"
	"net/http"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// MaxBody is the largest request body read from Slack; its payloads are a few kilobytes.
const MaxBody = 1 << 20

// verified wraps a handler of Slack's requests: it caps and reads the body and checks the
// signature over it (v0, within five minutes of now) before anything is parsed, stored or
// called. A forged or stale request gets 401 and has no effect.
func (d *Desk) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bot.ReadBody(w, r, MaxBody)
		if !ok {
			return
		}
		sv, err := slackgo.NewSecretsVerifier(r.Header, d.secret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			d.log.Warn("Slack request refused: bad or stale signature", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

// refuse answers 403 with the reason, for a request from another workspace or channel.
func (d *Desk) refuse(w http.ResponseWriter, r *http.Request, reason, team, channel string) {
	d.log.Warn("Slack request refused: not from the desk", "path", r.URL.Path, "team", team, "channel", channel)
	http.Error(w, reason, http.StatusForbidden)
}

// reply answers a slash command or an interaction with a message.
func reply(w http.ResponseWriter, m slackgo.Msg) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m)
}
