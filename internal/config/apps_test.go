package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// appsEnv writes body as the apps file and a key file beside it at
// $DIR/key, and returns the environment naming the apps file.
func appsEnv(t *testing.T, body string) func(string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "key"), []byte(hexKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "apps.json")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(body, "$DIR", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	return env(map[string]string{EnvAppsFile: p})
}

func TestAppsFile(t *testing.T) {
	c, err := Load(appsEnv(t, `[
	  {"id":"prod-cn","name":"Production CN","sdkappid":1400000001,"region":"china",
	   "admin":"administrator","secret_key_file":"$DIR/key","rate":50,"production":true,"color":"#123456"},
	  {"id":"test-sg","name":"Test SG","sdkappid":1400000002,"endpoint":"https://example.test/",
	   "secret_key_file":"$DIR/key"}
	]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Demo() || len(c.AppList()) != 2 {
		t.Fatalf("demo %v, apps %v", c.Demo(), c.AppList())
	}
	a, b := c.Apps[0], c.Apps[1]
	if a.ID != "prod-cn" || a.Name != "Production CN" || a.SDKAppID != 1400000001 || a.Region != "china" ||
		a.Rate != 50 || !a.Production || a.Color != "#123456" || a.SecretKey != hexKey || a.Admin != "administrator" {
		t.Errorf("first app: %#v %+v", a, a.Rate)
	}
	if b.Endpoint != "https://example.test" || b.Region != "china" || b.Admin != "administrator" || b.Color == "" || b.Production {
		t.Errorf("second app defaults: region %q endpoint %q admin %q color %q", b.Region, b.Endpoint, b.Admin, b.Color)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", a, a, a, a)} {
		if strings.Contains(s, hexKey) {
			t.Errorf("secret key printed: %s", s)
		}
	}
}

func TestSingleAppIsDefaultApp(t *testing.T) {
	c, err := Load(env(map[string]string{EnvSDKAppID: "1400000009", EnvSecretKey: hexKey, EnvTencentRate: "20"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	apps := c.AppList()
	if len(apps) != 1 || apps[0].ID != DefaultAppID || apps[0].SDKAppID != 1400000009 ||
		apps[0].SecretKey != hexKey || apps[0].Rate != 20 || apps[0].Region != "china" {
		t.Errorf("single app: %#v", apps)
	}
	demo, _ := Load(env(nil), nil)
	if !demo.Demo() || len(demo.AppList()) != 1 {
		t.Errorf("demo: %v", demo.AppList())
	}
}

// Each bad field stops the program with a message naming the app and the
// field, and never the key.
func TestBadAppsFile(t *testing.T) {
	good := `"name":"N","sdkappid":1400000001,"secret_key_file":"$DIR/key"`
	for _, tc := range []struct{ name, body, want string }{
		{"not json", `{`, "is not a JSON array of apps"},
		{"not an array", `{"id":"a"}`, "is not a JSON array of apps"},
		{"empty", `[]`, "lists no apps"},
		{"unknown field", `[{"id":"a",` + good + `,"sdkapid":1}]`, `app "a": unknown field "sdkapid"`},
		{"wrong type", `[{"id":"a","name":"N","sdkappid":"14","secret_key_file":"$DIR/key"}]`, `app "a": sdkappid: must be a JSON int, not string`},
		{"bad id", `[{"id":"Prod CN",` + good + `}]`, `app #1: id: "Prod CN" is not a short lowercase slug`},
		{"missing id", `[{` + good + `}]`, `app #1: id: "" is not`},
		{"duplicate id", `[{"id":"a",` + good + `},{"id":"a","name":"M","sdkappid":2,"secret_key_file":"$DIR/key"}]`, `app "a": id: used by another app`},
		{"no name", `[{"id":"a","sdkappid":1,"secret_key_file":"$DIR/key"}]`, `app "a": name: is required`},
		{"control in name", `[{"id":"a","name":"N\u0007","sdkappid":1,"secret_key_file":"$DIR/key"}]`, `app "a": name: must be at most 40`},
		{"no sdkappid", `[{"id":"a","name":"N","secret_key_file":"$DIR/key"}]`, `app "a": sdkappid: 0 is not a positive 32-bit number`},
		{"huge sdkappid", `[{"id":"a","name":"N","sdkappid":99999999999,"secret_key_file":"$DIR/key"}]`, `app "a": sdkappid: 99999999999`},
		{"same sdkappid", `[{"id":"a",` + good + `},{"id":"b",` + good + `}]`, `app "b": sdkappid: 1400000001 is also app "a"'s`},
		{"bad region", `[{"id":"a",` + good + `,"region":"mars"}]`, `app "a": region: "mars" is not one of`},
		{"plain http endpoint", `[{"id":"a",` + good + `,"endpoint":"http://example.com"}]`, `app "a": endpoint: "http://example.com" uses http://`},
		{"bad admin", `[{"id":"a",` + good + `,"admin":"ad min"}]`, `app "a": admin: "ad min" contains whitespace`},
		{"no key file", `[{"id":"a","name":"N","sdkappid":1}]`, `app "a": secret_key_file: is required`},
		{"missing key file", `[{"id":"a","name":"N","sdkappid":1,"secret_key_file":"$DIR/nope"}]`, `app "a": secret_key_file: cannot read`},
		{"bad rate", `[{"id":"a",` + good + `,"rate":500}]`, `app "a": rate: 500 is not 0`},
		{"bad color", `[{"id":"a",` + good + `,"color":"red"}]`, `app "a": color: "red" is not a colour`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(appsEnv(t, tc.body), nil)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, EnvAppsFile+": ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || strings.Contains(msg, hexKey) {
				t.Errorf("error %q, want one line naming %s and %q", msg, EnvAppsFile, tc.want)
			}
		})
	}
	t.Run("with ROOMDESK_SDKAPPID", func(t *testing.T) {
		get := appsEnv(t, `[{"id":"a",`+good+`}]`)
		_, err := Load(func(k string) string {
			switch k {
			case EnvSDKAppID:
				return "1400000002"
			case EnvSecretKey:
				return hexKey
			}
			return get(k)
		}, nil)
		if err == nil || !strings.Contains(err.Error(), "not both") {
			t.Errorf("both set: %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(env(map[string]string{EnvAppsFile: filepath.Join(t.TempDir(), "none.json")}), nil)
		if err == nil || !strings.Contains(err.Error(), EnvAppsFile+": cannot read") {
			t.Errorf("missing file: %v", err)
		}
	})
}
