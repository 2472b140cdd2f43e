package bot_test

import (
	"slices"
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// TestRoles: the console's roles come from the same configuration as
// chat's: a queue's specialists, a ladder's user targets and acknowledgers
// (not everyone in a prompted channel), and the leads and corpus owners.
func TestRoles(t *testing.T) {
	f := newDesk(t)
	for _, tc := range []struct {
		user string
		want bot.Roles
	}{
		{psych1, bot.Roles{Specialisms: []string{"psychology"}}},
		{psych2, bot.Roles{Specialisms: []string{"psychology"}}},
		{"UPRV1", bot.Roles{Specialisms: []string{"prevent"}}},
		{dutyManagerUser, bot.Roles{DutyManager: true}},
		{serviceMgr, bot.Roles{DutyManager: true}},
		{"ULEAD1", bot.Roles{Lead: true}},
		{"UOWN1", bot.Roles{CorpusOwner: true}},
		{practitioner, bot.Roles{}},
	} {
		got, err := f.desk.Roles(t.Context(), from(tc.user).Sender())
		if err != nil {
			t.Errorf("%s: %v", tc.user, err)
		}
		if !slices.Equal(got.Specialisms, tc.want.Specialisms) || got.DutyManager != tc.want.DutyManager || got.Lead != tc.want.Lead || got.CorpusOwner != tc.want.CorpusOwner {
			t.Errorf("%s: roles %+v, want %+v", tc.user, got, tc.want)
		}
		if got.Any() != (tc.user != practitioner) {
			t.Errorf("%s: Any() = %v", tc.user, got.Any())
		}
	}
	// The same user id in another workspace is someone else.
	other := from(psych2).Sender()
	other.TeamID = "T2"
	if got, _ := f.desk.Roles(t.Context(), other); got.Any() {
		t.Errorf("%s in another workspace has roles %+v", psych2, got)
	}
}
