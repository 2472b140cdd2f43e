package main

import (
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers/teams"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestDeskNotifierRoutesEveryConfiguredPlatform: the desk serve builds can
// reach Slack, Teams and web chat targets when each is configured.
func TestDeskNotifierRoutesEveryConfiguredPlatform(t *testing.T) {
	store, err := redisstore.New(redisstore.Config{URL: redistest.Start(t).URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	connector, err := teams.NewConnector(teams.ConnectorConfig{AppID: "app", AppSecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: &config.Config{Slack: config.SlackConfig{BotToken: "xoxb-test", APIURL: "https://slack.example/api/"}}}
	n, err := a.deskNotifier(store, connector)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bot.PlatformSlack, bot.PlatformTeams, bot.PlatformWeb} {
		if n[p] == nil {
			t.Errorf("no notifier for %s: %v", p, n)
		}
	}
	a.cfg.Slack = config.SlackConfig{}
	if n, _ := a.deskNotifier(store, nil); n[bot.PlatformSlack] != nil || n[bot.PlatformTeams] != nil || n[bot.PlatformWeb] == nil {
		t.Errorf("with neither Slack nor Teams: %v", n)
	}
}

// TestDeskTeamsTargetsGetTheHomeTenant: a single-tenant bot's Teams targets
// and specialists written without a tenant are given its tenant, in the
// lower case activities carry; Slack ones are left alone.
func TestDeskTeamsTargetsGetTheHomeTenant(t *testing.T) {
	const tenant = "11111111-1111-1111-1111-11111111111a"
	a := &app{cfg: &config.Config{
		Teams: config.TeamsConfig{AppID: "app", TenantID: "11111111-1111-1111-1111-11111111111A"},
		Consultations: config.ConsultationsConfig{Specialists: map[string][]string{
			"Psychology": {"teams:22222222-2222-2222-2222-222222222222", "slack:U1"},
		}},
	}}
	for in, want := range map[string]bot.Target{
		"teams:user:22222222-2222-2222-2222-222222222222": {Platform: "teams", TeamID: tenant, Kind: "user", ID: "22222222-2222-2222-2222-222222222222"},
		"teams:channel:19:duty@thread.tacv2":              {Platform: "teams", TeamID: tenant, Kind: "channel", ID: "19:duty@thread.tacv2"},
		"slack:channel:C1":                                {Platform: "slack", Kind: "channel", ID: "C1"},
	} {
		ct, err := config.ParseTarget(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.target(ct); got != want {
			t.Errorf("target(%s) = %+v, want %+v", in, got, want)
		}
	}
	got := a.specialists()["psychology"]
	if len(got) != 2 || got[0] != "teams:"+tenant+":22222222-2222-2222-2222-222222222222" || got[1] != "slack:U1" {
		t.Errorf("specialists = %q", got)
	}
}
