package sso

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Refusal is a sign-in refused; Reason is what the audit row records.
type Refusal struct {
	Kind   RefusalKind
	Reason string
}

func (r *Refusal) Error() string { return "sso: sign-in refused: " + r.Reason }

// RefusalKind groups reasons by what the person can do about them.
type RefusalKind string

const (
	RefusedState    RefusalKind = "state"    // start again from the sign-in page
	RefusedProvider RefusalKind = "provider" // the provider said no, or its answer did not hold up
	RefusedNoGroup  RefusalKind = "group"    // ask for a group that gives a role here
	RefusedDisabled RefusalKind = "disabled" // an admin disabled the user here
)

// Result is a provider sign-in accepted.
type Result struct {
	User auth.User
	// Expiry is the ID token's: the session must not outlive it.
	Expiry time.Time
	// Next is the local path the sign-in started from.
	Next string
}

// claims are the ID token's (or userinfo's) claims roomdesk reads.
type claims struct {
	Subject           string `json:"sub"`
	PreferredUsername string `json:"preferred_username"`
	Email             string `json:"email"`
	// ClaimNames is Entra's groups overage: the groups left out of the
	// token because there are too many.
	ClaimNames map[string]string `json:"_claim_names"`
}

// Finish completes a sign-in from the provider's callback query and the
// binding kept in the browser: it takes the flow (single use), exchanges
// the code with the PKCE verifier, verifies the ID token and its nonce,
// maps the groups to roles and signs the user in (auth.SignInSSO). Every
// outcome is audited: auth.sso_login, or auth.sso_refused with the reason
// and a *Refusal returned. ErrUnreachable and other errors are failures
// to finish, not refusals (they are logged, and the person may retry).
func (s *Service) Finish(ctx context.Context, q url.Values, binding string, client audit.Actor) (Result, error) {
	ctx = context.WithoutCancel(ctx) // a hang-up must not skip the audit row
	f, err := s.takeFlow(ctx, q.Get("state"), binding)
	switch {
	case errors.Is(err, errUnknownState), errors.Is(err, errOtherBrowser), errors.Is(err, errFlowExpired):
		return Result{}, s.refuse(ctx, client, "", RefusedState, err.Error())
	case err != nil:
		return Result{}, err
	}
	if e := q.Get("error"); e != "" {
		return Result{}, s.refuse(ctx, client, "", RefusedProvider,
			fmt.Sprintf("the provider answered %s: %s", safetext.Clip(e, 64), safetext.Clip(q.Get("error_description"), 200)))
	}
	p, err := s.discover(ctx)
	if err != nil {
		return Result{}, err
	}
	cctx := s.ctx(ctx)
	tok, err := s.oauth(p).Exchange(cctx, q.Get("code"), oauth2.VerifierOption(f.verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Result{}, s.refuse(ctx, client, "", RefusedProvider,
				"code exchange refused by the provider: "+safetext.Clip(re.ErrorCode+" "+re.ErrorDescription, 200))
		}
		return Result{}, fmt.Errorf("%w: token endpoint: %v", ErrUnreachable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Result{}, s.refuse(ctx, client, "", RefusedProvider, "the token response has no id_token")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: s.opts.Config.ClientID, Now: s.opts.Now}).Verify(cctx, raw)
	if err != nil {
		return Result{}, s.refuse(ctx, client, "", RefusedProvider, tokenProblem(err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.nonce)) != 1 {
		return Result{}, s.refuse(ctx, client, idt.Subject, RefusedProvider, "id token: nonce does not match the sign-in")
	}
	var c claims
	all := map[string]any{}
	if err := idt.Claims(&c); err != nil || idt.Claims(&all) != nil {
		return Result{}, s.refuse(ctx, client, idt.Subject, RefusedProvider, "id token: unreadable claims")
	}
	if p := audienceProblem(idt.Audience, all["azp"], s.opts.Config.ClientID); p != "" {
		return Result{}, s.refuse(ctx, client, idt.Subject, RefusedProvider, p)
	}
	who := c.PreferredUsername
	if who == "" {
		who = c.Email
	}
	groups, found, problem := s.groups(cctx, p, tok, idt.Subject, all, c)
	if problem != "" {
		return Result{}, s.refuse(ctx, client, who, RefusedProvider, problem)
	}
	grant, ok := s.mapping.grant(groups)
	if !ok {
		return Result{}, s.refuse(ctx, client, who, RefusedNoGroup, noGroupReason(s.opts.Config.GroupsClaim, groups, found))
	}
	u, err := s.opts.Auth.SignInSSO(ctx, auth.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Username: who}, grant, client)
	if errors.Is(err, auth.ErrUserDisabled) {
		return Result{}, s.refuse(ctx, client, u.Username, RefusedDisabled, "user "+u.Username+" is disabled here")
	}
	if err != nil {
		return Result{}, err
	}
	e := audit.Entry{Action: audit.ActionSSOLogin, Outcome: audit.OutcomeOK,
		Detail: fmt.Sprintf("subject=%s groups=%s token_expires=%s", safetext.Clip(idt.Subject, 128),
			safetext.Clip(strings.Join(groups, ","), 512), idt.Expiry.UTC().Format(time.RFC3339))}
	e.SetActor(auth.ActorFor(u, client))
	if err := s.record(ctx, e); err != nil {
		return Result{}, err
	}
	return Result{User: u, Expiry: idt.Expiry, Next: f.next}, nil
}

