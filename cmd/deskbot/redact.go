package main

import (
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// minSecret is the shortest value the redactor hides: shorter ones would blank ordinary
// words, and no real token or password is that short.
const minSecret = 6

// redactor is a writer that replaces every secret it knows with "(set)" before passing
// the text on: the last guard, behind the flags' own "(set)", so that no usage text,
// error or log line of the program prints a token, a signing secret or the password in
// REDIS_URL. It expects whole lines or messages per Write, as fmt and slog give.
type redactor struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

// newRedactor returns w guarded against the secrets in the environment (through getenv)
// and in the secret flags of args.
func newRedactor(w io.Writer, getenv func(string) string, args []string) *redactor {
	var vals []string
	for _, name := range secretNames() {
		vals = append(vals, getenv(name))
	}
	flags := map[string]bool{}
	for _, s := range new(Config).settings(&raw{}) {
		if s.secret {
			flags[s.flag] = true
		}
	}
	for i, a := range args {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !flags[name] {
			continue
		}
		if hasVal {
			vals = append(vals, val)
		} else if i+1 < len(args) {
			vals = append(vals, args[i+1])
		}
	}
	r := &redactor{w: w}
	for _, v := range vals {
		r.add(v)
		if u, err := url.Parse(v); err == nil && u.User != nil { // REDIS_URL: its password alone too
			if p, ok := u.User.Password(); ok {
				r.add(p)
				r.add(url.QueryEscape(p))
			}
		}
	}
	// Longest first, so a URL is hidden whole before the password inside it.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	return r
}

func (r *redactor) add(v string) {
	if len(v) >= minSecret && !slices.Contains(r.secrets, v) {
		r.secrets = append(r.secrets, v)
	}
}

func (r *redactor) Write(p []byte) (int, error) {
	if len(r.secrets) == 0 {
		return r.w.Write(p)
	}
	s := string(p)
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "(set)")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}
