package parse

import (
	"errors"
	"strconv"
	"strings"
)

// ErrStoredAmount: text that is not an amount in the stored form of MarshalText.
var ErrStoredAmount = errors.New("parse: not a stored amount")

// MarshalText writes the amount in the form answers keep it: "~" first when approximate,
// a range's lower end and "-", the yen, "/m" monthly or "/y" yearly, then "@in" with tax or
// "@ex" without: "429000", "~15000/m", "~500000-600000@ex". It is the one codec of a kept
// amount: UnmarshalText reads it back for showing and judging, also in the form kept before
// ranges and tax were (which is the same without them).
func (a Amount) MarshalText() ([]byte, error) {
	b := make([]byte, 0, 24)
	if a.Approx {
		b = append(b, '~')
	}
	if a.Low > 0 {
		b = strconv.AppendInt(b, a.Low, 10)
		b = append(b, '-')
	}
	b = strconv.AppendInt(b, a.Yen, 10)
	switch a.Period {
	case Monthly:
		b = append(b, "/m"...)
	case Yearly:
		b = append(b, "/y"...)
	}
	switch a.Tax {
	case TaxIncluded:
		b = append(b, "@in"...)
	case TaxExcluded:
		b = append(b, "@ex"...)
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
	case strings.HasSuffix(v, "@in"):
		out.Tax, v = TaxIncluded, strings.TrimSuffix(v, "@in")
	case strings.HasSuffix(v, "@ex"):
		out.Tax, v = TaxExcluded, strings.TrimSuffix(v, "@ex")
	}
	switch {
	case strings.HasSuffix(v, "/m"):
		out.Period, v = Monthly, strings.TrimSuffix(v, "/m")
	case strings.HasSuffix(v, "/y"):
		out.Period, v = Yearly, strings.TrimSuffix(v, "/y")
	}
	if low, high, ok := strings.Cut(v, "-"); ok {
		n, err := natural(low)
		if err != nil {
			return err
		}
		out.Low, v = n, high
	}
	n, err := natural(v)
	if err != nil {
		return err
	}
	out.Yen = n
	*a = out
	return nil
}

// natural reads a number of yen written in digits alone.
func natural(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || v == "" || v[0] == '+' || v[0] == '-' {
		return 0, ErrStoredAmount
	}
	return n, nil
}
