package faq

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	k := loadEmbedded(t)
	for _, q := range strings.Split(os.Getenv("PROBE"), "\n") {
		if q == "" {
			continue
		}
		id, conf, d := k.idx.match(k.norm, q)
		fmt.Printf("%-18s %.3f (best %s, 2nd %s) %s | %s\n", id, conf, k.topicName(d.best), k.topicName(d.second), q, string(k.norm.normalize(q)))
	}
}
