// Package safetext keeps text from outside (operators, Tencent, clients)
// harmless where it is shown, stored or exported.
package safetext

import "strings"

// formulaStart are the first characters that make a spreadsheet evaluate a
// cell as a formula (OWASP "CSV injection"): = + - @, and tab and carriage
// return, which Excel and LibreOffice skip before looking for the others.
const formulaStart = "=+-@\t\r"

// NeutraliseCell defuses spreadsheet formula injection in one CSV cell: a
// cell starting with a formula character gets a leading single quote, so
// Excel, LibreOffice and Sheets show it as text instead of evaluating it.
// Every text cell of every export goes through it; the quote is visible in
// the file, which is the point: the cell is not what it was sent as.
func NeutraliseCell(s string) string {
	if s != "" && FormulaStart(s[0]) {
		return "'" + s
	}
	return s
}

// FormulaStart reports whether a cell starting with byte b is neutralised:
// NeutraliseCell for exporters that write bytes, not strings.
func FormulaStart(b byte) bool { return strings.IndexByte(formulaStart, b) >= 0 }
