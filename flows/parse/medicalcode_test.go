package parse

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseMedicalCode(t *testing.T) {
	tests := []struct {
		in   string
		pref int
		want MedicalCode
	}{
		// The examples of DOMAIN.md: 広島 (check over 9 digits) and 東京 (over 6).
		{"3410712362", 0, MedicalCode{Prefecture: 34, Table: 1, Area: "07", Number: "1236", Check: 2}},
		{"3410712362", 34, MedicalCode{Prefecture: 34, Table: 1, Area: "07", Number: "1236", Check: 2}},
		{"1310110049", 0, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"1310110049", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"13-1-01-1004-9", 0, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"13 1 01 1004 9", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"１３１０１１００４９", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"１３－１－０１－１００４－９", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"13ー1ー01ー1004ー9", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"1310110049 ", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"0110515558", 1, MedicalCode{Prefecture: 1, Table: 1, Area: "05", Number: "1555", Check: 8}},
		// 歯科 and 薬局 in Tokyo share the 6-digit body, so the same check digit.
		{"1330110049", 13, MedicalCode{Prefecture: 13, Table: 3, Area: "01", Number: "1004", Check: 9}},
		{"1340110049", 13, MedicalCode{Prefecture: 13, Table: 4, Area: "01", Number: "1004", Check: 9}},
		// The 7-digit local form with the prefecture asked separately.
		{"0110049", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"01-1004-9", 13, MedicalCode{Prefecture: 13, Table: 1, Area: "01", Number: "1004", Check: 9}},
		{"０７１２３６２", 34, MedicalCode{Prefecture: 34, Table: 1, Area: "07", Number: "1236", Check: 2}},
		{"0515558", 1, MedicalCode{Prefecture: 1, Table: 1, Area: "05", Number: "1555", Check: 8}},
	}
	for _, tt := range tests {
		got, err := ParseMedicalCode(tt.in, tt.pref)
		if err != nil || got != tt.want {
			t.Errorf("ParseMedicalCode(%q, %d) = %+v, %v; want %+v", tt.in, tt.pref, got, err, tt.want)
		}
	}
	if got := (MedicalCode{Prefecture: 1, Table: 1, Area: "05", Number: "1555", Check: 8}).String(); got != "0110515558" {
		t.Errorf("String() = %q, want 0110515558", got)
	}
}

func TestParseMedicalCodeErrors(t *testing.T) {
	tests := []struct {
		in   string
		pref int
		want error
	}{
		{"", 0, ErrCodeFormat},
		{"131011004", 0, ErrCodeFormat},
		{"13101100491", 0, ErrCodeFormat},
		{"131011004a", 0, ErrCodeFormat},
		{"1310110049-", 0, ErrCodeFormat},
		{"-1310110049", 0, ErrCodeFormat},
		{"13/1/01/1004/9", 0, ErrCodeFormat},
		{"13.1.01.1004.9", 0, ErrCodeFormat},
		{"+1310110049", 0, ErrCodeFormat},
		{"一三一〇一一〇〇四九", 0, ErrCodeFormat},
		{"コード 1310110049", 0, ErrCodeFormat},
		{"123456", 13, ErrCodeFormat},
		{"12345678", 13, ErrCodeFormat},
		{"13101100491310110049", 13, ErrCodeFormat},
		{"0010110049", 0, ErrCodePrefecture},
		{"4810110049", 0, ErrCodePrefecture},
		{"9910110049", 0, ErrCodePrefecture},
		{"1310110049", 34, ErrCodePrefecture},
		{"3410712362", 13, ErrCodePrefecture},
		{"1310110049", 48, ErrCodePrefecture},
		{"1310110049", -1, ErrCodePrefecture},
		{"0110049", 99, ErrCodePrefecture},
		{"1300110049", 13, ErrCodeTable},
		{"1320110049", 13, ErrCodeTable},
		{"1390110049", 0, ErrCodeTable},
		{"1310110048", 13, ErrCheckDigit},
		{"3410712361", 34, ErrCheckDigit},
		{"3430712362", 34, ErrCheckDigit}, // 歯科 outside 11–14: the table digit is in the body
		{"0110048", 13, ErrCheckDigit},
		{"0712362", 13, ErrCheckDigit}, // right digits, wrong prefecture: the body differs
		{"0110049", 0, ErrNeedPrefecture},
	}
	for _, tt := range tests {
		got, err := ParseMedicalCode(tt.in, tt.pref)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseMedicalCode(%q, %d) = %+v, %v; want %v", tt.in, tt.pref, got, err, tt.want)
		}
	}
}

