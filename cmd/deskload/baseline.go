package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/redis/go-redis/v9"
)

// baselineEnv, when set in deskload's environment, makes it the minimal bot instead of the
// load tool: deskload starts itself that way for -mode baseline, so the bot's CPU is a
// process's own and can be measured like deskbot's.
const baselineEnv = "DESKLOAD_BASELINE_ADDR"

// serveBaseline is the least a LINE bot with a Redis session does per event: verify the
// signature, parse the fields it uses, dedupe the webhookEventId (SET NX with a TTL), GET
// and SET the user's session, and reply (one pooled HTTP client, the body written by
// hand) before answering 200. It is the yardstick deskload divides deskbot's events per
// second by, so it is kept as lean as such a bot can honestly be.
func serveBaseline(addr string) error {
	secret := os.Getenv("LINE_CHANNEL_SECRET")
	o, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		return err
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	prefix := "deskload-baseline:" + time.Now().Format("150405.000") + ":"
	replyURL := os.Getenv("LINE_API_BASE_URL") + "/v2/bot/message/reply"
	auth := "Bearer " + os.Getenv("LINE_CHANNEL_ACCESS_TOKEN")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := rdb.Ping(r.Context()).Err(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("POST /webhooks/line", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil || !webhook.ValidateSignature(secret, r.Header.Get("X-Line-Signature"), body) {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var cb struct {
			Events []struct {
				Type, WebhookEventID, ReplyToken string
				Source                           struct{ Type, UserID string }
				Message                          struct{ Type, Text string }
			}
		}
		if err := json.Unmarshal(body, &cb); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		for _, e := range cb.Events {
			if e.Type != "message" || e.Source.Type != "user" || e.Source.UserID == "" {
				continue
			}
			k := prefix + "{" + e.Source.UserID + "}:"
			fresh, err := rdb.SetNX(ctx, k+"evt:"+e.WebhookEventID, 1, 48*time.Hour).Result()
			if err != nil {
				http.Error(w, "redis", http.StatusInternalServerError)
				return
			}
			if !fresh {
				continue
			}
			var session struct{ Step int }
			if b, err := rdb.Get(ctx, k+"session").Bytes(); err == nil {
				json.Unmarshal(b, &session)
			} else if !errors.Is(err, redis.Nil) {
				http.Error(w, "redis", http.StatusInternalServerError)
				return
			}
			session.Step++
			b, _ := json.Marshal(session)
			if err := rdb.Set(ctx, k+"session", b, 168*time.Hour).Err(); err != nil {
				http.Error(w, "redis", http.StatusInternalServerError)
				return
			}
			reply, _ := json.Marshal(map[string]any{"replyToken": e.ReplyToken,
				"messages": []any{map[string]string{"type": "text", "text": "「" + e.Message.Text + "」を受け付けました。"}}})
			req, _ := http.NewRequestWithContext(ctx, "POST", replyURL, bytes.NewReader(reply))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			if resp, err := client.Do(req); err != nil {
				log.Printf("baseline reply: %v", err)
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	ctx, stop := signalContext()
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// isLoopbackRedis refuses a REDIS_URL that is not on this machine.
func isLoopbackRedis(url string) bool {
	o, err := redis.ParseURL(url)
	if err != nil {
		return false
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
