package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
	"deskbot/chart"
)

// charts answers グラフ: the reports are read now, and the charts are drawn and uploaded
// to the channel after the answer, since that may take longer than Slack waits for one.
// A failed upload is told to the caller.
func (d *Desk) charts(ctx context.Context, p bot.Period, name string, cmd slackgo.SlashCommand) (slackgo.Msg, error) {
	set, err := bot.LoadReports(ctx, d.store, p, name, d.now())
	if err != nil {
		return slackgo.Msg{}, err
	}
	d.background.Go(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), uploadTimeout)
		defer cancel()
		if _, err := d.uploadCharts(ctx, set, fmt.Sprintf(txtChartsComment, cmd.UserID, name, len(set.Reports))); err != nil {
			_, fix, _ := refusal(err)
			d.log.Error("Slack: chart upload failed", "reports", len(set.Reports), "err", err, "fix", fix)
			if _, err := d.api.PostEphemeralContext(ctx, d.channel, cmd.UserID, slackgo.MsgOptionText(txtChartsFailed, false)); err != nil {
				d.log.Warn("Slack: could not tell of the failed upload", "err", err)
			}
		}
	})
	return ephemeral(fmt.Sprintf(txtChartsStarted, name, len(set.Reports))), nil
}

// uploadCharts draws the charts of set as PNG and shares them in the desk channel as one
// message with comment. Each file is uploaded unshared first, and one
// files.completeUploadExternal shares them all, so the desk sees every chart or none. It
// returns the first file's id.
func (d *Desk) uploadCharts(ctx context.Context, set bot.ReportSet, comment string) (string, error) {
	files, err := chart.Render(set, d.labels(), chart.PNG, false)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", errors.New("no charts drawn")
	}
	stamp := set.At.In(bot.JST).Format("20060102-1504")
	sums := make([]slackgo.FileSummary, len(files))
	for i, f := range files {
		name := "deskbot-" + stamp + "-" + f.Name
		u, err := d.api.GetUploadURLExternalContext(ctx, slackgo.GetUploadURLExternalParameters{
			FileName: name, FileSize: len(f.Data), AltTxt: f.Title})
		if err != nil {
			return "", fmt.Errorf("files.getUploadURLExternal: %w", err)
		}
		if err := d.api.UploadToURL(ctx, slackgo.UploadToURLParameters{UploadURL: u.UploadURL,
			Reader: bytes.NewReader(f.Data), Filename: name}); err != nil {
			return "", fmt.Errorf("upload %s: %w", f.Name, err)
		}
		sums[i] = slackgo.FileSummary{ID: u.FileID, Title: f.Title}
	}
	if _, err := d.api.CompleteUploadExternalContext(ctx, slackgo.CompleteUploadExternalParameters{
		Files: sums, Channel: d.channel, InitialComment: comment}); err != nil {
		return "", fmt.Errorf("files.completeUploadExternal: %w", err)
	}
	return sums[0].ID, nil
}

// postDigest posts a digest notice: the charts of its period, with the period's totals
// as the comment, recorded as posted under the first file's id. Slack's errors are
// sorted as for any notice (failed): retried, or parked when no retry can help.
//
// A lost answer to the final files.completeUploadExternal after Slack shared the files
// posts the digest again on the retry: Slack gives files no metadata to find them by.
func (d *Desk) postDigest(ctx context.Context, n bot.Notice) error {
	if n.Period == nil {
		return fmt.Errorf("%w: digest notice %s without its period", bot.ErrPermanent, n.ID)
	}
	set, err := bot.LoadReports(ctx, d.store, *n.Period, n.Period.Name(), n.Time)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	t := bot.Tally(set.Reports, set.Statuses, d.labels())
	states := make([]string, len(t.ByStatus))
	for i, c := range t.ByStatus {
		states[i] = fmt.Sprintf("%s %d", c.Name, c.N)
	}
	comment := fmt.Sprintf(txtDigestComment, set.Name, t.Reports, strings.Join(states, "・"))
	id, err := d.uploadCharts(ctx, set, comment)
	if err != nil {
		return d.failed(ctx, n, "files upload", err)
	}
	if _, err := d.store.SetPosted(ctx, bot.DeskPost{Notice: n.ID, Conversation: n.Conversation, Ref: id}); err != nil {
		return fmt.Errorf("record post: %w", err)
	}
	return nil
}
