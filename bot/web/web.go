// Package web is the browser emulator: a channel like bot/line that serves one page, at /
// and /emulator, where a tester talks to the engine as a clinic does on LINE — speech
// bubbles, quick-reply chips, cards drawn like the Flex bubbles, the main menu as a bar —
// and sees, in a desk pane beside it, the notices the desk would get, with a box to answer
// in the handoff thread as desk staff do in Slack. Each browser tab is a clinic of its own
// with a rehearsal clock of its own, and its conversation downloads as a transcript in the
// syntax of flows/testdata/transcripts.
//
// The page talks to a small JSON API under /emulator/api/. What the page shows lives in
// this process only (a rehearsal tool, not a channel of record): the engine's sessions are
// in the store as for every channel, but the feed of a tab and its transcript are kept in
// memory, bounded, and lost on restart.
package web

import (
	"crypto/subtle"
	"embed"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"deskbot/bot"
)

// ConversationPrefix starts the conversation id of an emulator tab.
const ConversationPrefix = "web:"

//go:embed static
var static embed.FS

// TokenCookie carries DESKBOT_WEB_TOKEN after the page was opened with ?token=….
const TokenCookie = "deskbot_web_token"

// Config configures a Handler.
type Config struct {
	// Engine applies the tabs' events; the same engine as the other channels'.
	Engine Engine
	// Now is the clock of a conversation whose tester set no date; nil means time.Now.
	Now func() time.Time
	// Menu returns the main menu entries, shown as the bottom bar (LINE's rich menu).
	Menu func() []bot.Choice
	// Labels names report categories and facility types in the desk pane.
	Labels func() bot.Labels
	// Token, when set, must come with every request: as ?token= (which sets a cookie),
	// the cookie, or an Authorization: Bearer header.
	Token string
	// LoopbackOnly refuses requests that do not come straight from the loopback
	// interface: the emulator beside real channels without a token.
	LoopbackOnly bool
	// PollWait bounds how long a feed request waits for something new; 0 means 20s.
	PollWait time.Duration
	Log      *slog.Logger
}

// Handler serves the emulator: the page at / and /emulator, its files under
// /emulator/static/ and its API under /emulator/api/. It is safe for concurrent use.
type Handler struct {
	engine       Engine
	now          func() time.Time
	menu         func() []bot.Choice
	labels       func() bot.Labels
	token        string
	loopbackOnly bool
	pollWait     time.Duration
	log          *slog.Logger
	mux          *http.ServeMux

	mu    sync.Mutex
	rooms map[string]*room
}

// New returns the emulator.
func New(c Config) *Handler {
	h := &Handler{engine: c.Engine, now: c.Now, menu: c.Menu, labels: c.Labels, token: c.Token,
		loopbackOnly: c.LoopbackOnly, pollWait: c.PollWait, log: c.Log, rooms: make(map[string]*room)}
	if h.now == nil {
		h.now = time.Now
	}
	if h.menu == nil {
		h.menu = func() []bot.Choice { return nil }
	}
	if h.labels == nil {
		h.labels = func() bot.Labels { return bot.Labels{} }
	}
	if h.pollWait <= 0 {
		h.pollWait = 20 * time.Second
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	files, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.page)
	mux.HandleFunc("GET /emulator", h.page)
	mux.Handle("GET /emulator/static/", http.StripPrefix("/emulator/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /emulator/api/feed", h.feed)
	mux.HandleFunc("POST /emulator/api/send", h.send)
	mux.HandleFunc("POST /emulator/api/clock", h.setClock)
	mux.HandleFunc("GET /emulator/api/transcript", h.transcript)
	h.mux = mux
	return h
}

// Paths are the patterns the emulator answers; the server routes these to it, and only
// these.
var Paths = []string{"GET /{$}", "/emulator", "/emulator/"}

// ServeHTTP refuses what may not reach the emulator — a request signed for a LINE or
// Slack webhook, one from outside loopback when only loopback is allowed, one without
// the token when one is set — and serves the rest.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Line-Signature") != "" || r.Header.Get("X-Slack-Signature") != "" {
		http.Error(w, "the emulator takes no webhook requests", http.StatusForbidden)
		return
	}
	if h.loopbackOnly && !fromLoopback(r) {
		h.log.Warn("emulator refused: not from loopback and no DESKBOT_WEB_TOKEN set")
		http.Error(w, "the emulator answers only on loopback (set DESKBOT_WEB_TOKEN to open it)", http.StatusForbidden)
		return
	}
	if h.token != "" && !h.authorized(w, r) {
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

// authorized checks the token. A page opened with a good ?token= gets it as a cookie and
// is sent to the same address without it, so the token leaves the address bar.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && h.tokenOK(q) {
		http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: q, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		u := *r.URL
		qs := u.Query()
		qs.Del("token")
		u.RawQuery = qs.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && h.tokenOK(bearer) {
		return true
	}
	if c, err := r.Cookie(TokenCookie); err == nil && h.tokenOK(c.Value) {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="deskbot emulator"`)
	http.Error(w, "the emulator needs its token: open it with ?token=DESKBOT_WEB_TOKEN", http.StatusUnauthorized)
	return false
}

func (h *Handler) tokenOK(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(h.token)) == 1
}

// fromLoopback reports whether r came straight from a loopback address, not through a
// proxy (which would make every outside request look local).
func fromLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-store")
	http.ServeFileFS(w, r, static, "static/index.html")
}
