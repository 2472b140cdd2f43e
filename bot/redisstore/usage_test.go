package redisstore_test

import (
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot/redisstore"
)

// TestUsage: answers are counted by UTC day, answered or not, and each
// document shown keeps the last time it was; counting starts at the first.
func TestUsage(t *testing.T) {
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	t0 := time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC)
	for _, a := range []struct {
		at   time.Time
		docs []string
	}{
		{t0, []string{"a", "b"}},
		{t0.Add(time.Minute), nil},
		{t0.Add(time.Hour), []string{"b"}}, // the next day
	} {
		if err := s.RecordAnswer(ctx, a.at, a.docs); err != nil {
			t.Fatal(err)
		}
	}
	days, err := s.QuestionsByDay(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := days["2026-12-03"]; d.Answered != 1 || d.Unanswered != 1 || days["2026-12-04"].Answered != 1 || len(days) != 2 {
		t.Errorf("by day: %+v", days)
	}
	shown, since, err := s.LastShown(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !shown["a"].Equal(t0) || !shown["b"].Equal(t0.Add(time.Hour)) || len(shown) != 2 || !since.Equal(t0) {
		t.Errorf("shown %v since %v", shown, since)
	}
}
