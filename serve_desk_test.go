package main

import (
	"log/slog"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// loadApp is the app with the configuration env gives, for main's
// platforms.
func loadApp(t *testing.T, env map[string]string) *app {
	t.Helper()
	t.Chdir(t.TempDir()) // no waymark.yaml
	a := &app{platforms: platforms, log: slog.New(slog.DiscardHandler)}
	var sections []config.Platform
	for _, p := range platforms {
		sections = append(sections, p)
	}
	cfg, err := config.Load(config.Sources{Getenv: func(k string) string { return env[k] }, Platforms: sections})
	if err != nil {
		t.Fatal(err)
	}
	a.cfg = cfg
	return a
}

// TestDeskNotifierRoutesEveryConfiguredPlatform: the platforms serve
// connects can reach their targets when each is configured, and only
// then.
func TestDeskNotifierRoutesEveryConfiguredPlatform(t *testing.T) {
	store, err := redisstore.New(redisstore.Config{URL: redistest.Start(t).URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := loadApp(t, map[string]string{
		"WAYMARK_SLACK_BOT_TOKEN": "xoxb-test", "WAYMARK_SLACK_SIGNING_SECRET": "s", "WAYMARK_SLACK_API_URL": "https://slack.example/api/",
		"WAYMARK_TEAMS_APP_ID": "app", "WAYMARK_TEAMS_APP_SECRET": "secret", "WAYMARK_TEAMS_ALLOW_ANY_TENANT": "true",
	})
	conns, err := (&Main{app: a}).connect(store)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range conns {
		got[c.name] = c.Notifier() != nil
	}
	if !got[bot.PlatformSlack] || !got[bot.PlatformTeams] || len(got) != 2 {
		t.Errorf("notifiers = %v, want slack and teams", got)
	}
	if conns[0].name != bot.PlatformSlack || conns[0].Directory() == nil {
		t.Errorf("slack, listed first, must look groups up: %+v", conns[0])
	}

	none := loadApp(t, nil)
	if conns, err := (&Main{app: none}).connect(store); err != nil || len(conns) != 0 {
		t.Errorf("with neither Slack nor Teams: %v, %v", conns, err)
	}
}

// TestDeskTeamsTargetsGetTheHomeTenant: a single-tenant bot's Teams targets
// and specialists written without a tenant are given its tenant, in the
// lower case activities carry; Slack ones are left alone.
func TestDeskTeamsTargetsGetTheHomeTenant(t *testing.T) {
	const tenant = "11111111-1111-1111-1111-11111111111a"
	a := loadApp(t, map[string]string{"WAYMARK_TEAMS_APP_ID": "app", "WAYMARK_TEAMS_APP_SECRET": "s", "WAYMARK_TEAMS_TENANT_ID": "11111111-1111-1111-1111-11111111111A"})
	a.cfg.Consultations = config.ConsultationsConfig{Specialists: map[string][]string{
		"Psychology": {"teams:22222222-2222-2222-2222-222222222222", "slack:U1"},
	}}
	for in, want := range map[string]bot.Target{
		"teams:user:22222222-2222-2222-2222-222222222222": {Platform: "teams", TeamID: tenant, Kind: "user", ID: "22222222-2222-2222-2222-222222222222"},
		"teams:channel:19:duty@thread.tacv2":              {Platform: "teams", TeamID: tenant, Kind: "channel", ID: "19:duty@thread.tacv2"},
		"slack:channel:C1":                                {Platform: "slack", Kind: "channel", ID: "C1"},
	} {
		got, err := a.target(in)
		if err != nil || got != want {
			t.Errorf("target(%s) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	got := a.specialists()["psychology"]
	if len(got) != 2 || got[0] != "teams:"+tenant+":22222222-2222-2222-2222-222222222222" || got[1] != "slack:U1" {
		t.Errorf("specialists = %q", got)
	}
}
