package line

import (
	"context"
	"crypto/rand"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
)

// Sender sends the engine's messages to LINE users, in order per user. It replies with the
// event's reply token while that is good (within ReplyWindow of receipt) and pushes
// otherwise, or when the reply is refused; a push carries an X-Line-Retry-Key made once
// per message batch, so a retried push is never shown twice. 5xx, 429 and network errors
// are retried with backoff.
type Sender struct {
	token, endpoint string
	client          *http.Client
	log             *slog.Logger

	// ReplyWindow is how long after receipt a reply token is used; LINE honours them for
	// about a minute, so half that leaves room for slow turns.
	ReplyWindow time.Duration
	// Attempts and Backoff bound the retries of one API call.
	Attempts int
	Backoff  time.Duration

	seed   maphash.Seed
	queues []chan job
	wg     sync.WaitGroup
}

type job struct {
	ev       bot.Event
	msgs     []bot.Message
	received time.Time
}

// NewSender returns a sender with its workers running; Close stops them after the queued
// messages are sent. endpoint "" means LINE's public API.
func NewSender(token, endpoint string, client *http.Client, log *slog.Logger) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if endpoint == "" {
		endpoint = "https://api.line.me"
	}
	s := &Sender{token: token, endpoint: endpoint, client: client, log: log,
		ReplyWindow: 25 * time.Second, Attempts: 4, Backoff: 300 * time.Millisecond, seed: maphash.MakeSeed()}
	// One queue per shard of users keeps each user's messages in order while users are
	// served in parallel.
	s.queues = make([]chan job, 8)
	for i := range s.queues {
		s.queues[i] = make(chan job, 256)
		s.wg.Go(func() {
			for j := range s.queues[i] {
				s.deliver(j)
			}
		})
	}
	return s
}

// Close sends what is queued and stops the workers.
func (s *Sender) Close() {
	for _, q := range s.queues {
		close(q)
	}
	s.wg.Wait()
}

// Send queues msgs in answer to ev, received at received.
func (s *Sender) Send(ev bot.Event, msgs []bot.Message, received time.Time) {
	s.queues[maphash.String(s.seed, ev.Conversation)%uint64(len(s.queues))] <- job{ev: ev, msgs: msgs, received: received}
}

// Push queues msgs to the user of conv without a reply token: for what the desk writes
// in a handoff thread.
func (s *Sender) Push(conv string, msgs []bot.Message) {
	s.Send(bot.Event{Conversation: conv}, msgs, time.Time{})
}

// Deliver is a bot.Deliver: the replies of events this process applied for another one.
// When the event was received is unknown, so its reply token is tried and push follows
// if LINE refuses it.
func (s *Sender) Deliver(_ context.Context, ev bot.Event, msgs []bot.Message) {
	s.Send(ev, msgs, time.Time{})
}

func (s *Sender) api() *messaging_api.MessagingApiAPI {
	api, err := messaging_api.NewMessagingApiAPI(s.token, messaging_api.WithEndpoint(s.endpoint), messaging_api.WithHTTPClient(s.client))
	if err != nil {
		panic(err) // only a malformed endpoint fails, and config validation refuses those
	}
	return api
}

func (s *Sender) deliver(j job) {
	user := UserID(j.ev.Conversation)
	msgs, err := Render(j.msgs)
	if err != nil || user == "" {
		s.log.Error("LINE: cannot render or address messages", "conv", bot.LogID(j.ev.Conversation), "err", err)
		return
	}
	for i := 0; i < len(msgs); i += maxMessagesPerCall {
		batch := msgs[i:min(i+maxMessagesPerCall, len(msgs))]
		if i == 0 && j.ev.Reply != "" && (j.received.IsZero() || time.Since(j.received) < s.ReplyWindow) {
			if s.reply(j.ev.Reply, batch) {
				continue
			}
		}
		s.push(user, batch)
	}
}

// reply answers with the reply token; false when LINE refused it (expired or used) or
// failed, and the batch must be pushed instead.
func (s *Sender) reply(token string, batch []messaging_api.MessageInterface) bool {
	res, _, err := s.api().ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: batch})
	if err == nil {
		return true
	}
	s.log.Warn("LINE reply refused; pushing instead", "status", status(res), "err", err)
	return false
}

// push sends with a retry key, retrying 5xx, 429 and network errors; 409 means LINE
// already accepted this key.
func (s *Sender) push(user string, batch []messaging_api.MessageInterface) {
	key := retryKey()
	delay := s.Backoff
	for attempt := 1; ; attempt++ {
		res, _, err := s.api().PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: user, Messages: batch}, key)
		code := status(res)
		switch {
		case err == nil, code == http.StatusConflict:
			return
		case attempt < s.Attempts && (code == 0 || code == http.StatusTooManyRequests || code >= 500):
			s.log.Warn("LINE push failed, will retry", "status", code, "attempt", attempt, "err", err)
			time.Sleep(delay)
			delay *= 2
		default:
			s.log.Error("LINE push failed; message not delivered", "status", code, "attempt", attempt, "err", err)
			return
		}
	}
}

// ShowLoading shows the loading animation to the user of conv while a slow turn runs.
func (s *Sender) ShowLoading(conv string) {
	user := UserID(conv)
	if user == "" {
		return
	}
	res, _, err := s.api().ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{ChatId: user, LoadingSeconds: 20})
	if err != nil {
		s.log.Warn("LINE loading animation failed", "status", status(res), "err", err)
	}
}

func status(res *http.Response) int {
	if res == nil {
		return 0
	}
	return res.StatusCode
}

// retryKey is a random UUID (version 4), as X-Line-Retry-Key requires.
func retryKey() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:8], b[8:10], b[10:12], b[12:16])
}
