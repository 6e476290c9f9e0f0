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
// an empty JSON object; Script queues other answers per path.
type LINEAPI struct {
	*httptest.Server

	mu       sync.Mutex
	requests []Request
	scripted map[string][]Response
	fault    func(path string) *Response
	// Received gets every request as it arrives, for tests that wait on sends.
	Received chan Request
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
	f := &LINEAPI{scripted: map[string][]Response{}, Received: make(chan Request, 1024)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Script makes the next calls to path answer with rs, in order.
func (f *LINEAPI) Script(path string, rs ...Response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted[path] = append(f.scripted[path], rs...)
}

func (f *LINEAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	resp := Response{Status: http.StatusOK, Body: "{}"}
	if f.fault != nil {
		if fr := f.fault(r.URL.Path); fr != nil {
			resp = *fr
		}
	}
	if rs := f.scripted[r.URL.Path]; len(rs) > 0 && resp.Status == http.StatusOK {
		resp, f.scripted[r.URL.Path] = rs[0], rs[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
	f.Received <- req
}

// Requests returns what the fake received so far, optionally only to path.
func (f *LINEAPI) Requests(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}
