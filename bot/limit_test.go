package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// limited is the desk fixture with its engine rate-limited.
func limited(t *testing.T, l bot.Limits) *deskFixture {
	t.Helper()
	f := newDesk(t)
	f.engine = bot.NewEngine(mustKnowledge(t), f.store, bot.EngineOptions{Clock: f.clock, DefaultArea: "Wyvern Vale", Desk: f.desk, Limits: l, Counter: f.store})
	return f
}

// TestQuestionLimit: past the limit a person's questions are refused,
// saying what to do instead; another person is not; the next window
// starts afresh. A question describing immediate risk is still answered
// with what to do now.
func TestQuestionLimit(t *testing.T) {
	f := limited(t, bot.Limits{Questions: bot.Limit{Max: 3, Per: 10 * time.Minute}, Escalations: bot.Limit{Max: 1, Per: time.Hour}})
	ask := func(user, q string) (bot.Reply, error) {
		m := from(user)
		m.Text = q
		return f.handle(t, m)
	}
	for i := range 3 {
		if _, err := ask(practitioner, "who is the LADO"); err != nil {
			t.Fatalf("question %d: %v", i+1, err)
		}
	}
	_, err := ask(practitioner, "who is the LADO")
	if bot.ErrorKind(err) != bot.ETooMany || !strings.Contains(bot.ErrorMessage(err), "3 questions in 10 minutes") || !strings.Contains(bot.ErrorMessage(err), "999") {
		t.Fatalf("the fourth question: %v, want too many, saying so", err)
	}
	if _, err := ask(psych1, "who is the LADO"); err != nil {
		t.Errorf("another person's question: %v", err)
	}
	// Over the limit, a risk is still answered with what to do now; the
	// first alerts the duty manager, the next (over the escalation limit)
	// says to ring them.
	risk := "a 15 year old in my class says he is flying to Syria tomorrow to join a group, what do I do"
	r, err := ask(practitioner, risk)
	if err != nil || len(r.Notices) == 0 || r.Notices[0].Kind != bot.NoticeActNow || !strings.Contains(r.Notices[0].Text, "I have alerted the duty manager") {
		t.Fatalf("a risk over the question limit: %+v, %v", r.Notices, err)
	}
	r, err = ask(practitioner, risk)
	if err != nil || len(r.Notices) == 0 || !strings.Contains(r.Notices[0].Text, "ring them now") || strings.Contains(r.Notices[0].Text, "I have alerted") {
		t.Fatalf("a risk over the escalation limit: %+v, %v", r.Notices, err)
	}
	if got := len(f.slack.to(dutyChannel)); got != 1 {
		t.Errorf("%d prompts in the duty channel, want 1", got)
	}
	f.clock.Advance(10 * time.Minute)
	if _, err := ask(practitioner, "who is the LADO"); err != nil {
		t.Errorf("a question in the next window: %v", err)
	}
}

// TestBookingAndEscalationLimits: consultation requests and escalations
// asked for past their limits are refused, and nothing is booked or
// prompted for them.
func TestBookingAndEscalationLimits(t *testing.T) {
	f := limited(t, bot.Limits{Bookings: bot.Limit{Max: 2, Per: time.Hour}, Escalations: bot.Limit{Max: 1, Per: time.Hour}})
	f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "advice on a new online friendship")
	f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "advice on a change in a boy's beliefs")
	m := action(practitioner, bot.ActionBook, "")
	m.Form = map[string]string{"specialism": "psychology", "urgency": bot.UrgencyRoutine, "question": "a third request", "area": "Wyvern Vale"}
	if _, err := f.handle(t, m); bot.ErrorKind(err) != bot.ETooMany || !strings.Contains(bot.ErrorMessage(err), "consultation requests") {
		t.Errorf("a third booking: %v, want too many", err)
	}
	if queued := len(f.slack.to(psychQueue)); queued != 2 {
		t.Errorf("%d requests queued, want 2", queued)
	}
	if _, err := f.handle(t, command(practitioner, bot.CmdEscalate, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.handle(t, command(practitioner, bot.CmdEscalate, "")); bot.ErrorKind(err) != bot.ETooMany || !strings.Contains(bot.ErrorMessage(err), "999") {
		t.Errorf("a second escalate: %v, want too many, saying to call 999", err)
	}
	if got := len(f.slack.to(dutyChannel)); got != 1 {
		t.Errorf("%d duty prompts, want 1", got)
	}
}
