package bottest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SignSlack returns the X-Slack-Signature of body sent at timestamp ts (Unix seconds,
// as in X-Slack-Request-Timestamp) for the signing secret: Slack's v0 scheme.
func SignSlack(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignSlackRequest sets the timestamp and signature headers of r, whose body is body, as
// Slack would when sending it at at.
func SignSlackRequest(r *http.Request, secret string, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", SignSlack(secret, ts, body))
}

// Form decodes a form-encoded body, as the Slack client sends its calls.
func (r Request) Form() url.Values {
	v, _ := url.ParseQuery(string(r.Body))
	return v
}

// SlackFailure is a scripted failure of one Slack API call.
type SlackFailure struct {
	// Status is the HTTP status to answer; 0 means 200 with {"ok":false,"error":Error}.
	Status int
	// RetryAfter, in seconds, is sent as Retry-After when not 0.
	RetryAfter int
	// Error is Slack's error code for an ok:false answer.
	Error string
	// Applied makes the call take effect before the failure is answered: Slack acted but
	// the answer was lost, as with a timeout.
	Applied bool
}

// SlackMessage is a message the fake holds, as the Web API would return it.
type SlackMessage struct {
	Channel  string
	TS       string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	Metadata json.RawMessage
	// Updates counts the chat.update calls that changed the message.
	Updates int
	Deleted bool
}

// Strings returns every string in the message's blocks, one per line: what the message
// shows and its action ids, unescaped from JSON.
func (m SlackMessage) Strings() string {
	var v any
	json.Unmarshal(m.Blocks, &v)
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(v[k])
			}
		}
	}
	walk(v)
	return strings.Join(out, "\n")
}

// SlackFile is a file uploaded to the fake and shared by files.completeUploadExternal.
type SlackFile struct {
	ID, Name, Title, Channel, Comment string
	Content                           []byte
	Shared                            bool
}

// SlackAPI is a recording fake of the Slack Web API: chat.postMessage, chat.update,
// chat.delete, chat.postEphemeral, conversations.history, conversations.replies,
// auth.test and the three steps of a file upload. It keeps the messages of its channels,
// so history and replies answer what was posted, with metadata only when
// include_all_metadata is asked. Calls with another token than Token fail with
// invalid_auth, and posts to channels not in Channels with channel_not_found.
type SlackAPI struct {
	*httptest.Server
	Token, Team, BotUser, BotID string
	Channels                    []string

	mu       sync.Mutex
	requests []Request
	scripted map[string][]SlackFailure
	gates    map[string][]*Gate
	messages []*SlackMessage
	files    []*SlackFile
	lastTS   int64 // microseconds
	// Received gets every request once it took effect and was answered.
	Received chan Request
	fault    func(method string) *SlackFailure
}

// SetFault makes fault be asked about every call before the scripted failures, with the
// fake's lock held: a failure it returns is answered instead. It lets a test play an
// outage or a rate limit on its own clock (see Outage and RateLimit).
func (f *SlackAPI) SetFault(fault func(method string) *SlackFailure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// Outage is a Fault: every call of method fails with fail until now() reaches until.
func Outage(method string, fail SlackFailure, now func() time.Time, until time.Time) func(string) *SlackFailure {
	return func(m string) *SlackFailure {
		if m == method && now().Before(until) {
			return &fail
		}
		return nil
	}
}

// RateLimit is a Fault: method takes one call per interval by now(); a call sooner gets
// 429 with the whole seconds left until the next one is allowed as Retry-After.
func RateLimit(method string, interval time.Duration, now func() time.Time) func(string) *SlackFailure {
	var next time.Time
	return func(m string) *SlackFailure {
		if m != method {
			return nil
		}
		t := now()
		if t.Before(next) {
			wait := next.Sub(t)
			return &SlackFailure{Status: http.StatusTooManyRequests, RetryAfter: int((wait + time.Second - 1) / time.Second)}
		}
		next = t.Add(interval)
		return nil
	}
}

// NewSlackAPI starts a fake Slack API with one channel, closed when the test ends. Point
// the client at it with slack.OptionAPIURL(api.URL + "/api/").
func NewSlackAPI(t testing.TB, channel string) *SlackAPI {
	f := &SlackAPI{Token: "xoxb-test-token", Team: "T0DESK", BotUser: "U0BOT", BotID: "B0BOT", Channels: []string{channel},
		scripted: map[string][]SlackFailure{}, gates: map[string][]*Gate{}, Received: make(chan Request, 1024)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.mu.Lock()
		for _, gs := range f.gates {
			for _, g := range gs {
				g.Release()
			}
		}
		f.mu.Unlock()
		f.Close()
	})
	return f
}

