package redisstore_test

import (
	"fmt"
	"testing"

	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestRecordKeyLayout(t *testing.T) {
	k := redisstore.Keys{Prefix: "wm"}
	tests := []struct {
		got, want, tag string
	}{
		{k.ConsultationSeq(), "wm:{seq:consultation}", "seq:consultation"},
		{k.Consultation("WM-000042"), "wm:{cons:WM-000042}", "cons:WM-000042"},
		{k.ConsultationsOf("slack:T1:U1"), "wm:{user:slack:T1:U1}:consultations", "user:slack:T1:U1"},
		{k.Audit(), "wm:{audit}", "audit"},
		{k.EscalationSeq(), "wm:{seq:escalation}", "seq:escalation"},
		{k.Escalation("ESC-000007"), "wm:{esc:ESC-000007}", "esc:ESC-000007"},
		{k.Timers(), "wm:{timers}", "timers"},
		{k.TimerBodies(), "wm:{timers}:bodies", "timers"},
		{k.TimerBatch("k3x9"), "wm:{timers}:taken:k3x9", "timers"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key = %q, want %q", tt.got, tt.want)
		}
		if tag := redisstore.HashTag(tt.got); tag != tt.tag {
			t.Errorf("HashTag(%q) = %q, want %q", tt.got, tag, tt.tag)
		}
	}
}

// The keys one script or transaction touches share a slot; consultations
// and escalations spread over the cluster.
func TestRecordKeysAreClusterSafe(t *testing.T) {
	k := redisstore.Keys{Prefix: "wm"}
	same := [][]string{
		{k.Timers(), k.TimerBodies(), k.TimerBatch("a"), k.TimerBatch("b")},
		{k.Profile("slack:T1:U1"), k.ConsultationsOf("slack:T1:U1")},
		{k.Consultation("WM-000042"), k.Consultation("WM-000042") + ":notes"},
	}
	for _, keys := range same {
		for _, key := range keys[1:] {
			if redisstore.Slot(key) != redisstore.Slot(keys[0]) {
				t.Errorf("%q and %q must share a slot", keys[0], key)
			}
		}
	}
	cons, escs := map[int]bool{}, map[int]bool{}
	for i := range 200 {
		cons[redisstore.Slot(k.Consultation(fmt.Sprintf("WM-%06d", i+1)))] = true
		escs[redisstore.Slot(k.Escalation(fmt.Sprintf("ESC-%06d", i+1)))] = true
	}
	if len(cons) < 150 || len(escs) < 150 {
		t.Errorf("200 consultations use %d slots and 200 escalations %d", len(cons), len(escs))
	}
}
