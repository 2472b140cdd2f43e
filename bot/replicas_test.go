package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/clocktest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// lifecycleAcrossReplicas runs a consultation and its escalation ladder on
// two replicas sharing cfg's Redis: booked on one, the SLA breach found by
// both (escalated and prompted once), a claim on the other stopping the
// ladder, relayed and closed; every step happens once.
func lifecycleAcrossReplicas(t *testing.T, cfg redisstore.Config) {
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	rec := newSlackRecorder(t)
	a := newDeskFixtureOn(t, cfg, clock, rec)
	b := newDeskFixtureOn(t, cfg, clock, rec)
	ref := a.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's new online group")
	if n := len(rec.to(psychQueue)); n != 1 {
		t.Fatalf("%d queue posts, want 1", n)
	}
	clock.Advance(31 * time.Minute)
	// Both replicas look at the timers; the breach is escalated once.
	done := make(chan struct{})
	go func() { a.tick(t); close(done) }()
	b.tick(t)
	<-done
	if n := len(rec.to(dutyChannel)); n != 1 {
		t.Fatalf("%d duty prompts after the breach on two replicas, want 1", n)
	}
	if _, err := b.store.Escalation(context.Background(), "ESC-000002"); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("a second escalation was raised: %v", err)
	}
	// Claimed on the other replica: the ladder stops for both.
	b.must(t, action(psych1, bot.ActionClaim, ref))
	clock.Advance(10 * time.Minute)
	a.tick(t)
	b.tick(t)
	if n := len(rec.to(dutyChannel)); n != 1 {
		t.Errorf("%d duty prompts after the claim, want still 1", n)
	}
	relay := command(practitioner, bot.CmdReply, ref+" thank you, Tuesday works")
	a.must(t, relay)
	got := 0
	for _, p := range rec.to(psych1) {
		if strings.Contains(p.text, "Tuesday works") {
			got++
		}
	}
	if got != 1 {
		t.Errorf("the relayed reply reached the specialist %d times, want 1", got)
	}
	b.must(t, command(psych1, bot.CmdClose, ref+" advised on approach"))
	c, err := a.store.Consultation(context.Background(), ref)
	if err != nil || c.State != bot.StateClosed {
		t.Errorf("after closing on the other replica: %+v, %v", c.State, err)
	}
}

// TestLifecycleOnRedisCluster: the lifecycle on a three-master Redis
// Cluster, whose scripts refuse keys of more than one slot.
func TestLifecycleOnRedisCluster(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	lifecycleAcrossReplicas(t, redisstore.Config{Addrs: addrs, Cluster: true, Prefix: redistest.Prefix(t)})
}

// TestLifecycleOnRedisSentinel: the lifecycle through Redis Sentinel.
func TestLifecycleOnRedisSentinel(t *testing.T) {
	sentinel, master := redistest.StartSentinel(t)
	lifecycleAcrossReplicas(t, redisstore.Config{Addrs: []string{sentinel}, MasterName: master, Prefix: redistest.Prefix(t)})
}
