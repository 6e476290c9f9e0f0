package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"deskbot/bot"
	"deskbot/chart"
)

// exportOptions are the flags of `deskbot export`.
type exportOptions struct {
	format string // csv, png or svg
	out    string // the directory of the chart files
	period string // as bot.ParsePeriod reads it; "" is all time
	share  bool   // hide a prefecture's counts below 3
}

// exportArgs takes the export's own flags out of the arguments and returns them and the
// rest, the usual flags. The format defaults to csv. Every problem of the flags is a
// usage error, told before anything is opened.
func exportArgs(args []string) (exportOptions, []string, error) {
	var o exportOptions
	rest := args[:0:0]
	for _, a := range args {
		if a == "--share" || a == "-share" {
			o.share = true
			continue
		}
		rest = append(rest, a)
	}
	var err error
	for _, f := range []struct {
		name, def string
		dst       *string
	}{{"format", "csv", &o.format}, {"out", "", &o.out}, {"period", "", &o.period}} {
		if *f.dst, rest, err = takeFlag(rest, f.name, f.def); err != nil {
			return o, nil, err
		}
	}
	if _, _, err := bot.ParsePeriod(o.period, time.Now()); err != nil {
		return o, nil, fmt.Errorf("--period %q: want 2022-11, 2022-11-01, \"2022-11-01 2022-11-30\", 今月, 先月 or 30日", o.period)
	}
	switch o.format {
	case "csv":
		if o.out != "" || o.share {
			return o, nil, errors.New("--out and --share are for the charts (png, svg); the CSV goes to stdout and holds each report")
		}
	case "png", "svg":
		if o.out == "" {
			return o, nil, fmt.Errorf("--format %s needs --out DIR, the directory for the chart files", o.format)
		}
	default:
		return o, nil, fmt.Errorf("--format %q: want csv, png or svg", o.format)
	}
	return o, rest, nil
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

// export writes the archived reports of the period, with their statuses: as CSV to w
// (the same file `/deskbot csv` uploads, UTF-8 with a BOM so Excel opens it), or as one
// chart file each in the directory o.out, whose paths it prints to w. The reports are
// read with bot.LoadReports, as the slash commands read them, so the numbers agree.
func export(ctx context.Context, a *app, o exportOptions, w io.Writer) error {
	now := a.cfg.Clock()()
	p, name, err := bot.ParsePeriod(o.period, now)
	if err != nil {
		return fmt.Errorf("--period: %w", err)
	}
	set, err := bot.LoadReports(ctx, a.store, p, name, now)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if o.format == "csv" {
		if err := bot.WriteCSV(bw, set.Reports, set.Statuses, a.reportLabels()); err != nil {
			return err
		}
		return bw.Flush()
	}
	format, err := chart.ParseFormat(o.format)
	if err != nil {
		return err
	}
	files, err := chart.Render(set, a.reportLabels(), format, o.share)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	for _, f := range files {
		path := filepath.Join(o.out, f.Name)
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("write chart: %w", err)
		}
		fmt.Fprintln(bw, path)
	}
	return bw.Flush()
}
