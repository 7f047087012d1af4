package auditview

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// TestEveryActionHasALabel reads the Action constants from the audit
// package's source, so an action added there without a label here (it
// would show as a raw code and be missing from the filter) fails.
func TestEveryActionHasALabel(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../../internal/audit/audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Action") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if ActionLabel(context.Background(), v) == v {
					t.Errorf("audit.%s (%q) has no label in Actions", name.Name, v)
				}
				// Shown in the reader's language: a message named
				// Action_<code> in some area of the catalogue (which then
				// has it in every language, or the catalogue test fails).
				if _, ok := i18n.Default().Named(actionName(v)); !ok {
					t.Errorf("audit.%s (%q) has no message %s in internal/i18n/locales", name.Name, v, actionName(v))
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("found only %d Action constants in audit.go; did they move?", n)
	}
}
