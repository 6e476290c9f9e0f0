package bottest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot/transcript"
)

// Channel is one way a transcript reaches the engine: directly, through the signed LINE
// webhook, through `deskbot chat`. The clock of RunTranscript is the clock of the engine
// and the store under it.
type Channel interface {
	// Act applies one action line of a script (transcript.Line.Acts) and returns what
	// the clinic received in answer, in transcript.Render's form ("" for nothing). It
	// fails the test when the action cannot be done, such as a tap on a choice that is
	// not offered.
	Act(t testing.TB, l transcript.Line) string
}

// Golden is the golden file of a script: NAME.golden beside NAME.txt.
func Golden(script string) string {
	return strings.TrimSuffix(script, filepath.Ext(script)) + ".golden"
}

// RunTranscript runs a script through ch and compares what the clinic received with the
// script's golden file, exactly: an extra, a missing, a repeated or a misordered message
// fails. The golden file is the script's clock and action lines, each action followed by
// its reply. check, when not nil, gets every check line of the script, after the action
// before it. With update, the golden file is written instead of compared.
func RunTranscript(t *testing.T, script string, clock *Clock, ch Channel, check func(transcript.Line) error, update bool) {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := transcript.Parse(f)
	f.Close()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	var got bytes.Buffer
	for _, l := range lines {
		switch l.Kind {
		case transcript.Now:
			clock.Set(l.Time)
			writeLine(&got, l.Raw)
		case transcript.Wait:
			clock.Advance(l.Wait)
			writeLine(&got, l.Raw)
		case transcript.Check:
			if check == nil {
				continue
			}
			if err := check(l); err != nil {
				t.Fatalf("%s:%d: %s\n%v", script, l.N, l.Raw, err)
			}
		default:
			writeLine(&got, l.Raw)
			got.WriteString(ch.Act(t, l))
		}
	}
	golden := Golden(script)
	if update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test with -update to write it)", err)
	}
	if d := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got.String(), "\n")); d != "" {
		t.Errorf("%s: what the clinic received differs from %s (-want +got):\n%s", script, golden, d)
	}
}

// writeLine writes a script line to a golden file, after a blank line unless it is the
// first.
func writeLine(b *bytes.Buffer, line string) {
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(line + "\n")
}
