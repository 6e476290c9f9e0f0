package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/web"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

// emulator is the emulator wired as deskbot serve wires it — the engine with the flows of
// the embedded knowledge base on a memory store, the outbox worker telling the desk — but
// with a clock that moves only when told and a desk that records what else it is told.
type emulator struct {
	t      testing.TB
	h      *web.Handler
	srv    *httptest.Server
	clock  *bottest.Clock
	store  *store.Memory
	worker *bot.Worker
	desk   *recordingDesk
	log    *bottest.LogBuffer
}

// recordingDesk is the real desk behind the emulator: what the emulator passes on.
type recordingDesk struct {
	mu      sync.Mutex
	notices []bot.Notice
}

func (d *recordingDesk) Notify(_ context.Context, dl bot.Delivery) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.notices = append(d.notices, dl.Notice)
	return nil
}

func (d *recordingDesk) got() []bot.Notice {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]bot.Notice(nil), d.notices...)
}

func newEmulator(t testing.TB, cfg web.Config) *emulator {
	t.Helper()
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	desk := flows.NewDesk(k)
	e := &emulator{t: t, clock: bottest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, bot.JST)), desk: &recordingDesk{},
		log: &bottest.LogBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.log, nil))
	e.store = store.NewMemory(e.clock.Now)
	var h *web.Handler
	engine := bot.NewEngine(bot.Config{Store: e.store, Brain: desk, Now: e.clock.Now,
		ClockOf: func(conv string) (time.Time, bool) { return h.ClockOf(conv) },
		Deliver: func(ctx context.Context, ev bot.Event, msgs []bot.Message) { h.Deliver(nil)(ctx, ev, msgs) },
		Log:     logger})
	cfg.Engine = engine
	cfg.Now = e.clock.Now
	cfg.Menu = k.MainMenu
	cfg.Labels = func() bot.Labels { return reportLabels(k) }
	cfg.Log = logger
	if cfg.PollWait == 0 {
		cfg.PollWait = 50 * time.Millisecond
	}
	h = web.New(cfg)
	e.h = h
	e.worker = &bot.Worker{Outbox: e.store, Notifier: h.Notifier(e.desk), Name: "test", Now: e.clock.Now,
		Log: logger}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// drain hands the outbox's notices to the desk, as the worker of deskbot serve does.
func (e *emulator) drain() {
	e.t.Helper()
	if _, err := e.worker.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// do sends a request and returns its status and body.
func (e *emulator) do(method, path, contentType string, body []byte, header ...string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends an action of clinic and fails the test unless it is taken.
func (e *emulator) post(path string, in web.Input) {
	e.t.Helper()
	b, _ := json.Marshal(in)
	if code, body := e.do("POST", "/emulator/api/"+path, "application/json", b); code != http.StatusOK {
		e.t.Fatalf("POST %s %+v: %d %s", path, in, code, body)
	}
}

// feed is the page's view of a tab.
type feed struct {
	Items []struct {
		Seq     int64  `json:"seq"`
		Type    string `json:"type"`
		Text    string `json:"text"`
		Message *struct {
			Text    string `json:"text"`
			Choices []struct {
				Label string `json:"label"`
				Value string `json:"value"`
			} `json:"choices"`
			Card *struct {
				Title string      `json:"title"`
				Rows  []bot.Field `json:"rows"`
				Notes []string    `json:"notes"`
			} `json:"card"`
		} `json:"message"`
		Notice *struct {
			Kind   string      `json:"kind"`
			ID     string      `json:"id"`
			Thread string      `json:"thread"`
			Title  string      `json:"title"`
			Text   string      `json:"text"`
			Fields []bot.Field `json:"fields"`
		} `json:"notice"`
		Time string `json:"time"`
	} `json:"items"`
	Next      int64  `json:"next"`
	Now       string `json:"now"`
	Rehearsal bool   `json:"rehearsal"`
	Thread    string `json:"thread"`
	Open      bool   `json:"open"`
	Menu      []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"menu"`
}

func (e *emulator) feed(clinic string, after int64) feed {
	e.t.Helper()
	code, body := e.do("GET", "/emulator/api/feed?clinic="+clinic+"&after="+itoa(after), "", nil)
	if code != http.StatusOK {
		e.t.Fatalf("feed: %d %s", code, body)
	}
	var f feed
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		e.t.Fatalf("feed: %v in %s", err, body)
	}
	return f
}

// botText is everything the bot said in a feed, cards included.
func (f feed) botText() string {
	var b strings.Builder
	for _, it := range f.Items {
		if m := it.Message; m != nil {
			b.WriteString(m.Text + "\n")
			if m.Card != nil {
				b.WriteString(m.Card.Title + "\n")
				for _, r := range m.Card.Rows {
					b.WriteString(r.Label + "：" + r.Value + "\n")
				}
				for _, n := range m.Card.Notes {
					b.WriteString("⚠ " + n + "\n")
				}
			}
		}
	}
	return b.String()
}

// lastChoices are the choices of the last bot message that offered any.
func (f feed) lastChoices() map[string]string {
	var out map[string]string
	for _, it := range f.Items {
		if it.Message != nil && len(it.Message.Choices) > 0 {
			out = map[string]string{}
			for _, c := range it.Message.Choices {
				out[c.Label] = c.Value
			}
		}
	}
	return out
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// reportLabels names report categories and facility types by the report flow's choices,
// as deskbot serve does.
func reportLabels(k *flows.Knowledge) bot.Labels {
	var l bot.Labels
	for _, st := range k.Script.Flows["report"].Steps {
		for _, o := range st.Choices {
			switch st.ID {
			case "categories":
				l.Categories = append(l.Categories, bot.Choice{Label: o.Label, Value: o.Value})
			case "facility_type":
				l.FacilityTypes = append(l.FacilityTypes, bot.Choice{Label: o.Label, Value: o.Value})
			}
		}
	}
	return l
}