// groups reads the groups claim from the ID token or, when the token has
// none, from the userinfo endpoint (whose subject must be the token's).
func (s *Service) groups(ctx context.Context, p *oidc.Provider, tok *oauth2.Token, sub string, all map[string]any, c claims) (groups []string, found bool, problem string) {
	name := s.opts.Config.GroupsClaim
	if v, ok := all[name]; ok {
		g, ok := stringList(v)
		if !ok {
			return nil, true, fmt.Sprintf("id token: claim %q is not a list of strings", name)
		}
		return g, true, ""
	}
	if _, over := c.ClaimNames[name]; over {
		return nil, false, fmt.Sprintf("the provider left claim %q out of the token (too many groups: Entra's groups overage); assign the app fewer groups", name)
	}
	if p.UserInfoEndpoint() == "" {
		return nil, false, ""
	}
	info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, false, "userinfo: " + safetext.Clip(err.Error(), 200)
	}
	if info.Subject != sub {
		return nil, false, "userinfo: subject does not match the id token's"
	}
	var uc map[string]any
	if err := info.Claims(&uc); err != nil {
		return nil, false, "userinfo: unreadable claims"
	}
	v, ok := uc[name]
	if !ok {
		return nil, false, ""
	}
	g, ok := stringList(v)
	if !ok {
		return nil, true, fmt.Sprintf("userinfo: claim %q is not a list of strings", name)
	}
	return g, true, ""
}

func stringList(v any) ([]string, bool) {
	switch t := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return out, true
	}
	return nil, false
}

func noGroupReason(claim string, groups []string, found bool) string {
	if !found {
		return fmt.Sprintf("no group gives a role here: the provider sent no %q claim", claim)
	}
	if len(groups) == 0 {
		return "no group gives a role here: the user is in no group"
	}
	b, _ := json.Marshal(groups)
	return "no group gives a role here (groups: " + safetext.Clip(string(b), 400) + ")"
}

// audienceProblem holds a token naming other audiences beside this client
// to OpenID Connect Core 3.1.3.7: the authorized party (azp) must then be
// this client. The verifier has already checked the client is among them.
func audienceProblem(aud []string, azp any, clientID string) string {
	if len(aud) == 1 && aud[0] == clientID {
		return ""
	}
	if s, _ := azp.(string); s == clientID {
		return ""
	}
	b, _ := json.Marshal(aud)
	return "id token: wrong audience (also for " + safetext.Clip(string(b), 200) + ", and azp is not this client)"
}

// tokenProblem names what is wrong with an ID token, for the audit row.
func tokenProblem(err error) string {
	var exp *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &exp):
		return "id token: expired at " + exp.Expiry.UTC().Format(time.RFC3339)
	case strings.Contains(msg, "expected audience"):
		return "id token: wrong audience (issued for another client): " + safetext.Clip(msg, 200)
	case strings.Contains(msg, "issued by a different provider"):
		return "id token: wrong issuer: " + safetext.Clip(msg, 200)
	}
	return "id token: invalid: " + safetext.Clip(msg, 200)
}

// refuse audits a refused sign-in and returns the *Refusal.
func (s *Service) refuse(ctx context.Context, client audit.Actor, who string, kind RefusalKind, reason string) error {
	client.Name, client.Role = safetext.Clip(who, 128), ""
	e := audit.Entry{Action: audit.ActionSSORefused, Outcome: audit.OutcomeDenied, Detail: reason}
	e.SetActor(client)
	if err := s.record(ctx, e); err != nil {
		return errors.Join(&Refusal{Kind: kind, Reason: reason}, err)
	}
	s.opts.Logger.Warn("sso: sign-in refused", "reason", reason, "ip", client.IP)
	return &Refusal{Kind: kind, Reason: reason}
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	e.Kind = audit.KindEvent
	e.UserAgent = safetext.Clip(e.UserAgent, safetext.DefaultMax)
	e.ClientIP = safetext.Clip(e.ClientIP, 64)
	e.Detail = safetext.Clip(e.Detail, 2*safetext.DefaultMax)
	if err := s.opts.Audit.Append(ctx, &e); err != nil {
		s.opts.Logger.Error("sso: audit append failed", "action", e.Action, "err", err)
		return fmt.Errorf("sso: audit %s: %w", e.Action, err)
	}
	return nil
}
