package fleet

import (
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzHeartbeat: any bytes POSTed as a heartbeat are refused with one of
// the reasons or taken; one taken is exactly a heartbeat the enrolled
// kiosk signed (never one with other contents), and a byte of a signed
// heartbeat altered is never taken as anything else.
func FuzzHeartbeat(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	k := kiosk{Enrolled: Enrolled{Kiosk: "kiosk-a", Ward: "5C", Signer: seed.Public().(ed25519.PublicKey)}, key: seed}
	good, err := Sign(k.beat(7), func(msg []byte) ([]byte, error) { return ed25519.Sign(seed, msg), nil })
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, 0, byte(0))
	f.Add(good, 40, byte(1))
	f.Add([]byte(`{"heartbeat":{"kiosk":"kiosk-a","ward":"5C","seq":1},"signature":"AAAA"}`), 0, byte(0))
	f.Add([]byte(`{"heartbeat":null,"signature":null}`), 0, byte(0))
	f.Fuzz(func(t *testing.T, raw []byte, at int, flip byte) {
		if len(raw) > 0 && flip != 0 {
			raw = append([]byte(nil), raw...)
			raw[uint(at)%uint(len(raw))] ^= flip
		}
		b, _, _ := Load("", registry{k.Enrolled})
		h, err := b.Accept(raw, t0)
		if err != nil {
			if Reason(err) == "other" {
				t.Fatalf("a refusal without a reason: %v", err)
			}
			return
		}
		var env envelope
		if json.Unmarshal(raw, &env) != nil || !ed25519.Verify(k.Signer, append([]byte(sigContext), env.Heartbeat...), env.Signature) {
			t.Fatalf("taken without the kiosk's signature: %q", raw)
		}
		var signed Heartbeat
		if json.Unmarshal(env.Heartbeat, &signed) != nil || !reflect.DeepEqual(signed, h) {
			t.Fatalf("taken as %+v, signed as %+v", h, signed)
		}
		if got := b.Latest()["kiosk-a"]; !got.At.Equal(t0) || got.Seq != h.Seq {
			t.Fatalf("kept as %+v", got)
		}
	})
}
