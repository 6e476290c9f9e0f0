package line

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// event is a webhook event as the handler reads it: only the fields translate uses.
type event struct {
	Type           string // the event's type; "" when it has none
	WebhookEventID string
	ReplyToken     string
	Timestamp      int64 // Unix milliseconds; 0 when absent or not a number
	SourceType     string
	UserID         string
	HasMessage     bool
	MessageType    string
	Text           string
	HasPostback    bool
	Data           string
}

// decoders are reused: a jsontext.Decoder keeps its buffers.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

type decoder struct {
	r   bytes.Reader
	dec jsontext.Decoder
}

// decodeWebhook reads the events of a webhook body in one pass over the bytes, decoding
// only the fields the handler uses. It reads them as the SDK's webhook.CallbackRequest
// does — the same member matched by the same rule, the last of duplicates winning, the
// same strings — so that every body the SDK parses yields the same events (the tests
// compare the two on a corpus and under fuzzing). It refuses what the SDK refuses
// whatever the event: a body that is not JSON or not an object, events that are not an
// array of objects, an event without a string type. Where the SDK refuses a body for a
// member of another kind than it expects (a timestamp that is not a number, a source
// that is not an object), decodeWebhook reads the rest anyway: the body is signed by
// LINE, and such a member is read as absent.
//
// The SDK matches a member by its exact name where it reads objects through a map (the
// request, each event, the type of a source or a message content) and, where it decodes
// a plain struct (userId, text, data), as encoding/json does: the exact name, or one
// equal to it under encoding/json's case folding, a null leaving the value as it was.
func decodeWebhook(body []byte) ([]event, error) {
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	d.r.Reset(body)
	d.dec.Reset(&d.r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	dec := &d.dec
	var events []event
	if dec.PeekKind() == 'n' {
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
	} else {
		isObject, err := object(dec, func(name []byte) error {
			if string(name) != "events" {
				return dec.SkipValue()
			}
			events = events[:0]
			switch dec.PeekKind() {
			case 'n':
				_, err := dec.ReadToken()
				return err
			case '[':
			default:
				return errors.New("events: not an array")
			}
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
			for dec.PeekKind() != ']' {
				var e event
				if err := readEvent(dec, &e); err != nil {
					return err
				}
				events = append(events, e)
			}
			_, err := dec.ReadToken()
			return err
		})
		if err != nil {
			return nil, err
		}
		if !isObject {
			return nil, errors.New("body: not an object")
		}
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the body")
		}
		return nil, err
	}
	return events, nil
}

// object reads an object, calling member with each member's name; member reads the
// value. The name is valid until the value is read: most are the body's own bytes, not
// a copy. A value that is not an object is skipped, and isObject is false.
func object(dec *jsontext.Decoder, member func(name []byte) error) (isObject bool, err error) {
	if dec.PeekKind() != '{' {
		return false, dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return true, err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return true, err
		}
		if err := member(unquote(name)); err != nil {
			return true, err
		}
	}
	_, err = dec.ReadToken()
	return true, err
}

// str reads a string member into s. Where the SDK reads members through a map, a null is
// the empty string (keep false); where it decodes a struct, a null leaves s as it was
// (keep true). A value of another kind is skipped and reported by ok.
func str(dec *jsontext.Decoder, s *string, keep bool) (ok bool, err error) {
	switch dec.PeekKind() {
	case '"', 'n':
	default:
		return false, dec.SkipValue()
	}
	t, err := dec.ReadToken()
	if err != nil {
		return false, err
	}
	if t.Kind() == '"' {
		*s = t.String()
	} else if !keep {
		*s = ""
	}
	return true, nil
}

// number reads a number member into n; a value of another kind is skipped and leaves n
// as it was.
func number(dec *jsontext.Decoder, n *int64) error {
	if dec.PeekKind() != '0' {
		return dec.SkipValue()
	}
	t, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*n = t.Int()
	return nil
}

// readEvent reads one event. Its members are matched by exact name, the last of
// duplicates replacing the earlier ones whole.
func readEvent(dec *jsontext.Decoder, e *event) error {
	hasType := false
	isObject, err := object(dec, func(name []byte) error {
		var err error
		switch string(name) {
		case "type":
			hasType, err = str(dec, &e.Type, false)
		case "webhookEventId":
			_, err = str(dec, &e.WebhookEventID, false)
		case "replyToken":
			_, err = str(dec, &e.ReplyToken, false)
		case "timestamp":
			err = number(dec, &e.Timestamp)
		case "source":
			_, err = typedObject(dec, &e.SourceType, "userId", &e.UserID)
		case "message":
			e.HasMessage, err = typedObject(dec, &e.MessageType, "text", &e.Text)
		case "postback":
			e.Data = ""
			e.HasPostback, err = object(dec, func(name []byte) error {
				if foldEqual(string(name), "data") {
					_, err := str(dec, &e.Data, true)
					return err
				}
				return dec.SkipValue()
			})
		default:
			err = dec.SkipValue()
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case !isObject:
		return errors.New("event: not an object")
	case !hasType:
		return errors.New("event without a string type")
	}
	return nil
}

// typedObject reads an object as the SDK reads a source or a message content: its type
// by exact name (into typ), and one member of its struct (into val); both start empty.
func typedObject(dec *jsontext.Decoder, typ *string, member string, val *string) (isObject bool, err error) {
	*typ, *val = "", ""
	return object(dec, func(name []byte) error {
		var err error
		switch {
		case string(name) == "type":
			_, err = str(dec, typ, false)
		case foldEqual(string(name), member):
			_, err = str(dec, val, true)
		default:
			err = dec.SkipValue()
		}
		return err
	})
}

// unquote returns the text of a JSON string as read, v itself without its quotes when
// it has no escape. Invalid UTF-8 is kept, or replaced where there are escapes: no name
// matched (all ASCII) equals or folds to either.
func unquote(v jsontext.Value) []byte {
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1]
	}
	b, _ := jsontext.AppendUnquote(nil, v)
	return b
}

// foldEqual reports whether encoding/json matches member name to field name: exactly,
// or equal once both are folded as its foldName folds them.
func foldEqual(name, field string) bool {
	if name == field {
		return true
	}
	i, j := 0, 0
	for i < len(name) && j < len(field) {
		a, n := fold(name[i:])
		b, m := fold(field[j:])
		if a != b {
			return false
		}
		i, j = i+n, j+m
	}
	return i == len(name) && j == len(field)
}

// fold is encoding/json's folding of the first rune of s (ASCII letters to upper case,
// other runes to the smallest rune of their fold set), and its length.
func fold(s string) (rune, int) {
	if c := s[0]; c < utf8.RuneSelf {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s)
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2, n
		}
		r = r2
	}
}
