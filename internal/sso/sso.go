// Package sso is sign-in with an OpenID Connect provider: the
// authorization code flow with PKCE (S256), state and nonce, the ID
// token's verification (issuer, audience, expiry, signature, nonce), the
// provider's groups mapped to roles, and RP-initiated logout. Users and
// sessions stay internal/auth's; this package decides who the provider
// says signed in and which roles their groups give, and audits every
// sign-in and every refusal with its reason.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
)

// DefaultFlowTTL is how long a browser has at the provider before the
// sign-in it started is refused as expired.
const DefaultFlowTTL = 10 * time.Minute

// Options configure a Service.
type Options struct {
	Config config.OIDC
	// Apps are the ids of the apps served: the roles file may name only
	// these, and a user whose groups give roles in some apps only is kept
	// from the others.
	Apps       []string
	DB         *db.DB
	Auth       *auth.Service
	Audit      audit.Store
	HTTPClient *http.Client     // back-channel calls to the provider; default: 10 s timeout
	Now        func() time.Time // time.Now
	FlowTTL    time.Duration    // DefaultFlowTTL
	Logger     *slog.Logger
}

// Service signs users in with one provider. Discovery happens on first
// use and is retried until it works, so roomdesk starts (and local
// sign-in works) while the provider is down.
type Service struct {
	opts    Options
	mapping mapping

	mu       sync.Mutex
	provider *oidc.Provider
	logout   string    // end_session_endpoint, "" when the provider has none
	failedAt time.Time // the last failed discovery: retried after retryAfter
	origins  []string  // where the browser is sent: issuer, authorization and end-session endpoints
}

// retryAfter spaces discovery attempts while the provider is down, so a
// burst of sign-in pages does not wait on it each time.
const retryAfter = 30 * time.Second

// New checks the roles file against the apps served and returns the
// service. It makes no network call.
func New(opts Options) (*Service, error) {
	if !opts.Config.Enabled() {
		return nil, errors.New("sso: no issuer configured")
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FlowTTL <= 0 {
		opts.FlowTTL = DefaultFlowTTL
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMapping(opts.Config.Roles, opts.Apps)
	if err != nil {
		return nil, err
	}
	return &Service{opts: opts, mapping: m}, nil
}

// Name is the provider's name for the "Sign in with …" button.
func (s *Service) Name() string { return s.opts.Config.Name }

// ErrUnreachable: discovery failed (the provider is down or the issuer
// URL is wrong); the sign-in page says so and local sign-in still works.
var ErrUnreachable = errors.New("sso: the identity provider cannot be reached")

func (s *Service) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, s.opts.HTTPClient)
}

// discover returns the provider, fetching its discovery document once.
func (s *Service) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	if !s.failedAt.IsZero() && s.opts.Now().Sub(s.failedAt) < retryAfter {
		return nil, fmt.Errorf("%w: discovery failed less than %s ago", ErrUnreachable, retryAfter)
	}
	p, err := oidc.NewProvider(s.ctx(ctx), s.opts.Config.Issuer)
	if err != nil {
		s.failedAt = s.opts.Now()
		s.opts.Logger.Warn("sso: discovery failed", "issuer", s.opts.Config.Issuer, "err", err)
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err == nil {
		s.logout = extra.EndSession
	}
	s.origins = nil
	for _, u := range []string{p.Endpoint().AuthURL, s.logout} {
		if o := origin(u); o != "" && !slices.Contains(s.origins, o) {
			s.origins = append(s.origins, o)
		}
	}
	s.provider = p
	return p, nil
}

// Prepare fetches the discovery document if it has not been yet (and did
// not fail moments ago), so the sign-in page can name the provider's
// endpoints in its Content-Security-Policy. Errors are left to Begin.
func (s *Service) Prepare(ctx context.Context) { _, _ = s.discover(ctx) }

// FormOrigins are the origins a page's forms lead the browser to (the
// sign-in button to the authorization endpoint, sign-out to the
// end-session endpoint), for the form-action directive of the page's
// Content-Security-Policy: the issuer's until discovery has happened.
func (s *Service) FormOrigins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider == nil {
		return []string{origin(s.opts.Config.Issuer)}
	}
	return slices.Clone(s.origins)
}

// origin is scheme://host of a URL, "" if it has none.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (s *Service) oauth(p *oidc.Provider) *oauth2.Config {
	c := s.opts.Config
	return &oauth2.Config{
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: c.Scopes,
	}
}

// Begin starts a sign-in: it stores a single-use flow (state, nonce, PKCE
// verifier, where to go afterwards) and returns the provider's URL to send
// the browser to, and a binding value the caller keeps in the browser's
// signed session cookie: the callback is accepted only from that browser.
func (s *Service) Begin(ctx context.Context, next string) (redirectURL, binding string, err error) {
	p, err := s.discover(ctx)
	if err != nil {
		return "", "", err
	}
	state, binding, nonce := random(), random(), random()
	verifier := oauth2.GenerateVerifier()
	if err := s.saveFlow(ctx, flow{state: state, binding: binding, nonce: nonce, verifier: verifier, next: next}); err != nil {
		return "", "", err
	}
	return s.oauth(p).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), binding, nil
}

// LogoutURL is where to send a provider user's browser after their
// session here ended (RP-initiated logout), coming back to after; "" when
// the provider's discovery document has no end_session_endpoint.
func (s *Service) LogoutURL(ctx context.Context, after string) string {
	if _, err := s.discover(ctx); err != nil {
		return ""
	}
	s.mu.Lock()
	end := s.logout
	s.mu.Unlock()
	u, err := url.Parse(end)
	if end == "" || err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", s.opts.Config.ClientID)
	q.Set("post_logout_redirect_uri", after)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostLogoutURL is the page the provider sends the browser back to after
// logout: the sign-in page on the redirect URL's origin. Register it at
// the provider as a post-logout redirect URI.
func (s *Service) PostLogoutURL() string {
	u, err := url.Parse(s.opts.Config.RedirectURL)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/login?signed_out=1"
}

// random is 32 bytes from crypto/rand, base64url.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
