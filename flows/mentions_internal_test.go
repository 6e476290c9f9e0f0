package flows

import "testing"

// TestMentions: an alias written with "+" names its choice where its parts come in order
// in one clause, close together, whatever the particles and endings.
func TestMentions(t *testing.T) {
	tests := []struct {
		text, alias string
		want        bool
	}{
		{"見積が高すぎる", "見積+高", true},
		{"見積もりが高くて時間もかかる", "見積+高", true},
		{"見積もりが高くて時間もかかる", "時間+かか", true},
		{"保守料も見積も高い", "保守+高", true},
		{"見積りは高いけど保守は安い", "保守+高", false},
		{"高い見積", "見積+高", false},                       // out of order
		{"見積は届いた、高いとは思わない", "見積+高", false},            // another clause
		{"見積についての説明がとにかく高圧的だった", "見積+高", false},       // too far apart
		{"業者さんを何社も当たったが地元の業者が見つからない", "業者+見つか", true}, // a later first part
		{"保守料が高い", "保守料", true},
		{"保守が高い", "保守料", false},
	}
	for _, tt := range tests {
		if got := mentions(tt.text, tt.alias); got != tt.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", tt.text, tt.alias, got, tt.want)
		}
	}
}