func TestCheckDigitPermutation(t *testing.T) {
	// The weight-2 digit map must be a permutation of 0…9 for single errors to be caught.
	seen := map[int]bool{}
	for d := range 10 {
		seen[checkDigit([]int{d, 0})] = true // d at weight 1
	}
	if len(seen) != 10 {
		t.Errorf("weight-1 digits give %d distinct checks, want 10", len(seen))
	}
	seen = map[int]bool{}
	for d := range 10 {
		seen[checkDigit([]int{d})] = true // d at weight 2
	}
	if len(seen) != 10 {
		t.Errorf("weight-2 digits give %d distinct checks, want 10", len(seen))
	}
}

// TestMedicalCodesCSV runs the 2,760 real codes of the shared data through the parser, and
// every single-digit change of each.
//
// Why a single changed digit is caught: the 検証番号 is a modulus-10 sum with weights 2, 1, 2…
// (see checkDigit); a changed weight-1 digit moves the sum by 1…9, and a changed weight-2
// digit by a non-zero amount too because doubling-and-summing is a permutation of 0…9. So a
// change anywhere in the body, or in the check digit itself, always fails. What the body
// does not cover is caught otherwise or not at all:
//
//   - outside 11–14 the body is the first 9 digits, so every digit but the check is covered —
//     except that changing the prefecture into 11–14 (21 → 11) switches to the 6-digit body,
//     which then matches the old check digit one time in ten;
//   - in 11–14 the body is only 郡市区番号 + 医療機関番号: a change of the prefecture digits is
//     caught only by comparing with pref (with pref 0, 13 → 11, 12 or 14 always passes, and
//     13 → 23 passes one time in ten), and a change of the 点数表番号 1 → 3 or 4 is never
//     caught: it is a well-formed 歯科 or 薬局 code of the same facility number.
//
// So the test asserts: with pref given, every change fails except the 点数表番号 of 11–14,
// which comes back with Table 3 or 4; with pref 0, every change outside those digits fails,
// and the accepted ones are counted in the log.
func TestMedicalCodesCSV(t *testing.T) {
	f, err := os.Open("../../../shared/data/medical-institution-codes.csv")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("../../../shared/data/medical-institution-codes.csv not found: the shared data is checked out beside the repository in CI")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "code" || rows[0][1] != "prefecture" {
		t.Fatalf("unexpected CSV header %v", rows[:min(1, len(rows))])
	}
	rows = rows[1:]

	var tableChanges, pref0Accepted, pref0Pref, pref0Table int
	for _, row := range rows {
		code := row[0]
		pref, err := strconv.Atoi(row[1])
		if err != nil {
			t.Fatalf("row %v: %v", row, err)
		}
		c, err := ParseMedicalCode(code, pref)
		if err != nil {
			t.Errorf("ParseMedicalCode(%s, %d): %v", code, pref, err)
			continue
		}
		if c.String() != code || c.Prefecture != pref {
			t.Errorf("ParseMedicalCode(%s, %d) = %+v (%s)", code, pref, c, c)
		}
		if c0, err := ParseMedicalCode(code, 0); err != nil || c0 != c {
			t.Errorf("ParseMedicalCode(%s, 0) = %+v, %v; want %+v", code, c0, err, c)
		}
		if c7, err := ParseMedicalCode(code[3:], pref); err != nil || c7 != c {
			t.Errorf("ParseMedicalCode(%s, %d) (7-digit form) = %+v, %v; want %+v", code[3:], pref, c7, err, c)
		}
		sixDigitBody := pref >= 11 && pref <= 14

		for pos := range 10 {
			for digit := byte('0'); digit <= '9'; digit++ {
				if code[pos] == digit {
					continue
				}
				m := code[:pos] + string(digit) + code[pos+1:]

				got, err := ParseMedicalCode(m, pref)
				switch {
				case sixDigitBody && pos == 2 && (digit == '3' || digit == '4'):
					tableChanges++
					if err != nil || got.Table != int(digit-'0') {
						t.Errorf("ParseMedicalCode(%s, %d) = %+v, %v; want a valid 点数表 %c code", m, pref, got, err, digit)
					}
				case err == nil:
					t.Errorf("ParseMedicalCode(%s, %d) accepted a one-digit change of %s", m, pref, code)
				}

				got, err = ParseMedicalCode(m, 0)
				if err != nil {
					continue
				}
				pref0Accepted++
				switch {
				case pos == 2 && sixDigitBody:
					pref0Table++
				case pos < 2 && (sixDigitBody || got.Prefecture >= 11 && got.Prefecture <= 14):
					pref0Pref++
				default:
					t.Errorf("ParseMedicalCode(%s, 0) accepted a one-digit change of %s outside the digits the check does not cover", m, code)
				}
			}
		}
		local := code[3:] // the 7-digit form: all of it is covered by the check
		for pos := range 7 {
			for digit := byte('0'); digit <= '9'; digit++ {
				if local[pos] == digit {
					continue
				}
				m := local[:pos] + string(digit) + local[pos+1:]
				if got, err := ParseMedicalCode(m, pref); err == nil {
					t.Errorf("ParseMedicalCode(%s, %d) = %+v: accepted a one-digit change of the 7-digit %s", m, pref, got, local)
				}
			}
		}
	}
	t.Logf("%d codes; with pref given, the only accepted one-digit changes are %d 点数表番号 changes (1→3/4) in 11–14", len(rows), tableChanges)
	t.Logf("with pref 0: %d accepted one-digit changes out of %d: %d of the prefecture digits (into or within 11–14), %d of the 点数表番号 in 11–14",
		pref0Accepted, len(rows)*90, pref0Pref, pref0Table)
}

