package redisstore_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestFirstDelivery(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	steps := []struct {
		platform, id string
		want         bool
	}{
		{bot.PlatformSlack, "Ev1", true},
		{bot.PlatformSlack, "Ev1", false}, // a retry
		{bot.PlatformSlack, "Ev1", false},
		{bot.PlatformTeams, "Ev1", true}, // the same id on another platform
		{bot.PlatformTeams, "Ev1", false},
		{bot.PlatformSlack, "Ev2", true},
	}
	for _, st := range steps {
		got, err := s.FirstDelivery(ctx, st.platform, st.id)
		if err != nil {
			t.Fatalf("FirstDelivery(%s, %s): %v", st.platform, st.id, err)
		}
		if got != st.want {
			t.Errorf("FirstDelivery(%s, %s) = %v, want %v", st.platform, st.id, got, st.want)
		}
	}
	wantAbout(t, "delivery", mustTTL(t, s, s.Keys().Event(bot.PlatformSlack, "Ev1")), 24*time.Hour)
}

func TestFirstDeliveryConcurrent(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			first, err := s.FirstDelivery(t.Context(), bot.PlatformSlack, "EvRace")
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Errorf("%d of 20 concurrent deliveries were first, want 1", n)
	}
}

func TestFirstDeliveryExpires(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{DedupeTTL: time.Second})
	ctx := t.Context()
	if first, err := s.FirstDelivery(ctx, bot.PlatformSlack, "Ev1"); err != nil || !first {
		t.Fatalf("first delivery: %v, %v", first, err)
	}
	eventually(t, 10*time.Second, "the delivery is forgotten", func() bool {
		first, err := s.FirstDelivery(ctx, bot.PlatformSlack, "Ev1")
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
}

func TestFirstDeliveryInvalid(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	for _, tt := range []struct{ platform, id string }{
		{"", "Ev1"},
		{bot.PlatformSlack, ""},
		{"slack:T1", "Ev1"},
	} {
		_, err := s.FirstDelivery(t.Context(), tt.platform, tt.id)
		wantKind(t, "FirstDelivery("+tt.platform+", "+tt.id+")", err, bot.EInvalid)
	}
}
