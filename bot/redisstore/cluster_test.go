package redisstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// Every script and transaction works on Redis Cluster, which refuses one
// that touches keys of more than one slot. A one-node cluster holding every
// slot is enough to enforce that.
func TestRecordsOnRedisCluster(t *testing.T) {
	t.Parallel()
	addr := redistest.StartCluster(t, 1)[0]
	s := mustStore(t, redisstore.Config{Addrs: []string{addr}, Cluster: true})
	ctx := t.Context()

	// The cluster does refuse a script across slots.
	err := s.Client().Eval(ctx, "return 1", []string{s.Keys().Consultation("WM-000001"), s.Keys().Audit()}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("a script over two slots: %v, want a CROSSSLOT error", err)
	}

	c := mustCreate(t, s, booking(priya, t0))
	if _, err := s.Claim(ctx, c.Ref, ada, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unclaim(ctx, c.Ref, ada, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, c.Ref, ben, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseConsultation(ctx, c.Ref, ben, "done", t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	c2 := mustCreate(t, s, booking(priya, t0.Add(time.Hour)))
	if _, err := s.Cancel(ctx, c2.Ref, priya, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if cs, err := s.ConsultationsOf(ctx, priya); err != nil || len(cs) != 2 || cs[0].Ref != c2.Ref {
		t.Errorf("ConsultationsOf: %+v, %v", cs, err)
	}
	if err := s.Audit(ctx, bot.AuditEntry{At: t0.Add(3 * time.Hour), Ref: c.Ref, Actor: ben.Key(), Action: bot.AuditReplied}); err != nil {
		t.Fatal(err)
	}
	if got := len(auditOf(t, s, t0)); got != 8 {
		t.Errorf("%d audit entries, want 8", got)
	}

	e := mustEscalate(t, s, slaBreach(t0))
	advance(t, s, e.ID, 0, 1, false)
	if _, err := s.Acknowledge(ctx, e.ID, ada, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	mustSchedule(t, s, bot.Timer{ID: "a", Due: t0, Kind: bot.TimerClaimSLA}, bot.Timer{ID: "b", Due: t0, Kind: bot.TimerClaimSLA})
	if err := s.CancelTimer(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := timerIDs(mustTakeDue(t, s, t0, 10)); len(got) != 1 || got[0] != "a" {
		t.Errorf("TakeDue = %q, want [a]", got)
	}
}
