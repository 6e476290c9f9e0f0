// Package bottest holds the test doubles of the outside systems: real HTTP servers that
// record what the real SDK clients send them and answer as told, and request signers.
package bottest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// SignLINE returns the X-Line-Signature of body for the channel secret.
func SignLINE(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Request is one request a fake API received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// JSON decodes the body into a generic value.
func (r Request) JSON() map[string]any {
	var v map[string]any
	json.Unmarshal(r.Body, &v)
	return v
}

// Response is a scripted answer of a fake API.
type Response struct {
	Status int
	Body   string
}

// LINEAPI is a recording fake of the LINE Messaging API. By default it answers 200 with
// an empty JSON object, and 409 to a push with an X-Line-Retry-Key it took before, as
// LINE does; Script queues other answers per path, Hold and HoldAnswer hold calls.
type LINEAPI struct {
	*httptest.Server

	mu       sync.Mutex
	requests []Request
	accepted []Request
	keys     map[string]bool // the retry keys of the pushes taken
	scripted map[string][]Response
	holds    map[string][]hold
	gates    []*Gate // every gate made, released when the test ends
	fault    func(path string) *Response
	// Received gets every request as it arrives, for tests that wait on sends.
	Received chan Request
}

// hold is a gate for one call: before it takes effect, or after (answer).
type hold struct {
	gate   *Gate
	answer bool
}

// SetFault makes fault be asked about every request before the scripted answers, with
// the fake's lock held: an answer it returns is given instead. It lets a test play an
// outage on its own clock.
func (f *LINEAPI) SetFault(fault func(path string) *Response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// NewLINEAPI starts a fake LINE API, closed when the test ends.
func NewLINEAPI(t testing.TB) *LINEAPI {
	f := &LINEAPI{scripted: map[string][]Response{}, keys: map[string]bool{}, holds: map[string][]hold{},
		Received: make(chan Request, 1024)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.mu.Lock()
		for _, g := range f.gates {
			g.Release()
		}
		f.mu.Unlock()
		f.Close()
	})
	return f
}

// Script makes the next calls to path answer with rs, in order.
func (f *LINEAPI) Script(path string, rs ...Response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted[path] = append(f.scripted[path], rs...)
}

// Hold makes the next call to path wait for the gate's Release before it takes effect: a
// caller that gives up first (its context ends, its process dies) sent nothing.
func (f *LINEAPI) Hold(path string) *Gate { return f.hold(path, false) }

// HoldAnswer makes the next call to path take effect, then wait for the gate's Release
// before it is answered: a caller that gives up first never hears that it went through.
func (f *LINEAPI) HoldAnswer(path string) *Gate { return f.hold(path, true) }

func (f *LINEAPI) hold(path string, answer bool) *Gate {
	g := newGate()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holds[path] = append(f.holds[path], hold{gate: g, answer: answer})
	f.gates = append(f.gates, g)
	return g
}

func (f *LINEAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	defer func() { f.Received <- req }()
	f.mu.Lock()
	f.requests = append(f.requests, req)
	var h hold
	if hs := f.holds[req.Path]; len(hs) > 0 {
		h, f.holds[req.Path] = hs[0], hs[1:]
	}
	f.mu.Unlock()
	if h.gate != nil && !h.answer && !h.gate.wait(r.Context()) {
		return
	}
	resp := f.take(req)
	if h.gate != nil && h.answer && !h.gate.wait(r.Context()) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
}

// take decides the answer to req, and keeps req as taken when it is a 2xx.
func (f *LINEAPI) take(req Request) Response {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := Response{Status: http.StatusOK, Body: "{}"}
	if f.fault != nil {
		if fr := f.fault(req.Path); fr != nil {
			resp = *fr
		}
	}
	key := req.Header.Get("X-Line-Retry-Key")
	if resp.Status == http.StatusOK && key != "" && f.keys[key] {
		resp = Response{Status: http.StatusConflict, Body: `{"message":"The retry key is already accepted"}`}
	}
	if rs := f.scripted[req.Path]; len(rs) > 0 && resp.Status == http.StatusOK {
		resp, f.scripted[req.Path] = rs[0], rs[1:]
	}
	if resp.Status/100 == 2 {
		f.accepted = append(f.accepted, req)
		if key != "" {
			f.keys[key] = true
		}
	}
	return resp
}

// Requests returns what the fake received so far, optionally only to path.
func (f *LINEAPI) Requests(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return only(f.requests, path)
}

// Accepted returns the requests the fake took (answered 2xx, or would have: a held
// answer), optionally only to path: for pushes, the messages the clinic got.
func (f *LINEAPI) Accepted(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return only(f.accepted, path)
}

func only(rs []Request, path string) []Request {
	var out []Request
	for _, r := range rs {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}
