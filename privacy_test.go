package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestExportAndErase: `waymark export` prints a person's records as JSON;
// `waymark erase` asks for --yes, then leaves them only as a pseudonym,
// and a second export finds nothing of them.
func TestExportAndErase(t *testing.T) {
	t.Chdir(t.TempDir())
	srv := redistest.Start(t)
	store, err := redisstore.New(redisstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	sam := bot.Person{Platform: bot.PlatformSlack, TeamID: "T061EG9R6", UserID: "U0PRAC7", Name: "Sam Okafor"}
	c, err := store.CreateConsultation(ctx, bot.Consultation{Specialism: "prevent", Urgency: bot.UrgencyRoutine, Question: "advice on a leaflet",
		Requester: sam, RequesterConversation: "D0SAM", CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SaveProfile(ctx, sam.Key(), bot.Profile{Area: "Wyvern Vale"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WAYMARK_REDIS_URL": srv.URL()}
	do := func(args ...string) (string, error) {
		var out, errOut lockedBuffer
		err := run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
		return out.String(), err
	}
	out, err := do("export", "--user", sam.Key())
	if err != nil {
		t.Fatal(err)
	}
	var ex redisstore.Export
	if err := json.Unmarshal([]byte(out), &ex); err != nil || len(ex.Consultations) != 1 || ex.Consultations[0].Ref != c.Ref || len(ex.Profile) == 0 {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if _, err := do("erase", "--user", sam.Key()); err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Errorf("erase without --yes: %v", err)
	}
	if _, err := do("erase", "--user", "U0PRAC7", "--yes"); err == nil || !strings.Contains(err.Error(), "platform:team:user") {
		t.Errorf("erase with a bare id: %v", err)
	}
	out, err = do("erase", "--user", sam.Key(), "--yes")
	if err != nil || !strings.Contains(out, redisstore.ErasedPseudonym(sam.Key())) {
		t.Fatalf("erase: %v\n%s", err, out)
	}
	got, err := store.Consultation(ctx, c.Ref)
	if err != nil || got.Requester.UserID == sam.UserID || got.Requester.Name == sam.Name || got.Question != "advice on a leaflet" {
		t.Errorf("the consultation after erase: %+v, %v", got, err)
	}
	out, _ = do("export", "--user", sam.Key())
	if strings.Contains(out, c.Ref) {
		t.Errorf("export after erase still finds them:\n%s", out)
	}
	delete(env, "WAYMARK_REDIS_URL")
	if _, err := do("export", "--user", sam.Key()); err == nil || !strings.Contains(err.Error(), "redis.url") {
		t.Errorf("export without a configured Redis: %v", err)
	}
}