// Fail makes the next calls of method ("chat.postMessage") fail as fs, in order.
func (f *SlackAPI) Fail(method string, fs ...SlackFailure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted[method] = append(f.scripted[method], fs...)
}

// Hold makes the next call of method wait for the gate's Release: it takes effect and is
// answered only after it.
func (f *SlackAPI) Hold(method string) *Gate {
	g := newGate()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gates[method] = append(f.gates[method], g)
	return g
}

// Calls returns the requests of method received so far; "" means all.
func (f *SlackAPI) Calls(method string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if method == "" || r.Path == "/api/"+method {
			out = append(out, r)
		}
	}
	return out
}

// Messages returns copies of the messages of channel that are not deleted, in posting
// order, thread replies included.
func (f *SlackAPI) Messages(channel string) []SlackMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SlackMessage
	for _, m := range f.messages {
		if m.Channel == channel && !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

// Files returns copies of the files uploaded so far.
func (f *SlackAPI) Files() []SlackFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]SlackFile, len(f.files))
	for i, file := range f.files {
		out[i] = *file
	}
	return out
}

func (f *SlackAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	f.mu.Lock()
	f.requests = append(f.requests, req)
	var gate *Gate
	if gs := f.gates[method]; len(gs) > 0 {
		gate, f.gates[method] = gs[0], gs[1:]
	}
	f.mu.Unlock()
	defer func() { f.Received <- req }()
	if gate != nil && !gate.wait(r.Context()) {
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	var fail *SlackFailure
	if f.fault != nil {
		fail = f.fault(method)
	}
	if fs := f.scripted[method]; fail == nil && len(fs) > 0 {
		fail, f.scripted[method] = &fs[0], fs[1:]
	}
	if fail != nil && !fail.Applied {
		writeFailure(w, *fail)
		return
	}
	var answer any
	if strings.HasPrefix(r.URL.Path, "/upload/") {
		answer = f.upload(r, body)
	} else {
		answer = f.call(method, req)
	}
	if fail != nil {
		writeFailure(w, *fail)
		return
	}
	if s, ok := answer.(string); ok {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, s)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer)
}

