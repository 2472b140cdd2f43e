package teams_test

import (
	"testing"

	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// TestTargetInTenant: a target or specialist written without a tenant
// belongs to the bot's only tenant; one naming its own keeps it, in lower
// case; groups and other platforms are left alone.
func TestTargetInTenant(t *testing.T) {
	const home = "11111111-1111-1111-1111-111111111111"
	s := &teams.Settings{AppID: "app", TenantID: home}
	for _, tc := range []struct{ in, want string }{
		{"teams:user:abc", home},
		{"teams:22222222-2222-2222-2222-22222222222F:user:abc", "22222222-2222-2222-2222-22222222222f"},
	} {
		tg, err := config.ParseTarget(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Target("", tg); got.TeamID != tc.want {
			t.Errorf("%s: tenant %q, want %q", tc.in, got.TeamID, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"teams:abc", "teams:" + home + ":abc"},
		{"teams:29:1abc", "teams:" + home + ":29:1abc"},
		{"teams:22222222-2222-2222-2222-22222222222F:abc", "teams:22222222-2222-2222-2222-22222222222f:abc"},
		{"teams:group:x", "teams:group:x"},
		{"slack:U1", "slack:U1"},
	} {
		if got, _ := s.Person("", tc.in); got != tc.want {
			t.Errorf("Person(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A bot serving several tenants cannot guess one.
	multi := &teams.Settings{AppID: "app"}
	if _, problems := multi.Person("specialist", "teams:abc"); len(problems) != 1 {
		t.Errorf("a tenant-less specialist of a multi-tenant bot: problems %q, want one", problems)
	}
}
