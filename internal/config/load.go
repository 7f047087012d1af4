package config

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names resolve without the system tz database

	"github.com/roomdesk/roomdesk/internal/db"
)

// MinSessionKeyBytes is the least key material accepted per session key.
const MinSessionKeyBytes = 32

// maxSecretFileBytes bounds the secret key file: a key is 64 hex characters,
// so anything large is a wrong path, not a key.
const maxSecretFileBytes = 4096

// loader collects every problem instead of stopping at the first, so an
// operator fixes a bad environment in one round.
type loader struct {
	get   func(string) string // flag if given, else env; trimmed
	raw   func(string) string // env as is, for secrets
	errs  []string
	warns []string
}

func (l *loader) warn(msg string) { l.warns = append(l.warns, msg) }

func (l *loader) fail(env, format string, a ...any) {
	l.errs = append(l.errs, env+": "+fmt.Sprintf(format, a...))
}

func (l *loader) or(env, def string) string {
	if v := l.get(env); v != "" {
		return v
	}
	return def
}

func (l *loader) load() Config {
	c := Config{
		Addr:            l.or(EnvAddr, DefaultAddr),
		DataDir:         l.or(EnvDataDir, DefaultDataDir),
		DatabaseURL:     l.get(EnvDatabaseURL),
		AdminIdentifier: l.or(EnvAdminIdentifier, DefaultAdminIdentifier),
		Region:          strings.ToLower(l.or(EnvRegion, DefaultRegion)),
		TencentEndpoint: strings.TrimRight(l.get(EnvTencentEndpoint), "/"),
		// Not trimmed: spaces may be part of a password.
		AdminPassword: l.raw(EnvAdminPassword),
		SecureCookies: CookieMode(strings.ToLower(l.or(EnvSecureCookies, string(CookiesAuto)))),
		Timezone:      l.get(EnvTimezone),
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			l.fail(EnvTimezone, "%q is not an IANA time zone name (like Asia/Shanghai)", c.Timezone)
		}
	}
	l.checkAddr(EnvAddr, c.Addr)
	if c.MetricsAddr = l.get(EnvMetricsAddr); c.MetricsAddr != "" {
		l.checkAddr(EnvMetricsAddr, c.MetricsAddr)
	}
	c.RequireMFA = MFAPolicy(strings.ToLower(l.get(EnvRequireMFA)))
	switch c.RequireMFA {
	case "", MFAAdmins, MFAAll, MFANone:
	default:
		l.fail(EnvRequireMFA, "%q is not admins, all or none", l.get(EnvRequireMFA))
	}
	if err := db.ValidateURL(c.DatabaseURL); err != nil {
		// The URL may hold a password: name the problem, not the value.
		l.fail(EnvDatabaseURL, "%v", err)
	}
	if c.AdminIdentifier != "" && strings.ContainsAny(c.AdminIdentifier, " \t\r\n") {
		l.fail(EnvAdminIdentifier, "%q contains whitespace", c.AdminIdentifier)
	}
	if !slices.Contains(regions, c.Region) {
		l.fail(EnvRegion, "%q is not one of %s", c.Region, regionChoices)
	}
	l.checkEndpoint(c.TencentEndpoint)
	c.SDKAppID = l.sdkAppID()
	c.SecretKey = l.secretKey(c.SDKAppID != 0)
	if path := l.get(EnvAppsFile); path != "" {
		if c.SDKAppID != 0 {
			l.fail(EnvAppsFile, "set either %s or %s, not both", EnvAppsFile, EnvSDKAppID)
		}
		c.Apps = l.appsFile(path)
	}
	c.SessionKeys = l.sessionKeys()
	if err := c.LogLevel.UnmarshalText([]byte(l.or(EnvLogLevel, "info"))); err != nil {
		l.fail(EnvLogLevel, "%q is not debug, info, warn or error", l.get(EnvLogLevel))
	}
	c.TrustedProxies = l.proxies()
	c.TencentRate = l.tencentRate()
	switch v := strings.ToLower(l.get(EnvWebhookAllowLoopback)); v {
	case "", "false", "0":
	case "true", "1":
		c.WebhookAllowLoopback = true
	default:
		l.fail(EnvWebhookAllowLoopback, "%q is not true or false", v)
	}
	c.Audit = l.auditConfig(c.DataDir)
	c.OIDC = l.oidc()
	c.LocalLogin = l.localLogin(c.OIDC.Enabled())
	c.CatalogueSync = l.catalogueSync()
	switch c.SecureCookies {
	case CookiesAuto, CookiesAlways, CookiesNever:
	default:
		l.fail(EnvSecureCookies, "%q is not auto, always or never", l.get(EnvSecureCookies))
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 12 {
		l.fail(EnvAdminPassword, "must be at least 12 characters")
	}
	if c.Demo() && (l.raw(EnvSecretKey) != "" || l.raw(EnvSecretKeyFile) != "") {
		l.warn(EnvSDKAppID + " is empty: demo mode, the secret key is not used")
	}
	c.Warnings = l.warns
	return c
}

func (l *loader) checkAddr(env, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		l.fail(env, "%q is not host:port", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		l.fail(env, "port %q is not a number from 0 to 65535", port)
	}
	if strings.ContainsAny(host, " /") {
		l.fail(env, "host %q is not a host name or IP", host)
	}
}