func writeFailure(w http.ResponseWriter, fail SlackFailure) {
	if fail.RetryAfter != 0 {
		w.Header().Set("Retry-After", strconv.Itoa(fail.RetryAfter))
	}
	if fail.Status != 0 {
		w.WriteHeader(fail.Status)
		io.WriteString(w, "<html>error</html>")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(slackError(fail.Error))
}

type obj = map[string]any

func slackError(code string) obj { return obj{"ok": false, "error": code} }

// call answers one Web API method; f.mu is held.
func (f *SlackAPI) call(method string, req Request) any {
	form := req.Form()
	token := form.Get("token")
	if token == "" {
		token = strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	}
	if token != f.Token {
		return slackError("invalid_auth")
	}
	channel := form.Get("channel")
	switch method {
	case "auth.test":
		return obj{"ok": true, "url": "https://deskbot-test.slack.com/", "team": "Desk", "user": "deskbot",
			"team_id": f.Team, "user_id": f.BotUser, "bot_id": f.BotID}
	case "chat.postMessage":
		if !slices.Contains(f.Channels, channel) {
			return slackError("channel_not_found")
		}
		thread := form.Get("thread_ts")
		if thread != "" && f.find(channel, thread) == nil {
			return slackError("thread_not_found")
		}
		m := &SlackMessage{Channel: channel, TS: f.nextTS(), ThreadTS: thread, Text: form.Get("text"),
			Blocks: raw(form.Get("blocks")), Metadata: raw(form.Get("metadata"))}
		f.messages = append(f.messages, m)
		return obj{"ok": true, "channel": channel, "ts": m.TS, "message": f.wire(m, true)}
	case "chat.update":
		m := f.find(channel, form.Get("ts"))
		if m == nil {
			return slackError("message_not_found")
		}
		m.Text, m.Updates = form.Get("text"), m.Updates+1
		if b := form.Get("blocks"); b != "" {
			m.Blocks = raw(b)
		}
		return obj{"ok": true, "channel": channel, "ts": m.TS, "text": m.Text}
	case "chat.delete":
		m := f.find(channel, form.Get("ts"))
		if m == nil {
			return slackError("message_not_found")
		}
		m.Deleted = true
		return obj{"ok": true, "channel": channel, "ts": m.TS}
	case "chat.postEphemeral":
		if !slices.Contains(f.Channels, channel) {
			return slackError("channel_not_found")
		}
		return obj{"ok": true, "message_ts": f.nextTS()}
	case "conversations.history", "conversations.replies":
		if !slices.Contains(f.Channels, channel) {
			return slackError("channel_not_found")
		}
		return f.history(method == "conversations.replies", form)
	case "files.getUploadURLExternal":
		n, _ := strconv.Atoi(form.Get("length"))
		if form.Get("filename") == "" || n <= 0 {
			return slackError("invalid_arguments")
		}
		file := &SlackFile{ID: fmt.Sprintf("F%04d", len(f.files)+1), Name: form.Get("filename")}
		f.files = append(f.files, file)
		return obj{"ok": true, "upload_url": f.URL + "/upload/" + file.ID, "file_id": file.ID}
	case "files.completeUploadExternal":
		var sums []struct{ ID, Title string }
		json.Unmarshal([]byte(form.Get("files")), &sums)
		ch := form.Get("channel_id")
		if ch != "" && !slices.Contains(f.Channels, ch) {
			return slackError("channel_not_found")
		}
		var done []obj
		for _, s := range sums {
			i := slices.IndexFunc(f.files, func(file *SlackFile) bool { return file.ID == s.ID })
			if i < 0 || f.files[i].Content == nil {
				return slackError("file_not_found")
			}
			file := f.files[i]
			file.Title, file.Channel, file.Comment, file.Shared = s.Title, ch, form.Get("initial_comment"), true
			done = append(done, obj{"id": file.ID, "title": file.Title})
		}
		return obj{"ok": true, "files": done}
	}
	return slackError("unknown_method")
}

// upload takes the body of a file sent to its upload URL; f.mu is held.
func (f *SlackAPI) upload(r *http.Request, body []byte) any {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	i := slices.IndexFunc(f.files, func(file *SlackFile) bool { return file.ID == id })
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if i < 0 || err != nil {
		return "unknown upload"
	}
	mr := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FormName() == "file" {
			f.files[i].Content, _ = io.ReadAll(p)
		}
	}
	return fmt.Sprintf("OK - %d", len(f.files[i].Content))
}

// history answers conversations.history (top-level messages, newest first) or
// conversations.replies (a thread, oldest first), from oldest on; f.mu is held.
func (f *SlackAPI) history(replies bool, form url.Values) obj {
	oldest, inclusive := form.Get("oldest"), form.Get("inclusive") == "1"
	meta := form.Get("include_all_metadata") == "1"
	var out []obj
	for _, m := range f.messages {
		if m.Deleted || m.Channel != form.Get("channel") {
			continue
		}
		if oldest != "" && (tsMicros(m.TS) < tsMicros(oldest) || !inclusive && m.TS == oldest) {
			continue
		}
		root := m.ThreadTS == "" || m.ThreadTS == m.TS
		if replies && m.TS != form.Get("ts") && m.ThreadTS != form.Get("ts") || !replies && !root {
			continue
		}
		out = append(out, f.wire(m, meta))
	}
	if !replies {
		slices.Reverse(out)
	}
	return obj{"ok": true, "messages": out, "has_more": false}
}

// wire is a message as the API returns it.
func (f *SlackAPI) wire(m *SlackMessage, meta bool) obj {
	o := obj{"type": "message", "user": f.BotUser, "bot_id": f.BotID, "text": m.Text, "ts": m.TS}
	if m.ThreadTS != "" {
		o["thread_ts"] = m.ThreadTS
	}
	if m.Blocks != nil {
		o["blocks"] = m.Blocks
	}
	if meta && m.Metadata != nil {
		o["metadata"] = m.Metadata
	}
	return o
}

func (f *SlackAPI) find(channel, ts string) *SlackMessage {
	for _, m := range f.messages {
		if m.Channel == channel && m.TS == ts && !m.Deleted {
			return m
		}
	}
	return nil
}

// nextTS is a message timestamp from the clock, unique and increasing as Slack's are.
func (f *SlackAPI) nextTS() string {
	f.lastTS = max(f.lastTS+1, time.Now().UnixMicro())
	return fmt.Sprintf("%d.%06d", f.lastTS/1e6, f.lastTS%1e6)
}

// tsMicros reads a Slack timestamp, "1668474000.000100", as microseconds.
func tsMicros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	u, _ := strconv.ParseInt(frac, 10, 64)
	return s*1e6 + u
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
