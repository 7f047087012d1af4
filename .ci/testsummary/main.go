// Command testsummary reads `go test -json` on stdin and prints what plain
// `go test` would (build errors, the output of failing tests, and each
// package's closing line), then one line per reason a test was skipped, so a
// skipped check never reads as a passing one. The exit status stays go
// test's (run it under `set -o pipefail`):
//
//	go test -json ./... | go run ./.ci/testsummary
//
// It lives under .ci so `./...` does not build it with the product.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is test2json's TestEvent (go doc cmd/test2json), plus the
// ImportPath of build-output events.
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

func main() {
	if err := summarize(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
}

type testKey struct{ pkg, test string }

// skip is one reason and the tests skipped for it.
type skip struct {
	reason string
	tests  []string
}

func summarize(r io.Reader, w io.Writer) error {
	out := map[testKey][]string{} // buffered output of running tests
	skips := map[string]*skip{}
	running := map[testKey]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintln(w, string(line)) // not JSON: go's own message, pass it on
			continue
		}
		k := testKey{e.Package, e.Test}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && e.Action == "output":
			// Package-level lines: "ok  pkg 1.2s", "FAIL", "PASS", panics.
			if e.Output != "PASS\n" {
				fmt.Fprint(w, e.Output)
			}
		case e.Test == "" && e.Action == "fail":
			// Tests that never finished (a panic, a timeout) still hold
			// the output that explains the failure.
			for _, t := range sortedKeys(out, e.Package) {
				fmt.Fprint(w, strings.Join(out[t], ""))
				delete(out, t)
			}
		case e.Test == "" && (e.Action == "pass" || e.Action == "skip"):
			for _, t := range sortedKeys(out, e.Package) {
				delete(out, t)
			}
		case e.Action == "output":
			if !isProgress(e.Output) {
				out[k] = append(out[k], e.Output)
			}
		case e.Action == "run":
			running[k] = true
		case e.Action == "fail":
			block := failureBlock(out[k], e.Test)
			delete(out, k)
			delete(running, k)
			// A subtest's failure prints under its parent's "--- FAIL"
			// line, indented, as plain go test does.
			if i := strings.LastIndex(e.Test, "/"); i > 0 && running[testKey{e.Package, e.Test[:i]}] {
				p := testKey{e.Package, e.Test[:i]}
				for _, l := range block {
					out[p] = append(out[p], "    "+l)
				}
				continue
			}
			fmt.Fprint(w, strings.Join(block, ""))
		case e.Action == "skip":
			reason := skipReason(out[k])
			s := skips[reason]
			if s == nil {
				s = &skip{reason: reason}
				skips[reason] = s
			}
			s.tests = append(s.tests, shortPkg(e.Package)+"."+e.Test)
			delete(out, k)
			delete(running, k)
		case e.Action == "pass":
			delete(out, k)
			delete(running, k)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	printSkips(w, skips)
	return nil
}

// isProgress reports the lines `go test -v` adds that plain `go test` does
// not print for a failing test.
func isProgress(s string) bool {
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// failureBlock puts a failed test's "--- FAIL" line above its output, where
// plain go test prints it (-json streams it last).
func failureBlock(lines []string, test string) []string {
	var head, body []string
	for _, l := range lines {
		if strings.HasPrefix(l, "--- FAIL: "+test+" ") && head == nil {
			head = []string{l}
			continue
		}
		body = append(body, l)
	}
	return append(head, body...)
}

// skipReason is the message given to t.Skip: the last indented line before
// "--- SKIP", without its file:line prefix.
func skipReason(lines []string) string {
	reason := "(no reason given)"
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "--- ") {
			continue
		}
		if i := strings.Index(t, ": "); i > 0 && strings.Contains(t[:i], ".go:") {
			t = t[i+2:]
		}
		reason = t
	}
	return reason
}

func printSkips(w io.Writer, skips map[string]*skip) {
	if len(skips) == 0 {
		fmt.Fprintln(w, "skipped: nothing")
		return
	}
	reasons := make([]string, 0, len(skips))
	for r := range skips {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		s := skips[r]
		sort.Strings(s.tests)
		names := s.tests
		if len(names) > 3 {
			names = append(names[:3:3], fmt.Sprintf("and %d more", len(s.tests)-3))
		}
		fmt.Fprintf(w, "SKIPPED %d: %s (%s)\n", len(s.tests), r, strings.Join(names, ", "))
	}
}

func sortedKeys(m map[testKey][]string, pkg string) []testKey {
	var keys []testKey
	for k := range m {
		if k.pkg == pkg {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].test < keys[j].test })
	return keys
}

// shortPkg drops the module path, which every package shares.
func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/roomdesk/roomdesk/")
}
