package knowledge_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
)

// A situation the signals find but the screening does not escalate (a
// worry, not an immediate risk) still says what the question is about:
// a girl whose parents plan a wedding she does not want is a forced
// marriage question, though she never says so, and the immediate-risk
// procedure is not brought up for it.
func TestUnescalatedSituationFindsItsTopic(t *testing.T) {
	dir := t.TempDir()
	docs := map[string]string{
		"forced-marriage.md": `---
id: tv-forced-marriage
title: Forced marriage
kind: guidance
area: Testvale
summary: "A marriage without free and full consent. Call the Forced Marriage Unit; do not use relatives as interpreters."
reviewed: 2026-06-01
review_due: 2027-06-01
---
# Forced marriage

A forced marriage is one where one or both people do not or cannot consent. A child may be taken abroad for it. Speak to the young person alone and call the Forced Marriage Unit for advice.
`,
		"meetings.md": `---
id: tv-meetings
title: Meetings with parents
kind: guidance
area: Testvale
summary: "How to invite parents in for a meeting and plan what it should cover."
reviewed: 2026-06-01
review_due: 2027-06-01
---
# Meetings with parents

Invite the parents in for a meeting when you need to plan support together. Say what the meeting is for and who will be there; agree the next summer term's review date.
`,
		"immediate.md": `---
id: tv-immediate-risk
title: Immediate risk and danger
kind: process
area: Testvale
summary: "When a child is in immediate danger or at immediate risk, call 999, then the duty manager."
reviewed: 2026-06-01
review_due: 2027-06-01
---
# Immediate risk and danger

If a child is in immediate danger or at immediate risk of harm, call 999 first, then the duty manager.
`,
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kb := mustBaseOf(t, c)
	q := "17yo says her parents are planning her wedding for next summer, she doesnt want it. should i invite the parents in for a meeting?"
	res := mustSearch(t, kb, bot.SearchRequest{Query: q, Limit: 3})
	if res.Screening.Escalate {
		t.Fatalf("Screen escalated %v: this test needs a situation the screening does not escalate", res.Screening.Risks)
	}
	got := ids(res)
	if !slices.Contains(got, "tv-forced-marriage") {
		t.Errorf("hits = %v, want the forced marriage guidance among them", got)
	}
	if slices.Contains(got, "tv-immediate-risk") {
		t.Errorf("hits = %v: the immediate-risk procedure is for escalated questions", got)
	}
}
