package tencent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The Tencent doc samples contradict their own field tables, and different
// doc generations disagree with each other. These types accept every wire
// form seen so far and always emit the form the newest docs use, so the rest
// of roomdesk sees one shape.

// SeatMode is a room's take-seat policy. Older docs send it as an integer
// (1 free, 2 apply), newer ones as the name; it is always held and sent as the
// name.
type SeatMode string

// The documented seat modes.
const (
	SeatFreeToTake  SeatMode = "FreeToTake"
	SeatApplyToTake SeatMode = "ApplyToTake"
)

func (m SeatMode) String() string { return string(m) }

// UnmarshalJSON accepts "FreeToTake"/"ApplyToTake", 1/2 (as number or
// digit string) and keeps any other value verbatim, because a future mode
// should show up in the console rather than fail the whole read.
func (m *SeatMode) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("TakeSeatMode: %w", err)
	}
	switch strings.TrimSpace(s) {
	case "1":
		*m = SeatFreeToTake
	case "2":
		*m = SeatApplyToTake
	default:
		*m = SeatMode(s)
	}
	return nil
}

// Account is a user ID. The docs type Owner_Account as a string but their
// sample sends 144115233775727695, which does not survive float64, so a number
// is kept as its exact decimal text.
type Account string

func (a Account) String() string { return string(a) }

// UnmarshalJSON accepts a JSON string or a JSON number.
func (a *Account) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("Owner_Account: %w", err)
	}
	*a = Account(s)
	return nil
}

// FlexBool is a bool that also accepts "true"/"false"/"1"/"0" strings and the
// numbers 0/1: IsMessageDisabled is typed String in the docs' table and bool
// in their sample. It always marshals as a JSON bool.
type FlexBool bool

// UnmarshalJSON accepts a bool, a string or a number 0/1.
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	switch string(b) {
	case "true":
		*f = true
		return nil
	case "false":
		*f = false
		return nil
	}
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("bool field: %w", err)
	}
	if strings.TrimSpace(s) == "" {
		*f = false
		return nil
	}
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("bool field: cannot read %q as a bool", s)
	}
	*f = FlexBool(v)
	return nil
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// scalarText returns a JSON string's value or a JSON number's literal text,
// and refuses objects, arrays and bools.
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return "", fmt.Errorf("want a string or a number, got %.40q", b)
	}
	return n.String(), nil
}
