package authview

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// refusedMessages are the refusal page's message ids by kind.
var refusedMessages = map[string]string{
	"group": "oidc.RefusedGroup", "disabled": "oidc.RefusedDisabled", "state": "oidc.RefusedState",
	"unreachable": "oidc.Unreachable", "provider": "oidc.RefusedProvider",
}

func refusedText(ctx context.Context, p SSORefusedProps) string {
	id, ok := refusedMessages[p.Kind]
	if !ok {
		id = "oidc.RefusedProvider"
	}
	return i18n.Tf(ctx, id, map[string]any{"Name": p.Provider})
}
