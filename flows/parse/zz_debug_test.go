package parse

import (
	"math/rand"
	"strings"
	"testing"
	"time"
)

func TestDebugPerf(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	big := make([]byte, 1<<20)
	r.Read(big)
	for _, s := range []string{string(big), strings.Repeat("ね", 1<<18), strings.Repeat("a ", 1<<19), strings.Repeat("\u3099", 1<<18), strings.Repeat("ｶﾞ", 1<<18), strings.Repeat("\u0301", 1<<18)} {
		st := time.Now()
		Normalize(s)
		t.Logf("Normalize %d bytes: %v", len(s), time.Since(st))
		st = time.Now()
		ParseYesNo(s[:2048])
		t.Logf("YesNo: %v", time.Since(st))
	}
}
