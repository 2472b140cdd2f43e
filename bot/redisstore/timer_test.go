package redisstore_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

func mustSchedule(tb testing.TB, s *redisstore.Store, ts ...bot.Timer) {
	tb.Helper()
	for _, t := range ts {
		if err := s.Schedule(tb.Context(), t); err != nil {
			tb.Fatalf("Schedule %s: %v", t.ID, err)
		}
	}
}

func mustTakeDue(tb testing.TB, s *redisstore.Store, now time.Time, limit int) []bot.Timer {
	tb.Helper()
	ts, err := s.TakeDue(tb.Context(), now, limit)
	if err != nil {
		tb.Fatalf("TakeDue: %v", err)
	}
	return ts
}

func timerIDs(ts []bot.Timer) []string {
	ids := []string{}
	for _, t := range ts {
		ids = append(ids, t.ID)
	}
	return ids
}

func TestTakeDueTakesOnlyDueTimers(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	now := t0
	sla := bot.Timer{ID: "sla:WM-000001", Due: now.Add(-time.Minute), Kind: bot.TimerClaimSLA, Ref: "WM-000001"}
	mustSchedule(t, s,
		bot.Timer{ID: "later", Due: now.Add(time.Millisecond), Kind: bot.TimerEscalate, Ref: "ESC-000001"},
		bot.Timer{ID: "now", Due: now, Kind: bot.TimerEscalate, Ref: "ESC-000002"},
		sla,
	)

	got := mustTakeDue(t, s, now, 10)
	if ids := timerIDs(got); !reflect.DeepEqual(ids, []string{"sla:WM-000001", "now"}) {
		t.Fatalf("TakeDue(now) = %q, want the two due, earliest first", ids)
	}
	if !reflect.DeepEqual(got[0], sla) {
		t.Errorf("timer %+v, want %+v", got[0], sla)
	}
	if got := mustTakeDue(t, s, now, 10); len(got) != 0 {
		t.Errorf("TakeDue(now) again = %q, want none: they were taken", timerIDs(got))
	}
	if got := mustTakeDue(t, s, now.Add(time.Millisecond), 10); !reflect.DeepEqual(timerIDs(got), []string{"later"}) {
		t.Errorf("TakeDue(now+1ms) = %q, want [later]", timerIDs(got))
	}
	ctx := t.Context()
	// Taken timers are leased, not gone: a caller that died comes back to
	// them after the lease; one that finished cancels them.
	if n := s.Client().ZCard(ctx, s.Keys().Timers()).Val() + s.Client().HLen(ctx, s.Keys().TimerBodies()).Val(); n != 6 {
		t.Errorf("%d ids and bodies kept while leased, want 6", n)
	}
	again := timerIDs(mustTakeDue(t, s, now.Add(redisstore.TimerLease), 10))
	slices.Sort(again)
	if !reflect.DeepEqual(again, []string{"now", "sla:WM-000001"}) {
		t.Errorf("after the lease: %q, want the two taken first, due again", again)
	}
	for _, id := range []string{"sla:WM-000001", "now", "later"} {
		if err := s.CancelTimer(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Client().ZCard(ctx, s.Keys().Timers()).Val() + s.Client().HLen(ctx, s.Keys().TimerBodies()).Val(); n != 0 {
		t.Errorf("%d ids and bodies left after cancelling every timer", n)
	}

	_, err := s.TakeDue(ctx, now, 0)
	wantKind(t, "limit 0", err, bot.EInvalid)
	wantKind(t, "no id", s.Schedule(ctx, bot.Timer{Due: now}), bot.EInvalid)
	wantKind(t, "no due time", s.Schedule(ctx, bot.Timer{ID: "x"}), bot.EInvalid)
	wantKind(t, "cancel no id", s.CancelTimer(ctx, ""), bot.EInvalid)
}

func TestTakeDueLimit(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	for i := range 5 {
		mustSchedule(t, s, bot.Timer{ID: fmt.Sprint("t", i), Due: t0.Add(time.Duration(-i) * time.Second), Kind: bot.TimerEscalate})
	}
	if got := timerIDs(mustTakeDue(t, s, t0, 2)); !reflect.DeepEqual(got, []string{"t4", "t3"}) {
		t.Errorf("TakeDue limit 2 = %q, want the two earliest", got)
	}
	if got := timerIDs(mustTakeDue(t, s, t0, 100)); !reflect.DeepEqual(got, []string{"t2", "t1", "t0"}) {
		t.Errorf("then = %q, want the rest", got)
	}
}

func TestScheduleReplacesAndCancelRemoves(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	mustSchedule(t, s, bot.Timer{ID: "esc:ESC-000001", Due: t0.Add(time.Hour), Kind: bot.TimerEscalate, Ref: "ESC-000001"})
	moved := bot.Timer{ID: "esc:ESC-000001", Due: t0.Add(-time.Second), Kind: bot.TimerEscalate, Ref: "ESC-000001"}
	mustSchedule(t, s, moved)
	if n := s.Client().ZCard(ctx, s.Keys().Timers()).Val(); n != 1 {
		t.Errorf("%d timers after scheduling one id twice, want 1", n)
	}
	if got := mustTakeDue(t, s, t0, 10); len(got) != 1 || !reflect.DeepEqual(got[0], moved) {
		t.Errorf("TakeDue = %+v, want the moved timer only", got)
	}
	if err := s.CancelTimer(ctx, moved.ID); err != nil { // its work is done
		t.Fatal(err)
	}

	mustSchedule(t, s,
		bot.Timer{ID: "a", Due: t0, Kind: bot.TimerClaimSLA},
		bot.Timer{ID: "b", Due: t0, Kind: bot.TimerClaimSLA},
	)
	if err := s.CancelTimer(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.CancelTimer(ctx, "never scheduled"); err != nil {
		t.Errorf("cancel an unknown timer: %v", err)
	}
	if got := timerIDs(mustTakeDue(t, s, t0.Add(time.Hour), 10)); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("TakeDue after cancelling a = %q, want [b]", got)
	}
	if err := s.CancelTimer(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if n := s.Client().HLen(ctx, s.Keys().TimerBodies()).Val(); n != 0 {
		t.Errorf("%d bodies left", n)
	}
}

// Two replicas, each with its own client, take 200 due timers at once,
// several goroutines each: every timer goes to exactly one of them.
func TestTakeDueAcrossReplicas(t *testing.T) {
	t.Parallel()
	prefix := redistest.Prefix(t)
	replicas := []*redisstore.Store{
		mustStore(t, redisstore.Config{Prefix: prefix}),
		mustStore(t, redisstore.Config{Prefix: prefix}),
	}
	const n = 200
	for i := range n {
		mustSchedule(t, replicas[0], bot.Timer{ID: fmt.Sprintf("t%03d", i), Due: t0.Add(time.Duration(i) * time.Millisecond), Kind: bot.TimerEscalate})
	}
	now := t0.Add(time.Hour)

	const workers = 4 // per replica
	taken := make([][]string, 2*workers)
	errs := make([]error, 2*workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 * workers {
		s := replicas[w%2]
		wg.Go(func() {
			<-start
			for {
				ts, err := s.TakeDue(t.Context(), now, 3)
				if err != nil {
					errs[w] = err
					return
				}
				if len(ts) == 0 {
					return
				}
				taken[w] = append(taken[w], timerIDs(ts)...)
			}
		})
	}
	close(start)
	wg.Wait()

	by := map[string]int{}
	perReplica := [2]int{}
	for w, ids := range taken {
		if errs[w] != nil {
			t.Errorf("worker %d: %v", w, errs[w])
		}
		perReplica[w%2] += len(ids)
		for _, id := range ids {
			if prev, ok := by[id]; ok {
				t.Errorf("%s taken by workers %d and %d", id, prev, w)
			}
			by[id] = w
		}
	}
	if len(by) != n {
		t.Errorf("%d timers taken, want %d", len(by), n)
	}
	t.Logf("replica 0 took %d, replica 1 took %d", perReplica[0], perReplica[1])
}

// Timers are in Redis, not in the Store: a new Store (a restarted replica)
// finds them.
func TestTimersSurviveARestart(t *testing.T) {
	t.Parallel()
	prefix := redistest.Prefix(t)
	before, err := redisstore.New(redisstore.Config{URL: redistest.Shared(t).URL(), Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	due := bot.Timer{ID: "sla:WM-000007", Due: time.Date(2026, 11, 23, 9, 30, 0, 123456789, time.UTC), Kind: bot.TimerClaimSLA, Ref: "WM-000007"}
	mustSchedule(t, before, due, bot.Timer{ID: "later", Due: due.Due.Add(time.Hour), Kind: bot.TimerEscalate})
	before.Close()

	after := mustStore(t, redisstore.Config{Prefix: prefix})
	got := mustTakeDue(t, after, due.Due, 10)
	if len(got) != 1 || !reflect.DeepEqual(got[0], due) {
		t.Errorf("after a restart, TakeDue = %+v, want %+v", got, due)
	}
}

func TestTimerIsStoredAsJSON(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	due := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("GMT+1", 3600))
	mustSchedule(t, s, bot.Timer{ID: "sla:WM-000001", Due: due, Kind: bot.TimerClaimSLA, Ref: "WM-000001"})
	body := s.Client().HGet(ctx, s.Keys().TimerBodies(), "sla:WM-000001").Val()
	if want := `{"id":"sla:WM-000001","due":"2026-11-23T09:00:00Z","kind":"claim_sla","ref":"WM-000001"}`; body != want {
		t.Errorf("body %s, want %s", body, want)
	}
	if score := s.Client().ZScore(ctx, s.Keys().Timers(), "sla:WM-000001").Val(); int64(score) != due.UnixMilli() {
		t.Errorf("score %v, want %d (unix ms)", score, due.UnixMilli())
	}
}
