package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/clocktest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestRedisKilledMidLoad: practitioners book consultations from four
// goroutines while Redis (with its append-only file, as deployed) is
// killed and started again. No booking that was confirmed is lost, none is
// stored twice, every refusal says the service is unavailable, questions
// are answered throughout, and the SLA timers of every stored booking
// survive: each breach escalates once.
func TestRedisKilledMidLoad(t *testing.T) {
	srv := redistest.StartPersistent(t)
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	f := newDeskFixture(t, srv, redistest.Prefix(t), clock, newSlackRecorder(t))
	var (
		mu        sync.Mutex
		confirmed []string
		refused   int
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				m := action(practitioner, bot.ActionBook, "")
				m.ID = "m-load"
				m.Form = map[string]string{"specialism": "psychology", "urgency": bot.UrgencyUrgent, "question": "advice on a boy's new online group", "area": "Wyvern Vale"}
				r, err := f.handle(t, m)
				mu.Lock()
				switch {
				case err == nil && refIn(r.Text) != "":
					confirmed = append(confirmed, refIn(r.Text))
				case bot.ErrorKind(err) == bot.EUnavailable:
					refused++
				default:
					t.Errorf("worker %d booking %d: %q, %v", w, i, r.Text, err)
				}
				mu.Unlock()
			}
		})
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	count := func() (int, int) { mu.Lock(); defer mu.Unlock(); return len(confirmed), refused }
	waitFor("bookings before the kill", func() bool { n, _ := count(); return n >= 20 })
	srv.Stop(t)
	waitFor("refusals while Redis is down", func() bool { _, r := count(); return r >= 8 })
	// Answers keep flowing without Redis.
	q := from(practitioner)
	q.Text = "who is the LADO"
	if r, err := f.handle(t, q); err != nil || len(r.Contacts)+len(r.Answers) == 0 {
		t.Errorf("a question while Redis is down: %+v, %v", r, err)
	}
	srv.Start(t)
	before, _ := count()
	waitFor("bookings after the restart", func() bool { n, _ := count(); return n >= before+20 })
	close(stop)
	wg.Wait()

	seen := map[string]bool{}
	for _, ref := range confirmed {
		if seen[ref] {
			t.Fatalf("%s was confirmed twice", ref)
		}
		seen[ref] = true
		c, err := f.store.Consultation(context.Background(), ref)
		if err != nil || c.State != bot.StateQueued {
			t.Errorf("confirmed %s is lost: %+v, %v", ref, c.State, err)
		}
	}
	mine, err := f.store.ConsultationsOf(context.Background(), bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: practitioner})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, c := range mine {
		if stored[c.Ref] {
			t.Errorf("%s is stored twice", c.Ref)
		}
		stored[c.Ref] = true
	}
	for ref := range seen {
		if !stored[ref] {
			t.Errorf("confirmed %s is not among the practitioner's requests", ref)
		}
	}
	// Stored but refused at the last step may happen (the kill between
	// storing and confirming); nothing else is stored.
	if extra := len(stored) - len(seen); extra < 0 || extra > refused {
		t.Errorf("%d stored, %d confirmed, %d refused", len(stored), len(seen), refused)
	}
	t.Logf("%d confirmed, %d refused while Redis was down, %d stored", len(seen), refused, len(stored))

	// Every stored booking's SLA timer survived: each breach escalates once.
	clock.Advance(31 * time.Minute)
	for f.tick(t) > 0 {
	}
	esc := 0
	for i := 1; ; i++ {
		if _, err := f.store.Escalation(context.Background(), fmt.Sprintf("ESC-%06d", i)); err != nil {
			break
		}
		esc++
	}
	if esc < len(seen) || esc > len(stored) {
		t.Errorf("%d escalations for %d confirmed (%d stored) bookings past their SLA", esc, len(seen), len(stored))
	}
}

// A request booked while its timer cannot be stored is confirmed with a
// warning, and its timer is stored at the first tick after the outage:
// the request is still chased.
func TestTimerStoredAfterOutage(t *testing.T) {
	srv, timerSrv := redistest.Start(t), redistest.StartPersistent(t)
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	prefix := redistest.Prefix(t)
	f := newDeskFixtureTimersOn(t, redisstore.Config{URL: srv.URL(), Prefix: prefix}, &redisstore.Config{URL: timerSrv.URL(), Prefix: prefix}, clock, newSlackRecorder(t))
	timerSrv.Stop(t)
	m := action(practitioner, bot.ActionBook, "")
	m.Form = map[string]string{"specialism": "psychology", "urgency": bot.UrgencyUrgent, "question": "advice on a boy's new online group", "area": "Wyvern Vale"}
	r := f.must(t, m)
	ref := refIn(r.Text)
	if ref == "" || len(r.Notices) != 1 || !strings.Contains(r.Notices[0].Text, "will keep trying") {
		t.Fatalf("booking in a timer outage: %q, notices %+v", r.Text, r.Notices)
	}
	if _, err := f.desk.Tick(context.Background()); err == nil {
		t.Error("a tick while the timers' Redis is down reported no error")
	}
	timerSrv.Start(t)
	clock.Advance(31 * time.Minute)
	for f.tick(t) > 0 {
	}
	e, err := f.store.Escalation(context.Background(), "ESC-000001")
	if err != nil || e.ConsultationRef != ref {
		t.Fatalf("escalation after the outage: %+v, %v; want one for %s", e, err, ref)
	}
	if _, err := f.store.Escalation(context.Background(), "ESC-000002"); err == nil {
		t.Error("the request escalated twice")
	}
}