func TestParseMedicalCodeNoSuchPrefecture(t *testing.T) {
	for _, in := range []string{"0010110049", "4810110049", "9910110049", "５０１０１１００４９"} {
		_, err := ParseMedicalCode(in, 0)
		if !errors.Is(err, ErrNoSuchPrefecture) || !errors.Is(err, ErrCodePrefecture) {
			t.Errorf("ParseMedicalCode(%q): %v, want ErrNoSuchPrefecture (and ErrCodePrefecture)", in, err)
		}
	}
	// Another prefecture's code is not "no such prefecture".
	if _, err := ParseMedicalCode("1310110049", 34); !errors.Is(err, ErrCodePrefecture) || errors.Is(err, ErrNoSuchPrefecture) {
		t.Errorf("ParseMedicalCode(1310110049, 34): %v, want ErrCodePrefecture only", err)
	}
}

func TestFindMedicalCode(t *testing.T) {
	// A pharmacy in 広島 (34), 郡市区 07, number 1236, with its right check digit.
	pharmacy := MedicalCode{Prefecture: 34, Table: 4, Area: "07", Number: "1236"}
	pharmacy.Check = checkDigit(pharmacy.body())
	tests := []struct {
		in   string
		pref int
		want string
		err  error
	}{
		{"コードは2011234560です", 0, "2011234560", nil},
		{"医療機関コード：13 1 0110049", 0, "1310110049", nil},
		{"医療機関コード:１３１０１１００４９（内科）", 13, "1310110049", nil},
		{"13-1-01-1004-9です。", 0, "1310110049", nil},
		{"3410712362", 0, "3410712362", nil},
		{"うちのは0712362です", 34, "3410712362", nil},
		{"電話03-1234-5678、コードは3410712362", 0, "3410712362", nil},
		{"コードは3410712362、電話は0312345679", 0, "3410712362", nil},
		{"1310110049と1310110049", 0, "1310110049", nil}, // the same code twice is one
		{"医療機関コード：13 1 1234567", 0, "", ErrCheckDigit},
		{"コードは5010110049です", 0, "", ErrNoSuchPrefecture},
		{"0010110049", 0, "", ErrNoSuchPrefecture},
		{"コード " + pharmacy.String(), 0, "", ErrPharmacy},
		{"1310110049", 34, "", ErrCodePrefecture},
		{"0712362", 0, "", ErrNeedPrefecture},
		{"1310110049 と 3410712362", 0, "", ErrCodeFormat}, // two codes
		{"コードはわかりません", 0, "", ErrCodeFormat},
		{"123456789", 0, "", ErrCodeFormat},
		{"12345678901", 0, "", ErrCodeFormat},
		{"", 0, "", ErrCodeFormat},
		{strings.Repeat("1", MaxInput+1), 0, "", ErrCodeFormat},
	}
	for _, tt := range tests {
		got, err := FindMedicalCode(tt.in, tt.pref)
		if tt.err != nil {
			if !errors.Is(err, tt.err) || got != (MedicalCode{}) {
				t.Errorf("FindMedicalCode(%q, %d) = %v, %v; want %v", tt.in, tt.pref, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("FindMedicalCode(%q, %d) = %v, %v; want %s", tt.in, tt.pref, got, err, tt.want)
		}
	}
	// ParseMedicalCode itself still returns a pharmacy's code, as it did for today's callers.
	if c, err := ParseMedicalCode(pharmacy.String(), 0); err != nil || c != pharmacy {
		t.Errorf("ParseMedicalCode(%s) = %v, %v", pharmacy, c, err)
	}
}
