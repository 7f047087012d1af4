// Package safetext is roomdesk's one place for text hygiene on strings an
// attacker may control: clipping before they are stored or logged (Clip),
// refusing control and bidi-override characters in values that leave the
// console (Check), and escaping them where text meets a terminal, a CSV
// cell or a JSONL line (Escape, NewTerminalWriter).
//
// It depends on nothing else in roomdesk, so every layer may use it.
package safetext
