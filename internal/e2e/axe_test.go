package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// axeSource is axe-core 4.14.1's axe.min.js from npm (`npm pack
// axe-core@4.14.1`), vendored with its MPL-2.0 licence header (the full
// licence is testdata/axe-core.LICENSE). It is never fetched at run time.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeImpacts are the impacts that fail a test: critical and serious, and
// the moderate ones too (issue 21 asks for them fixed). Minor findings are
// logged with ROOMDESK_AXE_VERBOSE=1.
var axeImpacts = map[string]bool{"critical": true, "serious": true, "moderate": true}

var (
	// axeSeen is every page state already checked, so a page many tests
	// load is checked once per width and language (one axe run per page
	// state, not per assertion).
	axeSeen sync.Map
	// axeRuns and axeFound count runs and failing violations, for the
	// suite's log line.
	axeRuns, axeFound atomic.Int64
)

type axeNode struct {
	Target  string `json:"target"`
	Summary string `json:"summary"`
}

type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []axeNode `json:"nodes"`
}

// axeRun is evaluated in the page once axe is loaded: it runs every rule
// on the whole document and returns the violations as JSON.
const axeRun = `async () => {
	const r = await axe.run(document, {resultTypes: ['violations']});
	return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.slice(0, 6).map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').replace(/\s+/g, ' ')}))})));
}`

// digits normalises ids in a URL so /audit/12 and /audit/13 are one page.
var digits = regexp.MustCompile(`[0-9]+`)

// checkA11y runs axe-core on the page as it is now and fails the test on
// every critical, serious or moderate violation, naming the rule, the
// elements and axe's summary. state names what is on screen beyond the URL
// ("load", "saved"…); the same URL, state, width and language is checked
// once per suite run.
func (p *page) checkA11y(state string) {
	p.t.Helper()
	url := p.URL()
	if url == "" || strings.HasPrefix(url, "about:") || strings.HasSuffix(url, ".csv") || strings.HasSuffix(url, ".jsonl") {
		return
	}
	width := 0
	if vp := p.ViewportSize(); vp != nil {
		width = vp.Width
	}
	lang, _ := p.Evaluate(`() => document.documentElement.lang`)
	key := fmt.Sprintf("%s|%v|%d|%s", state, lang, width, digits.ReplaceAllString(strings.TrimPrefix(url, env.URL), "N"))
	if _, dup := axeSeen.LoadOrStore(key, true); dup {
		return
	}
	if _, err := p.Evaluate(`() => typeof axe`); err != nil {
		return // the page is navigating away; the next state is checked instead
	}
	if loaded, _ := p.Evaluate(`() => typeof axe === 'object'`); loaded != true {
		if _, err := p.Evaluate(axeSource); err != nil {
			p.t.Errorf("axe: inject into %s: %v", url, err)
			return
		}
	}
	out, err := p.Evaluate(axeRun)
	if err != nil {
		p.t.Errorf("axe: run on %s: %v", url, err)
		return
	}
	axeRuns.Add(1)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out.(string)), &vs); err != nil {
		p.t.Errorf("axe: result: %v", err)
		return
	}
	for _, v := range vs {
		if !axeImpacts[v.Impact] {
			if os.Getenv("ROOMDESK_AXE_VERBOSE") != "" {
				p.t.Logf("axe (%s, not failing) %s at %s: %s", v.Impact, v.ID, key, v.Help)
			}
			continue
		}
		axeFound.Add(1)
		var b strings.Builder
		fmt.Fprintf(&b, "axe: %s violation %q (%s) on %s [%s, %v, %dpx]:", v.Impact, v.ID, v.Help, strings.TrimPrefix(url, env.URL), state, lang, width)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s: %s", n.Target, n.Summary)
		}
		p.t.Error(b.String())
	}
}
