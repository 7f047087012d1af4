// Package config reads roomdesk's settings from ROOMDESK_* environment
// variables, with command-line flags of the same names overriding them. It
// does no I/O beyond reading the secret key file: creating the data dir and
// the session keys is the server's job (see LoadOrCreateSessionKeys).
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Defaults from the configuration table in PRODUCT.md.
const (
	DefaultAddr            = "127.0.0.1:8080"
	DefaultDataDir         = "./data"
	DefaultAdminIdentifier = "administrator"
	DefaultRegion          = "china"
)

// Regions Tencent serves the live API from. Kept here rather than imported
// from internal/tencent so config stays a leaf package; the tencent client
// checks the name again when it maps it to a domain. The live API pages
// list the first four; the last three are Chat (IM) REST domains that no
// live API page lists, so they are offered but marked unconfirmed
// (docs/TENCENT.md).
var (
	liveRegions        = []string{"china", "singapore", "usa", "jakarta"}
	unconfirmedRegions = []string{"seoul", "tokyo", "frankfurt"}
	regions            = append(append([]string(nil), liveRegions...), unconfirmedRegions...)
)

// regionChoices describes the accepted regions for usage and error texts.
var regionChoices = strings.Join(liveRegions, ", ") + " (listed by the live API docs); " +
	strings.Join(unconfirmedRegions, ", ") + " (Chat API domains, unconfirmed for the live API)"

// RegionUnconfirmed reports whether no live API page lists region's
// domain: roomdesk logs a warning at start-up for these.
func RegionUnconfirmed(region string) bool { return slices.Contains(unconfirmedRegions, region) }

// CookieMode says when session and CSRF cookies carry the Secure attribute.
type CookieMode string

const (
	// CookiesAuto (the default): Secure when the request arrived over TLS, or
	// with X-Forwarded-Proto: https from a trusted proxy. A plain-HTTP
	// loopback setup then still works, and anything behind a TLS-terminating
	// proxy gets Secure cookies without extra configuration.
	CookiesAuto CookieMode = "auto"
	// CookiesAlways sets Secure on every cookie: for deployments where the
	// browser always speaks HTTPS but the proxy is not in TRUSTED_PROXIES.
	CookiesAlways CookieMode = "always"
	// CookiesNever never sets Secure: plain-HTTP test rigs only.
	CookiesNever CookieMode = "never"
)

// Config is everything the server and the subcommands need to start.
// SecretKey and AdminPassword are secrets: String and LogValue redact them.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string // empty: SQLite in DataDir
	SDKAppID        int    // 0: demo mode with the built-in emulator
	SecretKey       string // from ROOMDESK_SECRET_KEY_FILE or ROOMDESK_SECRET_KEY
	AdminIdentifier string
	Region          string
	TencentEndpoint string // empty: the region's domain
	AdminPassword   string // for the first admin on an empty database
	// SessionKeys are the cookie keys, newest first. Nil means none were
	// configured: call LoadOrCreateSessionKeys(DataDir).
	SessionKeys    [][]byte
	LogLevel       slog.Level
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For/-Proto are believed
	SecureCookies  CookieMode
	// TencentRate caps this instance's requests per second for each of
	// get_room_info and update_room_info (0: the client's default, just
	// under Tencent's 200/s). Several instances share one app's quota, so
	// each gets its share: two instances, 98 each.
	TencentRate float64
	// Apps are the Tencent apps from ROOMDESK_APPS_FILE (nil: the single
	// app the variables above describe, or demo mode); use AppList.
	Apps []App
	// Audit is where the audit log's checkpoints and their key live.
	Audit AuditConfig
	// CatalogueSync is the pause between sweeps of each app's room list
	// into the catalogue (0: no background sweep).
	CatalogueSync time.Duration
	// MetricsAddr is where /metrics is served, on a listener of its own
	// (empty: not served). It is never on Addr, so the console's users and
	// whoever can reach the console cannot read it.
	MetricsAddr string
	// RequireMFA is ROOMDESK_REQUIRE_MFA as given ("" when unset); use
	// EffectiveMFA.
	RequireMFA MFAPolicy
	// OIDC is sign-in with an OpenID Connect provider (empty Issuer: off).
	OIDC OIDC
	// LocalLogin is who may still sign in with a local password.
	LocalLogin LocalLogin
	// Timezone is ROOMDESK_TIMEZONE, the IANA zone times are entered and
	// shown in for users who chose none ("": UTC).
	Timezone string
	// WebhookAllowLoopback lets webhook URLs point at loopback addresses
	// (a receiver on the same host; tests). Off by default: docs/SECURITY.md.
	WebhookAllowLoopback bool
	// Args are the positional arguments left after the flags.
	Args []string
	// Warnings are non-fatal oddities (e.g. both secret key forms set) for
	// the caller to log once it has a logger.
	Warnings []string
}

