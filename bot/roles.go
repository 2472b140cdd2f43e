package bot

import (
	"cmp"
	"context"
	"maps"
	"slices"
)

// Roles are what a person may see and do in the console.
type Roles struct {
	Specialisms []string // the queues whose requests they may claim, sorted
	DutyManager bool     // prompted, or an acknowledger, at some level of a ladder
	Lead        bool     // a safeguarding lead: sees every page
	CorpusOwner bool     // keeps the corpus: sees its gaps and health
}

// Any reports whether r lets its person into the console at all.
func (r Roles) Any() bool {
	return len(r.Specialisms) > 0 || r.DutyManager || r.Lead || r.CorpusOwner
}

// Specialist reports whether r may claim specialism's requests.
func (r Roles) Specialist(specialism string) bool {
	return slices.Contains(r.Specialisms, specialism)
}

// Roles returns p's roles, by the same rules as chat: a specialist is one
// the configuration names for a queue, a duty manager one a ladder prompts
// or lets acknowledge. A group that cannot be looked up right now counts as
// no, and the lookup's error is returned with the roles found without it.
func (d *Desk) Roles(ctx context.Context, p Person) (Roles, error) {
	var r Roles
	var lookupErr error
	for _, s := range slices.Sorted(maps.Keys(d.o.Queues)) {
		ok, err := d.isSpecialist(ctx, p, s)
		lookupErr = cmp.Or(lookupErr, err)
		if ok {
			r.Specialisms = append(r.Specialisms, s)
		}
	}
	for _, u := range slices.Sorted(maps.Keys(d.o.Policies)) {
		ok, err := d.prompted(ctx, p, Escalation{Urgency: u, Level: len(d.o.Policies[u].Levels) - 1})
		lookupErr = cmp.Or(lookupErr, err)
		r.DutyManager = r.DutyManager || ok
	}
	var err error
	r.Lead, err = d.isOneOf(ctx, p, d.o.Leads)
	lookupErr = cmp.Or(lookupErr, err)
	r.CorpusOwner, err = d.isOneOf(ctx, p, d.o.CorpusOwners)
	lookupErr = cmp.Or(lookupErr, err)
	return r, lookupErr
}
