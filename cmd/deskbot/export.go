package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"deskbot/bot"
)

// exportArgs takes --format (or -format, with = or a separate value) out of the
// arguments of `deskbot export` and returns the rest, the usual flags. The format
// defaults to csv, the only one there is.
func exportArgs(args []string) (rest []string, err error) {
	format := "csv"
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || name != "format" {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return nil, errors.New("--format needs a value")
			}
			i++
			value = args[i]
		}
		format = value
	}
	if format != "csv" {
		return nil, fmt.Errorf("--format %q: only csv is supported", format)
	}
	return rest, nil
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