// EffectiveMFA is who must sign in with a second factor: RequireMFA when
// set; otherwise admins, except in demo mode, which exempts everyone (a
// demo has no real rooms to protect). Tests set it explicitly.
func (c Config) EffectiveMFA() MFAPolicy {
	switch {
	case c.RequireMFA != "":
		return c.RequireMFA
	case c.Demo():
		return MFANone
	}
	return MFAAdmins
}

// Demo reports whether roomdesk runs against its built-in emulator because no
// Tencent app is configured.
func (c Config) Demo() bool { return c.SDKAppID == 0 && len(c.Apps) == 0 }

// SecureCookie reports whether a cookie set in answer to a request should
// carry the Secure attribute: in auto mode, when the request came over TLS,
// with X-Forwarded-Proto: https (the server drops that header unless a
// trusted proxy sent it), or to a loopback host, which browsers treat as a
// secure context and so accept Secure cookies from over plain HTTP.
func (c Config) SecureCookie(tls, forwardedHTTPS, loopback bool) bool {
	switch c.SecureCookies {
	case CookiesAlways:
		return true
	case CookiesNever:
		return false
	}
	return tls || forwardedHTTPS || loopback
}

// String describes the configuration with secrets redacted, for startup logs.
func (c Config) String() string {
	var b strings.Builder
	for i, kv := range c.fields() {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", kv.Key, kv.Value.Any())
	}
	return b.String()
}

// LogValue makes slog print the redacted form, so logging a Config can never
// leak the secret key.
func (c Config) LogValue() slog.Value { return slog.GroupValue(c.fields()...) }

// GoString keeps %#v from printing the raw struct (and so the secret).
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// Format routes every verb (%v, %+v, %s...) through String, so fmt never
// prints the struct's fields directly.
func (c Config) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, c.GoString())
		return
	}
	io.WriteString(f, c.String())
}

func (c Config) fields() []slog.Attr {
	proxies := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		proxies[i] = p.String()
	}
	return []slog.Attr{
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("database_url", redactURL(c.DatabaseURL)),
		slog.Bool("demo", c.Demo()),
		slog.Int("sdkappid", c.SDKAppID),
		slog.String("secret_key", redacted(c.SecretKey)),
		slog.String("admin_identifier", c.AdminIdentifier),
		slog.String("region", c.Region),
		slog.String("tencent_endpoint", c.TencentEndpoint),
		slog.String("admin_password", redacted(c.AdminPassword)),
		slog.Int("session_keys", len(c.SessionKeys)),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("trusted_proxies", strings.Join(proxies, ",")),
		slog.String("secure_cookies", string(c.SecureCookies)),
		slog.Float64("tencent_rate", c.TencentRate),
		slog.String("apps", appIDs(c.Apps)),
		slog.String("oidc_issuer", c.OIDC.Issuer),
		slog.String("oidc_client_id", c.OIDC.ClientID),
		slog.String("oidc_client_secret", redacted(c.OIDC.ClientSecret)),
		slog.String("local_login", string(c.LocalLogin.Mode)),
	}
}

func appIDs(apps []App) string {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	return strings.Join(ids, ",")
}

func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Variable names. Flags take the part after ROOMDESK_, lower-case, with
// dashes: ROOMDESK_DATA_DIR is --data-dir.
const (
	EnvAddr            = "ROOMDESK_ADDR"
	EnvDataDir         = "ROOMDESK_DATA_DIR"
	EnvDatabaseURL     = "ROOMDESK_DATABASE_URL"
	EnvSDKAppID        = "ROOMDESK_SDKAPPID"
	EnvSecretKey       = "ROOMDESK_SECRET_KEY"
	EnvSecretKeyFile   = "ROOMDESK_SECRET_KEY_FILE"
	EnvAdminIdentifier = "ROOMDESK_ADMIN_IDENTIFIER"
	EnvRegion          = "ROOMDESK_REGION"
	EnvTencentEndpoint = "ROOMDESK_TENCENT_ENDPOINT"
	EnvAdminPassword   = "ROOMDESK_ADMIN_PASSWORD"
	EnvSessionKeys     = "ROOMDESK_SESSION_KEYS"
	EnvLogLevel        = "ROOMDESK_LOG_LEVEL"
	EnvTrustedProxies  = "ROOMDESK_TRUSTED_PROXIES"
	EnvTencentRate     = "ROOMDESK_TENCENT_RATE"
	EnvSecureCookies   = "ROOMDESK_SECURE_COOKIES"
	EnvMetricsAddr     = "ROOMDESK_METRICS_ADDR"
	EnvRequireMFA      = "ROOMDESK_REQUIRE_MFA"
	EnvTimezone        = "ROOMDESK_TIMEZONE"
	// EnvWebhookAllowLoopback: true lets webhooks go to loopback addresses.
	EnvWebhookAllowLoopback = "ROOMDESK_WEBHOOK_ALLOW_LOOPBACK"
)

