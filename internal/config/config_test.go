package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != DefaultAddr || c.DataDir != DefaultDataDir || c.Region != "china" ||
		c.AdminIdentifier != "administrator" || c.LogLevel != slog.LevelInfo ||
		c.SecureCookies != CookiesAuto || !c.Demo() || c.SessionKeys != nil || c.MetricsAddr != "" || c.RequireMFA != "" || c.EffectiveMFA() != MFANone {
		t.Errorf("defaults: %+v", c)
	}
}

func TestFullConfig(t *testing.T) {
	secret := writeFile(t, "  topsecretkey\n", 0o600)
	e := map[string]string{
		EnvAddr:            "0.0.0.0:9000",
		EnvDataDir:         "/var/lib/roomdesk",
		EnvDatabaseURL:     "postgres://u:pw@db.example/roomdesk",
		EnvSDKAppID:        "1400123456",
		EnvSecretKeyFile:   secret,
		EnvAdminIdentifier: "ops_admin",
		EnvRegion:          "Singapore",
		EnvTencentEndpoint: "http://127.0.0.1:9090/",
		EnvAdminPassword:   " spaces kept ",
		EnvSessionKeys:     hexKey + ", " + strings.Repeat("QUJD", 11),
		EnvLogLevel:        "debug",
		EnvTrustedProxies:  "10.0.0.0/8, 192.168.1.7",
		EnvSecureCookies:   "always",
		EnvTencentRate:     "98.5",
	}
	c, err := Load(env(e), []string{"--addr", ":8443", "--region=tokyo", "extra"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8443" || c.Region != "tokyo" {
		t.Errorf("flags did not override: addr %q region %q", c.Addr, c.Region)
	}
	if c.Demo() || c.SDKAppID != 1400123456 || c.SecretKey != "topsecretkey" {
		t.Errorf("tencent: %d %q", c.SDKAppID, c.SecretKey)
	}
	if c.TencentEndpoint != "http://127.0.0.1:9090" || c.AdminPassword != " spaces kept " {
		t.Errorf("endpoint %q password %q", c.TencentEndpoint, c.AdminPassword)
	}
	if len(c.SessionKeys) != 2 || len(c.SessionKeys[0]) != 32 || len(c.SessionKeys[1]) != 33 {
		t.Errorf("session keys: %d", len(c.SessionKeys))
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}
	if fmt.Sprint(c.TrustedProxies) != fmt.Sprint(want) {
		t.Errorf("proxies %v", c.TrustedProxies)
	}
	if c.LogLevel != slog.LevelDebug || c.SecureCookies != CookiesAlways || c.TencentRate != 98.5 {
		t.Errorf("level %v cookies %v rate %v", c.LogLevel, c.SecureCookies, c.TencentRate)
	}
	if len(c.Args) != 1 || c.Args[0] != "extra" {
		t.Errorf("args %v", c.Args)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	secret := writeFile(t, "topsecretkey", 0o600)
	c, err := Load(env(map[string]string{
		EnvSDKAppID: "1400000001", EnvSecretKeyFile: secret, EnvAdminPassword: "adminpassw0rd",
		EnvDatabaseURL: "postgres://u:dbpassw0rd@h/db", EnvSessionKeys: hexKey,
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("start", "config", c)
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		sb.WriteString(fmt.Sprintf(f, c))
	}
	out := sb.String()
	for _, s := range []string{"topsecretkey", "adminpassw0rd", "dbpassw0rd", hexKey[:16], "001122"} {
		if strings.Contains(out, s) {
			t.Errorf("output leaks %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "[redacted]") || !strings.Contains(out, "sdkappid=1400000001") {
		t.Errorf("output lacks the redacted fields: %s", out)
	}
}

func TestSecretKeySources(t *testing.T) {
	file := writeFile(t, "fromfile\n", 0o600)
	c, err := Load(env(map[string]string{EnvSDKAppID: "1", EnvSecretKey: "fromenv", EnvSecretKeyFile: file}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SecretKey != "fromfile" || len(c.Warnings) != 1 || strings.Contains(c.Warnings[0], "fromenv") {
		t.Errorf("file not preferred: %q %v", c.SecretKey, c.Warnings)
	}
	c, err = Load(env(map[string]string{EnvSDKAppID: "1"}), []string{"--secret-key-file", file})
	if err != nil || c.SecretKey != "fromfile" {
		t.Errorf("flag: %q %v", c.SecretKey, err)
	}
	c, err = Load(env(map[string]string{EnvSDKAppID: "1", EnvSecretKey: "fromenv"}), nil)
	if err != nil || c.SecretKey != "fromenv" {
		t.Errorf("env: %q %v", c.SecretKey, err)
	}
}

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, "\n", 0o600)
	twoLines := writeFile(t, "secretline1\nsecretline2\n", 0o600)
	big := writeFile(t, strings.Repeat("s", 5000), 0o600)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string // substring of the error
	}{
		{"sdkappid letters", map[string]string{EnvSDKAppID: "abc"}, nil, `ROOMDESK_SDKAPPID: "abc" is not a number`},
		{"sdkappid zero", map[string]string{EnvSDKAppID: "0", EnvSecretKey: "k"}, nil, `ROOMDESK_SDKAPPID: "0" must be a positive number`},
		{"sdkappid negative", map[string]string{EnvSDKAppID: "-5", EnvSecretKey: "k"}, nil, `ROOMDESK_SDKAPPID: "-5" must be a positive`},
		{"sdkappid huge", map[string]string{EnvSDKAppID: "99999999999", EnvSecretKey: "k"}, nil, `ROOMDESK_SDKAPPID: "99999999999" is too large`},
		{"sdkappid overflow", map[string]string{EnvSDKAppID: "99999999999999999999999"}, nil, `ROOMDESK_SDKAPPID: "99999999999999999999999" is too large`},
		{"sdkappid flag", nil, []string{"--sdkappid", "x1"}, `ROOMDESK_SDKAPPID: "x1" is not a number`},
		{"secret missing", map[string]string{EnvSDKAppID: "1400000001"}, nil, "ROOMDESK_SECRET_KEY_FILE: the Tencent secret key is required"},
		{"secret file missing", map[string]string{EnvSDKAppID: "1", EnvSecretKeyFile: filepath.Join(dir, "nope")}, nil, "ROOMDESK_SECRET_KEY_FILE: cannot read"},
		{"secret file is dir", map[string]string{EnvSDKAppID: "1", EnvSecretKeyFile: dir}, nil, "is a directory"},
		{"secret file empty", map[string]string{EnvSDKAppID: "1", EnvSecretKeyFile: empty}, nil, "ROOMDESK_SECRET_KEY_FILE: " + fmt.Sprintf("%q", empty) + " is empty"},
		{"secret file two lines", map[string]string{EnvSDKAppID: "1", EnvSecretKeyFile: twoLines}, nil, "holds more than one line"},
		{"secret file huge", map[string]string{EnvSDKAppID: "1", EnvSecretKeyFile: big}, nil, "is larger than 4096 bytes"},
		{"addr no port", map[string]string{EnvAddr: "localhost"}, nil, `ROOMDESK_ADDR: "localhost" is not host:port`},
		{"addr bad port", map[string]string{EnvAddr: "localhost:http0"}, nil, `ROOMDESK_ADDR: port "http0" is not a number`},
		{"addr port range", nil, []string{"--addr=:70000"}, `ROOMDESK_ADDR: port "70000"`},
		{"database url scheme", map[string]string{EnvDatabaseURL: "mysql://u:pw@h/db"}, nil, `ROOMDESK_DATABASE_URL: scheme "mysql"`},
		{"database url no host", map[string]string{EnvDatabaseURL: "postgres:///db"}, nil, "ROOMDESK_DATABASE_URL: postgres URL has no host"},
		{"region", map[string]string{EnvRegion: "mars"}, nil, `ROOMDESK_REGION: "mars" is not one of china, singapore`},
		{"catalogue sync too often", map[string]string{EnvCatalogueSync: "1s"}, nil, `ROOMDESK_CATALOGUE_SYNC: "1s" is not a duration of at least 10s`},
		{"catalogue sync not a duration", map[string]string{EnvCatalogueSync: "hourly"}, nil, `ROOMDESK_CATALOGUE_SYNC: "hourly" is not a duration`},
		{"endpoint relative", map[string]string{EnvTencentEndpoint: "127.0.0.1:9090"}, nil, "ROOMDESK_TENCENT_ENDPOINT: "},
		{"endpoint ftp", map[string]string{EnvTencentEndpoint: "ftp://h"}, nil, `ROOMDESK_TENCENT_ENDPOINT: "ftp://h" is not an absolute http`},
		{"endpoint no host", map[string]string{EnvTencentEndpoint: "https://"}, nil, "is not an absolute http"},
		{"endpoint query", map[string]string{EnvTencentEndpoint: "https://h/?usersig=x"}, nil, "without credentials, query or fragment"},
		{"endpoint http remote", map[string]string{EnvTencentEndpoint: "http://console.tim.qq.com"}, nil, `ROOMDESK_TENCENT_ENDPOINT: "http://console.tim.qq.com" uses http:// for a host that is not loopback`},
		{"endpoint http private ip", map[string]string{EnvTencentEndpoint: "http://10.0.0.5:9090"}, nil, "uses http:// for a host that is not loopback"},
		{"endpoint http loopback lookalike", map[string]string{EnvTencentEndpoint: "http://127.0.0.1.evil.example"}, nil, "not loopback"},
		{"metrics addr", map[string]string{EnvMetricsAddr: "9100"}, nil, `ROOMDESK_METRICS_ADDR: "9100" is not host:port`},
		{"require mfa", map[string]string{EnvRequireMFA: "sometimes"}, nil, `ROOMDESK_REQUIRE_MFA: "sometimes" is not admins, all or none`},
		{"endpoint userinfo", map[string]string{EnvTencentEndpoint: "https://u:pw@h"}, nil, "without credentials"},
		{"admin identifier", map[string]string{EnvAdminIdentifier: "a b"}, nil, "ROOMDESK_ADMIN_IDENTIFIER: "},
		{"admin password short", map[string]string{EnvAdminPassword: "short"}, nil, "ROOMDESK_ADMIN_PASSWORD: must be at least 12 characters"},
		{"session key short", map[string]string{EnvSessionKeys: "abcd"}, nil, "ROOMDESK_SESSION_KEYS: key 1 has 2 bytes; at least 32"},
		{"session key garbage", map[string]string{EnvSessionKeys: hexKey + ",***"}, nil, "ROOMDESK_SESSION_KEYS: key 2 is neither hex nor base64"},
		{"session key empty item", map[string]string{EnvSessionKeys: hexKey + ","}, nil, "ROOMDESK_SESSION_KEYS: key 2 is empty"},
		{"log level", map[string]string{EnvLogLevel: "loud"}, nil, `ROOMDESK_LOG_LEVEL: "loud" is not debug`},
		{"trusted proxies", map[string]string{EnvTrustedProxies: "10.0.0.0/8,example.com"}, nil, `ROOMDESK_TRUSTED_PROXIES: "example.com" is not a CIDR`},
		{"tencent rate too high", map[string]string{EnvTencentRate: "250"}, nil, `ROOMDESK_TENCENT_RATE: "250" is not a number of requests per second from 1 to 200`},
		{"tencent rate not a number", map[string]string{EnvTencentRate: "fast"}, nil, `ROOMDESK_TENCENT_RATE: "fast" is not a number`},
		{"secure cookies", map[string]string{EnvSecureCookies: "yes"}, nil, `ROOMDESK_SECURE_COOKIES: "yes" is not auto`},
		{"unknown flag", nil, []string{"--secret-key", "x"}, "flag provided but not defined: -secret-key"},
		{"admin password flag", nil, []string{"--admin-password", "x"}, "not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env), tc.args)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\n want it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, secret := range []string{"secretline", "pw@", hexKey, "sss"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks %q: %s", secret, msg)
				}
			}
		})
	}
}

func TestManyErrorsOneLine(t *testing.T) {
	_, err := Load(env(map[string]string{EnvSDKAppID: "abc", EnvRegion: "mars", EnvLogLevel: "x"}), nil)
	if err == nil || strings.Count(err.Error(), "ROOMDESK_") != 3 || strings.Contains(err.Error(), "\n") {
		t.Errorf("want three problems on one line, got %v", err)
	}
}

func TestHelp(t *testing.T) {
	if _, err := Load(env(nil), []string{"-h"}); err != ErrHelp {
		t.Errorf("got %v, want ErrHelp", err)
	}
	var sb strings.Builder
	Usage(&sb)
	if !strings.Contains(sb.String(), "-data-dir") || strings.Contains(sb.String(), "admin-password") {
		t.Errorf("usage: %s", sb.String())
	}
}

func TestSecureCookie(t *testing.T) {
	cases := []struct {
		mode               CookieMode
		tls, fwd, expected bool
	}{
		{CookiesAuto, false, false, false},
		{CookiesAuto, true, false, true},
		{CookiesAuto, false, true, true},
		{CookiesAlways, false, false, true},
		{CookiesNever, true, true, false},
	}
	for _, tc := range cases {
		if got := (Config{SecureCookies: tc.mode}).SecureCookie(tc.tls, tc.fwd, false); got != tc.expected {
			t.Errorf("%s tls=%v fwd=%v: %v", tc.mode, tc.tls, tc.fwd, got)
		}
	}
}

func TestLoadOrCreateSessionKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateSessionKeys(dir)
	if err != nil || len(k1) != 1 || len(k1[0]) != 32 {
		t.Fatalf("create: %v %v", k1, err)
	}
	st, err := os.Stat(filepath.Join(dir, SessionKeysFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode: %v %v", st.Mode(), err)
	}
	k2, err := LoadOrCreateSessionKeys(dir)
	if err != nil || string(k2[0]) != string(k1[0]) {
		t.Fatalf("second load differs: %v", err)
	}
	if err := os.Chmod(filepath.Join(dir, SessionKeysFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSessionKeys(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable file accepted: %v", err)
	}
}

func TestSessionKeysRace(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	got := make([][][]byte, 8)
	for i := range got {
		wg.Go(func() {
			k, err := LoadOrCreateSessionKeys(dir)
			if err != nil {
				t.Error(err)
			}
			got[i] = k
		})
	}
	wg.Wait()
	for _, k := range got[1:] {
		if len(k) != 1 || string(k[0]) != string(got[0][0]) {
			t.Fatal("instances disagree on the generated key")
		}
	}
}

func TestSessionKeysFileRotation(t *testing.T) {
	dir := t.TempDir()
	content := "# newest first\n" + hexKey + "\n\n" + strings.Repeat("ab", 40) + "\n"
	if err := os.WriteFile(filepath.Join(dir, SessionKeysFile), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadOrCreateSessionKeys(dir)
	if err != nil || len(k) != 2 || len(k[1]) != 40 {
		t.Fatalf("%d keys, %v", len(k), err)
	}
	if err := os.WriteFile(filepath.Join(dir, SessionKeysFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSessionKeys(dir); err == nil || strings.Contains(err.Error(), "short") {
		t.Errorf("bad key file: %v", err)
	}
}

// The Chat-only domains are accepted but marked unconfirmed, next to the
// choice: in the error message and in RegionUnconfirmed.
func TestRegionsMarkedUnconfirmed(t *testing.T) {
	_, err := Load(env(map[string]string{EnvRegion: "mars"}), nil)
	if err == nil || !strings.Contains(err.Error(), "seoul, tokyo, frankfurt (Chat API domains, unconfirmed for the live API)") ||
		!strings.Contains(err.Error(), "china, singapore, usa, jakarta (listed by the live API docs)") {
		t.Errorf("err %v", err)
	}
	for _, r := range []string{"seoul", "tokyo", "frankfurt"} {
		c, err := Load(env(map[string]string{EnvRegion: r}), nil)
		if err != nil || c.Region != r || !RegionUnconfirmed(r) {
			t.Errorf("%s: %v, unconfirmed %v", r, err, RegionUnconfirmed(r))
		}
	}
	for _, r := range []string{"china", "singapore", "usa", "jakarta"} {
		if RegionUnconfirmed(r) {
			t.Errorf("%s marked unconfirmed", r)
		}
	}
}

// Plain http:// is for a local emulator only: the UserSig travels in the
// query string of every request.
func TestEndpointHTTPLoopbackOnly(t *testing.T) {
	for _, ep := range []string{"http://localhost:9090", "http://127.0.0.1", "http://127.8.9.10:1", "http://[::1]:9090",
		"https://console.tim.qq.com", "https://10.0.0.5"} {
		if _, err := Load(env(map[string]string{EnvTencentEndpoint: ep}), nil); err != nil {
			t.Errorf("%s refused: %v", ep, err)
		}
	}
}

func TestEffectiveMFA(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want MFAPolicy
	}{
		{nil, MFANone}, // demo mode exempt
		{map[string]string{EnvRequireMFA: "ALL"}, MFAAll},
		{map[string]string{EnvSDKAppID: "1400000001", EnvSecretKey: "k"}, MFAAdmins},
		{map[string]string{EnvSDKAppID: "1400000001", EnvSecretKey: "k", EnvRequireMFA: "none"}, MFANone},
	} {
		c, err := Load(env(tc.env), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.EffectiveMFA(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestCatalogueSync(t *testing.T) {
	for v, want := range map[string]time.Duration{"": DefaultCatalogueSync, "off": 0, "0": 0, "90s": 90 * time.Second} {
		c, err := Load(func(k string) string {
			if k == EnvCatalogueSync {
				return v
			}
			return ""
		}, nil)
		if err != nil || c.CatalogueSync != want {
			t.Errorf("%s=%q: %v, %v; want %v", EnvCatalogueSync, v, c.CatalogueSync, err, want)
		}
	}
}
