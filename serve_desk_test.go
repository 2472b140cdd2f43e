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
