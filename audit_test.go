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

func TestAuditExport(t *testing.T) {
	t.Chdir(t.TempDir())
	srv := redistest.Start(t)
	store, err := redisstore.New(redisstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	old := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	recent := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, e := range []bot.AuditEntry{
		{At: old, Ref: "WM-000001", Actor: "slack:T1:U1", Action: bot.AuditCreated},
		{At: recent, Ref: "WM-000002", Actor: "slack:T1:U1", Action: bot.AuditCreated},
		{At: recent.Add(time.Minute), Ref: "WM-000002", Actor: "slack:T1:U2", Action: bot.AuditClaimed},
	} {
		if err := store.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"WAYMARK_REDIS_URL": srv.URL()}
	var out, errOut lockedBuffer
	err = run(ctx, []string{"audit", "export", "--since", "2026-11-01"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the 2 since 1 November:\n%s", len(lines), out.String())
	}
	var first, second auditLine
	if json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("not JSON Lines: %s", out.String())
	}
	if first.Ref != "WM-000002" || first.Action != "created" || second.Action != "claimed" || second.Actor != "slack:T1:U2" || first.At != "2026-11-20T09:00:00Z" {
		t.Errorf("lines = %+v, %+v", first, second)
	}

	// Without --since, or without a configured Redis, it says what is missing.
	if _, _, err := runWaymark(t, "", "audit", "export"); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Errorf("no --since: %v", err)
	}
	if _, _, err := runWaymark(t, "", "audit", "export", "--since", "72h"); err == nil || !strings.Contains(err.Error(), "redis.url") {
		t.Errorf("no redis: %v", err)
	}
}
