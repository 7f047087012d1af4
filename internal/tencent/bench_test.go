package tencent

import (
	"testing"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

func BenchmarkSign(b *testing.B) {
	c, err := New(Config{SDKAppID: testAppID, SecretKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sig, err := tencentyun.GenUserSig(testAppID, testKey, testAdmin, 86400)
			if err != nil {
				b.Fatal(err)
			}
			_ = c.endpoint(CmdUpdateRoomInfo) + "?" + c.query(sig, randomUint32())
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sig, err := c.sigs.get()
			if err != nil {
				b.Fatal(err)
			}
			_ = c.endpoint(CmdUpdateRoomInfo) + "?" + c.query(sig, randomUint32())
		}
	})
}

// BenchmarkClientOverhead is one full call over loopback HTTP to a server
// that answers at once: marshal, sign, send, read, decode. Pacing is off so
// the figure is the client's own cost. BenchmarkUpdateRoomInfo does the same
// against the emulator.
func BenchmarkClientOverhead(b *testing.B) {
	f := newFake(b, script(ok()))
	f.forget = true
	c := f.client(b, nil)
	u := RoomUpdate{RoomId: "r1", RoomName: ptr("bench"), IsMessageDisabled: ptr(true)}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.UpdateRoomInfo(b.Context(), u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.UpdateRoomInfo(b.Context(), u); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
