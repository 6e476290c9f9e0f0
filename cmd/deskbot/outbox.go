package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"deskbot/bot"
)

// outboxArgs splits the arguments of `deskbot outbox`: the verb (list, show, redrive), the
// notice id it names ("" for every one with redrive --all) and the usual flags.
func outboxArgs(args []string) (verb, id string, rest []string, err error) {
	if len(args) == 0 {
		return "", "", nil, errors.New("want list, show ID or redrive ID|--all")
	}
	verb, args = args[0], args[1:]
	switch verb {
	case "list":
		return verb, "", args, nil
	case "show", "redrive":
		if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !(verb == "redrive" && isAll(args[0]))) {
			return "", "", nil, fmt.Errorf("%s needs a notice id%s", verb, map[bool]string{true: " or --all"}[verb == "redrive"])
		}
		if isAll(args[0]) {
			return verb, "", args[1:], nil
		}
		return verb, args[0], args[1:], nil
	}
	return "", "", nil, fmt.Errorf("unknown outbox command %q: want list, show or redrive", verb)
}

func isAll(a string) bool { return a == "--all" || a == "-all" }

// outboxCmd answers `deskbot outbox list|show|redrive`: what is parked, why and since
// when; redrive puts a parked notice back in the outbox once (a second redrive finds
// nothing to move).
func outboxCmd(ctx context.Context, a *app, verb, id string, w io.Writer) error {
	if a.cfg.RedisURL == "" && a.cfg.RedisClusterAddrs == "" {
		return errors.New("the outbox lives in Redis: set REDIS_URL (or REDIS_CLUSTER_ADDRS) to the server's")
	}
	dead, err := a.store.DeadLetters(ctx)
	if err != nil {
		return fmt.Errorf("dead letters: %w", err)
	}
	switch verb {
	case "list":
		pending, err := a.store.Pending(ctx)
		if err != nil {
			return fmt.Errorf("pending: %w", err)
		}
		fmt.Fprintf(w, "waiting: %d  parked: %d\n", pending, len(dead))
		if len(dead) == 0 {
			return nil
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tPARKED (JST)\tREASON")
		for _, d := range dead {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Notice.ID, d.Notice.Kind, jst(d.Time), oneLine(d.Reason))
		}
		return tw.Flush()
	case "show":
		found := false
		for _, d := range dead {
			if d.Notice.ID != id {
				continue
			}
			found = true
			fmt.Fprintf(w, "id:           %s\nkind:         %s\nconversation: %s\nthread:       %s\nmade (JST):   %s\nparked (JST): %s\nreason:       %s\nnotice:\n",
				d.Notice.ID, d.Notice.Kind, bot.LogID(d.Notice.Conversation), d.Notice.Thread, jst(d.Notice.Time), jst(d.Time), d.Reason)
			b, _ := json.MarshalIndent(d.Notice, "  ", "  ")
			fmt.Fprintf(w, "  %s\n", b)
		}
		if !found {
			return fmt.Errorf("no parked notice %q (deskbot outbox list shows them)", id)
		}
		return nil
	case "redrive":
		n, err := a.store.Redrive(ctx, id)
		if err != nil {
			return fmt.Errorf("redrive: %w", err)
		}
		if n == 0 && id != "" {
			return fmt.Errorf("no parked notice %q (already redriven, or never parked)", id)
		}
		fmt.Fprintf(w, "redriven: %d (back in the outbox; a running server delivers them)\n", n)
		return nil
	}
	return fmt.Errorf("unknown outbox command %q", verb)
}

func jst(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(bot.JST).Format("2006-01-02 15:04:05")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
