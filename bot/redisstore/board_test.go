package redisstore_test

import (
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// TestBoardListsEveryRecordNewestFirst: the console's lists hold every
// consultation and escalation, newest first, as they stand now; retention
// takes a record off its list; Reindex lists records written before the
// index (here: removed from it by hand) without listing anything twice.
func TestBoardListsEveryRecordNewestFirst(t *testing.T) {
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var refs []string
	for i := range 3 {
		refs = append(refs, mustCreate(t, s, booking(priya, t0.Add(time.Duration(i)*time.Minute))).Ref)
	}
	if _, err := s.Claim(ctx, refs[1], ada, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseConsultation(ctx, refs[1], ada, "talked it through", t0.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	e, err := s.CreateEscalation(ctx, bot.Escalation{Trigger: bot.TriggerRisk, Urgency: bot.UrgencyUrgent, Requester: priya, Summary: "travel", CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}

	list := func() []bot.Consultation {
		t.Helper()
		cs, err := s.Consultations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	cs := list()
	if len(cs) != 3 || cs[0].Ref != refs[2] || cs[2].Ref != refs[0] {
		t.Fatalf("listed %v, want %v newest first", refOf(cs), refs)
	}
	if cs[1].State != bot.StateClosed || cs[1].Claimant.Key() != ada.Key() || cs[1].Outcome != "talked it through" {
		t.Errorf("listed %s as %s by %s (%q), want closed by Ada with its outcome", cs[1].Ref, cs[1].State, cs[1].Claimant.Key(), cs[1].Outcome)
	}
	es, err := s.Escalations(ctx)
	if err != nil || len(es) != 1 || es[0].ID != e.ID || es[0].State != bot.EscalationOpen {
		t.Fatalf("escalations %v, %v; want just %s, open", es, err, e.ID)
	}

	// Records made before the index: Reindex lists them, once.
	if err := s.Client().Del(ctx, s.Keys().ConsultationIndex(), s.Keys().EscalationIndex()).Err(); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("with the index gone, listed %v", refOf(got))
	}
	for range 2 {
		n, err := s.Reindex(ctx)
		if err != nil || n != 4 {
			t.Fatalf("Reindex found %d, %v; want 4 records", n, err)
		}
	}
	if got := list(); len(got) != 3 || got[0].Ref != refs[2] {
		t.Fatalf("after Reindex listed %v, want %v newest first", refOf(got), refs)
	}

	// Retention removes the closed one, from its list too.
	if _, err := s.Sweep(ctx, t0.Add(100*24*time.Hour), redisstore.Retention{Consultations: 90 * 24 * time.Hour}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 2 || got[0].Ref != refs[2] || got[1].Ref != refs[0] {
		t.Errorf("after retention listed %v, want %s and %s", refOf(got), refs[2], refs[0])
	}
	if n, _ := s.Client().ZCard(ctx, s.Keys().ConsultationIndex()).Result(); n != 2 {
		t.Errorf("the index holds %d references after retention, want 2", n)
	}
}

func refOf(cs []bot.Consultation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Ref)
	}
	return out
}
