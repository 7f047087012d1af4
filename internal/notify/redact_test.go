package notify

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	const raw = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	for _, err := range []error{
		&url.Error{Op: "Post", URL: raw, Err: errors.New("dial tcp: lookup qyapi.weixin.qq.com: no such host")},
		errors.New("Post " + raw + ": context deadline exceeded"),
		errors.New("bad key 693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa in /cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"),
	} {
		got := scrub(err, raw)
		if strings.Contains(got, "693a91f6") || strings.Contains(got, "key=") && !strings.Contains(got, "[redacted]") {
			t.Errorf("scrub(%v) = %q", err, got)
		}
	}
	if h := Hint(raw); h != "https://qyapi.weixin.qq.com/…5aaa" {
		t.Errorf("Hint = %q", h)
	}
	if o := origin(raw); o != "https://qyapi.weixin.qq.com" {
		t.Errorf("origin = %q", o)
	}
}