func (l *loader) checkEndpoint(raw string) {
	if problem := endpointProblem(raw); problem != "" {
		l.fail(EnvTencentEndpoint, "%s", problem)
	}
}

// endpointProblem says what is wrong with a Tencent base URL ("" when
// nothing is, or when raw is empty).
func endpointProblem(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http:// or https:// URL", redactURL(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// The client appends the path and its own signed query; anything
		// else in the base URL would be silently dropped or leak.
		return fmt.Sprintf("%q must be a base URL without credentials, query or fragment", redactURL(raw))
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		// Every request carries a UserSig in its query string: over plain
		// HTTP it would cross the network readable by anyone on the path.
		return fmt.Sprintf("%q uses http:// for a host that is not loopback; use https:// "+
			"(plain http is allowed only for localhost, 127.0.0.0/8 and ::1, e.g. a local emulator)", redactURL(raw))
	}
	return ""
}

// loopbackHost reports whether host (no port) names this machine.
func loopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

func (l *loader) sdkAppID() int {
	s := l.get(EnvSDKAppID)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil && strings.Trim(s, "+-0123456789") == "":
		l.fail(EnvSDKAppID, "%q is too large", s)
	case err != nil:
		l.fail(EnvSDKAppID, "%q is not a number", s)
	case n <= 0:
		l.fail(EnvSDKAppID, "%q must be a positive number", s)
	case n > 1<<32-1:
		// Tencent's SDKAppID is an unsigned 32-bit number.
		l.fail(EnvSDKAppID, "%q is too large", s)
	default:
		return int(n)
	}
	return 0
}

// secretKey prefers the file form, which keeps the key out of the
// environment that child processes and crash reports inherit.
func (l *loader) secretKey(required bool) string {
	path := l.get(EnvSecretKeyFile)
	if path != "" {
		if l.raw(EnvSecretKey) != "" {
			l.warn(EnvSecretKey + " is ignored because " + EnvSecretKeyFile + " is set")
		}
		key, problem := readSecretFile(path)
		if problem != "" {
			l.fail(EnvSecretKeyFile, "%s", problem)
		}
		return key
	}
	key := strings.TrimSpace(l.raw(EnvSecretKey))
	if key == "" && required {
		l.fail(EnvSecretKeyFile, "the Tencent secret key is required when %s is set (or set %s)", EnvSDKAppID, EnvSecretKey)
	}
	return key
}

// readSecretFile reads a file that holds one secret key, and says what is
// wrong with it otherwise (never quoting its content).
func readSecretFile(path string) (key, problem string) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Sprintf("cannot read %q: %v", path, unwrapPathErr(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFileBytes+1))
	if err != nil {
		return "", fmt.Sprintf("cannot read %q: %v", path, unwrapPathErr(err))
	}
	if len(b) > maxSecretFileBytes {
		return "", fmt.Sprintf("%q is larger than %d bytes; is it the right file?", path, maxSecretFileBytes)
	}
	key = strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Sprintf("%q is empty", path)
	}
	if strings.ContainsAny(key, " \t\r\n") {
		return "", fmt.Sprintf("%q holds more than one line or word; it must hold only the key", path)
	}
	return key, ""
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// sessionKeys decodes each comma-separated key as hex, else base64 (standard
// or URL alphabet, padded or not). Hex is tried first because a hex string is
// also valid base64 and would decode to different bytes.
func (l *loader) sessionKeys() [][]byte {
	s := l.raw(EnvSessionKeys)
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var keys [][]byte
	for i, part := range strings.Split(s, ",") {
		k, err := DecodeKey(strings.TrimSpace(part))
		if err != nil {
			l.fail(EnvSessionKeys, "key %d %v", i+1, err)
			continue
		}
		keys = append(keys, k)
	}
	return keys
}

// DecodeKey decodes one session key written as hex or base64 and checks it
// holds at least MinSessionKeyBytes bytes. Its errors never contain the key.
func DecodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("is empty")
	}
	var k []byte
	if b, err := hex.DecodeString(s); err == nil {
		k = b
	} else {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				k = b
				break
			}
		}
	}
	if k == nil {
		return nil, fmt.Errorf("is neither hex nor base64")
	}
	if len(k) < MinSessionKeyBytes {
		return nil, fmt.Errorf("has %d bytes; at least %d are needed", len(k), MinSessionKeyBytes)
	}
	return k, nil
}

// tencentRate is the per-command pace for this instance: 1 to 200 requests/s.
func (l *loader) tencentRate() float64 {
	s := l.get(EnvTencentRate)
	if s == "" {
		return 0
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || r < 1 || r > 200 {
		l.fail(EnvTencentRate, "%q is not a number of requests per second from 1 to 200", s)
		return 0
	}
	return r
}

// proxies accepts CIDRs and bare IPs (as single-address prefixes).
func (l *loader) proxies() []netip.Prefix {
	s := l.get(EnvTrustedProxies)
	if s == "" {
		return nil
	}
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		l.fail(EnvTrustedProxies, "%q is not a CIDR or IP address", part)
	}
	return out
}

// redactURL hides a password in a URL; unparsable input is hidden entirely
// since we cannot tell where a password would be.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	return u.Redacted()
}
