package redisstore_test

import (
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// TestInvokeAnsweredOnce: the first delivery of an invoke is told so; a
// retry while it is answered gets no answer, and after it the saved one.
func TestInvokeAnsweredOnce(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	first, answer, err := s.BeginInvoke(ctx, bot.PlatformTeams, "f:1")
	if err != nil || !first || answer != nil {
		t.Fatalf("first delivery: %v, %q, %v", first, answer, err)
	}
	first, answer, err = s.BeginInvoke(ctx, bot.PlatformTeams, "f:1")
	if err != nil || first || answer != nil {
		t.Fatalf("retry while pending: %v, %q, %v; want not first, no answer", first, answer, err)
	}
	if err := s.FinishInvoke(ctx, bot.PlatformTeams, "f:1", []byte(`{"statusCode":200}`)); err != nil {
		t.Fatal(err)
	}
	first, answer, err = s.BeginInvoke(ctx, bot.PlatformTeams, "f:1")
	if err != nil || first || string(answer) != `{"statusCode":200}` {
		t.Fatalf("retry after the answer: %v, %q, %v", first, answer, err)
	}
	if first, _, err := s.BeginInvoke(ctx, bot.PlatformTeams, "f:2"); err != nil || !first {
		t.Errorf("another invoke: %v, %v; want first", first, err)
	}
	if _, _, err := s.BeginInvoke(ctx, "a:b", "f:3"); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("bad platform: %v, want invalid", err)
	}
	if err := s.FinishInvoke(ctx, bot.PlatformTeams, "", nil); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("empty id: %v, want invalid", err)
	}
}
