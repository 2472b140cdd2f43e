package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// BenchmarkConsolePages renders the console's pages, as a safeguarding
// lead sees them (every queue), with 10,000 consultations in Redis: a
// third queued, a third claimed, a third closed, and 1,000 escalations.
// Each op is one GET through the server, sign-in and roles included.
func BenchmarkConsolePages(b *testing.B) {
	s := newConsoleServer(b)
	ctx := b.Context()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range 10000 {
		c, err := s.store.CreateConsultation(ctx, bot.Consultation{
			Specialism: []string{"psychology", "prevent"}[i%2], Urgency: bot.UrgencyRoutine, Question: fmt.Sprintf("Question %d, with no one named.", i),
			Area: "Wyvern Vale", Requester: consolePrac, CreatedAt: at.Add(time.Duration(i) * time.Minute), ClaimBy: at.Add(time.Duration(i)*time.Minute + 48*time.Hour),
		})
		if err != nil {
			b.Fatal(err)
		}
		if i%3 > 0 {
			if _, err := s.store.Claim(ctx, c.Ref, consolePsych, c.CreatedAt.Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
		if i%3 == 2 {
			if _, err := s.store.CloseConsultation(ctx, c.Ref, consolePsych, "done", c.CreatedAt.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
		if i%10 == 0 {
			if _, err := s.store.CreateEscalation(ctx, bot.Escalation{Trigger: bot.TriggerRisk, Urgency: bot.UrgencyUrgent, Requester: consolePrac, Summary: "travel", CreatedAt: c.CreatedAt}); err != nil {
				b.Fatal(err)
			}
		}
	}
	lead := s.signInAs(b, consoleLead)
	if r := lead.do(http.MethodGet, "/console/queue", "", "", nil); !strings.Contains(string(r.body), "Psychology: 3333 open") || !strings.Contains(string(r.body), "3133 more open") {
		b.Fatalf("the queue page with 10,000 consultations does not count them:\n%.2000s", r.body)
	}
	for _, page := range []string{"/console", "/console/queue", "/console/escalations"} {
		b.Run(strings.TrimPrefix(page, "/"), func(b *testing.B) {
			for b.Loop() {
				if r := lead.do(http.MethodGet, page, "", "", nil); r.status != http.StatusOK {
					b.Fatalf("GET %s: %d", page, r.status)
				}
			}
		})
	}
}
