package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"deskbot/bot"
)

// exportArgs takes --format out of the arguments of `deskbot export` and returns the
// rest, the usual flags. The format defaults to csv, the only one there is.
func exportArgs(args []string) (rest []string, err error) {
	format, rest, err := takeFlag(args, "format", "csv")
	if err != nil {
		return nil, err
	}
	if format != "csv" {
		return nil, fmt.Errorf("--format %q: only csv is supported", format)
	}
	return rest, nil
}

// takeFlag takes the flag name (-name or --name, with = or a separate value) out of args,
// for a subcommand's own flags that sit among the usual ones; def when it is absent.
func takeFlag(args []string, name, def string) (value string, rest []string, err error) {
	value = def
	for i := 0; i < len(args); i++ {
		n, v, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || n != name {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return "", nil, fmt.Errorf("--%s needs a value", name)
			}
			i++
			v = args[i]
		}
		value = v
	}
	return value, rest, nil
}

// export writes the archived reports, with their statuses, as CSV to w: the same file
// `/deskbot csv` uploads to Slack (UTF-8 with a BOM, so Excel opens it).
func export(ctx context.Context, a *app, w io.Writer) error {
	st := a.store
	rs, err := st.Reports(ctx)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	statuses, err := st.Statuses(ctx, ids...)
	if err != nil {
		return fmt.Errorf("statuses: %w", err)
	}
	bw := bufio.NewWriter(w)
	if err := bot.WriteCSV(bw, rs, statuses, a.reportLabels()); err != nil {
		return err
	}
	return bw.Flush()
}
