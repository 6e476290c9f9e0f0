package parse

import (
	"errors"
	"strconv"
	"strings"
)

// ErrStoredAmount: text that is not an amount in the stored form of MarshalText.
var ErrStoredAmount = errors.New("parse: not a stored amount")

// MarshalText writes the amount in the form answers keep it: the yen, then "/m" monthly or
// "/y" yearly, with "~" first when approximate: "429000", "~15000/m". It is the one codec
// of a kept amount: UnmarshalText reads it back for showing and judging.
func (a Amount) MarshalText() ([]byte, error) {
	b := make([]byte, 0, 16)
	if a.Approx {
		b = append(b, '~')
	}
	b = strconv.AppendInt(b, a.Yen, 10)
	switch a.Period {
	case Monthly:
		b = append(b, "/m"...)
	case Yearly:
		b = append(b, "/y"...)
	}
	return b, nil
}

// String is the stored form of MarshalText.
func (a Amount) String() string {
	b, _ := a.MarshalText()
	return string(b)
}

// UnmarshalText reads an amount in the stored form of MarshalText; anything else is
// ErrStoredAmount and leaves a unchanged.
func (a *Amount) UnmarshalText(b []byte) error {
	v := string(b)
	var out Amount
	v, out.Approx = strings.CutPrefix(v, "~")
	switch {
	case strings.HasSuffix(v, "/m"):
		out.Period, v = Monthly, strings.TrimSuffix(v, "/m")
	case strings.HasSuffix(v, "/y"):
		out.Period, v = Yearly, strings.TrimSuffix(v, "/y")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || v == "" || v[0] == '+' {
		return ErrStoredAmount
	}
	out.Yen = n
	*a = out
	return nil
}
