package slack_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestManifest keeps deploy/slack/manifest.yaml to exactly what the adapter
// uses: its scopes, events, command and endpoints.
func TestManifest(t *testing.T) {
	src, err := os.ReadFile("../../deploy/slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				HomeTab     bool `yaml:"home_tab_enabled"`
				MessagesTab bool `yaml:"messages_tab_enabled"`
			} `yaml:"app_home"`
			SlashCommands []struct {
				Command string `yaml:"command"`
				URL     string `yaml:"url"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot  []string `yaml:"bot"`
				User []string `yaml:"user"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				RequestURL string   `yaml:"request_url"`
				BotEvents  []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled    bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(m.OAuth.Scopes.Bot), []string{"app_mentions:read", "chat:write", "commands", "im:history", "users:read"}; !slices.Equal(got, want) {
		t.Errorf("bot scopes %v, want exactly %v", got, want)
	}
	if len(m.OAuth.Scopes.User) != 0 {
		t.Errorf("user scopes %v, want none", m.OAuth.Scopes.User)
	}
	if got, want := sorted(m.Settings.Events.BotEvents), []string{"app_home_opened", "app_mention", "message.im"}; !slices.Equal(got, want) {
		t.Errorf("bot events %v, want exactly %v", got, want)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/waymark" || !strings.HasSuffix(m.Features.SlashCommands[0].URL, "/slack/commands") {
		t.Errorf("slash commands %+v, want /waymark at /slack/commands", m.Features.SlashCommands)
	}
	if !strings.HasSuffix(m.Settings.Events.RequestURL, "/slack/events") {
		t.Errorf("events URL %q", m.Settings.Events.RequestURL)
	}
	if !m.Settings.Interactivity.Enabled || !strings.HasSuffix(m.Settings.Interactivity.RequestURL, "/slack/interactions") {
		t.Errorf("interactivity %+v", m.Settings.Interactivity)
	}
	if !m.Features.AppHome.HomeTab || !m.Features.AppHome.MessagesTab {
		t.Errorf("app home %+v, want the Home and Messages tabs", m.Features.AppHome)
	}
	if m.Settings.SocketMode {
		t.Error("socket mode is on; it should be off by default")
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