// MFAPolicy is ROOMDESK_REQUIRE_MFA: who must sign in with a second factor.
type MFAPolicy string

const (
	MFAAdmins MFAPolicy = "admins" // the default: admins hold the keys to every user
	MFAAll    MFAPolicy = "all"
	MFANone   MFAPolicy = "none" // tests and set-ups with their own SSO in front
)

// flagVars are the variables a flag may override. The secret key itself, the
// admin password and the session keys have no flag on purpose: argv is
// visible to every local user in ps and /proc.
var flagVars = []struct{ env, usage string }{
	{EnvAddr, "listen address (host:port)"},
	{EnvDataDir, "directory for the SQLite database and generated keys"},
	{EnvDatabaseURL, "postgres:// URL; empty: SQLite in the data dir"},
	{EnvAppsFile, "JSON file listing several Tencent apps (instead of " + EnvSDKAppID + ")"},
	{EnvSDKAppID, "Tencent SDKAppID; empty: demo mode"},
	{EnvSecretKeyFile, "file holding the Tencent secret key"},
	{EnvAdminIdentifier, "App Admin account that signs requests"},
	{EnvRegion, "Tencent region: " + regionChoices},
	{EnvTencentEndpoint, "base URL override for the Tencent API"},
	{EnvLogLevel, "debug, info, warn or error"},
	{EnvTrustedProxies, "comma-separated CIDRs whose X-Forwarded-* headers are trusted"},
	{EnvTencentRate, "requests/s this instance sends per room command (default 197; Tencent allows 200 per app)"},
	{EnvSecureCookies, "auto, always or never"},
	{EnvAuditSigningKeyFile, "file holding the audit checkpoint signing key (default: generated in the data dir)"},
	{EnvAuditCheckpointInterval, "how often to sign an audit checkpoint when the log grew (default 5m; 0: never)"},
	{EnvAuditCheckpointDir, "directory for audit checkpoints (default <data dir>/checkpoints)"},
	{EnvAuditWitnessURL, "URL each audit checkpoint is POSTed to"},
	{EnvCatalogueSync, "pause between sweeps of each app's room list into the catalogue (default 5m; off: none)"},
	{EnvMetricsAddr, "host:port for /metrics on a listener of its own; empty: no metrics"},
	{EnvTimezone, "IANA time zone for users who chose none, e.g. Asia/Shanghai (default UTC)"},
	{EnvRequireMFA, "who must use a second factor: admins (default), all or none; demo mode exempts everyone"},
	{EnvOIDCIssuer, "OpenID Connect issuer URL; empty: no sign-in with a provider"},
	{EnvOIDCClientID, "OpenID Connect client id"},
	{EnvOIDCClientSecretFile, "file holding the OpenID Connect client secret"},
	{EnvOIDCRedirectURL, "redirect URI registered at the provider (https://<host>" + OIDCCallbackPath + ")"},
	{EnvOIDCScopes, "scopes to ask for (default: openid profile email)"},
	{EnvOIDCGroupsClaim, "claim carrying the user's groups (default: groups)"},
	{EnvOIDCName, "the provider's name on the sign-in button (default: SSO)"},
	{EnvOIDCRolesFile, "JSON file mapping provider groups to roles, globally and per app"},
	{EnvLocalLogin, "local passwords: on (default), off, or breakglass:<username>"},
	{EnvWebhookAllowLoopback, "true: webhook URLs may point at loopback addresses (default false)"},
}

func flagName(env string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(env, "ROOMDESK_")), "_", "-")
}

// Usage writes the flags Load accepts.
func Usage(w io.Writer) {
	fs, _ := newFlagSet()
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func newFlagSet() (*flag.FlagSet, map[string]*string) {
	fs := flag.NewFlagSet("roomdesk", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors come back as values, one line each
	vals := map[string]*string{}
	for _, v := range flagVars {
		vals[v.env] = fs.String(flagName(v.env), "", v.usage+" ("+v.env+")")
	}
	return fs, vals
}

// ErrHelp is returned when the arguments ask for help; print Usage.
var ErrHelp = flag.ErrHelp

// Load reads the configuration from getenv, letting flags in args override
// it, and checks every value. The error is one line that names each bad
// variable and what is wrong with it, and never contains a secret.
func Load(getenv func(string) string, args []string) (Config, error) {
	fs, vals := newFlagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, ErrHelp
		}
		return Config{}, fmt.Errorf("config: %v", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	get := func(env string) string {
		if p, ok := vals[env]; ok && set[flagName(env)] {
			return strings.TrimSpace(*p)
		}
		return strings.TrimSpace(getenv(env))
	}
	l := loader{get: get, raw: getenv}
	cfg := l.load()
	cfg.Args = fs.Args()
	if len(l.errs) > 0 {
		return Config{}, errors.New("config: " + strings.Join(l.errs, "; "))
	}
	return cfg, nil
}
