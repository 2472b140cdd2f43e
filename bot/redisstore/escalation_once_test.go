package redisstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestCreateEscalationOnce(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	e := bot.Escalation{Trigger: bot.TriggerClaimSLA, Urgency: bot.UrgencyUrgent, State: bot.EscalationOpen,
		Requester: bot.Person{Platform: "slack", UserID: "U1"}, Summary: "WM-000001 not claimed", CreatedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]int{}
	created := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, isNew, err := s.CreateEscalationOnce(ctx, "sla:WM-000001:1", e)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			ids[got.ID]++
			if isNew {
				created++
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 || created != 1 {
		t.Errorf("ids %v, %d created: want one escalation for one key", ids, created)
	}
	other, isNew, err := s.CreateEscalationOnce(ctx, "sla:WM-000001:2", e)
	if err != nil || !isNew || ids[other.ID] != 0 {
		t.Errorf("another key: %+v, %v, %v: want a new escalation", other, isNew, err)
	}
}
